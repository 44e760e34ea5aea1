// The tape's bookkeeping: no-grad scopes, storage reuse, errors, anomaly
// mode.
#include "autograd/tape.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/ops.h"

namespace losslab {
namespace {

TEST(TapeTest, NoGradScopeRecordsNoGradient) {
  Tape<double> tape;
  Parameter<double> w(Tensor<double>(1, 1, 2.0));
  Var<double> y;
  {
    NoGradGuard<double> guard(tape);
    y = tape.param(w) * tape.param(w);
  }
  EXPECT_FALSE(y.requires_grad());
  EXPECT_EQ(y.value().item(), 4.0);
  EXPECT_TRUE(tape.grad_enabled());
}

TEST(TapeTest, BackwardFromValueWithoutGradientThrows) {
  Tape<double> tape;
  Var<double> c = tape.constant(Tensor<double>(1, 1, 1.0));
  EXPECT_THROW(tape.backward(c * c), std::invalid_argument);
}

TEST(TapeTest, BackwardFromNonScalarThrows) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(2, 1, 1.0));
  EXPECT_THROW(tape.backward(x * x), std::invalid_argument);
}

TEST(TapeTest, BackwardWithOutputGradientOfNonScalar) {
  // y = 3x with dy = [1, 2]: dx = [3, 6].
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(2, 1, 1.0));
  tape.backward(x * 3.0, Tensor<double>(2, 1, {1, 2}));
  EXPECT_EQ(x.grad()[0], 3.0);
  EXPECT_EQ(x.grad()[1], 6.0);
}

TEST(TapeTest, GradOfUnreachedIntermediateThrows) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(1, 1, 1.0));
  Var<double> unused = x * 2.0;
  tape.backward(x * 3.0);
  EXPECT_THROW(unused.grad(), std::logic_error);
}

TEST(TapeTest, ParameterGradientAccumulatesAcrossTapes) {
  // Two independent steps without zero_grad: d(w^2)/dw = 2w twice = 8.
  Parameter<double> w(Tensor<double>(1, 1, 2.0));
  for (int step = 0; step < 2; ++step) {
    Tape<double> tape;
    Var<double> v = tape.param(w);
    tape.backward(v * v);
  }
  EXPECT_EQ(w.grad().item(), 8.0);
}

TEST(TapeTest, ZeroedParameterGradientReadsZero) {
  Parameter<double> w(Tensor<double>(1, 2, 1.0));
  w.grad().fill(5.0);
  w.zero_grad();
  EXPECT_EQ(w.grad()[0], 0.0);
  EXPECT_EQ(w.grad()[1], 0.0);
}

TEST(TapeTest, BackwardAfterZeroGradIgnoresTheOldBuffer) {
  // zero_grad() leaves 100 in the buffer; y = w * w + w at w = 2 must give
  // dy/dw = 2w + 1 = 5, with both uses of w summed after the first write.
  Parameter<double> w(Tensor<double>(1, 1, 2.0));
  w.grad().fill(100.0);
  w.zero_grad();
  Tape<double> tape;
  Var<double> v = tape.param(w);
  tape.backward(v * v + v);
  EXPECT_EQ(w.grad().item(), 5.0);
}

TEST(TapeTest, ParamGradOfZeroedParameterUnreachedByBackwardIsZero) {
  // w is recorded but not used by the loss: its gradient stays zero.
  Parameter<double> w(Tensor<double>(1, 1, 2.0));
  w.grad().fill(7.0);
  w.zero_grad();
  Tape<double> tape;
  Var<double> unused = tape.param(w);
  Var<double> x = tape.variable(Tensor<double>(1, 1, 1.0));
  tape.backward(x * 3.0);
  EXPECT_EQ(unused.grad().item(), 0.0);
}

// A weight's gradient from one sample, held as the factors x^T and dy
// (Parameter::grad_is_rank_one) until it is read. Here y = x W with
// x = [1, 2] and loss = sum(y), so dy = [1, 1, 1] and dW = x^T dy.
Parameter<double> two_by_three() {
  return Parameter<double>(Tensor<double>(2, 3, {1, 2, 3, 4, 5, 6}));
}

void backward_of_sum_x_w(Parameter<double>& w, std::vector<double> x) {
  Tape<double> tape;
  Var<double> xv = tape.constant(Tensor<double>(1, 2, x));
  tape.backward(sum(matmul(xv, tape.param(w))));
}

TEST(RankOneGradTest, BatchOfOneWeightGradientIsHeldAsFactors) {
  Parameter<double> w = two_by_three();
  backward_of_sum_x_w(w, {1, 2});
  EXPECT_TRUE(w.grad_is_rank_one());
  EXPECT_FALSE(w.grad_is_lazy_zero());
}

TEST(RankOneGradTest, ReadingAFactoredGradientWritesTheOuterProduct) {
  Parameter<double> w = two_by_three();
  backward_of_sum_x_w(w, {1, 2});
  const Tensor<double>& g = w.grad();
  EXPECT_EQ(std::vector<double>(g.data(), g.data() + 6),
            (std::vector<double>{1, 1, 1, 2, 2, 2}));
  EXPECT_FALSE(w.grad_is_rank_one());
}

TEST(RankOneGradTest, FactoredGradientAccumulatesAcrossBackwardCalls) {
  // No zero_grad between the passes: x = [1, 2], then x = [3, -1].
  Parameter<double> w = two_by_three();
  backward_of_sum_x_w(w, {1, 2});
  backward_of_sum_x_w(w, {3, -1});
  const Tensor<double>& g = w.grad();
  EXPECT_EQ(std::vector<double>(g.data(), g.data() + 6),
            (std::vector<double>{4, 4, 4, 1, 1, 1}));
}

TEST(RankOneGradTest, WeightUsedTwiceInOnePassSumsBothProducts) {
  // loss = sum(a W) + sum(3 b W) with a = [1, 0], b = [0, 1]: dW = a^T 1 +
  // b^T 3, rows [1, 1, 1] and [3, 3, 3].
  Parameter<double> w = two_by_three();
  Tape<double> tape;
  Var<double> a = tape.constant(Tensor<double>(1, 2, {1, 0}));
  Var<double> b = tape.constant(Tensor<double>(1, 2, {0, 1}));
  Var<double> wv = tape.param(w);
  tape.backward(sum(matmul(a, wv)) + sum(matmul(b, wv)) * 3.0);
  const Tensor<double>& g = w.grad();
  EXPECT_EQ(std::vector<double>(g.data(), g.data() + 6),
            (std::vector<double>{1, 1, 1, 3, 3, 3}));
}

TEST(RankOneGradTest, ZeroGradDropsAFactoredGradient) {
  Parameter<double> w = two_by_three();
  backward_of_sum_x_w(w, {1, 2});
  w.zero_grad();
  EXPECT_FALSE(w.grad_is_rank_one());
  EXPECT_TRUE(w.grad_is_lazy_zero());
  const Tensor<double>& g = w.grad();
  EXPECT_EQ(std::vector<double>(g.data(), g.data() + 6),
            std::vector<double>(6, 0.0));
}

TEST(RankOneGradTest, BatchOfTwoIsWrittenAsAMatrix) {
  Parameter<double> w = two_by_three();
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 2, {1, 2, 3, 4}));
  tape.backward(sum(matmul(x, tape.param(w))));
  EXPECT_FALSE(w.grad_is_rank_one());
  // dW = x^T 1 (2 x 3): rows 1 + 3 and 2 + 4.
  const Tensor<double>& g = w.grad();
  EXPECT_EQ(std::vector<double>(g.data(), g.data() + 6),
            (std::vector<double>{4, 4, 4, 6, 6, 6}));
}

TEST(TapeTest, MemoryStaysFlatOverManySteps) {
  // 100,000 steps of the same small graph on one tape: after the first
  // step, clear() recycles every node and buffer.
  Tape<float> tape;
  Parameter<float> w(Tensor<float>(3, 2, 0.1f));
  Parameter<float> b(Tensor<float>(1, 2, 0.0f));
  Tensor<float> x(4, 3, 1.0f);
  std::size_t first = 0;
  for (int step = 0; step < 100000; ++step) {
    tape.clear();
    Var<float> h =
        relu(matmul(tape.constant_ref(x), tape.param(w)) + tape.param(b));
    tape.backward(mean(h * h));
    if (step == 0) first = tape.capacity_bytes();
  }
  EXPECT_EQ(tape.capacity_bytes(), first);
  EXPECT_GT(first, 0u);
}

TEST(TapeTest, ClearForgetsNodes) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(1, 1, 1.0));
  (void)(x * x);
  EXPECT_EQ(tape.size(), 2u);
  tape.clear();
  EXPECT_EQ(tape.size(), 0u);
}

TEST(TapeTest, AnomalyModeNamesTheOpThatMadeNaN) {
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  Var<double> x = tape.variable(Tensor<double>(1, 2, {1.0, -1.0}));
  try {
    (void)sqrt(x);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("sqrt"), std::string::npos) << what;
    EXPECT_NE(what.find("1x2"), std::string::npos) << what;
  }
}

TEST(TapeTest, AnomalyModeNamesTheOpWhoseGradientIsInfinite) {
  // sqrt(0) is finite but its gradient 1/(2 sqrt 0) is not.
  Tape<double> tape;
  tape.set_detect_anomaly(true);
  Var<double> x = tape.variable(Tensor<double>(1, 1, {0.0}));
  Var<double> y = sum(sqrt(x));
  try {
    tape.backward(y);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("sqrt"), std::string::npos)
        << e.what();
  }
}

TEST(TapeTest, WithoutAnomalyModeNaNPassesThrough) {
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(1, 1, {-1.0}));
  EXPECT_TRUE(std::isnan(sqrt(x).value().item()));
}

}  // namespace
}  // namespace losslab
