// L1 on probabilities: values by hand, C11's subgradient at 0, gradients.
#include "losses/l1.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

// C11: pred [-1, 0, 1] against 0 (three samples): |d| = [1, 0, 1].
Var<double> c11_per_sample(Tape<double>& tape, Var<double>* pred) {
  *pred = tape.variable(Tensor<double>(3, 1, {-1.0, 0.0, 1.0}));
  return absolute_error(*pred, tape.constant(Tensor<double>(3, 1)));
}

TEST(L1Test, SubgradientAtZeroIsZeroForSum) {
  // sum = 1 + 0 + 1 = 2; grad = sign(d) = [-1, 0, 1] with sign(0) = 0.
  Tape<double> tape;
  Var<double> pred;
  Var<double> l = reduce_loss(PerSample<double>(c11_per_sample(tape, &pred)),
                              {}, Reduction::kSum);
  tape.backward(l);
  EXPECT_EQ(l.value().item(), 2.0);
  EXPECT_EQ(pred.grad()[0], -1.0);
  EXPECT_EQ(pred.grad()[1], 0.0);
  EXPECT_EQ(pred.grad()[2], 1.0);
}

TEST(L1Test, SubgradientAtZeroIsZeroForMean) {
  // mean = 2 / 3; grad = [-1, 0, 1] / 3.
  Tape<double> tape;
  Var<double> pred;
  Var<double> l = reduce_loss(PerSample<double>(c11_per_sample(tape, &pred)),
                              {}, Reduction::kMean);
  tape.backward(l);
  EXPECT_NEAR(l.value().item(), 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(pred.grad()[0], -1.0 / 3.0, 1e-15);
  EXPECT_EQ(pred.grad()[1], 0.0);
  EXPECT_NEAR(pred.grad()[2], 1.0 / 3.0, 1e-15);
}

TEST(L1Test, AgreesWithAbsOp) {
  // The loss and abs(pred - target) give the same gradient, ties included.
  Tensor<double> pv(2, 2, {0.5, 0.0, 1.0, 0.25});
  Tensor<double> tv(2, 2, {0.5, 1.0, 1.0, 0.0});
  Tape<double> tape;
  Var<double> p1 = tape.variable(pv);
  Var<double> p2 = tape.variable(pv);
  Var<double> t = tape.constant(tv);
  tape.backward(sum(absolute_error(p1, t)));
  tape.backward(sum(row_mean(abs(p2 - t))));
  for (std::size_t k = 0; k < pv.size(); ++k) {
    EXPECT_EQ(p1.grad()[k], p2.grad()[k]) << "element " << k;
  }
}

TEST(L1Test, SoftmaxValueByHand) {
  // row 0: p = [1/2, 1/2], y = [1, 0]: (1/2 + 1/2) / 2 = 0.5
  // row 1: p = [3/4, 1/4], y = [0, 1]: (3/4 + 3/4) / 2 = 0.75
  // sum = 1.25
  Tensor<double> z(2, 2, {0.0, 0.0, std::log(3.0), 0.0});
  EXPECT_NEAR(loss_value(L1Loss(), z, {0, 1}, Reduction::kSum).item(), 1.25,
              1e-15);
}

TEST(L1Test, GradientMatchesFiniteDifferences) {
  Tensor<double> z = testing::random_tensor(4, 3, 21);
  testing::expect_gradcheck_all_reductions(L1Loss(), z, {1, 0, 2, 2});
  testing::expect_gradcheck_all_reductions(L1Loss(OutputKind::kSigmoid),
                                           testing::random_tensor(3, 1, 22),
                                           {1, 0, 1});
}

TEST(L1Test, RejectsShapeMismatch) {
  Tape<double> tape;
  Var<double> pred = tape.variable(Tensor<double>(3, 1));
  EXPECT_THROW(absolute_error(pred, tape.constant(Tensor<double>(1, 3))),
               std::invalid_argument);
}

TEST(L1Test, SaturatedSigmoidGivesFiniteGradient) {
  // s(-1000) = 0 = y exactly: loss 0, gradient 0 (sign(0) = 0).
  L1Loss l1(OutputKind::kSigmoid);
  Tensor<float> z(1, 1, {-1000.0f});
  EXPECT_EQ(loss_value(l1, z, {0}).item(), 0.0f);
  EXPECT_EQ(loss_grad(l1, z, {0}).item(), 0.0f);
}

}  // namespace
}  // namespace losslab
