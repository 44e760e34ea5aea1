// MSE on probabilities: values by hand, gradients, the C10 shape guard.
#include "losses/mse.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

// The project brief's worked example: y = 0, p = 0.9 gives (0.9 - 0)^2 =
// 0.81 and d/dp (p - y)^2 = 2 (0.9 - 0) = 1.8.
TEST(MseTest, WorkedExampleValueAndSlope) {
  Tape<double> tape;
  Var<double> p = tape.variable(Tensor<double>(1, 1, {0.9}));
  Var<double> l = squared_error(p, tape.constant(Tensor<double>(1, 1, {0.0})));
  tape.backward(l);
  EXPECT_NEAR(l.value().item(), 0.81, 1e-15);
  EXPECT_NEAR(p.grad().item(), 1.8, 1e-15);
}

TEST(MseTest, SoftmaxValueByHand) {
  // row 0: p = [1/2, 1/2], y = [1, 0]: (1/4 + 1/4) / 2 = 0.25
  // row 1: p = [3/4, 1/4], y = [0, 1]: (9/16 + 9/16) / 2 = 0.5625
  // mean = (0.25 + 0.5625) / 2 = 0.40625
  Tensor<double> z(2, 2, {0.0, 0.0, std::log(3.0), 0.0});
  EXPECT_NEAR(loss_value(MseLoss(), z, {0, 1}).item(), 0.40625, 1e-15);
}

TEST(MseTest, SigmoidLinkMatchesWorkedExample) {
  // s(ln 9) = 0.9, target 0: 0.81; through the logit the slope is
  // 1.8 s'(z) = 1.8 * 0.9 * 0.1 = 0.162.
  MseLoss mse(OutputKind::kSigmoid);
  Tensor<double> z(1, 1, {std::log(9.0)});
  EXPECT_NEAR(loss_value(mse, z, {0}).item(), 0.81, 1e-15);
  EXPECT_NEAR(loss_grad(mse, z, {0}).item(), 0.162, 1e-15);
}

TEST(MseTest, TwoClassSoftmaxEqualsSigmoidOfDifference) {
  // softmax([0, ln 9]) = [0.1, 0.9], target 0: (0.81 + 0.81) / 2 = 0.81
  Tensor<double> z(1, 2, {0.0, std::log(9.0)});
  EXPECT_NEAR(loss_value(MseLoss(), z, {0}).item(), 0.81, 1e-15);
}

TEST(MseTest, GradientMatchesFiniteDifferences) {
  Tensor<double> z = testing::random_tensor(4, 3, 11);
  testing::expect_gradcheck_all_reductions(MseLoss(), z, {0, 2, 1, 2});
  testing::expect_gradcheck_all_reductions(MseLoss(OutputKind::kSigmoid), z,
                                           {0, 2, 1, 2});
  Tensor<double> z1 = testing::random_tensor(3, 1, 12);
  testing::expect_gradcheck_all_reductions(MseLoss(OutputKind::kSigmoid), z1,
                                           {0, 1, 1});
}

// C10: a 3 x 1 prediction against a 1 x 3 target is rejected; it must
// never broadcast to 3 x 3 and return 12/9.
TEST(MseTest, RejectsShapeMismatchInsteadOfBroadcasting) {
  Tape<double> tape;
  Var<double> pred = tape.variable(Tensor<double>(3, 1, {1.0, 2.0, 3.0}));
  Var<double> row = tape.constant(Tensor<double>(1, 3, {1.0, 2.0, 3.0}));
  EXPECT_THROW(squared_error(pred, row), std::invalid_argument);
  // Equal shapes compare element by element: 0.
  Var<double> col = tape.constant(Tensor<double>(3, 1, {1.0, 2.0, 3.0}));
  EXPECT_EQ(sum(squared_error(pred, col)).value().item(), 0.0);
}

TEST(MseTest, RejectsTargetCountMismatch) {
  // C10's second check: 2 outputs against 4 targets.
  MseLoss mse(OutputKind::kSigmoid);
  EXPECT_THROW(loss_value(mse, Tensor<double>(2, 1), {0, 1, 1, 1}),
               std::invalid_argument);
}

TEST(MseTest, RejectsTargetOutOfRange) {
  MseLoss mse(OutputKind::kSigmoid);
  EXPECT_THROW(loss_value(mse, Tensor<double>(2, 1), {0, 2}),
               std::invalid_argument);
  EXPECT_THROW(loss_value(MseLoss(), Tensor<double>(2, 3), {-1, 0}),
               std::invalid_argument);
}

TEST(MseTest, SaturatedLogitsGiveFiniteValueAndGradient) {
  // softmax([1000, -1000]) = [1, 0] in float, target 1: (1 + 1) / 2 = 1.
  Tensor<float> z(1, 2, {1000.0f, -1000.0f});
  EXPECT_EQ(loss_value(MseLoss(), z, {1}).item(), 1.0f);
  Tensor<float> g = loss_grad(MseLoss(), z, {1});
  EXPECT_TRUE(std::isfinite(g[0]) && std::isfinite(g[1]));
}

}  // namespace
}  // namespace losslab
