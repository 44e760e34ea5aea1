// Tests of the shared loss machinery: reductions and weights, empty
// batches (C16), input checks and the probability mapping.
#include "losses/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "losses/bce.h"
#include "losses/cross_entropy.h"
#include "losses/mse.h"
#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_value;

TEST(ReduceLossTest, WeightedMeanDividesBySumOfWeights) {
  Tape<double> tape;
  Var<double> l = tape.variable(Tensor<double>(3, 1, {1.0, 2.0, 4.0}));
  std::vector<float> w = {1, 0, 3};
  // none: [1, 0, 12]; sum: 13; mean: 13 / (1 + 0 + 3) = 3.25
  Var<double> none = reduce_loss(PerSample<double>(l), w, Reduction::kNone);
  EXPECT_DOUBLE_EQ(none.value()[2], 12.0);
  EXPECT_DOUBLE_EQ(
      reduce_loss(PerSample<double>(l), w, Reduction::kSum).value().item(),
      13.0);
  EXPECT_DOUBLE_EQ(
      reduce_loss(PerSample<double>(l), w, Reduction::kMean).value().item(),
      3.25);
}

TEST(ReduceLossTest, MeanUsesLossDenominators) {
  Tape<double> tape;
  Var<double> l = tape.variable(Tensor<double>(2, 1, {3.0, 4.0}));
  // sum_i w_i l_i / sum_i w_i d_i = (1*3 + 2*4) / (1*3 + 2*2) = 11 / 7
  PerSample<double> ps(l, tape.constant(Tensor<double>(2, 1, {3.0, 2.0})));
  std::vector<float> w = {1, 2};
  EXPECT_DOUBLE_EQ(reduce_loss(ps, w, Reduction::kMean).value().item(),
                   11.0 / 7.0);
}

TEST(ReduceLossTest, ZeroTotalWeightGivesNaNMean) {
  SoftmaxCrossEntropy ce;
  Tensor<double> z(2, 2, {1.0, 2.0, 3.0, 4.0});
  Tensor<double> v = loss_value(ce, z, {0, 1}, Reduction::kMean, {0, 0});
  EXPECT_TRUE(std::isnan(v.item()));
}

// C16: an empty batch gives sum 0, none an empty 0 x 1, mean NaN.
TEST(EmptyBatchTest, CrossEntropyReductions) {
  SoftmaxCrossEntropy ce;
  Tensor<double> z(0, 10);
  EXPECT_EQ(loss_value(ce, z, {}, Reduction::kSum).item(), 0.0);
  Tensor<double> none = loss_value(ce, z, {}, Reduction::kNone);
  EXPECT_EQ(none.rows(), 0);
  EXPECT_EQ(none.cols(), 1);
  EXPECT_TRUE(std::isnan(loss_value(ce, z, {}, Reduction::kMean).item()));
}

TEST(EmptyBatchTest, MseReductions) {
  MseLoss mse;
  Tensor<float> z(0, 10);
  EXPECT_EQ(loss_value(mse, z, {}, Reduction::kSum).item(), 0.0f);
  EXPECT_EQ(loss_value(mse, z, {}, Reduction::kNone).rows(), 0);
  EXPECT_TRUE(std::isnan(loss_value(mse, z, {}, Reduction::kMean).item()));
}

// C16, MLP case: X (0 x 4) W (4 x 3); the sum's gradient W.grad = X^T G
// sums over no rows, so it is zeros(4 x 3), not NaN or garbage.
TEST(EmptyBatchTest, SumGivesZeroParameterGradient) {
  SoftmaxCrossEntropy ce;
  Parameter<double> W(testing::random_tensor(4, 3, 7));
  Tape<double> tape;
  Var<double> X = tape.constant(Tensor<double>(0, 4));
  Var<double> loss =
      ce.forward(matmul(X, tape.param(W)), {}, {}, Reduction::kSum);
  tape.backward(loss);
  EXPECT_EQ(loss.value().item(), 0.0);
  for (std::size_t k = 0; k < W.grad().size(); ++k) {
    EXPECT_EQ(W.grad()[k], 0.0) << "element " << k;
  }
}

TEST(LossInputsTest, RejectsTargetCountMismatch) {
  SoftmaxCrossEntropy ce;
  EXPECT_THROW(loss_value(ce, Tensor<double>(2, 3), {0, 1, 2}),
               std::invalid_argument);
}

TEST(LossInputsTest, RejectsBadWeights) {
  SoftmaxCrossEntropy ce;
  Tensor<double> z(2, 3);
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(loss_value(ce, z, {0, 1}, Reduction::kMean, {1}),
               std::invalid_argument);
  EXPECT_THROW(loss_value(ce, z, {0, 1}, Reduction::kMean, {1, -1}),
               std::invalid_argument);
  EXPECT_THROW(loss_value(ce, z, {0, 1}, Reduction::kMean, {1, nan}),
               std::invalid_argument);
}

TEST(LossInputsTest, MessageNamesLossRowAndValue) {
  SoftmaxCrossEntropy ce;
  try {
    loss_value(ce, Tensor<double>(2, 3), {0, 7});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "ce: target 7 at row 1 is outside [0, 3); expected a class "
                 "index for logits 2x3");
  }
}

TEST(LossInputsTest, RejectsOneColumnForSoftmax) {
  SoftmaxCrossEntropy ce;
  EXPECT_THROW(loss_value(ce, Tensor<double>(2, 1), {0, 1}),
               std::invalid_argument);
}

TEST(LossTest, NumOutputsFollowsOutputKind) {
  EXPECT_EQ(BceWithLogits().num_outputs(2), 1);
  EXPECT_EQ(BceWithLogits().num_outputs(5), 5);
  EXPECT_EQ(SoftmaxCrossEntropy().num_outputs(2), 2);
}

TEST(ProbabilitiesTest, SoftmaxRows) {
  // softmax([0, ln 3]) = [1/4, 3/4]
  Tensor<float> p = SoftmaxCrossEntropy().probabilities(
      Tensor<float>(1, 2, {0.0f, std::log(3.0f)}), 2);
  EXPECT_NEAR(p(0, 0), 0.25f, 1e-6f);
  EXPECT_NEAR(p(0, 1), 0.75f, 1e-6f);
}

TEST(ProbabilitiesTest, OneSigmoidGivesTwoColumns) {
  // s(ln 3) = 3/4; s(-100) = 3.72e-44 must survive, not become 1 - 1 = 0.
  Tensor<float> p = BceWithLogits().probabilities(
      Tensor<float>(2, 1, {std::log(3.0f), 100.0f}), 2);
  EXPECT_NEAR(p(0, 0), 0.25f, 1e-6f);
  EXPECT_NEAR(p(0, 1), 0.75f, 1e-6f);
  EXPECT_GT(p(1, 0), 0.0f);
  EXPECT_EQ(p(1, 1), 1.0f);
}

TEST(ProbabilitiesTest, IndependentSigmoidsAreNormalised) {
  // s = [1/2, 3/4, 1/4] -> / 1.5 = [1/3, 1/2, 1/6]
  Tensor<float> z(1, 3, {0.0f, std::log(3.0f), -std::log(3.0f)});
  Tensor<float> p = BceWithLogits().probabilities(z, 3);
  EXPECT_NEAR(p(0, 0), 1.0f / 3, 1e-6f);
  EXPECT_NEAR(p(0, 1), 0.5f, 1e-6f);
  EXPECT_NEAR(p(0, 2), 1.0f / 6, 1e-6f);
}

TEST(ProbabilitiesTest, UnderflowedSigmoidsStillADistribution) {
  // Every s(-1000) underflows; the ratios e^-1000 / e^-1000 do not.
  Tensor<float> z(1, 3, {-1000.0f, -1000.0f, -1000.0f});
  Tensor<float> p = BceWithLogits().probabilities(z, 3);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(p(0, j), 1.0f / 3, 1e-6f);
}

TEST(ProbabilitiesTest, RejectsWrongColumnCount) {
  EXPECT_THROW(BceWithLogits().probabilities(Tensor<float>(2, 2), 2),
               std::invalid_argument);
  EXPECT_THROW(SoftmaxCrossEntropy().probabilities(Tensor<float>(2, 2), 3),
               std::invalid_argument);
}

}  // namespace
}  // namespace losslab
