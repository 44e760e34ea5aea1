// The BLAS wrapper on the shapes raw cblas gets wrong or rejects (case C35).
#include "autograd/blas.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "autograd/ops.h"

namespace losslab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(BlasTest, BetaZeroOverwritesNaNOutput) {
  // C35 (a): [[1,2],[3,4]] . I = [[1,2],[3,4]] whatever C held.
  std::vector<double> A{1, 2, 3, 4}, B{1, 0, 0, 1}, C(4, kNaN);
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo, 2, 2, 2, 1.0, A.data(), 2,
             B.data(), 2, 0.0, C.data(), 2);
  EXPECT_EQ(C, (std::vector<double>{1, 2, 3, 4}));
}

TEST(BlasTest, EmptyInnerDimensionGivesZeros) {
  // C35 (b): (2x0) . (0x3) is a sum over nothing: zeros(2x3).
  std::vector<float> C(6, std::numeric_limits<float>::quiet_NaN());
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo, 2, 3, 0, 1.0f, nullptr, 0,
             nullptr, 3, 0.0f, C.data(), 3);
  EXPECT_EQ(C, std::vector<float>(6, 0.0f));
}

TEST(BlasTest, EmptyInnerDimensionScalesByBeta) {
  std::vector<double> C{1, 2};
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo, 1, 2, 0, 1.0, nullptr, 0,
             nullptr, 2, 3.0, C.data(), 2);
  EXPECT_EQ(C, (std::vector<double>{3, 6}));
}

TEST(BlasTest, MatmulWithZeroRowsIsEmpty) {
  // C35 (c): (0x4) . (4x3) -> 0x3 without calling BLAS with lda = 0.
  Tape<double> tape;
  Var<double> a = tape.variable(Tensor<double>(0, 4));
  Var<double> b = tape.variable(Tensor<double>(4, 3, 1.0));
  Var<double> c = matmul(a, b);
  EXPECT_EQ(c.rows(), 0);
  EXPECT_EQ(c.cols(), 3);
}

TEST(BlasTest, MatmulBackwardWithZeroRowsGivesZeroWeightGradient) {
  // C16/C35: W.grad = X^T G with X of zero rows is zeros(4x3), even when
  // the gradient buffer starts out holding NaN.
  Tape<double> tape;
  Parameter<double> w(Tensor<double>(4, 3, 0.5));
  w.grad.fill(kNaN);
  w.zero_grad();
  Var<double> x = tape.constant(Tensor<double>(0, 4));
  Var<double> loss = sum(matmul(x, tape.param(w)));
  EXPECT_EQ(loss.value().item(), 0.0);
  tape.backward(loss);
  for (std::size_t i = 0; i < w.grad.size(); ++i) EXPECT_EQ(w.grad[i], 0.0);
}

}  // namespace
}  // namespace losslab
