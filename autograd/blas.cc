#include "autograd/blas.h"

#include <cblas.h>

namespace losslab::blas {
namespace {

CBLAS_TRANSPOSE to_cblas(Trans t) {
  return t == Trans::kYes ? CblasTrans : CblasNoTrans;
}

// Handles the shapes cblas does not: with an empty inner dimension the
// product is a sum over nothing, so C = beta * C, and BLAS must not be
// called because it would reject lda or ldb of 0.
template <class T>
bool handle_degenerate(int M, int N, int K, T beta, T* C, int ldc) {
  if (M == 0 || N == 0) return true;
  if (K > 0) return false;
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      T& c = C[i * ldc + j];
      c = beta == T(0) ? T(0) : beta * c;
    }
  }
  return true;
}

}  // namespace

void gemm(Trans trans_a, Trans trans_b,         //
          int M, int N, int K,                  //
          float alpha, const float* A, int lda,  //
          const float* B, int ldb,               //
          float beta, float* C, int ldc) {
  if (handle_degenerate(M, N, K, beta, C, ldc)) return;
  cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b),  //
              M, N, K,                                              //
              alpha, A, lda,                                        //
              B, ldb,                                               //
              beta, C, ldc);
}

void gemm(Trans trans_a, Trans trans_b,           //
          int M, int N, int K,                    //
          double alpha, const double* A, int lda,  //
          const double* B, int ldb,                //
          double beta, double* C, int ldc) {
  if (handle_degenerate(M, N, K, beta, C, ldc)) return;
  cblas_dgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b),  //
              M, N, K,                                              //
              alpha, A, lda,                                        //
              B, ldb,                                               //
              beta, C, ldc);
}

void set_num_threads(int threads) { openblas_set_num_threads(threads); }
int num_threads() { return openblas_get_num_threads(); }

}  // namespace losslab::blas
