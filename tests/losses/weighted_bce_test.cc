// Weighted BCE: pos_weight from the training counts.
#include "losses/weighted_bce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "losses/registry.h"
#include "tests/losses/loss_test_util.h"

namespace losslab {
namespace {

using testing::loss_value;

TEST(WeightedBceTest, PosWeightIsNegativesPerPositive) {
  // counts [30, 10]: pw = 3; x = 0, y = 1: 3 log 2 = 2.079442
  auto loss = make_loss("weighted_bce", {2, {30, 10}});
  EXPECT_NEAR(loss_value(*loss, Tensor<double>(1, 1), {1}).item(),
              3 * std::log(2.0), 1e-15);
  EXPECT_EQ(loss->num_outputs(2), 1);
}

TEST(WeightedBceTest, GradientMatchesFiniteDifferences) {
  std::vector<std::int64_t> counts = {30, 10};
  testing::expect_gradcheck_all_reductions(
      WeightedBce(counts), testing::random_tensor(4, 1, 101), {1, 0, 0, 1});
}

TEST(WeightedBceTest, LargeLogitsStayFinite) {
  // pw = 3; x = -1000, y = 1: 3 * 1000 = 3000; x = 1000, y = 1: 0.
  std::vector<std::int64_t> counts = {30, 10};
  Tensor<float> l =
      loss_value(WeightedBce(counts), Tensor<float>(2, 1, {-1000.0f, 1000.0f}),
                 {1, 1}, Reduction::kNone);
  EXPECT_EQ(l[0], 3000.0f);
  EXPECT_EQ(l[1], 0.0f);
}

TEST(WeightedBceTest, RejectsNonBinaryTaskOrEmptyClass) {
  EXPECT_THROW(make_loss("weighted_bce", {3, {1, 2, 3}}),
               std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_bce", {2, {30, 0}}), std::invalid_argument);
  EXPECT_THROW(make_loss("weighted_bce", {2, {}}), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
