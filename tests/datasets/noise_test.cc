// Label noise: case C29 and its siblings, asymmetric pairs, transition
// matrices and the clean-label bookkeeping.
#include "datasets/noise.h"

#include <gtest/gtest.h>

#include <random>

namespace losslab {
namespace {

// N labels i % K on a 1-feature set.
Dataset cyclic(int n, int k) {
  std::vector<int> y(n);
  for (int i = 0; i < n; ++i) y[i] = i % k;
  return Dataset::from_features(1, std::vector<float>(n, 0.f), y, k);
}

TEST(SymmetricNoiseTest, C29FlipsExactlyHalfWithTenClasses) {
  // K = 10, eps = 0.5, n = 10000: round(0.5 * 10000) = 5000 flipped, all to
  // another class, so the rate is 0.5 (the redraw variant would give 0.45).
  Dataset d = cyclic(10000, 10);
  const NoiseReport rep = add_symmetric_noise(d, 0.5, 29);
  EXPECT_EQ(rep.num_noisy, 5000);
  EXPECT_DOUBLE_EQ(rep.realised_rate, 0.5);
}

TEST(SymmetricNoiseTest, C29TransitionMatrixValues) {
  // T_ii = 0.5, T_ij = 0.5 / 9 = 0.0555556. Per class 1000 samples, 500
  // flipped over 9 targets = 55 or 56 each: within 1/1000 of 0.0555556.
  Dataset d = cyclic(10000, 10);
  const NoiseReport rep = add_symmetric_noise(d, 0.5, 29);
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 10; ++j) {
      const double want = i == j ? 0.5 : 0.0555556;
      EXPECT_NEAR(rep.empirical_matrix[i * 10 + j], want, 1e-3)
          << "T(" << i << ", " << j << ")";
      EXPECT_NEAR(rep.requested_matrix[i * 10 + j], want, 1e-7);
    }
  }
}

TEST(SymmetricNoiseTest, C29HundredClassesStillExact) {
  // K = 100: the redraw variant would give 0.495; flipping gives 0.5.
  Dataset d = cyclic(10000, 100);
  EXPECT_EQ(add_symmetric_noise(d, 0.5, 30).num_noisy, 5000);
}

TEST(SymmetricNoiseTest, UnbalancedLabelsGetRoundedCount) {
  // 10001 random labels, eps 0.3: round(3000.3) = 3000 flipped.
  std::mt19937_64 rng(5);
  std::vector<int> y(10001);
  for (int& v : y) v = int(rng() % 7);
  Dataset d = Dataset::from_features(1, std::vector<float>(10001, 0.f), y, 7);
  EXPECT_EQ(add_symmetric_noise(d, 0.3, 31).num_noisy, 3000);
}

TEST(SymmetricNoiseTest, MaskMarksExactlyTheChangedLabels) {
  Dataset d = cyclic(200, 4);
  add_symmetric_noise(d, 0.25, 32);
  for (int i = 0; i < d.size(); ++i) {
    EXPECT_EQ(d.noisy_mask()[i], d.labels()[i] != d.clean_labels()[i])
        << "sample " << i;
  }
  EXPECT_EQ(d.clean_labels()[5], 1);  // clean labels untouched: 5 % 4
}

TEST(SymmetricNoiseTest, SecondCallReplacesTheFirst) {
  // Both calls draw from the clean labels: 20 % of 1000 stays 200.
  Dataset d = cyclic(1000, 5);
  add_symmetric_noise(d, 0.2, 1);
  EXPECT_EQ(add_symmetric_noise(d, 0.2, 2).num_noisy, 200);
}

TEST(SymmetricNoiseTest, SameSeedSameLabels) {
  Dataset a = cyclic(500, 5);
  Dataset b = cyclic(500, 5);
  add_symmetric_noise(a, 0.3, 7);
  add_symmetric_noise(b, 0.3, 7);
  EXPECT_EQ(a.labels(), b.labels());
}

TEST(SymmetricNoiseTest, RateAboveOneThrows) {
  Dataset d = cyclic(10, 2);
  EXPECT_THROW(add_symmetric_noise(d, 1.5, 0), std::invalid_argument);
}

TEST(SymmetricNoiseTest, SingleClassThrows) {
  Dataset d = cyclic(10, 1);
  EXPECT_THROW(add_symmetric_noise(d, 0.1, 0), std::invalid_argument);
}

TEST(AsymmetricNoiseTest, MovesOnlyToTheTarget) {
  // 3 classes x 100; pair 0 -> 2 at 0.3 moves round(30) = 30.
  Dataset d = cyclic(300, 3);
  const std::pair<int, int> pairs[] = {{0, 2}};
  const NoiseReport rep = add_asymmetric_noise(d, 0.3, pairs, 3);
  EXPECT_EQ(rep.num_noisy, 30);
  EXPECT_DOUBLE_EQ(rep.empirical_matrix[0 * 3 + 2], 0.3);
  EXPECT_DOUBLE_EQ(rep.empirical_matrix[0 * 3 + 1], 0.0);
}

TEST(AsymmetricNoiseTest, RepeatedSourceThrows) {
  Dataset d = cyclic(30, 3);
  const std::pair<int, int> pairs[] = {{0, 1}, {0, 2}};
  EXPECT_THROW(add_asymmetric_noise(d, 0.3, pairs, 0), std::invalid_argument);
}

TEST(AsymmetricNoiseTest, SelfPairThrows) {
  Dataset d = cyclic(30, 3);
  const std::pair<int, int> pairs[] = {{1, 1}};
  EXPECT_THROW(add_asymmetric_noise(d, 0.3, pairs, 0), std::invalid_argument);
}

TEST(TransitionNoiseTest, CountsFollowTheMatrixRows) {
  // 1000 per class; row 0 = {0.7, 0.2, 0.1} gives exactly 700, 200, 100.
  Dataset d = cyclic(3000, 3);
  const std::vector<double> t = {0.7,  0.2,  0.1,  //
                                 0.0,  1.0,  0.0,  //
                                 0.25, 0.25, 0.5};
  const NoiseReport rep = add_transition_noise(d, t, 4);
  for (int i = 0; i < 9; ++i) {
    EXPECT_DOUBLE_EQ(rep.empirical_matrix[i], t[i]) << "entry " << i;
  }
  // Expected rate: (0.3 + 0 + 0.5) / 3 = 0.266667.
  EXPECT_NEAR(rep.requested_rate, 0.8 / 3, 1e-12);
  EXPECT_EQ(rep.num_noisy, 300 + 500);
}

TEST(TransitionNoiseTest, RowNotSummingToOneThrows) {
  Dataset d = cyclic(20, 2);
  const std::vector<double> t = {0.9, 0.0, 0.0, 1.0};
  EXPECT_THROW(add_transition_noise(d, t, 0), std::invalid_argument);
}

TEST(TransitionNoiseTest, NegativeEntryThrows) {
  Dataset d = cyclic(20, 2);
  const std::vector<double> t = {1.5, -0.5, 0.0, 1.0};
  EXPECT_THROW(add_transition_noise(d, t, 0), std::invalid_argument);
}

TEST(TransitionNoiseTest, WrongSizeThrows) {
  Dataset d = cyclic(20, 2);
  const std::vector<double> t = {1.0, 0.0, 0.0};
  EXPECT_THROW(add_transition_noise(d, t, 0), std::invalid_argument);
}

TEST(EmpiricalTransitionTest, RowsAreNormalisedCounts) {
  // Clean {0, 0, 0, 1}, noisy {0, 1, 1, 1}: row 0 = {1/3, 2/3}, row 1 = {0,
  // 1}.
  const std::vector<int> clean = {0, 0, 0, 1};
  const std::vector<int> noisy = {0, 1, 1, 1};
  const std::vector<double> t = empirical_transition_matrix(clean, noisy, 2);
  EXPECT_NEAR(t[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(t[1], 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(t[2], 0.0);
  EXPECT_DOUBLE_EQ(t[3], 1.0);
}

}  // namespace
}  // namespace losslab
