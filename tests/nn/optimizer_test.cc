// Tests of SGD, Adam, AdamW and gradient clipping against trajectories
// computed by hand (or taken from /work/shared/cases/CASES.md).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "autograd/ops.h"
#include "nn/adam.h"
#include "nn/sgd.h"

namespace losslab {
namespace {

// One scalar parameter theta (1 x 1) and a handle for optimizers.
struct Scalar {
  explicit Scalar(double theta) : p(Tensor<double>(1, 1, {theta})) {}
  std::vector<NamedParameter<double>> params() { return {{"theta", &p}}; }
  double value() const { return p.value[0]; }
  Parameter<double> p;
};

// Runs `steps` steps with the constant gradient g; returns theta after each.
std::vector<double> trajectory(Optimizer<double>& opt, Parameter<double>& p,
                               double g, int steps) {
  std::vector<double> out;
  for (int s = 0; s < steps; ++s) {
    p.grad()[0] = g;
    opt.step();
    out.push_back(p.value[0]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Adam and AdamW: cases C27 and C28
// ---------------------------------------------------------------------------

AdamOptions case_options(double weight_decay) {
  AdamOptions o;
  o.lr = 0.1;
  o.beta1 = 0.9;
  o.beta2 = 0.999;
  o.eps = 1e-8;
  o.weight_decay = weight_decay;
  return o;
}

// C27: theta0 = 1, g = 0.5, three steps each move lr g / (|g| + eps).
TEST(AdamTest, BiasCorrectionUsesBetaToThePowerT) {
  Scalar s(1.0);
  Adam<double> adam(s.params(), case_options(0.0));
  std::vector<double> got = trajectory(adam, s.p, 0.5, 3);
  const double expected[] = {0.900000002, 0.800000004, 0.700000006};
  for (int t = 0; t < 3; ++t) {
    EXPECT_NEAR(got[t], expected[t], 1e-12) << "step " << t + 1;
  }
  EXPECT_EQ(adam.step_count(), 3);
}

// C27: with two tensors the counter advances once per step, so the second
// tensor follows the same trajectory (the per-tensor bug gives 0.925586).
TEST(AdamTest, StepCounterAdvancesOncePerStepNotPerTensor) {
  Scalar a(1.0), b(1.0);
  Adam<double> adam({{"a", &a.p}, {"b", &b.p}}, case_options(0.0));
  const double expected[] = {0.900000002, 0.800000004, 0.700000006};
  for (int t = 0; t < 3; ++t) {
    a.p.grad()[0] = b.p.grad()[0] = 0.5;
    adam.step();
    EXPECT_NEAR(b.value(), expected[t], 1e-12) << "step " << t + 1;
  }
  EXPECT_EQ(adam.step_count(), 3);
}

// C28 (a): g = 0, lambda = 0.1. The L2 term 0.1 theta becomes the gradient
// and is normalised by sqrt(v_hat).
TEST(AdamTest, L2WeightDecayIsAddedToTheGradient) {
  Scalar s(1.0);
  Adam<double> adam(s.params(), case_options(0.1));
  std::vector<double> got = trajectory(adam, s.p, 0.0, 3);
  EXPECT_NEAR(got[0], 0.900000010, 1e-9);
  EXPECT_NEAR(got[1], 0.800412, 1e-6);
  EXPECT_NEAR(got[2], 0.701586, 1e-6);
}

// C28 (a): AdamW with g = 0 only decays, theta *= 1 - lr lambda = 0.99.
TEST(AdamWTest, DecoupledDecayShrinksBeforeTheStep) {
  Scalar s(1.0);
  AdamW<double> adamw(s.params(), case_options(0.1));
  std::vector<double> got = trajectory(adamw, s.p, 0.0, 3);
  EXPECT_NEAR(got[0], 0.99, 1e-12);
  EXPECT_NEAR(got[1], 0.9801, 1e-12);
  EXPECT_NEAR(got[2], 0.970299, 1e-12);
}

// C28 (b): g = 1 for two steps.
TEST(AdamTest, L2DecayWithConstantGradient) {
  Scalar s(1.0);
  Adam<double> adam(s.params(), case_options(0.1));
  std::vector<double> got = trajectory(adam, s.p, 1.0, 2);
  EXPECT_NEAR(got[0], 0.900000001, 1e-9);
  EXPECT_NEAR(got[1], 0.800025, 1e-6);
}

TEST(AdamWTest, DecoupledDecayWithConstantGradient) {
  Scalar s(1.0);
  AdamW<double> adamw(s.params(), case_options(0.1));
  std::vector<double> got = trajectory(adamw, s.p, 1.0, 2);
  EXPECT_NEAR(got[0], 0.890000001, 1e-9);
  EXPECT_NEAR(got[1], 0.781100, 1e-6);
}

// C28: with lambda = 0 both reduce to plain Adam.
TEST(AdamWTest, ZeroDecayEqualsAdam) {
  Scalar a(1.0), b(1.0);
  Adam<double> adam(a.params(), case_options(0.0));
  AdamW<double> adamw(b.params(), case_options(0.0));
  std::vector<double> ta = trajectory(adam, a.p, 0.3, 4);
  std::vector<double> tb = trajectory(adamw, b.p, 0.3, 4);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(ta[t], tb[t]) << "step " << t + 1;
}

TEST(AdamTest, FloatTrajectoryMatchesDoubleToFloatPrecision) {
  Parameter<float> p(Tensor<float>(1, 1, {1.0f}));
  Adam<float> adam({{"theta", &p}}, case_options(0.0));
  for (int t = 0; t < 3; ++t) {
    p.grad()[0] = 0.5f;
    adam.step();
  }
  EXPECT_NEAR(p.value[0], 0.700000006, 1e-6);
}

TEST(AdamTest, KindNamesTheVariant) {
  Scalar s(1.0);
  EXPECT_EQ(Adam<double>(s.params(), {}).kind(), "adam");
  EXPECT_EQ(AdamW<double>(s.params(), {}).kind(), "adamw");
}

TEST(AdamTest, RejectsInvalidHyperparameters) {
  Scalar s(1.0);
  AdamOptions beta_one;
  beta_one.beta1 = 1.0;
  EXPECT_THROW(Adam<double>(s.params(), beta_one), std::invalid_argument);
  AdamOptions negative_lr;
  negative_lr.lr = -1e-3;
  EXPECT_THROW(AdamW<double>(s.params(), negative_lr), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// SGD
// ---------------------------------------------------------------------------

SgdOptions sgd_options(double momentum, bool nesterov = false,
                       double dampening = 0.0, double weight_decay = 0.0) {
  SgdOptions o;
  o.lr = 0.1;
  o.momentum = momentum;
  o.nesterov = nesterov;
  o.dampening = dampening;
  o.weight_decay = weight_decay;
  return o;
}

TEST(SgdTest, PlainStepSubtractsLrTimesGradient) {
  // theta = 1 - 0.1 * 2 = 0.8, then 0.6.
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.0));
  std::vector<double> got = trajectory(sgd, s.p, 2.0, 2);
  EXPECT_NEAR(got[0], 0.8, 1e-14);
  EXPECT_NEAR(got[1], 0.6, 1e-14);
}

TEST(SgdTest, MomentumBufferStartsAtTheFirstGradient) {
  // g = 1, mu = 0.9: b = 1, 1.9, 2.71; theta = 0.9, 0.71, 0.439.
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.9));
  std::vector<double> got = trajectory(sgd, s.p, 1.0, 3);
  EXPECT_NEAR(got[0], 0.9, 1e-14);
  EXPECT_NEAR(got[1], 0.71, 1e-14);
  EXPECT_NEAR(got[2], 0.439, 1e-14);
}

TEST(SgdTest, NesterovStepsAlongGradientPlusMomentum) {
  // g = 1, mu = 0.9: b = 1, 1.9, 2.71; step g + mu b = 1.9, 2.71, 3.439;
  // theta = 1 - 0.19 = 0.81, 0.81 - 0.271 = 0.539, 0.539 - 0.3439 = 0.1951.
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.9, /*nesterov=*/true));
  std::vector<double> got = trajectory(sgd, s.p, 1.0, 3);
  EXPECT_NEAR(got[0], 0.81, 1e-14);
  EXPECT_NEAR(got[1], 0.539, 1e-14);
  EXPECT_NEAR(got[2], 0.1951, 1e-14);
}

TEST(SgdTest, DampeningSkipsTheFirstStep) {
  // g = 1, mu = 0.9, tau = 0.5: b = 1 (undamped), then 0.9 + 0.5 = 1.4;
  // theta = 0.9, 0.76.
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.9, false, 0.5));
  std::vector<double> got = trajectory(sgd, s.p, 1.0, 2);
  EXPECT_NEAR(got[0], 0.9, 1e-14);
  EXPECT_NEAR(got[1], 0.76, 1e-14);
}

TEST(SgdTest, WeightDecayAddsLambdaTheta) {
  // g = 0, lambda = 0.1: theta = 1 - 0.1 * 0.1 = 0.99, then 0.9801.
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.0, false, 0.0, 0.1));
  std::vector<double> got = trajectory(sgd, s.p, 0.0, 2);
  EXPECT_NEAR(got[0], 0.99, 1e-14);
  EXPECT_NEAR(got[1], 0.9801, 1e-14);
}

TEST(SgdTest, ZeroedGradientIsZeroEvenIfItsBufferWasNotWritten) {
  // The buffer holds a stale 5 behind zero_grad(): with lambda = 0.1 and
  // lr = 0.1 the step must use g = 0, giving theta = 0.99 as above.
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.0, false, 0.0, 0.1));
  s.p.grad()[0] = 5.0;
  sgd.zero_grad();
  sgd.step();
  EXPECT_NEAR(s.value(), 0.99, 1e-14);
}

// SGD on a weight whose batch-of-one gradient is held as factors
// (Parameter::grad_is_rank_one) updates from the factors. It must land on
// the same floats, bit for bit, as the same steps on the written-out
// gradient: three steps of y = x W, loss = sum(y * y), 4 x 3 weights.
void expect_factored_sgd_matches_dense(const SgdOptions& options) {
  auto make = [] {
    Tensor<float> w(4, 3);
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.1f * float(i) - 0.4f;
    return Parameter<float>(w);
  };
  Parameter<float> factored = make(), dense = make();
  Sgd<float> sgd_f({{"w", &factored}}, options);
  Sgd<float> sgd_d({{"w", &dense}}, options);
  const float xs[3][4] = {
      {1, -2, 0.5f, 3}, {0.25f, 1, -1, 2}, {-3, 0.1f, 0.7f, 1}};
  for (const auto& row : xs) {
    for (Parameter<float>* p : {&factored, &dense}) {
      Tape<float> tape;
      Var<float> x =
          tape.constant(Tensor<float>(1, 4, {row[0], row[1], row[2], row[3]}));
      Var<float> y = matmul(x, tape.param(*p));
      p->zero_grad();
      tape.backward(sum(y * y));
    }
    ASSERT_TRUE(factored.grad_is_rank_one());
    dense.grad();  // writes the matrix out
    ASSERT_FALSE(dense.grad_is_rank_one());
    sgd_f.step();
    sgd_d.step();
  }
  for (std::size_t i = 0; i < dense.value.size(); ++i) {
    EXPECT_EQ(factored.value[i], dense.value[i]) << "element " << i;
  }
}

TEST(SgdTest, PlainStepFromFactorsMatchesTheWrittenGradient) {
  expect_factored_sgd_matches_dense({.lr = 0.05});
}

TEST(SgdTest, MomentumStepFromFactorsMatchesTheWrittenGradient) {
  expect_factored_sgd_matches_dense({.lr = 0.05, .momentum = 0.9});
}

TEST(SgdTest, NesterovDecayStepFromFactorsMatchesTheWrittenGradient) {
  expect_factored_sgd_matches_dense(
      {.lr = 0.05, .momentum = 0.9, .nesterov = true, .weight_decay = 0.01});
}

TEST(SgdTest, RejectsNesterovWithoutMomentum) {
  Scalar s(1.0);
  EXPECT_THROW(Sgd<double>(s.params(), sgd_options(0.0, true)),
               std::invalid_argument);
  EXPECT_THROW(Sgd<double>(s.params(), sgd_options(0.9, true, 0.1)),
               std::invalid_argument);
}

TEST(OptimizerTest, RejectsDuplicateParameterNames) {
  Scalar a(1.0), b(1.0);
  EXPECT_THROW(Sgd<double>({{"w", &a.p}, {"w", &b.p}}, sgd_options(0.0)),
               std::invalid_argument);
}

TEST(OptimizerTest, ZeroGradClearsGradients) {
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.0));
  s.p.grad()[0] = 3.0;
  sgd.zero_grad();
  EXPECT_EQ(s.p.grad()[0], 0.0);
}

TEST(OptimizerTest, SetLrRejectsNegativeRate) {
  Scalar s(1.0);
  Sgd<double> sgd(s.params(), sgd_options(0.0));
  sgd.set_lr(0.5);
  EXPECT_EQ(sgd.lr(), 0.5);
  EXPECT_THROW(sgd.set_lr(-0.1), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// State for checkpoints
// ---------------------------------------------------------------------------

TEST(OptimizerStateTest, LoadedStateContinuesTheSameTrajectory) {
  // Two Adam runs: one uninterrupted, one restored after two steps into a
  // fresh optimizer. Their third steps must agree exactly.
  Scalar a(1.0), b(1.0);
  Adam<double> first(a.params(), case_options(0.1));
  trajectory(first, a.p, 0.7, 2);
  b.p.value = a.p.value;
  Adam<double> second(b.params(), case_options(0.0));
  second.load_state(first.state());
  EXPECT_EQ(second.step_count(), 2);
  EXPECT_EQ(trajectory(first, a.p, 0.7, 1)[0],
            trajectory(second, b.p, 0.7, 1)[0]);
}

TEST(OptimizerStateTest, NamesBuffersAfterTheirParameters) {
  Scalar s(1.0);
  Adam<double> adam(s.params(), {});
  EXPECT_TRUE(adam.state().buffers.empty());  // nothing before step 1
  trajectory(adam, s.p, 1.0, 1);
  OptimizerState<double> state = adam.state();
  ASSERT_EQ(state.buffers.size(), 2u);
  EXPECT_EQ(state.buffers[0].name, "theta.exp_avg");
  EXPECT_EQ(state.buffers[1].name, "theta.exp_avg_sq");
}

TEST(OptimizerStateTest, RejectsStateOfAnotherKindAndChangesNothing) {
  Scalar s(1.0);
  Adam<double> adam(s.params(), case_options(0.0));
  Sgd<double> sgd(s.params(), sgd_options(0.9));
  trajectory(sgd, s.p, 1.0, 1);
  EXPECT_THROW(adam.load_state(sgd.state()), std::invalid_argument);
  EXPECT_EQ(adam.step_count(), 0);
  EXPECT_EQ(adam.lr(), 0.1);
}

TEST(OptimizerStateTest, RejectsBufferOfWrongShape) {
  Scalar s(1.0);
  Adam<double> adam(s.params(), {});
  trajectory(adam, s.p, 1.0, 1);
  OptimizerState<double> state = adam.state();
  state.buffers[1].value = Tensor<double>(2, 1);
  EXPECT_THROW(adam.load_state(state), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// Gradient clipping
// ---------------------------------------------------------------------------

TEST(ClipGradNormTest, ScalesToMaxNormAndReturnsOriginalNorm) {
  // Gradients [3, 4] and [0]: norm sqrt(9 + 16) = 5; factor 1 / (5 + 1e-6).
  Parameter<double> a(Tensor<double>(1, 2)), b(Tensor<double>(1, 1));
  a.grad() = Tensor<double>(1, 2, {3.0, 4.0});
  std::vector<NamedParameter<double>> params = {{"a", &a}, {"b", &b}};
  EXPECT_DOUBLE_EQ(clip_grad_norm(params, 1.0), 5.0);
  EXPECT_NEAR(a.grad()[0], 3.0 / (5.0 + 1e-6), 1e-14);
  EXPECT_NEAR(a.grad()[1], 4.0 / (5.0 + 1e-6), 1e-14);
  EXPECT_EQ(b.grad()[0], 0.0);
}

TEST(ClipGradNormTest, ZeroedGradientAddsNothingToTheNorm) {
  // b's buffer still holds 100 behind zero_grad(): the norm is |[3, 4]|.
  Parameter<double> a(Tensor<double>(1, 2)), b(Tensor<double>(1, 1));
  a.grad() = Tensor<double>(1, 2, {3.0, 4.0});
  b.grad()[0] = 100.0;
  b.zero_grad();
  std::vector<NamedParameter<double>> params = {{"a", &a}, {"b", &b}};
  EXPECT_DOUBLE_EQ(clip_grad_norm(params, 10.0), 5.0);
  EXPECT_EQ(b.grad()[0], 0.0);
}

TEST(ClipGradNormTest, LeavesSmallGradientsUnchanged) {
  Parameter<float> a(Tensor<float>(1, 2));
  a.grad() = Tensor<float>(1, 2, {0.3f, 0.4f});
  std::vector<NamedParameter<float>> params = {{"a", &a}};
  EXPECT_NEAR(clip_grad_norm(params, 1.0), 0.5, 1e-7);
  EXPECT_EQ(a.grad()[0], 0.3f);
  EXPECT_EQ(a.grad()[1], 0.4f);
}

TEST(ClipGradNormTest, NonFiniteNormLeavesGradientsUnchanged) {
  Parameter<double> a(Tensor<double>(1, 2));
  a.grad() = Tensor<double>(1, 2, {NAN, 1.0});
  std::vector<NamedParameter<double>> params = {{"a", &a}};
  EXPECT_TRUE(std::isnan(clip_grad_norm(params, 1.0)));
  EXPECT_EQ(a.grad()[1], 1.0);
}

TEST(ClipGradNormTest, RejectsNonPositiveMaxNorm) {
  std::vector<NamedParameter<double>> none;
  EXPECT_THROW(clip_grad_norm(none, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
