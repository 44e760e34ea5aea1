// Split, scaling and imbalance transforms. Label-only sets use one dummy
// feature holding the sample index, so a sample can be traced through a
// transform.
#include "datasets/transforms.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

#include "datasets/noise.h"

namespace losslab {
namespace {

// `per_class` samples of each of K classes, labels 0,1,..,K-1,0,1,...;
// feature 0 is the sample index.
Dataset balanced(int k, int per_class) {
  const int n = k * per_class;
  std::vector<float> x(n);
  std::vector<int> y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = float(i);
    y[i] = i % k;
  }
  return Dataset::from_features(1, std::move(x), std::move(y), k);
}

Dataset column(std::vector<float> values) {
  std::vector<int> y(values.size(), 0);
  return Dataset::from_features(1, std::move(values), std::move(y), 1);
}

TEST(ApportionTest, LargestRemaindersGetTheExtraUnits) {
  // Quotas 7 * {0.5, 0.25, 0.25} = {3.5, 1.75, 1.75}: floors {3, 1, 1} sum
  // to 5, the two 0.75 remainders get the last 2.
  std::mt19937_64 rng(1);
  const std::vector<double> w = {0.5, 0.25, 0.25};
  EXPECT_EQ(apportion(7, w, rng), (std::vector<int>{3, 2, 2}));
}

TEST(ApportionTest, EqualTiesAreSharedOneEach) {
  // 10 over 3 equal weights: quotas 3.33; one of them gets the 10th unit.
  std::mt19937_64 rng(2);
  const std::vector<double> w = {1, 1, 1};
  const std::vector<int> s = apportion(10, w, rng);
  EXPECT_EQ(std::accumulate(s.begin(), s.end(), 0), 10);
  EXPECT_EQ(std::count(s.begin(), s.end(), 4), 1);
  EXPECT_EQ(std::count(s.begin(), s.end(), 3), 2);
}

TEST(ApportionTest, NegativeWeightThrows) {
  std::mt19937_64 rng(3);
  const std::vector<double> w = {1, -1};
  EXPECT_THROW(apportion(3, w, rng), std::invalid_argument);
}

TEST(StratifiedSplitTest, ValidationCountsFollowClassShares) {
  // 60 of class 0 and 40 of class 1; 25 % gives 25 = 15 + 10.
  std::vector<int> y(100);
  for (int i = 0; i < 100; ++i) y[i] = i < 60 ? 0 : 1;
  const Dataset d =
      Dataset::from_features(1, std::vector<float>(100, 0.f), y, 2);
  const Split s = stratified_split(d, 0.25, 5);
  EXPECT_EQ(s.report.validation_counts, (std::vector<int>{15, 10}));
  EXPECT_EQ(s.report.train_counts, (std::vector<int>{45, 30}));
}

TEST(StratifiedSplitTest, PartsAreDisjointAndCoverAll) {
  const Dataset d = balanced(3, 10);
  const Split s = stratified_split(d, 0.3, 6);
  std::vector<int> seen(30, 0);
  for (float v : s.train.features()) ++seen[int(v)];
  for (float v : s.validation.features()) ++seen[int(v)];
  EXPECT_EQ(seen, std::vector<int>(30, 1));
}

TEST(StratifiedSplitTest, FractionOutsideOpenIntervalThrows) {
  const Dataset d = balanced(2, 5);
  EXPECT_THROW(stratified_split(d, 1.0, 0), std::invalid_argument);
  EXPECT_THROW(stratified_split(d, 0.0, 0), std::invalid_argument);
}

TEST(StandardizeTest, FitsOnTrainOnly) {
  // Train {1, 3}: mean 2, population std 1. Validation 5 -> (5 - 2) / 1 = 3.
  Dataset train = column({1, 3});
  Dataset val = column({5});
  const ScalerReport rep = standardize(train, {&val});
  EXPECT_FLOAT_EQ(train.row(0)[0], -1.0f);
  EXPECT_FLOAT_EQ(train.row(1)[0], 1.0f);
  EXPECT_FLOAT_EQ(val.row(0)[0], 3.0f);
  EXPECT_EQ(rep.fitted_on, 2);
}

TEST(StandardizeTest, ImagePixelsAreScaledBeforeFitting) {
  // Pixels 0 and 255 are 0 and 1; mean 0.5, std 0.5 -> -1 and 1.
  Dataset d = Dataset::from_images(1, 1, {0, 255}, {0, 0}, 1);
  standardize(d);
  EXPECT_FLOAT_EQ(d.row(0)[0], -1.0f);
  EXPECT_FLOAT_EQ(d.row(1)[0], 1.0f);
}

TEST(StandardizeTest, ConstantFeatureMapsToZero) {
  Dataset d = column({4, 4, 4});
  const ScalerReport rep = standardize(d);
  EXPECT_EQ(rep.constant_features, 1);
  EXPECT_FLOAT_EQ(d.row(2)[0], 0.0f);
}

TEST(StandardizeTest, NaNFeatureThrows) {
  Dataset d = column({1, std::numeric_limits<float>::quiet_NaN()});
  EXPECT_THROW(standardize(d), std::invalid_argument);
}

TEST(ScaleMinMaxTest, MapsTrainRangeToUnitInterval) {
  // Train {2, 4}: (x - 2) / 2, so validation 6 -> 2 (outside [0, 1]).
  Dataset train = column({2, 4});
  Dataset val = column({6});
  scale_min_max(train, {&val});
  EXPECT_FLOAT_EQ(train.row(0)[0], 0.0f);
  EXPECT_FLOAT_EQ(train.row(1)[0], 1.0f);
  EXPECT_FLOAT_EQ(val.row(0)[0], 2.0f);
}

TEST(BinaryTaskTest, TwoClassesAtOneToHundred) {
  // 600 negatives (class 0) allow floor(600 / 100) = 6 positives (class 1).
  ImbalanceReport rep;
  const Dataset b = make_binary_task(balanced(10, 600),
                                     {.positive_classes = {1},
                                      .negative_classes = {0},
                                      .ratio_positive = 1,
                                      .ratio_negative = 100,
                                      .seed = 1},
                                     &rep);
  EXPECT_EQ(rep.counts_after, (std::vector<int>{600, 6}));
  EXPECT_EQ(b.size(), 606);
  EXPECT_EQ(b.class_names()[1], "1");
}

TEST(BinaryTaskTest, OneVsRestCutsNegativesEvenly) {
  // Class 3 vs the other 9 at 1:1: 600 positives, 600 negatives shared
  // 600 / 9 = 66.7 per class, so six classes give 67 and three give 66.
  ImbalanceReport rep;
  const Dataset d = balanced(10, 600);
  make_binary_task(d, {.positive_classes = {3}, .seed = 2}, &rep);
  EXPECT_EQ(rep.counts_after, (std::vector<int>{600, 600}));
  std::vector<int> per_class(10, 0);
  for (int i : rep.kept) ++per_class[d.labels()[i]];
  EXPECT_EQ(std::count(per_class.begin(), per_class.end(), 67), 6);
  EXPECT_EQ(std::count(per_class.begin(), per_class.end(), 66), 3);
}

TEST(BinaryTaskTest, OverlappingClassesThrow) {
  EXPECT_THROW(make_binary_task(balanced(3, 5), {.positive_classes = {1},
                                                 .negative_classes = {1, 2}}),
               std::invalid_argument);
}

TEST(BinaryTaskTest, NoisyInputThrows) {
  Dataset d = balanced(3, 10);
  add_symmetric_noise(d, 0.5, 1);
  EXPECT_THROW(make_binary_task(d, {.positive_classes = {0}}),
               std::invalid_argument);
}

TEST(StepImbalanceTest, LastHalfOfClassesCutByFactor) {
  // 600 per class, factor 10: classes 5..9 keep 600 / 10 = 60.
  ImbalanceReport rep;
  make_step_imbalance(balanced(10, 600), {.imbalance_factor = 10, .seed = 3},
                      &rep);
  EXPECT_EQ(rep.counts_after,
            (std::vector<int>{600, 600, 600, 600, 600, 60, 60, 60, 60, 60}));
}

TEST(StepImbalanceTest, ListedMinorityClasses) {
  ImbalanceReport rep;
  make_step_imbalance(balanced(3, 100),
                      {.imbalance_factor = 4, .minority_classes = {0}}, &rep);
  EXPECT_EQ(rep.counts_after, (std::vector<int>{25, 100, 100}));
}

TEST(StepImbalanceTest, FactorBelowOneThrows) {
  EXPECT_THROW(make_step_imbalance(balanced(2, 10), {.imbalance_factor = 0.5}),
               std::invalid_argument);
}

TEST(LongTailTest, CuiProfileCountsOn600PerClass) {
  // floor(600 * 100^(-k/9)), e.g. k=1: 600 / 10^(2/9) = 600 / 1.66810 =
  // 359.69; k=8: 600 / 59.948 = 10.009; k=9: 600 / 100 = 6. Checked with
  // python3: [int(600*100**(-k/9)) for k in range(10)].
  ImbalanceReport rep;
  make_long_tail(balanced(10, 600), {.imbalance_factor = 100, .seed = 4}, &rep);
  EXPECT_EQ(rep.counts_after,
            (std::vector<int>{600, 359, 215, 129, 77, 46, 27, 16, 10, 6}));
}

TEST(LongTailTest, ExactProductIsNotCutByRounding) {
  // 6000 * 100^(-1) = 60 exactly; the last class must keep 60, not 59.
  ImbalanceReport rep;
  make_long_tail(balanced(10, 6000), {.imbalance_factor = 100}, &rep);
  EXPECT_EQ(rep.counts_after[9], 60);
  EXPECT_EQ(rep.counts_after[1], 3596);  // 6000 / 1.66810 = 3596.9
}

TEST(LongTailTest, FactorTooLargeForSmallestClassThrows) {
  // 10 per class at factor 100 leaves the last class 0.1 -> 0 samples.
  EXPECT_THROW(make_long_tail(balanced(3, 10), {.imbalance_factor = 100}),
               std::invalid_argument);
}

TEST(TakePerClassTest, KeepsOriginalOrder) {
  std::vector<int> kept;
  const std::vector<int> counts = {2, 2};
  const Dataset d = take_per_class(balanced(2, 5), counts, 9, &kept);
  EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end()));
  EXPECT_EQ(d.size(), 4);
}

}  // namespace
}  // namespace losslab
