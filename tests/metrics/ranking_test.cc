// ROC-AUC and average precision, binary and one-vs-rest. Case C18 comes from
// /work/shared/cases/CASES.md.
#include "metrics/ranking.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace losslab {
namespace {

// Rounding in the rank sums is a few ulps; 1e-12 is far below the 1/P*Nn
// steps the values move in.
constexpr double kTol = 1e-12;

// ---------------------------------------------------------------------------
// ROC-AUC, binary

TEST(RocAucBinaryTest, CountsCorrectlyOrderedPairs) {
  // y = [0,0,1,1], s = [0.1,0.4,0.35,0.8]. Pairs (pos, neg):
  // (0.35,0.1) 1, (0.35,0.4) 0, (0.8,0.1) 1, (0.8,0.4) 1 -> 3/4.
  const std::vector<double> s = {0.1, 0.4, 0.35, 0.8};
  const std::vector<int> y = {0, 0, 1, 1};
  EXPECT_NEAR(roc_auc_binary(s, y), 0.75, kTol);
}

TEST(RocAucBinaryTest, TiedScoresCountHalf) {
  // y = [0,1,0,1], s = [0.5,0.5,0.2,0.9]. Ascending ranks: 0.2 -> 1,
  // 0.5 and 0.5 -> (2+3)/2 = 2.5 each, 0.9 -> 4. Positives: 2.5 + 4 = 6.5;
  // (6.5 - 2*3/2) / (2*2) = 3.5/4 = 0.875. By pairs: (0.5,0.5) 1/2,
  // (0.5,0.2) 1, (0.9,0.5) 1, (0.9,0.2) 1 -> 3.5/4.
  const std::vector<double> s = {0.5, 0.5, 0.2, 0.9};
  const std::vector<int> y = {0, 1, 0, 1};
  EXPECT_NEAR(roc_auc_binary(s, y), 0.875, kTol);
}

TEST(RocAucBinaryTest, AllScoresTiedGiveOneHalf) {
  // Every pair is a tie: 1/2 each.
  const std::vector<double> s = {0.3, 0.3, 0.3, 0.3, 0.3};
  const std::vector<int> y = {1, 0, 0, 1, 0};
  EXPECT_NEAR(roc_auc_binary(s, y), 0.5, kTol);
}

TEST(RocAucBinaryTest, SingleClassIsNaN) {
  // C18 fold 1: y = [1,1,1], no negative, AUC undefined -> NaN (not 0, not
  // 0.5).
  const std::vector<double> s = {0.2, 0.5, 0.9};
  const std::vector<int> y = {1, 1, 1};
  EXPECT_TRUE(std::isnan(roc_auc_binary(s, y)));
}

TEST(RocAucBinaryTest, SeparatedFoldIsOne) {
  // C18 fold 2: y = [0,1], s = [0.3,0.8]: the one pair is ordered -> 1.
  const std::vector<double> s = {0.3, 0.8};
  const std::vector<int> y = {0, 1};
  EXPECT_DOUBLE_EQ(roc_auc_binary(s, y), 1.0);
}

TEST(RocAucBinaryTest, FoldAverageIsNotOneHalf) {
  // C18: averaging fold AUCs [NaN, 1.0]. A 0.0 stand-in would give 0.5;
  // the plain mean is NaN and the explicit mean over defined folds is 1.0
  // with one fold left out.
  const std::vector<double> fold1 = {0.2, 0.5, 0.9};
  const std::vector<int> y1 = {1, 1, 1};
  const std::vector<double> fold2 = {0.3, 0.8};
  const std::vector<int> y2 = {0, 1};
  const std::vector<double> aucs = {roc_auc_binary(fold1, y1),
                                    roc_auc_binary(fold2, y2)};
  EXPECT_TRUE(std::isnan((aucs[0] + aucs[1]) / 2.0));
  const DefinedMean m = mean_over_defined(aucs);
  EXPECT_DOUBLE_EQ(m.mean, 1.0);
  EXPECT_EQ(m.num_defined, 1);
  EXPECT_EQ(m.num_undefined, 1);
}

TEST(RocAucBinaryTest, RejectsNonBinaryLabel) {
  const std::vector<double> s = {0.1, 0.9};
  const std::vector<int> y = {0, 2};
  EXPECT_THROW(roc_auc_binary(s, y), std::invalid_argument);
}

TEST(RocAucBinaryTest, RejectsNonFiniteScore) {
  const std::vector<double> s = {0.1, INFINITY};
  const std::vector<int> y = {0, 1};
  EXPECT_THROW(roc_auc_binary(s, y), std::invalid_argument);
}

TEST(RocAucBinaryTest, RejectsSizeMismatchAndEmpty) {
  const std::vector<double> s = {0.1, 0.9};
  const std::vector<int> y = {0};
  const std::vector<double> no_scores;
  const std::vector<int> no_labels;
  EXPECT_THROW(roc_auc_binary(s, y), std::invalid_argument);
  EXPECT_THROW(roc_auc_binary(no_scores, no_labels), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// Average precision, binary

TEST(AveragePrecisionBinaryTest, StepSumOverThresholds) {
  // y = [0,0,1,1], s = [0.1,0.4,0.35,0.8], descending thresholds:
  //   0.8  pos: tp 1 fp 0, P 1,   R 1/2 -> + (1/2 - 0) * 1   = 1/2
  //   0.4  neg: tp 1 fp 1, P 1/2, R 1/2 -> + 0
  //   0.35 pos: tp 2 fp 1, P 2/3, R 1   -> + (1 - 1/2) * 2/3 = 1/3
  //   0.1  neg: R stays 1               -> + 0
  // AP = 5/6 (scikit-learn's documented example gives 0.83).
  const std::vector<double> s = {0.1, 0.4, 0.35, 0.8};
  const std::vector<int> y = {0, 0, 1, 1};
  EXPECT_NEAR(average_precision_binary(s, y), 5.0 / 6.0, kTol);
}

TEST(AveragePrecisionBinaryTest, TiedScoresFormOneThreshold) {
  // y = [0,1,0,1], s = [0.5,0.5,0.2,0.9]:
  //   0.9       pos: tp 1 fp 0, P 1,   R 1/2 -> 1/2
  //   0.5, 0.5  pos+neg together: tp 2 fp 1, P 2/3, R 1 -> 1/2 * 2/3 = 1/3
  // AP = 5/6. Putting the tied positive first would give 1/2 + 1/2 = 1.
  const std::vector<double> s = {0.5, 0.5, 0.2, 0.9};
  const std::vector<int> y = {0, 1, 0, 1};
  EXPECT_NEAR(average_precision_binary(s, y), 5.0 / 6.0, kTol);
}

TEST(AveragePrecisionBinaryTest, NoPositiveIsNaN) {
  const std::vector<double> s = {0.2, 0.7};
  const std::vector<int> y = {0, 0};
  EXPECT_TRUE(std::isnan(average_precision_binary(s, y)));
}

TEST(AveragePrecisionBinaryTest, AllPositiveIsOne) {
  // Precision is 1 at every threshold; recall climbs from 0 to 1.
  const std::vector<double> s = {0.2, 0.7, 0.7};
  const std::vector<int> y = {1, 1, 1};
  EXPECT_DOUBLE_EQ(average_precision_binary(s, y), 1.0);
}

// ---------------------------------------------------------------------------
// One-vs-rest, from probabilities

// K = 3, labels [0,1,0,1]; class 2 never occurs.
//   row  p0    p1    p2    label
//   r0   0.7   0.2   0.1   0
//   r1   0.2   0.6   0.2   1
//   r2   0.4   0.4   0.2   0
//   r3   0.5   0.45  0.05  1
Tensor<double> ThreeClassProbs() {
  return Tensor<double>(4, 3,
                        {0.7, 0.2, 0.1,  //
                         0.2, 0.6, 0.2,  //
                         0.4, 0.4, 0.2,  //
                         0.5, 0.45, 0.05});
}
const std::vector<int> kThreeClassLabels = {0, 1, 0, 1};

TEST(RocAucOvrTest, ExcludesAbsentClassAndCountsIt) {
  // Class 0: pos {0.7,0.4} vs neg {0.2,0.5}: 0.7>0.2, 0.7>0.5, 0.4>0.2,
  //          0.4<0.5 -> 3/4.
  // Class 1: pos {0.6,0.45} vs neg {0.2,0.4}: all 4 ordered -> 1.
  // Class 2: no positive -> NaN, excluded. Macro = (0.75 + 1) / 2 = 0.875.
  const OneVsRest r = roc_auc_ovr(ThreeClassProbs(), kThreeClassLabels, 3);
  ASSERT_EQ(r.per_class.size(), 3u);
  EXPECT_NEAR(r.per_class[0], 0.75, kTol);
  EXPECT_NEAR(r.per_class[1], 1.0, kTol);
  EXPECT_TRUE(std::isnan(r.per_class[2]));
  EXPECT_NEAR(r.macro, 0.875, kTol);
  EXPECT_EQ(r.num_undefined, 1);
}

TEST(RocAucOvrTest, HeadlineIsMacroForMoreThanTwoClasses) {
  EXPECT_NEAR(roc_auc(ThreeClassProbs(), kThreeClassLabels, 3), 0.875, kTol);
}

TEST(AveragePrecisionOvrTest, ExcludesAbsentClassAndCountsIt) {
  // Class 0: descending 0.7 pos (P 1, R 1/2 -> 1/2), 0.5 neg, 0.4 pos
  //          (P 2/3, R 1 -> 1/3), 0.2 neg -> 5/6.
  // Class 1: 0.6 pos, 0.45 pos -> P 1 up to R 1 -> 1.
  // Class 2: no positive -> NaN. Macro = (5/6 + 1) / 2 = 11/12.
  const OneVsRest r =
      average_precision_ovr(ThreeClassProbs(), kThreeClassLabels, 3);
  EXPECT_NEAR(r.per_class[0], 5.0 / 6.0, kTol);
  EXPECT_NEAR(r.per_class[1], 1.0, kTol);
  EXPECT_TRUE(std::isnan(r.per_class[2]));
  EXPECT_NEAR(r.macro, 11.0 / 12.0, kTol);
  EXPECT_EQ(r.num_undefined, 1);
}

TEST(RocAucTest, BinaryUsesPositiveColumn) {
  // Column 1 = [0.1,0.4,0.35,0.8] with y = [0,0,1,1]: 3/4 as above.
  const Tensor<float> probs(4, 2,
                            {0.9f, 0.1f, 0.6f, 0.4f,  //
                             0.65f, 0.35f, 0.2f, 0.8f});
  const std::vector<int> y = {0, 0, 1, 1};
  EXPECT_NEAR(roc_auc(probs, y, 2), 0.75, 1e-7);
}

TEST(AveragePrecisionTest, BinaryUsesPositiveColumn) {
  // Same data as the binary AP example: 5/6.
  const Tensor<double> probs(4, 2,
                             {0.9, 0.1, 0.6, 0.4,  //
                              0.65, 0.35, 0.2, 0.8});
  const std::vector<int> y = {0, 0, 1, 1};
  EXPECT_NEAR(average_precision(probs, y, 2), 5.0 / 6.0, kTol);
}

TEST(RocAucTest, BinarySingleClassIsNaN) {
  // C18 through the probability interface: labels all 1.
  const Tensor<double> probs(3, 2, {0.8, 0.2, 0.5, 0.5, 0.1, 0.9});
  const std::vector<int> y = {1, 1, 1};
  EXPECT_TRUE(std::isnan(roc_auc(probs, y, 2)));
}

TEST(RocAucOvrTest, AllClassesUndefinedGiveNaNMacro) {
  // One class present among 2: both one-vs-rest problems lack a class.
  const Tensor<double> probs(2, 2, {0.8, 0.2, 0.5, 0.5});
  const std::vector<int> y = {0, 0};
  const OneVsRest r = roc_auc_ovr(probs, y, 2);
  EXPECT_TRUE(std::isnan(r.macro));
  EXPECT_EQ(r.num_undefined, 2);
}

TEST(RocAucOvrTest, RejectsLabelOutOfRange) {
  const std::vector<int> y = {0, 1, 0, 3};
  EXPECT_THROW(roc_auc_ovr(ThreeClassProbs(), y, 3), std::invalid_argument);
}

TEST(MeanOverDefinedTest, EmptyIsNaN) {
  const std::vector<double> none;
  const DefinedMean m = mean_over_defined(none);
  EXPECT_TRUE(std::isnan(m.mean));
  EXPECT_EQ(m.num_defined, 0);
}

}  // namespace
}  // namespace losslab
