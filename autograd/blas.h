// The only place in losslab that calls BLAS.
//
// gemm computes C = alpha * op(A) * op(B) + beta * C for row-major float or
// double matrices, where op(X) is X or its transpose, op(A) is M x K and
// op(B) is K x N. Unlike raw cblas it is defined for empty matrices: with
// M or N zero it does nothing, and with K zero it sets C to beta * C (and to
// exact zeros when beta is 0, whatever C held, NaN included). With beta 0, C
// is always overwritten, never read.
#pragma once

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

// Sets the number of threads OpenBLAS uses in this process; 1 gives
// bit-reproducible results run to run.
void set_num_threads(int threads);
int num_threads();

}  // namespace losslab::blas
