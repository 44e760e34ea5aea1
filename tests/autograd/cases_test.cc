// Handed cases C02, C06, C11, C12 and C14 (shared/cases/CASES.md): faults
// seen in other frameworks, with their correct values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "autograd/ops.h"

namespace losslab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor<double> row(std::initializer_list<double> values) {
  return Tensor<double>(1, int(values.size()), values);
}

// --- C02: log-softmax backward through an underflowed softmax -------------

TEST(LogSoftmaxCaseTest, UnderflowedSoftmaxGivesFiniteCrossEntropy) {
  // lse([-431, 279, 427]) = 427 + log(1 + e^-148 + e^-858) = 427 (to double
  // precision), so the loss is 427 - (-431) = 858.
  Tape<double> tape;
  Var<double> z = tape.variable(row({-431, 279, 427}));
  std::vector<int> y{0};
  Var<double> loss = -sum(gather(log_softmax(z), y));
  EXPECT_DOUBLE_EQ(loss.value().item(), 858.0);
}

TEST(LogSoftmaxCaseTest, UnderflowedSoftmaxGivesSoftmaxMinusOneHot) {
  // d loss / dz = softmax(z) - y = [e^-858 - 1, e^-148, 1 - ...].
  Tape<double> tape;
  Var<double> z = tape.variable(row({-431, 279, 427}));
  std::vector<int> y{0};
  tape.backward(-sum(gather(log_softmax(z), y)));
  const Tensor<double>& g = z.grad();
  EXPECT_DOUBLE_EQ(g[0], -1.0);
  EXPECT_NEAR(g[1], 5.30172e-65, 1e-69);  // e^-148
  EXPECT_DOUBLE_EQ(g[2], 1.0);
}

TEST(SoftmaxCaseTest, GradientOfSumOfSoftmaxIsExactlyZero) {
  // sum(softmax(o)) = 1 identically, so its gradient is [0, 0, 0] exactly.
  Tape<double> tape;
  Var<double> o = tape.variable(row({-1047, -981, 1891}));
  Var<double> p = softmax(o);
  EXPECT_EQ(p.value()[0], 0.0);
  EXPECT_EQ(p.value()[1], 0.0);
  EXPECT_EQ(p.value()[2], 1.0);
  tape.backward(sum(p));
  for (int j = 0; j < 3; ++j) EXPECT_EQ(o.grad()[j], 0.0) << "entry " << j;
}

// --- C06: sigmoid overflow ------------------------------------------------

const Tensor<double> kSigmoidInputs = row({-1000, -30, 0, 30, 1000});

TEST(SigmoidCaseTest, ValuesAreExactAtTheExtremes) {
  Tape<double> tape;
  Var<double> s = sigmoid(tape.variable(kSigmoidInputs));
  // s(-1000) = 5.07596e-435 is below the double range, so exactly 0.
  EXPECT_EQ(s.value()[0], 0.0);
  EXPECT_NEAR(s.value()[1], 9.35762e-14, 1e-19);
  EXPECT_EQ(s.value()[2], 0.5);
  EXPECT_DOUBLE_EQ(s.value()[3], 0.999999999999906523);
  EXPECT_EQ(s.value()[4], 1.0);
}

TEST(SigmoidCaseTest, DerivativeKeepsItsDigitsForLargeInputs) {
  // s'(x) = s(x) s(-x): [0, 9.35762e-14, 0.25, 9.35762e-14, 0]. Computed as
  // y (1 - y), the fourth entry would be off in its third digit.
  Tape<double> tape;
  Var<double> x = tape.variable(kSigmoidInputs);
  tape.backward(sum(sigmoid(x)));
  EXPECT_EQ(x.grad()[0], 0.0);
  EXPECT_NEAR(x.grad()[1], 9.35762e-14, 1e-19);
  EXPECT_EQ(x.grad()[2], 0.25);
  EXPECT_NEAR(x.grad()[3], 9.35762e-14, 1e-19);
  EXPECT_EQ(x.grad()[4], 0.0);
}

TEST(SigmoidCaseTest, LogSigmoidIsFiniteWhereSigmoidUnderflows) {
  // log s(x) = -softplus(-x): [-1000, -30, -0.693147, -9.35762e-14, 0].
  Tape<double> tape;
  Var<double> y = log_sigmoid(tape.variable(kSigmoidInputs));
  EXPECT_EQ(y.value()[0], -1000.0);
  EXPECT_NEAR(y.value()[1], -30.0, 1e-12);
  EXPECT_NEAR(y.value()[2], -0.693147, 1e-6);
  EXPECT_NEAR(y.value()[3], -9.35762e-14, 1e-19);
  EXPECT_EQ(y.value()[4], 0.0);
}

TEST(SigmoidCaseTest, FloatSigmoidIsFiniteAtThousand) {
  Tape<float> tape;
  Var<float> x = tape.variable(kSigmoidInputs.cast<float>());
  Var<float> s = sigmoid(x);
  tape.backward(sum(s));
  for (int j = 0; j < 5; ++j) {
    EXPECT_TRUE(std::isfinite(s.value()[j])) << "entry " << j;
    EXPECT_TRUE(std::isfinite(x.grad()[j])) << "entry " << j;
  }
}

TEST(TanhCaseTest, ExactAndFiniteAtThousand) {
  Tape<double> tape;
  Var<double> x = tape.variable(row({-1000, 1000}));
  Var<double> t = tanh(x);
  tape.backward(sum(t));
  EXPECT_EQ(t.value()[0], -1.0);
  EXPECT_EQ(t.value()[1], 1.0);
  EXPECT_EQ(x.grad()[0], 0.0);
  EXPECT_EQ(x.grad()[1], 0.0);
}

// --- C11: |x| subgradient at 0 --------------------------------------------

TEST(AbsCaseTest, SubgradientAtZeroIsZero) {
  // sum |[-1, 0, 1] - 0| = 2 with gradient sign(x) = [-1, 0, 1].
  Tape<double> tape;
  Var<double> x = tape.variable(row({-1, 0, 1}));
  Var<double> loss = sum(abs(x));
  tape.backward(loss);
  EXPECT_EQ(loss.value().item(), 2.0);
  EXPECT_EQ(x.grad()[0], -1.0);
  EXPECT_EQ(x.grad()[1], 0.0);
  EXPECT_EQ(x.grad()[2], 1.0);
}

// --- C12: gradient accumulation for re-used values ------------------------

double grad_at_three(Var<double> (*f)(Var<double>)) {
  Tape<double> tape;
  Var<double> x = tape.variable(row({3}));
  tape.backward(f(x));
  return x.grad().item();
}

TEST(AccumulationCaseTest, SquareByMultiplication) {
  // y = x x: dy/dx = 2x = 6.
  EXPECT_EQ(grad_at_three([](Var<double> x) { return x * x; }), 6.0);
}

TEST(AccumulationCaseTest, DoubleByAddition) {
  // y = x + x: dy/dx = 2.
  EXPECT_EQ(grad_at_three([](Var<double> x) { return x + x; }), 2.0);
}

TEST(AccumulationCaseTest, SharedFactor) {
  // y = ab + ac at (2, 3, 4): (b + c, a, a) = (7, 2, 2).
  Tape<double> tape;
  Var<double> a = tape.variable(row({2}));
  Var<double> b = tape.variable(row({3}));
  Var<double> c = tape.variable(row({4}));
  tape.backward(a * b + a * c);
  EXPECT_EQ(a.grad().item(), 7.0);
  EXPECT_EQ(b.grad().item(), 2.0);
  EXPECT_EQ(c.grad().item(), 2.0);
}

TEST(AccumulationCaseTest, ReusedIntermediate) {
  // h = 2x, y = h h + h: dy/dx = (2h + 1) 2 = 26 at x = 3.
  EXPECT_EQ(grad_at_three([](Var<double> x) {
              Var<double> h = x * 2.0;
              return h * h + h;
            }),
            26.0);
}

TEST(AccumulationCaseTest, SecondBackwardAccumulatesLeafOnly) {
  // h = 2x, y = h h: dy/dx = 8x = 24 per pass; two passes give 48. A tape
  // that kept the stale h.grad from pass one would give 72.
  Tape<double> tape;
  Var<double> x = tape.variable(row({3}));
  Var<double> h = x * 2.0;
  Var<double> y = h * h;
  tape.backward(y);
  tape.backward(y);
  EXPECT_EQ(x.grad().item(), 48.0);
}

TEST(AccumulationCaseTest, ZeroGradResetsLeaves) {
  Tape<double> tape;
  Var<double> x = tape.variable(row({3}));
  Var<double> y = x * x;
  tape.backward(y);
  tape.zero_grad();
  tape.backward(y);
  EXPECT_EQ(x.grad().item(), 6.0);
}

// --- C14: softmax with -inf entries and fully masked rows -----------------

Tensor<double> masked_rows() {
  return Tensor<double>(3, 3,
                        {-kInf, 0, 0, 1000, 0, -kInf, -kInf, -kInf, -kInf});
}

TEST(MaskedSoftmaxCaseTest, PartiallyMaskedRows) {
  Tape<double> tape;
  Var<double> p = softmax(tape.constant(masked_rows()));
  const Tensor<double>& v = p.value();
  EXPECT_EQ(v(0, 0), 0.0);
  EXPECT_EQ(v(0, 1), 0.5);
  EXPECT_EQ(v(0, 2), 0.5);
  EXPECT_EQ(v(1, 0), 1.0);  // e^-1000 underflows
  EXPECT_EQ(v(1, 1), 0.0);
  EXPECT_EQ(v(1, 2), 0.0);
}

TEST(MaskedSoftmaxCaseTest, FullyMaskedRowIsZeros) {
  // Convention (ops.h): a row of -inf has softmax 0, not NaN.
  Tape<double> tape;
  Var<double> p = softmax(tape.constant(masked_rows()));
  for (int j = 0; j < 3; ++j) EXPECT_EQ(p.value()(2, j), 0.0);
}

TEST(MaskedSoftmaxCaseTest, LogSoftmaxOfMaskedRows) {
  Tape<double> tape;
  Var<double> y = log_softmax(tape.constant(masked_rows()));
  const Tensor<double>& v = y.value();
  EXPECT_EQ(v(0, 0), -kInf);
  EXPECT_NEAR(v(0, 1), -0.693147, 1e-6);
  EXPECT_NEAR(v(0, 2), -0.693147, 1e-6);
  for (int j = 0; j < 3; ++j) EXPECT_EQ(v(2, j), -kInf);
}

TEST(MaskedSoftmaxCaseTest, GradientIsZeroAtMaskedEntries) {
  // A weighted sum of softmax outputs: the masked entries have p = 0 and
  // must get gradient 0, and no entry may be NaN.
  Tape<double> tape;
  Var<double> x = tape.variable(masked_rows());
  Var<double> w =
      tape.constant(Tensor<double>(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  tape.backward(sum(softmax(x) * w));
  const Tensor<double>& g = x.grad();
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_FALSE(std::isnan(g[i])) << "element " << i;
  }
  EXPECT_EQ(g(0, 0), 0.0);
  EXPECT_EQ(g(1, 2), 0.0);
  for (int j = 0; j < 3; ++j) EXPECT_EQ(g(2, j), 0.0);
}

TEST(MaskedSoftmaxCaseTest, CrossEntropyGradientIsZeroAtMaskedEntries) {
  // -log_softmax at an unmasked target: d/dx = p - onehot, 0 where masked.
  Tape<double> tape;
  Var<double> x = tape.variable(masked_rows());
  std::vector<int> y{1, 0, 0};
  // Row 2 is fully masked; leave it out of the loss through a zero weight
  // on a row-selected sum so only rows 0 and 1 contribute.
  Var<double> picked = gather(log_softmax(x), y);
  Var<double> keep = tape.constant(Tensor<double>(3, 1, {1, 1, 0}));
  Var<double> nll =
      -sum(mul(keep, clamp(picked, -1e300, 0.0)));  // clamp keeps 0 * -inf out
  tape.backward(nll);
  const Tensor<double>& g = x.grad();
  EXPECT_EQ(g(0, 0), 0.0);
  EXPECT_NEAR(g(0, 1), -0.5, 1e-15);
  EXPECT_EQ(g(1, 2), 0.0);
  for (std::size_t i = 0; i < g.size(); ++i) {
    EXPECT_FALSE(std::isnan(g[i])) << "element " << i;
  }
}

}  // namespace
}  // namespace losslab
