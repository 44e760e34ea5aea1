// Skinny float products split into tiles that OpenBLAS's SkylakeX kernels
// compute unpacked (autograd/blas.cc). This program re-executes itself
// with the better OpenBLAS kernel first, as losslab does, so that on an
// AVX-512 machine the tiles are really in effect.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "autograd/blas.h"

namespace losslab {
namespace {

using blas::Trans;

bool tiles_in_effect() { return blas::kernel_name() == "SkylakeX"; }

#define SKIP_WITHOUT_TILES()                                   \
  if (!tiles_in_effect()) {                                    \
    GTEST_SKIP() << "OpenBLAS kernel " << blas::kernel_name()  \
                 << ": products are not tiled on this kernel"; \
  }

// The widths below follow from the OpenBLAS permit test by hand: a tile
// must keep M N K <= 1e6 (and M N <= 1200, K >= 32 with B transposed).

TEST(SgemmTileTest, BatchOf8ThroughTheInputLayerSplitsColumns) {
  SKIP_WITHOUT_TILES();
  // 8 x 256 x 784: at most 1e6 / (8 * 784) = 159 columns a tile, so two
  // tiles of 128.
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kNo, Trans::kNo, 8, 256, 784), 128);
}

TEST(SgemmTileTest, WeightGradientOfABatchOf8SplitsRows) {
  SKIP_WITHOUT_TILES();
  // X^T dY, 784 x 256 x 8: at most 1e6 / (256 * 8) = 488 rows, so two
  // tiles of 392, rounded up to 400 (a multiple of 16 that still fits).
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kYes, Trans::kNo, 784, 256, 8), 400);
}

TEST(SgemmTileTest, TransposedBKeepsTilesUnder1200Elements) {
  SKIP_WITHOUT_TILES();
  // dY W^T, 8 x 256 x 128: the area rule allows 1200 / 8 = 150 columns.
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kNo, Trans::kYes, 8, 256, 128), 128);
}

TEST(SgemmTileTest, TransposedBWithShortKIsOneCall) {
  SKIP_WITHOUT_TILES();
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kNo, Trans::kYes, 8, 256, 16), 0);
}

TEST(SgemmTileTest, BothTransposedIsOneCall) {
  SKIP_WITHOUT_TILES();
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kYes, Trans::kYes, 8, 256, 784), 0);
}

TEST(SgemmTileTest, LargeBatchIsOneCall) {
  SKIP_WITHOUT_TILES();
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kNo, Trans::kNo, 64, 256, 784), 0);
}

TEST(SgemmTileTest, ProductSmallEnoughWholeIsOneCall) {
  SKIP_WITHOUT_TILES();
  // 4 x 256 x 784 = 802,816 already passes the test whole.
  EXPECT_EQ(blas::sgemm_tile_width(Trans::kNo, Trans::kNo, 4, 256, 784), 0);
}

// One product through blas::gemm in float against the definition in
// double. The matrices sit inside larger buffers (leading dimensions 3
// wider than needed), so a tile that used its width for a stride, or
// wrote past its columns, shows up.
void expect_tiled_product_matches(Trans trans_a, Trans trans_b, int M, int N,
                                  int K, float beta) {
  const bool ta = trans_a == Trans::kYes, tb = trans_b == Trans::kYes;
  const int a_rows = ta ? K : M, a_cols = ta ? M : K;
  const int b_rows = tb ? N : K, b_cols = tb ? K : N;
  const int lda = a_cols + 3, ldb = b_cols + 3, ldc = N + 3;
  std::vector<float> A(std::size_t(a_rows) * lda), B(std::size_t(b_rows) * ldb);
  for (std::size_t i = 0; i < A.size(); ++i)
    A[i] = float((i * 37 % 101) / 50.0 - 1);
  for (std::size_t i = 0; i < B.size(); ++i)
    B[i] = float((i * 53 % 97) / 48.0 - 1);
  const float sentinel = -1234.5f;
  std::vector<float> C(std::size_t(M) * ldc, sentinel);
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      C[std::size_t(i) * ldc + j] =
          beta == 0 ? std::numeric_limits<float>::quiet_NaN()
                    : float(i - j) / 8;
    }
  }
  const std::vector<float> C0 = C;
  if (tiles_in_effect()) {
    ASSERT_GT(blas::sgemm_tile_width(trans_a, trans_b, M, N, K), 0)
        << "this shape no longer exercises the tiled path";
  }
  blas::gemm(trans_a, trans_b, M, N, K, 0.5f, A.data(), lda, B.data(), ldb,
             beta, C.data(), ldc);

  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < ldc; ++j) {
      const std::size_t at = std::size_t(i) * ldc + j;
      if (j >= N) {
        ASSERT_EQ(C[at], sentinel)
            << "wrote outside C at row " << i << ", column " << j;
        continue;
      }
      double s = 0, scale = 0;
      for (int k = 0; k < K; ++k) {
        const double a =
            ta ? A[std::size_t(k) * lda + i] : A[std::size_t(i) * lda + k];
        const double b =
            tb ? B[std::size_t(j) * ldb + k] : B[std::size_t(k) * ldb + j];
        s += a * b;
        scale += std::abs(a * b);
      }
      const double expected = 0.5 * s + (beta == 0 ? 0.0 : beta * C0[at]);
      ASSERT_NEAR(C[at], expected, 1e-5 * scale + 1e-6)
          << M << " x " << N << " x " << K << " ta=" << ta << " tb=" << tb
          << " beta=" << beta << " at (" << i << ", " << j << ")";
    }
  }
}

TEST(SgemmTileTest, ColumnTilesMatchTheDefinition) {
  // 7 x 250 x 784: tiles of 128 and 122 columns.
  expect_tiled_product_matches(Trans::kNo, Trans::kNo, 7, 250, 784, 0.0f);
}

TEST(SgemmTileTest, ColumnTilesAccumulateWithBeta) {
  expect_tiled_product_matches(Trans::kNo, Trans::kNo, 8, 256, 784, 1.0f);
}

TEST(SgemmTileTest, RowTilesOfATransposedAMatchTheDefinition) {
  // X^T dY with X 8 x 777: row tiles, the last one short.
  expect_tiled_product_matches(Trans::kYes, Trans::kNo, 777, 256, 8, 0.0f);
}

TEST(SgemmTileTest, RowTilesOfAPlainAMatchTheDefinition) {
  // 300 x 12 x 300: M is the longer side, A untransposed.
  expect_tiled_product_matches(Trans::kNo, Trans::kNo, 300, 12, 300, 0.5f);
}

TEST(SgemmTileTest, ColumnTilesOfATransposedBMatchTheDefinition) {
  expect_tiled_product_matches(Trans::kNo, Trans::kYes, 8, 250, 128, 0.0f);
}

TEST(SgemmTileTest, RowTilesOfATransposedBMatchTheDefinition) {
  expect_tiled_product_matches(Trans::kNo, Trans::kYes, 250, 8, 128, 1.0f);
}

}  // namespace
}  // namespace losslab

int main(int argc, char** argv) {
  losslab::blas::reexec_for_better_kernel(argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
