// Op values by hand, shape errors and conventions the gradcheck cannot see.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "autograd/ops.h"

namespace losslab {
namespace {

TEST(OpsValueTest, BiasRowBroadcastsOverBatch) {
  // [[1,2],[3,4]] + [10,20] = [[11,22],[13,24]]
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 2, {1, 2, 3, 4}));
  Var<double> b = tape.constant(Tensor<double>(1, 2, {10, 20}));
  EXPECT_EQ((x + b).value()[3], 24.0);
  EXPECT_EQ((b + x).value()[2], 13.0);
}

TEST(OpsValueTest, ColumnBroadcastDividesEachRow) {
  // [[2,4],[9,3]] / [[2],[3]] = [[1,2],[3,1]]
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 2, {2, 4, 9, 3}));
  Var<double> d = tape.constant(Tensor<double>(2, 1, {2, 3}));
  Var<double> y = x / d;
  EXPECT_EQ(y.value()[1], 2.0);
  EXPECT_EQ(y.value()[2], 3.0);
}

TEST(OpsValueTest, MismatchedShapesThrowWithBothShapes) {
  Tape<double> tape;
  Var<double> a = tape.constant(Tensor<double>(3, 1));
  Var<double> b = tape.constant(Tensor<double>(2, 2));
  try {
    add(a, b);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("3x1"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("2x2"), std::string::npos);
  }
}

TEST(OpsValueTest, MatmulInnerDimensionMismatchThrows) {
  Tape<double> tape;
  Var<double> a = tape.constant(Tensor<double>(2, 3));
  Var<double> b = tape.constant(Tensor<double>(2, 3));
  EXPECT_THROW(matmul(a, b), std::invalid_argument);
}

TEST(OpsValueTest, MatmulByHand) {
  // [[1,2],[3,4]] . [[5],[6]] = [[17],[39]]
  Tape<float> tape;
  Var<float> a = tape.constant(Tensor<float>(2, 2, {1, 2, 3, 4}));
  Var<float> b = tape.constant(Tensor<float>(2, 1, {5, 6}));
  Var<float> c = matmul(a, b);
  EXPECT_EQ(c.value()[0], 17.0f);
  EXPECT_EQ(c.value()[1], 39.0f);
}

TEST(OpsValueTest, InputsFromAnotherTapeThrow) {
  Tape<double> t1, t2;
  Var<double> a = t1.constant(Tensor<double>(1, 1, 1.0));
  Var<double> b = t2.constant(Tensor<double>(1, 1, 1.0));
  EXPECT_THROW(add(a, b), std::invalid_argument);
}

TEST(OpsValueTest, MeanOfNothingIsNaN) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(0, 10));
  EXPECT_TRUE(std::isnan(mean(x).value().item()));
}

TEST(OpsValueTest, SumOfNothingIsZero) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(0, 10));
  EXPECT_EQ(sum(x).value().item(), 0.0);
}

TEST(OpsValueTest, RowMaxTieSendsGradientToFirstMaximum) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(1, 3, {2, 5, 5}));
  tape.backward(sum(row_max(x)));
  EXPECT_EQ(x.grad()[0], 0.0);
  EXPECT_EQ(x.grad()[1], 1.0);
  EXPECT_EQ(x.grad()[2], 0.0);
}

TEST(OpsValueTest, GatherRejectsOutOfRangeIndex) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 2));
  std::vector<int> index{0, 2};
  EXPECT_THROW(gather(x, index), std::invalid_argument);
}

TEST(OpsValueTest, GatherRejectsWrongIndexCount) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 2));
  std::vector<int> index{0};
  EXPECT_THROW(gather(x, index), std::invalid_argument);
}

TEST(OpsValueTest, OneHotByHand) {
  Tape<double> tape;
  std::vector<int> index{2, 0};
  Var<double> y = one_hot(tape, index, 3);
  EXPECT_EQ(y.value()(0, 2), 1.0);
  EXPECT_EQ(y.value()(1, 0), 1.0);
  EXPECT_EQ(sum(y).value().item(), 2.0);
}

TEST(OpsValueTest, OneHotRejectsNegativeIndex) {
  Tape<double> tape;
  std::vector<int> index{-1};
  EXPECT_THROW(one_hot(tape, index, 3), std::invalid_argument);
}

TEST(OpsValueTest, DetachBlocksGradient) {
  // y = x * detach(x): dy/dx = detach(x) = 3, not 2x = 6.
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(1, 1, {3}));
  tape.backward(x * detach(x));
  EXPECT_EQ(x.grad().item(), 3.0);
}

TEST(OpsValueTest, ClampRejectsInvertedBounds) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(1, 1));
  EXPECT_THROW(clamp(x, 1.0, 0.0), std::invalid_argument);
}

TEST(OpsValueTest, PowWithZeroUpstreamGradientAtZeroIsZero) {
  // d/dx 0 * x^0.5 at x = 0: x^-0.5 is infinite, the product must be 0.
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(1, 1, {0}));
  Var<double> w = tape.constant(Tensor<double>(1, 1, {0}));
  tape.backward(sum(pow(x, 0.5) * w));
  EXPECT_EQ(x.grad().item(), 0.0);
}

TEST(OpsValueTest, SoftplusIsExactForLargeInputs) {
  Tape<double> tape;
  Var<double> y =
      softplus(tape.constant(Tensor<double>(1, 3, {-1000, 0, 1000})));
  EXPECT_EQ(y.value()[0], 0.0);
  EXPECT_NEAR(y.value()[1], std::log(2.0), 1e-15);
  EXPECT_EQ(y.value()[2], 1000.0);
}

TEST(OpsValueTest, GeluByHand) {
  // gelu(1) = 1 * Phi(1) = 0.841345 (standard normal table).
  Tape<double> tape;
  Var<double> y = gelu(tape.constant(Tensor<double>(1, 1, {1.0})));
  EXPECT_NEAR(y.value().item(), 0.841345, 1e-6);
}

}  // namespace
}  // namespace losslab
