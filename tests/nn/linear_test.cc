// Tests of the Linear layer: value, gradients, initialisation bounds, bad
// input and the empty batch (case C16).
#include "nn/linear.h"

#include <gtest/gtest.h>

#include <cmath>

#include "autograd/ops.h"
#include "tests/test_util.h"

namespace losslab {
namespace {

TEST(LinearTest, ForwardComputesXTimesWPlusBias) {
  Rng rng(1);
  Linear<double> layer(2, 3, rng);
  layer.weight.value = Tensor<double>(2, 3, {1, 2, 3, 4, 5, 6});
  layer.bias.value = Tensor<double>(1, 3, {0.5, 0, -1});
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(1, 2, {1, 2}));
  // x W = [1*1 + 2*4, 1*2 + 2*5, 1*3 + 2*6] = [9, 12, 15]; + b.
  Var<double> y = layer.forward(tape, x);
  ASSERT_EQ(y.rows(), 1);
  ASSERT_EQ(y.cols(), 3);
  EXPECT_DOUBLE_EQ(y.value()(0, 0), 9.5);
  EXPECT_DOUBLE_EQ(y.value()(0, 1), 12.0);
  EXPECT_DOUBLE_EQ(y.value()(0, 2), 14.0);
}

TEST(LinearTest, GradientMatchesFiniteDifferences) {
  GradcheckFn f = [](Tape<double>&, const std::vector<Var<double>>& in) {
    return linear(in[0], in[1], in[2]);
  };
  EXPECT_GRADCHECK(
      f, {testing::random_tensor(5, 4, 1), testing::random_tensor(4, 3, 2),
          testing::random_tensor(1, 3, 3)});
}

TEST(LinearTest, ModuleGradientsReachParameters) {
  // loss = sum(X W + b): dW = X^T 1 (column sums of X repeated over the
  // outputs), db = N per output.
  Rng rng(2);
  Linear<double> layer(2, 2, rng);
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(3, 2, {1, 2, 3, 4, 5, 6}));
  tape.backward(sum(layer.forward(tape, x)));
  // Column sums of X: 1 + 3 + 5 = 9, 2 + 4 + 6 = 12.
  EXPECT_DOUBLE_EQ(layer.weight.grad()(0, 0), 9.0);
  EXPECT_DOUBLE_EQ(layer.weight.grad()(0, 1), 9.0);
  EXPECT_DOUBLE_EQ(layer.weight.grad()(1, 0), 12.0);
  EXPECT_DOUBLE_EQ(layer.bias.grad()(0, 1), 3.0);
}

TEST(LinearTest, KaimingUniformStaysWithinOneOverSqrtFanIn) {
  // Bound 1 / sqrt(16) = 0.25 for weight and bias. 136 draws all below 0.2
  // would have probability 0.8^136 < 1e-13, so the maximum also shows that
  // the range is not narrower than intended.
  Rng rng(3);
  Linear<float> layer(16, 8, rng);
  float max_abs = 0;
  for (std::size_t i = 0; i < layer.weight.value.size(); ++i) {
    EXPECT_LE(std::abs(layer.weight.value[i]), 0.25f) << "element " << i;
    max_abs = std::max(max_abs, std::abs(layer.weight.value[i]));
  }
  for (std::size_t i = 0; i < layer.bias.value.size(); ++i) {
    EXPECT_LE(std::abs(layer.bias.value[i]), 0.25f) << "element " << i;
    max_abs = std::max(max_abs, std::abs(layer.bias.value[i]));
  }
  EXPECT_GT(max_abs, 0.2f);
}

TEST(LinearTest, XavierUniformBoundAndZeroBias) {
  // Bound sqrt(6 / (10 + 14)) = sqrt(0.25) = 0.5.
  Rng rng(4);
  Linear<double> layer(10, 14, rng, LinearInit::kXavierUniform);
  double max_abs = 0;
  for (std::size_t i = 0; i < layer.weight.value.size(); ++i) {
    max_abs = std::max(max_abs, std::abs(layer.weight.value[i]));
  }
  EXPECT_LE(max_abs, 0.5);
  EXPECT_GT(max_abs, 0.4);
  for (std::size_t i = 0; i < layer.bias.value.size(); ++i) {
    EXPECT_EQ(layer.bias.value[i], 0.0);
  }
}

TEST(LinearTest, NamesItsParametersWeightAndBias) {
  Rng rng(5);
  Linear<float> layer(3, 2, rng);
  auto params = layer.named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "weight");
  EXPECT_EQ(params[1].name, "bias");
  EXPECT_EQ(layer.num_parameters(), 3u * 2u + 2u);
}

TEST(LinearTest, RejectsInputWithWrongWidth) {
  Rng rng(6);
  Linear<double> layer(4, 3, rng);
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 5));
  EXPECT_THROW(layer.forward(tape, x), std::invalid_argument);
}

TEST(LinearTest, RejectsNonPositiveSizes) {
  Rng rng(7);
  EXPECT_THROW(Linear<double>(0, 3, rng), std::invalid_argument);
  EXPECT_THROW(Linear<double>(3, -1, rng), std::invalid_argument);
}

TEST(LinearTest, ParsesInitNames) {
  EXPECT_EQ(parse_linear_init("xavier_uniform"), LinearInit::kXavierUniform);
  EXPECT_THROW(parse_linear_init("he"), std::invalid_argument);
}

// Case C16 (nn part): X is 0 x 4 and W is 4 x 3. Y is 0 x 3, and the sum
// reduction gives W.grad = X^T G = zeros(4 x 3) (a product over K = 0).
TEST(LinearTest, EmptyBatchGivesEmptyOutputAndZeroGradients) {
  Rng rng(8);
  Linear<double> layer(4, 3, rng);
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(0, 4));
  Var<double> y = layer.forward(tape, x);
  EXPECT_EQ(y.rows(), 0);
  EXPECT_EQ(y.cols(), 3);
  Var<double> loss = sum(y);
  EXPECT_EQ(loss.value().item(), 0.0);
  tape.backward(loss);
  for (std::size_t i = 0; i < layer.weight.grad().size(); ++i) {
    EXPECT_EQ(layer.weight.grad()[i], 0.0) << "weight element " << i;
  }
  for (std::size_t i = 0; i < layer.bias.grad().size(); ++i) {
    EXPECT_EQ(layer.bias.grad()[i], 0.0) << "bias element " << i;
  }
}

}  // namespace
}  // namespace losslab
