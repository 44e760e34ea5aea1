// Softmax cross-entropy: values by hand, handed cases C02, C09, C15, C33,
// soft targets, gradients.
#include "losses/cross_entropy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

constexpr double kInf = std::numeric_limits<double>::infinity();

// CE with label smoothing eps.
SoftmaxCrossEntropy smoothed(double eps) {
  CrossEntropyOptions o;
  o.smoothing = eps;
  return SoftmaxCrossEntropy(o);
}

// Soft-target loss and gradient on a fresh tape.
struct SoftResult {
  double value;
  Tensor<double> grad;
};
SoftResult soft_ce(const SoftmaxCrossEntropy& ce, const Tensor<double>& z,
                   const Tensor<double>& q) {
  Tape<double> tape;
  Var<double> zv = tape.variable(z);
  Var<double> l = ce.forward_soft(zv, q, {}, Reduction::kMean);
  tape.backward(l);
  return {l.value().item(), zv.grad()};
}

TEST(SoftmaxCrossEntropyTest, ValueByHand) {
  // row 0: uniform over 3: log 3 = 1.098612
  // row 1: log(e + e^2 + e^3) - 3 = 0.407606 (C07's first row)
  Tensor<double> z(2, 3, {0.0, 0.0, 0.0, 1.0, 2.0, 3.0});
  Tensor<double> l =
      loss_value(SoftmaxCrossEntropy(), z, {2, 2}, Reduction::kNone);
  EXPECT_NEAR(l[0], std::log(3.0), 1e-15);
  EXPECT_NEAR(l[1], 0.407606, 1e-6);
}

// C33: index targets and one-hot rows give the same mean, log(1 + e^-2).
TEST(SoftmaxCrossEntropyTest, IndexAndOneHotTargetsAgree) {
  Tensor<double> z(2, 2, {2.0, 0.0, 0.0, 2.0});
  SoftmaxCrossEntropy ce;
  EXPECT_NEAR(loss_value(ce, z, {0, 1}).item(), 0.126928, 1e-6);
  EXPECT_NEAR(soft_ce(ce, z, Tensor<double>(2, 2, {1.0, 0.0, 0.0, 1.0})).value,
              0.126928, 1e-6);
}

TEST(SoftmaxCrossEntropyTest, RejectsIndexOutsideClasses) {
  // C33: y = [0, 2] for K = 2, and a negative index.
  Tensor<double> z(2, 2, {2.0, 0.0, 0.0, 2.0});
  EXPECT_THROW(loss_value(SoftmaxCrossEntropy(), z, {0, 2}),
               std::invalid_argument);
  EXPECT_THROW(loss_value(SoftmaxCrossEntropy(), z, {-1, 1}),
               std::invalid_argument);
}

TEST(SoftmaxCrossEntropyTest, RejectsSoftRowsThatAreNotDistributions) {
  // C33: a row summing to 2, a value outside [0, 1], a wrong shape.
  SoftmaxCrossEntropy ce;
  Tensor<double> z(2, 2);
  EXPECT_THROW(soft_ce(ce, z, Tensor<double>(2, 2, {1.0, 1.0, 0.0, 1.0})),
               std::invalid_argument);
  EXPECT_THROW(soft_ce(ce, z, Tensor<double>(2, 2, {1.5, -0.5, 0.0, 1.0})),
               std::invalid_argument);
  EXPECT_THROW(soft_ce(ce, z, Tensor<double>(1, 2, {1.0, 0.0})),
               std::invalid_argument);
}

TEST(SoftmaxCrossEntropyTest, SoftTargetGradientIsSoftmaxMinusTarget) {
  // z = [0, 0], q = [0.3, 0.7]: loss = sum q (log 2 - 0) = log 2;
  // grad = p - q = [0.5 - 0.3, 0.5 - 0.7] = [0.2, -0.2].
  SoftResult r = soft_ce(SoftmaxCrossEntropy(), Tensor<double>(1, 2),
                         Tensor<double>(1, 2, {0.3, 0.7}));
  EXPECT_NEAR(r.value, std::log(2.0), 1e-15);
  EXPECT_NEAR(r.grad[0], 0.2, 1e-15);
  EXPECT_NEAR(r.grad[1], -0.2, 1e-15);
}

// C15: a -inf logit whose target weight is 0 contributes 0, not NaN.
TEST(SoftmaxCrossEntropyTest, MaskedLogitWithZeroTargetContributesZero) {
  Tensor<double> z(1, 2, {-kInf, 0.0});
  SoftResult r =
      soft_ce(SoftmaxCrossEntropy(), z, Tensor<double>(1, 2, {0.0, 1.0}));
  EXPECT_EQ(r.value, 0.0);
  EXPECT_EQ(r.grad[0], 0.0);
  EXPECT_EQ(r.grad[1], 0.0);
  // Index-target version: y = 1 gives 0 with gradient [0, 0].
  EXPECT_EQ(loss_value(SoftmaxCrossEntropy(), z, {1}).item(), 0.0);
  Tensor<double> g = loss_grad(SoftmaxCrossEntropy(), z, {1});
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(g[1], 0.0);
}

TEST(SoftmaxCrossEntropyTest, MaskedLogitWithPositiveTargetIsInfinite) {
  // C15: q = [1, 0] puts all mass on the masked class: +inf, correctly.
  Tensor<double> z(1, 2, {-kInf, 0.0});
  EXPECT_EQ(
      soft_ce(SoftmaxCrossEntropy(), z, Tensor<double>(1, 2, {1.0, 0.0})).value,
      kInf);
}

// C02: an underflowed softmax entry must not make the gradient NaN.
TEST(SoftmaxCrossEntropyTest, LargeLogitsGiveExactLossAndGradient) {
  // loss = lse(z) - z0 = 427 + 431 = 858; grad = softmax - y =
  // [-1, e^(279-427), 1] = [-1, 5.30172e-65, 1].
  Tensor<double> z(1, 3, {-431.0, 279.0, 427.0});
  EXPECT_EQ(loss_value(SoftmaxCrossEntropy(), z, {0}).item(), 858.0);
  Tensor<double> g = loss_grad(SoftmaxCrossEntropy(), z, {0});
  EXPECT_EQ(g[0], -1.0);
  EXPECT_NEAR(g[1], 5.30172e-65, 1e-70);
  EXPECT_EQ(g[2], 1.0);
}

TEST(SoftmaxCrossEntropyTest, LargeLogitsInFloat) {
  // lse([1000, -1000]) = 1000 exactly in float; target 1: 2000.
  Tensor<float> z(1, 2, {1000.0f, -1000.0f});
  EXPECT_EQ(loss_value(SoftmaxCrossEntropy(), z, {1}).item(), 2000.0f);
  Tensor<float> g = loss_grad(SoftmaxCrossEntropy(), z, {1});
  EXPECT_EQ(g[0], 1.0f);
  EXPECT_EQ(g[1], -1.0f);
}

// C09: K = 7, eps = 0.1, uniform logits: the smoothed target sums to 1,
// so the loss is log 7 for any valid smoothing.
TEST(SoftmaxCrossEntropyTest, LabelSmoothingOnUniformLogits) {
  SoftmaxCrossEntropy ce = smoothed(0.1);
  Tensor<double> z(1, 7);
  EXPECT_NEAR(loss_value(ce, z, {0}).item(), std::log(7.0), 1e-12);
  // grad = 1/K - q = [1/7 - 0.914286, 1/7 - 0.0142857 x 6]
  Tensor<double> g = loss_grad(ce, z, {0});
  EXPECT_NEAR(g[0], -0.771429, 1e-6);
  for (int j = 1; j < 7; ++j) EXPECT_NEAR(g[j], 0.128571, 1e-6) << j;
}

TEST(SoftmaxCrossEntropyTest, LabelSmoothingMinimumIsTargetEntropy) {
  // At z = log q the loss is the entropy of q = 0.446088 (C09).
  SoftmaxCrossEntropy ce = smoothed(0.1);
  Tensor<double> z(1, 7, std::log(0.1 / 7));
  z[0] = std::log(0.9 + 0.1 / 7);
  EXPECT_NEAR(loss_value(ce, z, {0}).item(), 0.446088, 1e-6);
}

TEST(SoftmaxCrossEntropyTest, RejectsSmoothingOutsideRange) {
  EXPECT_THROW(smoothed(1.0), std::invalid_argument);
  EXPECT_THROW(smoothed(-0.1), std::invalid_argument);
}

TEST(SoftmaxCrossEntropyTest, GradientMatchesFiniteDifferences) {
  Tensor<double> z = testing::random_tensor(4, 3, 31);
  testing::expect_gradcheck_all_reductions(SoftmaxCrossEntropy(), z,
                                           {2, 0, 1, 1});
  testing::expect_gradcheck_all_reductions(smoothed(0.2), z, {2, 0, 1, 1});
}

TEST(SoftmaxCrossEntropyTest, SoftTargetGradientMatchesFiniteDifferences) {
  SoftmaxCrossEntropy ce = smoothed(0.1);
  Tensor<double> q(2, 3, {0.2, 0.3, 0.5, 0.0, 1.0, 0.0});
  for (Reduction r : {Reduction::kNone, Reduction::kSum, Reduction::kMean}) {
    EXPECT_GRADCHECK(
        [&](Tape<double>&, const std::vector<Var<double>>& in) {
          return ce.forward_soft(in[0], q, {}, r);
        },
        {testing::random_tensor(2, 3, 32)});
  }
}

}  // namespace
}  // namespace losslab
