// BCE on probabilities: case C03 (clamp at -100), the worked example,
// range checks, saturation.
#include "losses/bce_prob.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

// C03: p = [1, 0, 1, 0, 0], y = [1, 0, 0, 1, 0.5].
struct C03 {
  Tape<double> tape;
  Var<double> p = tape.variable(Tensor<double>(5, 1, {1, 0, 1, 0, 0}));
  Var<double> l =
      bce_on_probabilities(p, Tensor<double>(5, 1, {1.0, 0.0, 0.0, 1.0, 0.5}));
};

TEST(BceOnProbabilitiesTest, ClampsEachLogAtMinus100) {
  // [0, 0, 100, 100, 50]: the first two exactly 0, not NaN; p = 1, y = 0
  // gives 100, not the legacy eps value -log(1e-12) = 27.631.
  C03 c;
  const double expected[] = {0, 0, 100, 100, 50};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.l.value()[i], expected[i]) << i;
  EXPECT_EQ(mean(c.l).value().item(), 50.0);
}

TEST(BceOnProbabilitiesTest, GradientIsFiniteAtZeroAndOne) {
  // (p - y) / max(p (1 - p), 1e-12): [0, 0, 1e12, -1e12, -0.5e12].
  C03 c;
  c.tape.backward(sum(c.l));
  const double expected[] = {0, 0, 1e12, -1e12, -0.5e12};
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(std::isfinite(c.p.grad()[i])) << i;
    EXPECT_NEAR(c.p.grad()[i], expected[i], 1e-3) << i;
  }
}

// The project brief's worked example: y = 0, p = 0.9 gives -log 0.1 =
// 2.302585 and d/dp = 1 / (1 - p) = 10.
TEST(BceOnProbabilitiesTest, WorkedExampleValueAndSlope) {
  Tape<double> tape;
  Var<double> p = tape.variable(Tensor<double>(1, 1, {0.9}));
  Var<double> l = bce_on_probabilities(p, Tensor<double>(1, 1, {0.0}));
  tape.backward(l);
  EXPECT_NEAR(l.value().item(), 2.302585, 1e-6);
  EXPECT_NEAR(p.grad().item(), 10.0, 1e-12);
}

TEST(BceOnProbabilitiesTest, RejectsProbabilityOutsideUnitInterval) {
  Tape<double> tape;
  Tensor<double> y(1, 1, {1.0});
  double nan = std::numeric_limits<double>::quiet_NaN();
  for (double p : {1.5, -0.1, nan}) {
    EXPECT_THROW(
        bce_on_probabilities(tape.variable(Tensor<double>(1, 1, {p})), y),
        std::invalid_argument)
        << p;
  }
}

TEST(BceOnProbabilitiesTest, RejectsBadTargetOrShape) {
  Tape<double> tape;
  Var<double> p = tape.variable(Tensor<double>(2, 1, {0.5, 0.5}));
  EXPECT_THROW(bce_on_probabilities(p, Tensor<double>(2, 1, {0.0, 2.0})),
               std::invalid_argument);
  EXPECT_THROW(bce_on_probabilities(p, Tensor<double>(1, 2, {0.0, 1.0})),
               std::invalid_argument);
}

TEST(BceOnProbabilitiesTest, LossOnLogitsValueByHand) {
  // s(0) = 1/2: -log(1/2) = log 2 for either target.
  Tensor<double> l = loss_value(BceOnProbabilities(), Tensor<double>(2, 1),
                                {1, 0}, Reduction::kNone);
  EXPECT_NEAR(l[0], std::log(2.0), 1e-15);
  EXPECT_NEAR(l[1], std::log(2.0), 1e-15);
}

TEST(BceOnProbabilitiesTest, GradientMatchesFiniteDifferences) {
  testing::expect_gradcheck_all_reductions(
      BceOnProbabilities(), testing::random_tensor(4, 1, 61), {1, 0, 0, 1});
  testing::expect_gradcheck_all_reductions(
      BceOnProbabilities(), testing::random_tensor(3, 3, 62), {1, 0, 2});
}

TEST(BceOnProbabilitiesTest, SaturatesOnceSigmoidRoundsToOne) {
  // float s(20) rounds to 1: log(1 - 1) is clamped, loss 100 (bce on
  // logits would give 20); the gradient stays finite.
  Tensor<float> z(1, 1, {20.0f});
  EXPECT_EQ(loss_value(BceOnProbabilities(), z, {0}).item(), 100.0f);
  EXPECT_TRUE(std::isfinite(loss_grad(BceOnProbabilities(), z, {0}).item()));
}

}  // namespace
}  // namespace losslab
