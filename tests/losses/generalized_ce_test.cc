// Generalised cross-entropy: values by hand, limits, gradients.
#include "losses/generalized_ce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "losses/l1.h"
#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_grad;
using testing::loss_value;

TEST(GeneralizedCrossEntropyTest, ValueByHand) {
  // z = [0, 0]: p_t = 1/2; q = 0.7: (1 - 0.5^0.7) / 0.7
  //   = (1 - 0.615572) / 0.7 = 0.549183
  EXPECT_NEAR(
      loss_value(GeneralizedCrossEntropy(0.7), Tensor<double>(1, 2), {0})
          .item(),
      0.549183, 1e-6);
}

TEST(GeneralizedCrossEntropyTest, QOneIsL1ForTwoClasses) {
  // q = 1: 1 - p_t; L1 over K = 2 is (|p_t - 1| + |1 - p_t|) / 2, equal.
  Tensor<double> z = testing::random_tensor(3, 2, 81);
  std::vector<int> y = {1, 0, 1};
  EXPECT_NEAR(loss_value(GeneralizedCrossEntropy(1.0), z, y).item(),
              loss_value(L1Loss(), z, y).item(), 1e-15);
}

TEST(GeneralizedCrossEntropyTest, UnderflowedTargetProbabilityGivesOneOverQ) {
  // p_t = e^-2000 underflows: (1 - 0) / 0.5 = 2; gradient p_t^q (p - e)
  // also underflows to 0, finite.
  Tensor<float> z(1, 2, {-1000.0f, 1000.0f});
  GeneralizedCrossEntropy gce(0.5);
  EXPECT_EQ(loss_value(gce, z, {0}).item(), 2.0f);
  Tensor<float> g = loss_grad(gce, z, {0});
  EXPECT_EQ(g[0], 0.0f);
  EXPECT_EQ(g[1], 0.0f);
}

TEST(GeneralizedCrossEntropyTest, GradientMatchesFiniteDifferences) {
  testing::expect_gradcheck_all_reductions(GeneralizedCrossEntropy(0.7),
                                           testing::random_tensor(4, 3, 82),
                                           {0, 1, 2, 0});
}

TEST(GeneralizedCrossEntropyTest, RejectsSubnormalQ) {
  // q = 1e-40 > 0 in double, but subnormal in float, and 1/q = 1e40 is
  // past FLT_MAX: the float loss was NaN.
  EXPECT_THROW(GeneralizedCrossEntropy(1e-40), std::invalid_argument);
}

TEST(GeneralizedCrossEntropyTest, RejectsQOutsideRange) {
  EXPECT_THROW(GeneralizedCrossEntropy(0.0), std::invalid_argument);
  EXPECT_THROW(GeneralizedCrossEntropy(1.5), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
