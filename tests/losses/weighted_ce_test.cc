// Class-weighted CE: case C07, weights derived from counts, errors.
#include "losses/weighted_ce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "losses/registry.h"
#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

// C07: z = [[1,2,3],[3,1,2]], y = [2, 1], w = [1, 2, 3].
const Tensor<double> kZ(2, 3, {1.0, 2.0, 3.0, 3.0, 1.0, 2.0});
const std::vector<int> kY = {2, 1};

TEST(WeightedCrossEntropyTest, NoneIsTargetWeightTimesNll) {
  // nll = [0.407606, 2.40761]; w_y = [3, 2]: [1.22282, 4.81521]
  Tensor<double> l =
      loss_value(WeightedCrossEntropy({1, 2, 3}), kZ, kY, Reduction::kNone);
  EXPECT_NEAR(l[0], 1.22282, 1e-5);
  EXPECT_NEAR(l[1], 4.81521, 1e-5);
  EXPECT_NEAR(
      loss_value(WeightedCrossEntropy({1, 2, 3}), kZ, kY, Reduction::kSum)
          .item(),
      6.03803, 1e-5);
}

TEST(WeightedCrossEntropyTest, MeanDividesBySumOfTargetWeights) {
  // 6.03803 / (3 + 2) = 1.20761, not the N-mean 3.01901.
  EXPECT_NEAR(loss_value(WeightedCrossEntropy({1, 2, 3}), kZ, kY).item(),
              1.20761, 1e-5);
}

TEST(WeightedCrossEntropyTest, MeanGradientMatchesCase) {
  Tensor<double> g = loss_grad(WeightedCrossEntropy({1, 2, 3}), kZ, kY);
  const double expected[] = {0.0540183, 0.146837,  -0.200855,
                             0.266096,  -0.363988, 0.0978914};
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(g[k], expected[k], 1e-6) << k;
}

TEST(WeightedCrossEntropyTest, OneHotRowsGiveSameMean) {
  // C07: the probability-target path divides by the same weights.
  Tape<double> tape;
  Tensor<double> q(2, 3, {0.0, 0.0, 1.0, 0.0, 1.0, 0.0});
  Var<double> l = WeightedCrossEntropy({1, 2, 3}).forward_soft(
      tape.variable(kZ), q, {}, Reduction::kMean);
  EXPECT_NEAR(l.value().item(), 1.20761, 1e-5);
}

TEST(WeightedCrossEntropyTest, SampleWeightsJoinTheDenominator) {
  // (1 * 1.22282 + 0.5 * 4.81521) / (1 * 3 + 0.5 * 2) = 0.907606
  EXPECT_NEAR(loss_value(WeightedCrossEntropy({1, 2, 3}), kZ, kY,
                         Reduction::kMean, {1.0f, 0.5f})
                  .item(),
              0.907606, 1e-5);
}

TEST(WeightedCrossEntropyTest, GradientMatchesFiniteDifferences) {
  testing::expect_gradcheck_all_reductions(WeightedCrossEntropy({1, 2, 3}),
                                           testing::random_tensor(4, 3, 41),
                                           {0, 2, 1, 2});
}

TEST(WeightedCrossEntropyTest, LargeLogitsInFloat) {
  // z = [1000, -1000, 0], target 1: nll = 2000 exactly; weight 2, so the
  // mean is 2 * 2000 / 2 = 2000 and the gradient p - e = [1, -1, 0].
  Tensor<float> z(1, 3, {1000.0f, -1000.0f, 0.0f});
  WeightedCrossEntropy loss({1, 2, 3});
  EXPECT_EQ(loss_value(loss, z, {1}).item(), 2000.0f);
  Tensor<float> g = loss_grad(loss, z, {1});
  EXPECT_EQ(g[0], 1.0f);
  EXPECT_EQ(g[1], -1.0f);
  EXPECT_EQ(g[2], 0.0f);
}

TEST(WeightedCrossEntropyTest, RejectsWeightCountOtherThanColumns) {
  EXPECT_THROW(loss_value(WeightedCrossEntropy({1, 2}), kZ, kY),
               std::invalid_argument);
}

TEST(WeightedCrossEntropyTest, RejectsNegativeWeight) {
  EXPECT_THROW(WeightedCrossEntropy({1, -2, 3}), std::invalid_argument);
}

TEST(ClassWeightsTest, InverseFrequency) {
  // n = 100, K = 3: 100 / (3 * [10, 30, 60]) = [3.33333, 1.11111, 0.555556]
  std::vector<std::int64_t> counts = {10, 30, 60};
  std::vector<double> w = inverse_frequency_weights(counts);
  EXPECT_NEAR(w[0], 100.0 / 30, 1e-12);
  EXPECT_NEAR(w[1], 100.0 / 90, 1e-12);
  EXPECT_NEAR(w[2], 100.0 / 180, 1e-12);
}

TEST(ClassWeightsTest, EffectiveNumber) {
  // beta = 0.5: E = (1 - 0.5^n) / 0.5 = [1, 1.5] for n = [1, 2];
  // 1/E = [1, 2/3], sum 5/3; w = 2 (1/E) / (5/3) = [1.2, 0.8].
  std::vector<std::int64_t> counts = {1, 2};
  std::vector<double> w = effective_number_weights(counts, 0.5);
  EXPECT_NEAR(w[0], 1.2, 1e-12);
  EXPECT_NEAR(w[1], 0.8, 1e-12);
}

TEST(ClassWeightsTest, EffectiveNumberWithBetaZeroIsUniform) {
  std::vector<std::int64_t> counts = {1, 50, 1000};
  for (double w : effective_number_weights(counts, 0.0)) EXPECT_EQ(w, 1.0);
}

TEST(ClassWeightsTest, RejectsEmptyClassAndBadBeta) {
  std::vector<std::int64_t> counts = {10, 0};
  EXPECT_THROW(inverse_frequency_weights(counts), std::invalid_argument);
  std::vector<std::int64_t> ok = {10, 5};
  EXPECT_THROW(effective_number_weights(ok, 1.0), std::invalid_argument);
}

TEST(WeightedCrossEntropyTest, WeightsAtMaxLossScaleGiveTheUnweightedMean) {
  // Float, z = 0 (4 x 3), every weight 1e30: l_i = 1e30 log 3, so
  // sum = 4e30 log 3 (finite) and mean = 4e30 log 3 / 4e30 = log 3.
  WeightedCrossEntropy loss({1e30, 1e30, 1e30});
  EXPECT_NEAR(loss_value(loss, Tensor<float>(4, 3), {0, 1, 2, 0}).item(),
              std::log(3.0f), 1e-6f);
}

TEST(WeightedCrossEntropyTest, RejectsWeightPastMaxLossScale) {
  EXPECT_THROW(WeightedCrossEntropy({1, 1e31, 1}), std::invalid_argument);
}

TEST(WeightedCrossEntropyTest, RejectsSubnormalWeights) {
  // Positive in double, but 0 once training flushes subnormals: every
  // mean would be 0 / 0.
  EXPECT_THROW(WeightedCrossEntropy({1e-40, 1e-40, 1e-40}),
               std::invalid_argument);
}

TEST(WeightedCrossEntropyRegistryTest, GivenWeightsMatchCase) {
  auto loss = make_loss("weighted_ce:weights=1;2;3", {3, {}});
  EXPECT_NEAR(loss_value(*loss, kZ, kY).item(), 1.20761, 1e-5);
  EXPECT_EQ(loss->spec(), "weighted_ce:weights=1;2;3");
}

TEST(WeightedCrossEntropyRegistryTest, InverseModeUsesCounts) {
  // counts [10, 30, 60] -> w = [10/3, 10/9, 5/9]; on uniform logits each
  // nll is log 3, so the weighted mean is log 3 whatever the weights.
  auto loss = make_loss("weighted_ce", {3, {10, 30, 60}});
  EXPECT_EQ(loss->spec(), "weighted_ce:mode=inverse");
  Tensor<double> z(2, 3);
  EXPECT_NEAR(loss_value(*loss, z, {0, 2}).item(), std::log(3.0), 1e-12);
  // sum = (10/3 + 5/9) log 3 = 4.27350
  EXPECT_NEAR(loss_value(*loss, z, {0, 2}, Reduction::kSum).item(),
              (10.0 / 3 + 5.0 / 9) * std::log(3.0), 1e-12);
}

TEST(WeightedCrossEntropyRegistryTest, RejectsBadSpecs) {
  LossContext ctx{3, {10, 30, 60}};
  EXPECT_THROW(make_loss("weighted_ce:weights=1;2", ctx),
               std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_ce:weights=1;2;3,mode=inverse", ctx),
               std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_ce:mode=magic", ctx), std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_ce:mode=effective,beta=1", ctx),
               std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_ce", LossContext{3, {}}),
               std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_ce", LossContext{3, {10, 0, 60}}),
               std::invalid_argument);
}

}  // namespace
}  // namespace losslab
