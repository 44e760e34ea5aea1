// BCE on logits: case C04, values by hand, pos_weight, K sigmoids.
#include "losses/bce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

// C04: x = [-100, -50, 0, 50, 100, 8e7], y = [0, 0, 1, 1, 1, 0].
const Tensor<double> kX(6, 1, {-100.0, -50.0, 0.0, 50.0, 100.0, 8e7});
const std::vector<int> kY = {0, 0, 1, 1, 1, 0};

TEST(BceWithLogitsTest, LargeLogitsPerElement) {
  Tensor<double> l = loss_value(BceWithLogits(), kX, kY, Reduction::kNone);
  const double expected[] = {3.72008e-44, 1.92875e-22, 0.693147,
                             1.92875e-22, 3.72008e-44, 8.0e7};
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(l[i], expected[i], 1e-5 * expected[i]) << "element " << i;
  }
}

TEST(BceWithLogitsTest, LargeLogitsMean) {
  // sum 80000000.6931 / 6 = 13333333.4489
  EXPECT_NEAR(loss_value(BceWithLogits(), kX, kY).item(), 13333333.4489, 1e-4);
}

TEST(BceWithLogitsTest, LargeLogitsGradientIsSigmoidMinusTarget) {
  // d sum / dx = s(x) - y
  Tensor<double> g = loss_grad(BceWithLogits(), kX, kY, Reduction::kSum);
  const double expected[] = {3.72008e-44,  1.92875e-22,  -0.5,
                             -1.92875e-22, -3.72008e-44, 1.0};
  for (int i = 0; i < 6; ++i) {
    EXPECT_NEAR(g[i], expected[i], 1e-5 * std::abs(expected[i])) << i;
  }
}

TEST(BceWithLogitsTest, VeryNegativeLogitDoesNotOverflow) {
  // x = -1000, y = 0: true loss log(1 + e^-1000) = 0; a wrong shift gives
  // inf. In float, x = -100 already overflows e^-x.
  EXPECT_EQ(
      loss_value(BceWithLogits(), Tensor<double>(1, 1, {-1000.0}), {0}).item(),
      0.0);
  float lf =
      loss_value(BceWithLogits(), Tensor<float>(1, 1, {-100.0f}), {0}).item();
  EXPECT_TRUE(std::isfinite(lf));
  EXPECT_LT(lf, 1e-30f);
}

TEST(BceWithLogitsTest, PosWeightScalesPositiveTerm) {
  // x = 0: y = 1 gives 3 log 2 = 2.079442, y = 0 gives log 2.
  Tensor<double> l = loss_value(BceWithLogits(3.0), Tensor<double>(2, 1),
                                {1, 0}, Reduction::kNone);
  EXPECT_NEAR(l[0], 3 * std::log(2.0), 1e-15);
  EXPECT_NEAR(l[1], std::log(2.0), 1e-15);
}

TEST(BceWithLogitsTest, IndependentSigmoidsAverageOverOutputs) {
  // z = [0, ln 3, 0], target 1: terms -log(1/2), -log(3/4), -log(1/2);
  // mean over 3 = (2 log 2 + log(4/3)) / 3 = 0.558005
  Tensor<double> z(1, 3, {0.0, std::log(3.0), 0.0});
  EXPECT_NEAR(loss_value(BceWithLogits(), z, {1}).item(),
              (2 * std::log(2.0) + std::log(4.0 / 3.0)) / 3, 1e-15);
}

TEST(BceWithLogitsTest, GradientMatchesFiniteDifferences) {
  testing::expect_gradcheck_all_reductions(
      BceWithLogits(), testing::random_tensor(4, 1, 51), {0, 1, 1, 0});
  testing::expect_gradcheck_all_reductions(
      BceWithLogits(2.5), testing::random_tensor(4, 3, 52), {0, 2, 1, 0});
}

TEST(BceWithLogitsTest, PosWeightAtMaxLossScaleStaysFiniteInFloat) {
  // z = -100, y = 1, pw = 1e30: -log s(-100) = 100 + log1p(e^-100) = 100
  // in float, so l = 1e32; gradient pw (s(z) - 1) = -1e30.
  BceWithLogits bce(1e30);
  Tensor<float> z(1, 1, {-100.0f});
  EXPECT_NEAR(loss_value(bce, z, {1}).item(), 1e32f, 1e32f * 1e-6f);
  EXPECT_NEAR(loss_grad(bce, z, {1}).item(), -1e30f, 1e30f * 1e-6f);
}

TEST(BceWithLogitsTest, RejectsPosWeightPastMaxLossScale) {
  EXPECT_THROW(BceWithLogits(1e31), std::invalid_argument);
}

TEST(BceWithLogitsTest, RejectsBadTargetAndPosWeight) {
  EXPECT_THROW(loss_value(BceWithLogits(), Tensor<double>(2, 1), {0, 2}),
               std::invalid_argument);
  EXPECT_THROW(BceWithLogits(-1.0), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
