// Symmetric cross-entropy: value and gradient by hand, gradients, limits.
#include "losses/symmetric_ce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

TEST(SymmetricCrossEntropyTest, ValueByHand) {
  // z = [0, 0], target 0, alpha 0.1, beta 1, A = -4:
  // CE = log 2; RCE = -A (1 - p_t) = 4 * 0.5 = 2;
  // SCE = 0.1 * 0.693147 + 2 = 2.0693147
  EXPECT_NEAR(
      loss_value(SymmetricCrossEntropy(), Tensor<double>(1, 2), {0}).item(),
      0.1 * std::log(2.0) + 2.0, 1e-15);
}

TEST(SymmetricCrossEntropyTest, GradientByHand) {
  // dSCE/dz = (alpha - beta A p_t) (p - e) = (0.1 + 4 * 0.5) [-0.5, 0.5]
  //         = [-1.05, 1.05]
  Tensor<double> g =
      loss_grad(SymmetricCrossEntropy(), Tensor<double>(1, 2), {0});
  EXPECT_NEAR(g[0], -1.05, 1e-15);
  EXPECT_NEAR(g[1], 1.05, 1e-15);
}

TEST(SymmetricCrossEntropyTest, GradientMatchesFiniteDifferences) {
  testing::expect_gradcheck_all_reductions(
      SymmetricCrossEntropy({.alpha = 0.5, .beta = 2, .A = -3}),
      testing::random_tensor(4, 3, 91), {2, 2, 0, 1});
}

TEST(SymmetricCrossEntropyTest, LargeLogitsStayExact) {
  // z = [1000, -1000], target 1: CE = 2000, p_t = 0, RCE = 4:
  // 0.1 * 2000 + 4 = 204; gradient (0.1 + 0) (p - e) = [0.1, -0.1].
  Tensor<float> z(1, 2, {1000.0f, -1000.0f});
  EXPECT_NEAR(loss_value(SymmetricCrossEntropy(), z, {1}).item(), 204.0f,
              1e-3f);
  Tensor<float> g = loss_grad(SymmetricCrossEntropy(), z, {1});
  EXPECT_NEAR(g[0], 0.1f, 1e-7f);
  EXPECT_NEAR(g[1], -0.1f, 1e-7f);
}

TEST(SymmetricCrossEntropyTest, BetaTimesMinusAAtMaxLossScaleIsFinite) {
  // Float, z = [0, 0], target 0, alpha 0.1, beta 1e15, A = -1e15
  // (beta * -A = 1e30): RCE = 1e15 * 0.5, SCE = 0.1 log 2 + 5e29 = 5e29;
  // gradient (alpha - beta A p_t) (p - e) = 5e29 * [-0.5, 0.5].
  SymmetricCrossEntropy sce({.alpha = 0.1, .beta = 1e15, .A = -1e15});
  Tensor<float> z(1, 2);
  EXPECT_NEAR(loss_value(sce, z, {0}).item(), 5e29f, 5e29f * 1e-6f);
  Tensor<float> g = loss_grad(sce, z, {0});
  EXPECT_NEAR(g[0], -2.5e29f, 2.5e29f * 1e-6f);
  EXPECT_NEAR(g[1], 2.5e29f, 2.5e29f * 1e-6f);
}

TEST(SymmetricCrossEntropyTest, RejectsAlphaPastMaxLossScale) {
  EXPECT_THROW(SymmetricCrossEntropy({.alpha = 1e31, .beta = 1, .A = -4}),
               std::invalid_argument);
}

TEST(SymmetricCrossEntropyTest, RejectsAPastMaxLossScale) {
  EXPECT_THROW(SymmetricCrossEntropy({.alpha = 0.1, .beta = 1, .A = -1e31}),
               std::invalid_argument);
}

TEST(SymmetricCrossEntropyTest, RejectsBetaTimesMinusAPastMaxLossScale) {
  EXPECT_THROW(SymmetricCrossEntropy({.alpha = 0.1, .beta = 1e20, .A = -1e20}),
               std::invalid_argument);
}

TEST(SymmetricCrossEntropyTest, RejectsBadParameters) {
  EXPECT_THROW(SymmetricCrossEntropy({.alpha = 0, .beta = 0, .A = -4}),
               std::invalid_argument);
  EXPECT_THROW(SymmetricCrossEntropy({.alpha = -1, .beta = 1, .A = -4}),
               std::invalid_argument);
  EXPECT_THROW(SymmetricCrossEntropy({.alpha = 0.1, .beta = 1, .A = 0}),
               std::invalid_argument);
}

}  // namespace
}  // namespace losslab
