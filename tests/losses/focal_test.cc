// Focal loss: case C31, gamma = 0 against bce and ce, alpha, gradients.
#include "losses/focal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "losses/bce.h"
#include "losses/cross_entropy.h"
#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

// C31: x = [-100, -100, 100, 100], y = [0, 1, 0, 1], gamma = 0.5.
const std::vector<int> kY = {0, 1, 0, 1};
const FocalLoss kFocalHalf({.gamma = 0.5, .alpha = -1});

template <class T>
Tensor<T> c31_logits() {
  return Tensor<T>(4, 1, {T(-100), T(-100), T(100), T(100)});
}

TEST(FocalLossTest, SaturatedProbabilitiesValue) {
  Tensor<double> l =
      loss_value(kFocalHalf, c31_logits<double>(), kY, Reduction::kNone);
  const double expected[] = {7.1751e-66, 100, 100, 7.1751e-66};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(l[i], expected[i], 1e-4 * expected[i]) << i;
  }
}

TEST(FocalLossTest, SaturatedProbabilitiesGradient) {
  Tensor<double> g =
      loss_grad(kFocalHalf, c31_logits<double>(), kY, Reduction::kSum);
  const double expected[] = {1.07626e-65, -1, 1, -1.07626e-65};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(g[i], expected[i], 1e-5 * std::abs(expected[i])) << i;
  }
}

TEST(FocalLossTest, SaturatedProbabilitiesGradientFiniteInFloat) {
  // float: [0, -1, 1, 0], never NaN.
  Tensor<float> g =
      loss_grad(kFocalHalf, c31_logits<float>(), kY, Reduction::kSum);
  const float expected[] = {0, -1, 1, 0};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(g[i], expected[i], 1e-6f) << i;
}

TEST(FocalLossTest, MeanDividesByFour) {
  // (100 + 100 + 2 * 7.1751e-66) / 4 = 50
  EXPECT_NEAR(loss_value(kFocalHalf, c31_logits<double>(), kY).item(), 50.0,
              1e-12);
}

TEST(FocalLossTest, SanityPoints) {
  // C31: x = 0, y = 1: 0.490129 and -0.476086; x = 1.3: y = 1 grad
  // -0.142935, y = 0 grad 0.842903.
  Tensor<double> x0(1, 1);
  EXPECT_NEAR(loss_value(kFocalHalf, x0, {1}).item(), 0.490129, 1e-6);
  EXPECT_NEAR(loss_grad(kFocalHalf, x0, {1}).item(), -0.476086, 1e-6);
  Tensor<double> x13(1, 1, {1.3});
  EXPECT_NEAR(loss_grad(kFocalHalf, x13, {1}).item(), -0.142935, 1e-6);
  EXPECT_NEAR(loss_grad(kFocalHalf, x13, {0}).item(), 0.842903, 1e-6);
}

// gamma = 0 is bce exactly, value and gradient, on C04's inputs.
TEST(FocalLossTest, GammaZeroEqualsBceExactly) {
  FocalLoss focal({.gamma = 0, .alpha = -1});
  Tensor<double> x(6, 1, {-100.0, -50.0, 0.0, 50.0, 100.0, 8e7});
  std::vector<int> y = {0, 0, 1, 1, 1, 0};
  for (Reduction r : {Reduction::kSum, Reduction::kMean}) {
    EXPECT_EQ(loss_value(focal, x, y, r).item(),
              loss_value(BceWithLogits(), x, y, r).item());
    Tensor<double> gf = loss_grad(focal, x, y, r);
    Tensor<double> gb = loss_grad(BceWithLogits(), x, y, r);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(gf[i], gb[i]) << i;
  }
}

TEST(FocalLossTest, SoftmaxGammaZeroEqualsCeExactly) {
  FocalLoss focal({.gamma = 0, .alpha = -1, .link = OutputKind::kSoftmax});
  Tensor<double> z = testing::random_tensor(3, 4, 71, -30, 30);
  std::vector<int> y = {3, 0, 1};
  EXPECT_EQ(loss_value(focal, z, y).item(),
            loss_value(SoftmaxCrossEntropy(), z, y).item());
  Tensor<double> gf = loss_grad(focal, z, y);
  Tensor<double> gc = loss_grad(SoftmaxCrossEntropy(), z, y);
  for (std::size_t k = 0; k < gf.size(); ++k) EXPECT_EQ(gf[k], gc[k]) << k;
}

TEST(FocalLossTest, AlphaWeightsPositiveAndNegativeTerms) {
  // x = 0, gamma = 2: (1/2)^2 log 2 = 0.173287; times alpha = 0.25 for
  // y = 1 (0.0433217) and 1 - alpha = 0.75 for y = 0 (0.129965).
  FocalLoss focal({.gamma = 2, .alpha = 0.25});
  Tensor<double> l =
      loss_value(focal, Tensor<double>(2, 1), {1, 0}, Reduction::kNone);
  EXPECT_NEAR(l[0], 0.25 * 0.25 * std::log(2.0), 1e-15);
  EXPECT_NEAR(l[1], 0.75 * 0.25 * std::log(2.0), 1e-15);
}

TEST(FocalLossTest, SoftmaxValueByHand) {
  // z = [0, 0], target 0: p_t = 1/2, (1/2)^2 log 2 = 0.173287
  FocalLoss focal({.gamma = 2, .alpha = -1, .link = OutputKind::kSoftmax});
  EXPECT_NEAR(loss_value(focal, Tensor<double>(1, 2), {0}).item(),
              0.25 * std::log(2.0), 1e-15);
}

TEST(FocalLossTest, GradientMatchesFiniteDifferences) {
  Tensor<double> z1 = testing::random_tensor(4, 1, 72);
  Tensor<double> z3 = testing::random_tensor(4, 3, 73);
  std::vector<int> y1 = {0, 1, 1, 0}, y3 = {2, 0, 1, 2};
  testing::expect_gradcheck_all_reductions(FocalLoss(), z1, y1);
  testing::expect_gradcheck_all_reductions(
      FocalLoss({.gamma = 0.5, .alpha = 0.25}), z3, y3);
  testing::expect_gradcheck_all_reductions(
      FocalLoss({.gamma = 2, .alpha = -1, .link = OutputKind::kSoftmax}), z3,
      y3);
}

TEST(FocalLossTest, SoftmaxSaturatedGradientIsFinite) {
  // p_t rounds to 1 (target 0) and to 0 (target 1), gamma = 0.5 < 1.
  FocalLoss focal({.gamma = 0.5, .alpha = -1, .link = OutputKind::kSoftmax});
  Tensor<float> z(2, 2, {100.0f, -100.0f, 100.0f, -100.0f});
  Tensor<float> g = loss_grad(focal, z, {0, 1}, Reduction::kSum);
  for (int k = 0; k < 4; ++k) EXPECT_TRUE(std::isfinite(g[k])) << k;
  // target 1: p_t = e^-200, loss ~ 200, gradient ~ p - onehot = [1, -1].
  EXPECT_NEAR(g[2], 1.0f, 1e-6f);
  EXPECT_NEAR(g[3], -1.0f, 1e-6f);
}

TEST(FocalLossTest, GammaAtMaxLossScaleKeepsFloatGradientFinite) {
  // z = -200, y = 1, gamma = 1e30, sum: t = -200, fl0 = -log s(-200) = 200
  // and log s(200) rounds to 0 in float, so the factor is exp(0) = 1 and
  // the loss 200. Backward: 200 * gamma = 2e32 (finite; with gamma = 1e37
  // it was inf, and inf * s(-200) = inf * 0 = NaN), times s(-200) = 0,
  // plus the CE path -s(200) = -1: gradient -1.
  FocalLoss focal({.gamma = 1e30, .alpha = -1});
  Tensor<float> z(1, 1, {-200.0f});
  EXPECT_NEAR(loss_value(focal, z, {1}, Reduction::kSum).item(), 200.0f, 1e-4f);
  EXPECT_NEAR(loss_grad(focal, z, {1}, Reduction::kSum).item(), -1.0f, 1e-6f);
}

TEST(FocalLossTest, RejectsGammaPastMaxLossScale) {
  EXPECT_THROW(FocalLoss({.gamma = 1e31, .alpha = -1}), std::invalid_argument);
}

TEST(FocalLossTest, RejectsNanGamma) {
  EXPECT_THROW(FocalLoss({.gamma = std::nan(""), .alpha = -1}),
               std::invalid_argument);
}

TEST(FocalLossTest, RejectsBadParameters) {
  EXPECT_THROW(FocalLoss({.gamma = -1, .alpha = -1}), std::invalid_argument);
  EXPECT_THROW(FocalLoss({.gamma = 2, .alpha = 2}), std::invalid_argument);
  EXPECT_THROW(
      FocalLoss({.gamma = 2, .alpha = 0.25, .link = OutputKind::kSoftmax}),
      std::invalid_argument);
}

}  // namespace
}  // namespace losslab
