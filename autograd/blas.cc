#include "autograd/blas.h"

#include <cblas.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>

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

// Matrix-vector and rank-one shapes, where sgemm's packing of the whole
// matrix costs more than the arithmetic (a batch of one sample, or the
// weight gradient of one). Returns false for shapes that need gemm.
//   M == 1:  c (1 x N) = alpha a (1 x K) op(B) + beta c   -> gemv on op(B)^T
//   N == 1:  c (M x 1) = alpha op(A) b (K x 1) + beta c   -> gemv on op(A)
//   K == 1:  C (M x N) = alpha a (M) b (N)^T + beta C     -> ger
template <class T, class Gemv, class Ger>
bool vector_shapes(Trans trans_a, Trans trans_b, int M, int N, int K, T alpha,
                   const T* A, int lda, const T* B, int ldb, T beta, T* C,
                   int ldc, Gemv gemv, Ger ger) {
  const bool ta = trans_a == Trans::kYes, tb = trans_b == Trans::kYes;
  if (M == 1) {
    // a_k = op(A)(0, k): stride 1 when A is 1 x K, lda when A is K x 1.
    const int inc_a = ta ? lda : 1;
    // op(B)^T is B^T for a K x N B, and B itself for an N x K B.
    if (beta == T(0)) std::fill(C, C + N, T(0));
    if (tb) {
      gemv(CblasRowMajor, CblasNoTrans, N, K, alpha, B, ldb, A, inc_a, beta, C,
           1);
    } else {
      gemv(CblasRowMajor, CblasTrans, K, N, alpha, B, ldb, A, inc_a, beta, C,
           1);
    }
    return true;
  }
  if (N == 1) {
    // b_k = op(B)(k, 0): stride ldb when B is K x 1, 1 when B is 1 x K.
    const int inc_b = tb ? 1 : ldb;
    if (beta == T(0)) {
      for (int i = 0; i < M; ++i) C[i * ldc] = T(0);
    }
    if (ta) {
      gemv(CblasRowMajor, CblasTrans, K, M, alpha, A, lda, B, inc_b, beta, C,
           ldc);
    } else {
      gemv(CblasRowMajor, CblasNoTrans, M, K, alpha, A, lda, B, inc_b, beta, C,
           ldc);
    }
    return true;
  }
  if (K == 1) {
    // a_i = op(A)(i, 0), b_j = op(B)(0, j).
    const int inc_a = ta ? 1 : lda, inc_b = tb ? ldb : 1;
    if (beta == T(0)) {
      // Overwrite in one pass: ger can only add, and zero-filling first
      // would double the memory traffic over C (a weight gradient).
      for (int i = 0; i < M; ++i) {
        T* __restrict row = C + std::size_t(i) * ldc;
        const T ai = alpha * A[std::size_t(i) * inc_a];
        if (inc_b == 1) {
          // The usual case (b is a row of dY): a vectorisable loop.
          const T* __restrict b = B;
          for (int j = 0; j < N; ++j) row[j] = ai * b[j];
        } else {
          for (int j = 0; j < N; ++j) row[j] = ai * B[std::size_t(j) * inc_b];
        }
      }
      return true;
    }
    if (beta != T(1)) {
      for (int i = 0; i < M; ++i) {
        T* row = C + std::size_t(i) * ldc;
        for (int j = 0; j < N; ++j) row[j] *= beta;
      }
    }
    ger(CblasRowMajor, M, N, alpha, A, inc_a, B, inc_b, C, ldc);
    return true;
  }
  return false;
}

// OpenBLAS's SkylakeX kernels (Debian 12's 0.3.21 has them) compute a
// small product straight from the operands, without first copying them
// into the panel format, when the kernel's permit test passes. In
// row-major terms:
//   M N K <= 1e6, never with both operands transposed, and with op(B)
//   transposed (C = A B^T) only when M N <= 1200 and K >= 32.
// A product that fails the test is packed whole: a batch of 8 through a
// 784 x 256 layer copies the entire weight matrix and runs at 47 GFLOP/s
// against 100 on the unpacked path (measured, one SkylakeX core).
//
// So a skinny product, one whose smallest dimension (the batch, in a
// training step) is at most kSkinny, is split along its longer output
// dimension into tiles that each pass the test. Every element of C is
// still one dot product over all of K, computed by one call; only which
// kernel computes it changes. Larger products are left whole: their
// packing is repaid by reuse, and tiling them measured slower.
//
// Only on the SkylakeX kernels: on the Haswell kernels the same tiles
// measured 3-12% slower, because there every tile is packed in turn.
// Limitation: the other AVX-512 kernels (Cooperlake, SapphireRapids) are
// not measured, so they are left untiled.
constexpr double kSmallVolume = 1e6;         // M N K
constexpr long kSmallTransposedArea = 1200;  // M N, when op(B) = B^T
constexpr int kSmallTransposedMinK = 32;
constexpr int kSkinny = 32;
constexpr long kMinTile = 16;    // narrower tiles lose to the packed path
constexpr long kTileAlign = 16;  // floats in an AVX-512 register

// The tile width along the output's longer dimension `split`, or 0 for one
// call; `other` is the shorter one.
long small_tile(bool ta, bool tb, long split, long other, long K) {
  static const bool small_kernels = kernel_name() == "SkylakeX";
  if (!small_kernels) return 0;
  if (std::min({split, other, K}) > kSkinny) return 0;
  if (ta && tb) return 0;
  if (tb && K < kSmallTransposedMinK) return 0;
  long widest = long(kSmallVolume / (double(other) * double(K)));
  if (tb) widest = std::min(widest, kSmallTransposedArea / other);
  if (widest >= split || widest < kMinTile) return 0;
  // As few tiles as fit, of equal width, rounded up to whole registers
  // where that still passes.
  const long tiles = (split + widest - 1) / widest;
  const long even = (split + tiles - 1) / tiles;
  const long aligned = (even + kTileAlign - 1) / kTileAlign * kTileAlign;
  return aligned <= widest ? aligned : even;
}

}  // namespace

long sgemm_tile_width(Trans trans_a, Trans trans_b, int M, int N, int K) {
  if (M <= 1 || N <= 1 || K <= 1) return 0;  // gemv, ger or degenerate
  return small_tile(trans_a == Trans::kYes, trans_b == Trans::kYes,
                    std::max(M, N), std::min(M, N), K);
}

namespace {

// cblas_sgemm, tiled by sgemm_tile_width() when that pays (see above):
// along columns when N >= M, else along rows.
void tiled_sgemm(Trans trans_a, Trans trans_b, int M, int N, int K, float alpha,
                 const float* A, int lda, const float* B, int ldb, float beta,
                 float* C, int ldc) {
  const bool ta = trans_a == Trans::kYes, tb = trans_b == Trans::kYes;
  const bool split_n = N >= M;
  const long tile = sgemm_tile_width(trans_a, trans_b, M, N, K);
  if (tile == 0) {
    cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b),  //
                M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (split_n) {
    // C[:, j:j+w] = op(A) op(B)[:, j:j+w]: columns j of op(B) start at
    // B + j (B is K x N) or at row j of B (B is N x K).
    for (long j = 0; j < N; j += tile) {
      const int w = int(std::min<long>(tile, N - j));
      const float* b = tb ? B + j * ldb : B + j;
      cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b),  //
                  M, w, K, alpha, A, lda, b, ldb, beta, C + j, ldc);
    }
  } else {
    // C[i:i+h, :] = op(A)[i:i+h, :] op(B): rows i of op(A) start at row i
    // of A (A is M x K) or at A + i (A is K x M).
    for (long i = 0; i < M; i += tile) {
      const int h = int(std::min<long>(tile, M - i));
      const float* a = ta ? A + i : A + i * lda;
      cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b),  //
                  h, N, K, alpha, a, lda, B, ldb, beta, C + i * ldc, ldc);
    }
  }
}

}  // namespace

void gemm(Trans trans_a, Trans trans_b,          //
          int M, int N, int K,                   //
          float alpha, const float* A, int lda,  //
          const float* B, int ldb,               //
          float beta, float* C, int ldc) {
  if (handle_degenerate(M, N, K, beta, C, ldc)) return;
  if (vector_shapes(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C,
                    ldc, cblas_sgemv, cblas_sger)) {
    return;
  }
  tiled_sgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm(Trans trans_a, Trans trans_b,            //
          int M, int N, int K,                     //
          double alpha, const double* A, int lda,  //
          const double* B, int ldb,                //
          double beta, double* C, int ldc) {
  if (handle_degenerate(M, N, K, beta, C, ldc)) return;
  if (vector_shapes(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C,
                    ldc, cblas_dgemv, cblas_dger)) {
    return;
  }
  cblas_dgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b),  //
              M, N, K,                                              //
              alpha, A, lda,                                        //
              B, ldb,                                               //
              beta, C, ldc);
}

void set_num_threads(int threads) { openblas_set_num_threads(threads); }
int num_threads() { return openblas_get_num_threads(); }

std::string kernel_name() {
  const char* name = openblas_get_corename();
  return name ? name : "";
}

std::string better_kernel() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return "";
  if (kernel_name() != "Prescott") return "";
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return "Haswell";
  }
#endif
  return "";
}

void reexec_for_better_kernel(char** argv) {
  const std::string kernel = better_kernel();
  if (kernel.empty() || argv == nullptr || argv[0] == nullptr) return;
  if (::setenv("OPENBLAS_CORETYPE", kernel.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Only reached when execv failed (no /proc, say): carry on as before.
  ::unsetenv("OPENBLAS_CORETYPE");
}

}  // namespace losslab::blas
