// Confusion matrix, accuracy, balanced accuracy, precision / recall / F1.
// Cases C21 and C34 come from /work/shared/cases/CASES.md.
#include "metrics/classification.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace losslab {
namespace {

using Counts = std::vector<std::int64_t>;

// ---------------------------------------------------------------------------
// Confusion matrix

TEST(ConfusionMatrixTest, KeepsSizeWhenOnlyOneClassOccurs) {
  // C34 (a): K = 2, every sample true 1 and predicted 1 -> [[0,0],[0,6]],
  // not the 1x1 [[6]] a label set derived from the data would give.
  const std::vector<int> y = {1, 1, 1, 1, 1, 1};
  const ConfusionMatrix cm = confusion_matrix(y, y, 2);
  EXPECT_EQ(cm.num_classes, 2);
  EXPECT_EQ(cm.counts, (Counts{0, 0, 0, 6}));
}

TEST(ConfusionMatrixTest, KeepsAbsentMiddleClassInPlace) {
  // C34 (b): K = 3, yt = [0,2,2], yp = [0,2,0]. Pairs (0,0), (2,2), (2,0):
  // [[1,0,0],[0,0,0],[1,0,1]]; class 2 is not renumbered to 1.
  const std::vector<int> yt = {0, 2, 2};
  const std::vector<int> yp = {0, 2, 0};
  const ConfusionMatrix cm = confusion_matrix(yt, yp, 3);
  EXPECT_EQ(cm.counts, (Counts{1, 0, 0, 0, 0, 0, 1, 0, 1}));
}

TEST(ConfusionMatrixTest, PerClassScoresStayOnTheirClass) {
  // C34 (b) continued: recall of class 1 is 0/0 -> zero_division (0.25 here
  // to tell it apart); recall of class 2 = 1/2; precision of class 0 =
  // tp / predicted = 1/2.
  const std::vector<int> yt = {0, 2, 2};
  const std::vector<int> yp = {0, 2, 0};
  const ClassScores s = class_scores(confusion_matrix(yt, yp, 3), 0.25);
  EXPECT_DOUBLE_EQ(s.recall[1], 0.25);
  EXPECT_DOUBLE_EQ(s.recall[2], 0.5);
  EXPECT_DOUBLE_EQ(s.precision[0], 0.5);
}

TEST(ConfusionMatrixTest, FromProbabilitiesUsesArgmaxWithLowestIndexOnTies) {
  // Row 0 ties 0.5/0.5 -> class 0; row 1 -> class 1; row 2 -> class 2.
  // Labels [1, 1, 0]: pairs (1,0), (1,1), (0,2) -> C[1][0] = C[1][1] =
  // C[0][2] = 1.
  const Tensor<double> probs(3, 3,
                             {0.5, 0.5, 0.0,  //
                              0.1, 0.8, 0.1,  //
                              0.2, 0.2, 0.6});
  const std::vector<int> labels = {1, 1, 0};
  const ConfusionMatrix cm = confusion_matrix(probs, labels, 3);
  EXPECT_EQ(cm.counts, (Counts{0, 0, 1, 1, 1, 0, 0, 0, 0}));
}

TEST(ConfusionMatrixTest, PredictedLabelsBreakTiesTowardLowestIndex) {
  const Tensor<float> probs(2, 3, {0.4f, 0.2f, 0.4f, 0.25f, 0.5f, 0.25f});
  EXPECT_EQ(predicted_labels(probs), (std::vector<int>{0, 1}));
}

TEST(ConfusionMatrixTest, RejectsLabelOutOfRange) {
  const std::vector<int> yt = {0, 3};
  const std::vector<int> yp = {0, 1};
  EXPECT_THROW(confusion_matrix(yt, yp, 3), std::invalid_argument);
}

TEST(ConfusionMatrixTest, RejectsNegativePrediction) {
  const std::vector<int> yt = {0, 1};
  const std::vector<int> yp = {0, -1};
  EXPECT_THROW(confusion_matrix(yt, yp, 2), std::invalid_argument);
}

TEST(ConfusionMatrixTest, RejectsLengthMismatch) {
  const std::vector<int> yt = {0, 1, 1};
  const std::vector<int> yp = {0, 1};
  EXPECT_THROW(confusion_matrix(yt, yp, 2), std::invalid_argument);
}

TEST(ConfusionMatrixTest, RejectsEmptyBatchAndTooFewClasses) {
  const std::vector<int> none;
  const std::vector<int> one = {0};
  EXPECT_THROW(confusion_matrix(none, none, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix(one, one, 1), std::invalid_argument);
}

TEST(ConfusionMatrixTest, ErrorMessageCarriesTheValue) {
  const std::vector<int> yt = {0, 7};
  try {
    confusion_matrix(yt, yt, 3);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("confusion_matrix"), std::string::npos) << msg;
    EXPECT_NE(msg.find("got 7"), std::string::npos) << msg;
    EXPECT_NE(msg.find("index 1"), std::string::npos) << msg;
  }
}

TEST(ConfusionMatrixTest, RejectsProbabilityShapeMismatch) {
  const Tensor<double> probs(2, 3, 1.0 / 3.0);
  const std::vector<int> labels = {0, 1};
  EXPECT_THROW(confusion_matrix(probs, labels, 2), std::invalid_argument);
  const std::vector<int> three = {0, 1, 2};
  EXPECT_THROW(confusion_matrix(probs, three, 3), std::invalid_argument);
}

TEST(ConfusionMatrixTest, RejectsBadProbabilities) {
  const std::vector<int> labels = {0};
  const Tensor<double> nan(1, 2, {NAN, 0.5});
  const Tensor<double> negative(1, 2, {-0.1, 1.1});
  const Tensor<double> logits(1, 2, {2.0, -1.0});
  const Tensor<double> unnormalised(1, 2, {0.3, 0.3});
  EXPECT_THROW(confusion_matrix(nan, labels, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix(negative, labels, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix(logits, labels, 2), std::invalid_argument);
  EXPECT_THROW(confusion_matrix(unnormalised, labels, 2),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------
// Accuracy and balanced accuracy

TEST(AccuracyTest, CountsTheDiagonal) {
  // yt = [0,1,0,3], yp = [0,1,2,2]: 2 of 4 right.
  const std::vector<int> yt = {0, 1, 0, 3};
  const std::vector<int> yp = {0, 1, 2, 2};
  EXPECT_DOUBLE_EQ(accuracy(confusion_matrix(yt, yp, 4)), 0.5);
}

TEST(AccuracyTest, FromProbabilities) {
  // Argmax [1, 0, 0] against labels [1, 0, 1]: 2 of 3.
  const Tensor<float> probs(3, 2, {0.3f, 0.7f, 0.9f, 0.1f, 0.6f, 0.4f});
  const std::vector<int> labels = {1, 0, 1};
  EXPECT_NEAR(accuracy(probs, labels, 2), 2.0 / 3.0, 1e-12);
}

TEST(AccuracyTest, EmptyHandBuiltMatrixIsNaN) {
  const ConfusionMatrix cm{2, {0, 0, 0, 0}};
  EXPECT_TRUE(std::isnan(accuracy(cm)));
}

TEST(AccuracyTest, RejectsMalformedMatrix) {
  const ConfusionMatrix cm{3, {1, 2, 3, 4}};
  EXPECT_THROW(accuracy(cm), std::invalid_argument);
  EXPECT_THROW(balanced_accuracy(cm), std::invalid_argument);
  EXPECT_THROW(class_scores(cm), std::invalid_argument);
}

TEST(BalancedAccuracyTest, ExposesMajorityClassPredictor) {
  // yt = [0,0,0,0,1], all predicted 0: accuracy 4/5 = 0.8, but recalls are
  // class 0: 4/4 = 1, class 1: 0/1 = 0 -> balanced (1 + 0) / 2 = 0.5.
  const std::vector<int> yt = {0, 0, 0, 0, 1};
  const std::vector<int> yp = {0, 0, 0, 0, 0};
  const ConfusionMatrix cm = confusion_matrix(yt, yp, 2);
  EXPECT_DOUBLE_EQ(accuracy(cm), 0.8);
  EXPECT_DOUBLE_EQ(balanced_accuracy(cm), 0.5);
}

TEST(BalancedAccuracyTest, LeavesOutClassesWithoutSupport) {
  // Same data with K = 3: class 2 has no true sample, recall 0/0, so it is
  // left out: (1 + 0) / 2 = 0.5, not (1 + 0 + 0) / 3.
  const std::vector<int> yt = {0, 0, 0, 0, 1};
  const std::vector<int> yp = {0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(balanced_accuracy(confusion_matrix(yt, yp, 3)), 0.5);
}

// ---------------------------------------------------------------------------
// Precision, recall, F1 (C21)

TEST(ClassScoresTest, F1IsZeroWhenNothingPredictedButPositivesMissed) {
  // C21 (1): yt = [1,0,1], yp = [0,0,0], class 1: tp = 0, fp = 0, fn = 2.
  // precision 0/0 -> zero_division (1 here); recall 0/2 = 0;
  // F1 = 0 / (0 + 0 + 2) = 0, defined despite the undefined precision.
  const std::vector<int> yt = {1, 0, 1};
  const std::vector<int> yp = {0, 0, 0};
  const ClassScores s = class_scores(confusion_matrix(yt, yp, 2), 1.0);
  EXPECT_DOUBLE_EQ(s.precision[1], 1.0);
  EXPECT_DOUBLE_EQ(s.recall[1], 0.0);
  EXPECT_DOUBLE_EQ(s.f1[1], 0.0);
}

TEST(ClassScoresTest, AllWrongClassifierScoresZeroEvenWithZeroDivisionOne) {
  // C21 (2): yt = [1,0,0], yp = [0,1,0], class 1: tp = 0, fp = 1, fn = 1.
  // P = 0/1 = 0, R = 0/1 = 0, F1 = 0/2 = 0 (the bug returned 1).
  const std::vector<int> yt = {1, 0, 0};
  const std::vector<int> yp = {0, 1, 0};
  const ClassScores s = class_scores(confusion_matrix(yt, yp, 2), 1.0);
  EXPECT_DOUBLE_EQ(s.precision[1], 0.0);
  EXPECT_DOUBLE_EQ(s.recall[1], 0.0);
  EXPECT_DOUBLE_EQ(s.f1[1], 0.0);
}

TEST(ClassScoresTest, UnusedClassGetsZeroDivisionZeroByDefault) {
  // C21 (3): yt = yp = [0,0,0], class 1: tp = fp = fn = 0 -> all 0/0.
  const std::vector<int> y = {0, 0, 0};
  const ClassScores s = class_scores(confusion_matrix(y, y, 2));
  EXPECT_DOUBLE_EQ(s.precision[1], 0.0);
  EXPECT_DOUBLE_EQ(s.recall[1], 0.0);
  EXPECT_DOUBLE_EQ(s.f1[1], 0.0);
}

TEST(ClassScoresTest, UnusedClassGetsRequestedZeroDivision) {
  // C21 (3) with zero_division = 1: P = R = F1 = 1 for class 1.
  const std::vector<int> y = {0, 0, 0};
  const ClassScores s = class_scores(confusion_matrix(y, y, 2), 1.0);
  EXPECT_DOUBLE_EQ(s.precision[1], 1.0);
  EXPECT_DOUBLE_EQ(s.recall[1], 1.0);
  EXPECT_DOUBLE_EQ(s.f1[1], 1.0);
}

TEST(ClassScoresTest, PerClassF1FromCounts) {
  // C21 (4): yt = [0,1,0,3], yp = [0,1,2,2], K = 4.
  //   class 0: tp 1, fp 0, fn 1 -> F1 = 2/(2+0+1) = 2/3
  //   class 1: tp 1, fp 0, fn 0 -> 2/2 = 1
  //   class 2: tp 0, fp 2, fn 0 -> 0/2 = 0 (recall 0/0)
  //   class 3: tp 0, fp 0, fn 1 -> 0/1 = 0 (precision 0/0)
  const std::vector<int> yt = {0, 1, 0, 3};
  const std::vector<int> yp = {0, 1, 2, 2};
  const ClassScores s = class_scores(confusion_matrix(yt, yp, 4));
  ASSERT_EQ(s.f1.size(), 4u);
  EXPECT_DOUBLE_EQ(s.f1[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(s.f1[1], 1.0);
  EXPECT_DOUBLE_EQ(s.f1[2], 0.0);
  EXPECT_DOUBLE_EQ(s.f1[3], 0.0);
  EXPECT_EQ(s.support, (Counts{2, 1, 0, 1}));
}

TEST(ClassScoresTest, MacroF1AveragesAllClasses) {
  // C21 (4): (2/3 + 1 + 0 + 0) / 4 = 0.416667, even with zero_division = 1,
  // because classes 2 and 3 have F1 defined by counts.
  const std::vector<int> yt = {0, 1, 0, 3};
  const std::vector<int> yp = {0, 1, 2, 2};
  const ClassScores s = class_scores(confusion_matrix(yt, yp, 4), 1.0);
  EXPECT_NEAR(macro_f1(s), 0.416667, 1e-6);
}

TEST(ClassScoresTest, WeightedF1UsesSupport) {
  // C21 (4): supports [2,1,0,1], F1 [2/3,1,0,0]:
  // (2 * 2/3 + 1 * 1 + 0 + 1 * 0) / 4 = (4/3 + 1) / 4 = 7/12.
  const std::vector<int> yt = {0, 1, 0, 3};
  const std::vector<int> yp = {0, 1, 2, 2};
  const ClassScores s = class_scores(confusion_matrix(yt, yp, 4));
  EXPECT_DOUBLE_EQ(weighted_f1(s), 7.0 / 12.0);
}

TEST(ClassScoresTest, NaNZeroDivisionIsSkippedByMacroF1) {
  // yt = yp = [0,0,1], K = 3: F1 class 0 = 1, class 1 = 1, class 2 = 0/0 ->
  // NaN, skipped: macro = (1 + 1) / 2 = 1; weighted = (2*1 + 1*1) / 3 = 1.
  const std::vector<int> y = {0, 0, 1};
  const ClassScores s = class_scores(confusion_matrix(y, y, 3), NAN);
  EXPECT_TRUE(std::isnan(s.f1[2]));
  EXPECT_DOUBLE_EQ(macro_f1(s), 1.0);
  EXPECT_DOUBLE_EQ(weighted_f1(s), 1.0);
}

TEST(ClassScoresTest, RejectsZeroDivisionOutsideUnitInterval) {
  const std::vector<int> y = {0, 1};
  EXPECT_THROW(class_scores(confusion_matrix(y, y, 2), 2.0),
               std::invalid_argument);
  EXPECT_THROW(class_scores(confusion_matrix(y, y, 2), -1.0),
               std::invalid_argument);
}

}  // namespace
}  // namespace losslab
