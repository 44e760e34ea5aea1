// The only place in losslab that calls BLAS.
//
// gemm computes C = alpha * op(A) * op(B) + beta * C for row-major float or
// double matrices, where op(X) is X or its transpose, op(A) is M x K and
// op(B) is K x N. Unlike raw cblas it is defined for empty matrices: with
// M or N zero it does nothing, and with K zero it sets C to beta * C (and to
// exact zeros when beta is 0, whatever C held, NaN included). With beta 0, C
// is always overwritten, never read.
#pragma once

#include <string>

namespace losslab::blas {

enum class Trans { kNo, kYes };

void gemm(Trans trans_a, Trans trans_b,          //
          int M, int N, int K,                   //
          float alpha, const float* A, int lda,  //
          const float* B, int ldb,               //
          float beta, float* C, int ldc);
void gemm(Trans trans_a, Trans trans_b,            //
          int M, int N, int K,                     //
          double alpha, const double* A, int lda,  //
          const double* B, int ldb,                //
          double beta, double* C, int ldc);

// How gemm splits a float product whose smallest dimension is at most 32
// (a small batch) when OpenBLAS runs its SkylakeX kernels: the width of the
// tiles along C's longer dimension (columns when N >= M, else rows), each one
// cblas_sgemm call that OpenBLAS computes without packing, or 0 when the
// product is one call. Every element of C is still computed by one call over
// all of K.
long sgemm_tile_width(Trans trans_a, Trans trans_b, int M, int N, int K);

// Sets the number of threads OpenBLAS uses in this process; 1 gives
// bit-reproducible results run to run.
void set_num_threads(int threads);
int num_threads();

// The name of the kernel family OpenBLAS chose for this CPU when it loaded,
// e.g. "Haswell", "SkylakeX" or "Prescott" (its generic x86-64 fallback).
std::string kernel_name();

// OpenBLAS chooses its kernels once, when the library loads, from the CPU
// models it knows. A CPU newer than the OpenBLAS build gets the generic
// "Prescott" kernels, three to four times slower for sgemm, although the CPU
// has AVX2 or AVX-512. For that case this returns the kernel family that
// fits the CPU's features ("SkylakeX" with AVX-512, "Haswell" with AVX2 and
// FMA), which OPENBLAS_CORETYPE can ask for; it returns "" when OpenBLAS
// chose a specific kernel, when OPENBLAS_CORETYPE is already set (the
// user's choice stands) or when no better kernel fits.
std::string better_kernel();

// For programs, first thing in main(): when better_kernel() names a kernel,
// sets OPENBLAS_CORETYPE to it and re-executes the running program
// (/proc/self/exe) with the same arguments, so that OpenBLAS loads again
// and picks that kernel. Returns, leaving everything as it was, when there
// is nothing to do or the program cannot be re-executed; results are the
// same either way, only slower. The variable being set afterwards prevents
// a second re-execution.
void reexec_for_better_kernel(char** argv);

}  // namespace losslab::blas
