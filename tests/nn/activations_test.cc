// Tests of the activation modules and of inverted dropout.
#include "nn/activations.h"

#include <gtest/gtest.h>

#include <cmath>

#include "autograd/ops.h"

namespace losslab {
namespace {

// The module's output for a 1 x 3 input [-2, 0, 1.5].
template <class M>
Tensor<double> apply(M& module) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(1, 3, {-2.0, 0.0, 1.5}));
  return module.forward(tape, x).value();
}

TEST(ActivationsTest, ReLUZeroesNegatives) {
  ReLU<double> m;
  Tensor<double> y = apply(m);
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(y[1], 0.0);
  EXPECT_EQ(y[2], 1.5);
}

TEST(ActivationsTest, LeakyReLUScalesNegativesBySlope) {
  LeakyReLU<double> m(0.1);
  Tensor<double> y = apply(m);
  EXPECT_DOUBLE_EQ(y[0], -0.2);  // 0.1 * -2
  EXPECT_EQ(y[2], 1.5);
}

TEST(ActivationsTest, TanhSigmoidAndGeluMatchTheirFormulas) {
  // Values from the formulas with libm: tanh(1.5) = 0.905148253644866,
  // 1 / (1 + e^2) = 0.119202922022118, 1.5 Phi(1.5) =
  // 1.5 * 0.933192798731142 = 1.399789198096713.
  Tanh<double> t;
  Sigmoid<double> s;
  GELU<double> g;
  EXPECT_NEAR(apply(t)[2], 0.905148253644866, 1e-14);
  EXPECT_NEAR(apply(s)[0], 0.119202922022118, 1e-14);
  EXPECT_NEAR(apply(g)[2], 1.399789198096713, 1e-14);
}

TEST(ActivationsTest, RejectsNonFiniteLeakySlope) {
  EXPECT_THROW(LeakyReLU<double>(NAN), std::invalid_argument);
}

TEST(DropoutTest, KeptElementsAreScaledByOneOverKeepProbability) {
  // p = 0.3: each output is 0 or 1 / 0.7. Over 10^4 elements the dropped
  // fraction is 0.3 within 4 sigma, sigma = sqrt(0.3 * 0.7 / 10^4) = 0.0046.
  Dropout<double> dropout(0.3, 42);
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(100, 100, 1.0));
  Tensor<double> y = dropout.forward(tape, x).value();
  int dropped = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (y[i] == 0.0) {
      ++dropped;
    } else {
      ASSERT_DOUBLE_EQ(y[i], 1.0 / 0.7) << "element " << i;
    }
  }
  EXPECT_NEAR(dropped / 1e4, 0.3, 4 * 0.0046);
}

TEST(DropoutTest, GradientIsTheScaledMask) {
  // y = x * m / (1 - p), so d sum(y) / dx = m / (1 - p) = y / x for x = 2.
  Dropout<double> dropout(0.5, 7);
  Tape<double> tape;
  Var<double> x = tape.variable(Tensor<double>(4, 5, 2.0));
  Var<double> y = dropout.forward(tape, x);
  tape.backward(sum(y));
  for (std::size_t i = 0; i < y.value().size(); ++i) {
    EXPECT_EQ(x.grad()[i], y.value()[i] / 2.0) << "element " << i;
  }
}

TEST(DropoutTest, EvalModeIsIdentity) {
  Dropout<double> dropout(0.9, 1);
  dropout.eval();
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(3, 3, 1.25));
  Var<double> y = dropout.forward(tape, x);
  EXPECT_EQ(y.node(), x.node());
}

TEST(DropoutTest, ProbabilityOneDropsEverything) {
  Dropout<double> dropout(1.0, 1);
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 3, 5.0));
  Tensor<double> y = dropout.forward(tape, x).value();
  for (std::size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], 0.0);
}

TEST(DropoutTest, SameSeedGivesSameMask) {
  Dropout<float> a(0.5, 99), b(0.5, 99);
  Tape<float> tape;
  Var<float> x = tape.constant(Tensor<float>(8, 8, 1.0f));
  Tensor<float> ya = a.forward(tape, x).value();
  Tensor<float> yb = b.forward(tape, x).value();
  for (std::size_t i = 0; i < ya.size(); ++i) EXPECT_EQ(ya[i], yb[i]);
}

TEST(DropoutTest, RejectsProbabilityOutsideUnitInterval) {
  EXPECT_THROW(Dropout<double>(-0.1, 1), std::invalid_argument);
  EXPECT_THROW(Dropout<double>(1.5, 1), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
