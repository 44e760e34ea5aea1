// Cross-entropy, Brier score, mean entropy and calibration.
#include "metrics/probabilistic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "metrics/classification.h"

namespace losslab {
namespace {

// Hand values below are quoted to 7+ significant digits.
constexpr double kTol = 1e-7;

// ---------------------------------------------------------------------------
// Cross-entropy

// N = 4, K = 2, labels [0,1,1,0]; every row gives the true class `p_true`.
Tensor<double> ConfidentAndRight(double p_true) {
  const double q = 1.0 - p_true;
  return Tensor<double>(4, 2, {p_true, q, q, p_true, q, p_true, p_true, q});
}
const std::vector<int> kFourLabels = {0, 1, 1, 0};

TEST(CrossEntropyTest, EqualAccuracyDifferentConfidence) {
  // The classic illustration: both models are 100% accurate, yet
  // -ln 0.51 = 0.673 and -ln 0.99 = 0.010 (every sample scores the same, so
  // the mean is the per-sample value).
  const Tensor<double> hesitant = ConfidentAndRight(0.51);
  const Tensor<double> sure = ConfidentAndRight(0.99);
  EXPECT_DOUBLE_EQ(accuracy(hesitant, kFourLabels, 2), 1.0);
  EXPECT_DOUBLE_EQ(accuracy(sure, kFourLabels, 2), 1.0);
  // Tolerance 5e-4: the stated values are rounded to 3 decimals.
  EXPECT_NEAR(cross_entropy(hesitant, kFourLabels, 2), 0.673, 5e-4);
  EXPECT_NEAR(cross_entropy(sure, kFourLabels, 2), 0.010, 5e-4);
}

TEST(CrossEntropyTest, MeanOfNegativeLogTrueClass) {
  // probs [[0.25,0.75],[0.5,0.5]], labels [1,0]:
  // (-ln 0.75 - ln 0.5) / 2 = (0.2876821 + 0.6931472) / 2 = 0.4904146.
  const Tensor<double> probs(2, 2, {0.25, 0.75, 0.5, 0.5});
  const std::vector<int> labels = {1, 0};
  EXPECT_NEAR(cross_entropy(probs, labels, 2), 0.4904146, kTol);
}

TEST(CrossEntropyTest, FloatInputMatchesDouble) {
  // float(0.51) differs from 0.51 by ~1e-8, i.e. ~2e-8 in -ln p.
  const Tensor<float> probs = ConfidentAndRight(0.51).cast<float>();
  EXPECT_NEAR(cross_entropy(probs, kFourLabels, 2), 0.6733446, 1e-6);
}

TEST(CrossEntropyTest, ZeroProbabilityGivesLargeFiniteValue) {
  // p_true = 0 clamps to 1e-15: -ln 1e-15 = 15 ln 10 = 34.5387764.
  const Tensor<double> probs(1, 2, {1.0, 0.0});
  const std::vector<int> labels = {1};
  const double ce = cross_entropy(probs, labels, 2);
  EXPECT_TRUE(std::isfinite(ce));
  EXPECT_NEAR(ce, 34.5387764, kTol);
}

TEST(CrossEntropyTest, TinyProbabilityBelowFloorIsClamped) {
  // 1e-300 < 1e-15, so the same 34.5387764 as for a zero.
  const Tensor<double> probs(1, 2, {1e-300, 1.0 - 1e-300});
  const std::vector<int> labels = {0};
  EXPECT_NEAR(cross_entropy(probs, labels, 2), 34.5387764, kTol);
}

TEST(CrossEntropyTest, RejectsShapeMismatch) {
  const Tensor<double> probs(2, 2, 0.5);
  const std::vector<int> labels = {0, 1, 1};
  EXPECT_THROW(cross_entropy(probs, labels, 2), std::invalid_argument);
}

TEST(CrossEntropyTest, ErrorMessageNamesTheBadProbability) {
  const Tensor<double> probs(2, 2, {0.5, 0.5, 1.5, -0.5});
  const std::vector<int> labels = {0, 1};
  try {
    cross_entropy(probs, labels, 2);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cross_entropy"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(1, 0)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1.5"), std::string::npos) << msg;
  }
}

// ---------------------------------------------------------------------------
// Brier score

TEST(BrierScoreTest, BinarySumsBothColumns) {
  // probs [[0.25,0.75],[0.5,0.5]], labels [1,0]:
  //   row 0: 0.25^2 + (0.75 - 1)^2 = 0.0625 + 0.0625 = 0.125
  //   row 1: (0.5 - 1)^2 + 0.5^2 = 0.5
  // mean (0.125 + 0.5) / 2 = 0.3125 (scikit-learn binary: 0.15625).
  const Tensor<double> probs(2, 2, {0.25, 0.75, 0.5, 0.5});
  const std::vector<int> labels = {1, 0};
  EXPECT_NEAR(brier_score(probs, labels, 2), 0.3125, kTol);
}

TEST(BrierScoreTest, MultiClassConfidentlyWrong) {
  // [0.7,0.2,0.1] with label 2: 0.7^2 + 0.2^2 + (0.1 - 1)^2
  // = 0.49 + 0.04 + 0.81 = 1.34.
  const Tensor<double> probs(1, 3, {0.7, 0.2, 0.1});
  const std::vector<int> labels = {2};
  EXPECT_NEAR(brier_score(probs, labels, 3), 1.34, kTol);
}

// ---------------------------------------------------------------------------
// Mean entropy

TEST(MeanEntropyTest, AveragesRowEntropiesInNats) {
  // [0.5,0.25,0.25]: 0.5 ln 2 + 2 * 0.25 ln 4 = 1.5 ln 2; [1,0,0]: 0
  // (0 ln 0 = 0). Mean 0.75 ln 2 = 0.5198604.
  const Tensor<double> probs(2, 3, {0.5, 0.25, 0.25, 1.0, 0.0, 0.0});
  EXPECT_NEAR(mean_entropy(probs), 0.5198604, kTol);
}

TEST(MeanEntropyTest, UniformIsLogK) {
  // Four classes at 1/4: ln 4 = 1.3862944.
  const Tensor<float> probs(3, 4, 0.25f);
  EXPECT_NEAR(mean_entropy(probs), 1.3862944, kTol);
}

TEST(MeanEntropyTest, RejectsUnnormalisedRow) {
  const Tensor<double> probs(1, 2, {0.2, 0.2});
  EXPECT_THROW(mean_entropy(probs), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// Calibration

// N = 4, K = 2, labels [0,0,1,0]:
//   row          argmax  confidence  correct
//   [0.9,0.1]    0       0.9         yes
//   [0.25,0.75]  1       0.75        no
//   [0.35,0.65]  1       0.65        yes
//   [0.45,0.55]  1       0.55        no
Tensor<double> CalibrationProbs() {
  return Tensor<double>(4, 2, {0.9, 0.1, 0.25, 0.75, 0.35, 0.65, 0.45, 0.55});
}
const std::vector<int> kCalibrationLabels = {0, 0, 1, 0};

TEST(CalibrationTest, FiveBinsByHand) {
  // Bins of width 0.2: 0.55 -> (0.4,0.6] bin 2; 0.65, 0.75 -> (0.6,0.8]
  // bin 3; 0.9 -> (0.8,1] bin 4.
  //   bin 2: n 1, conf 0.55, acc 0   -> gap 0.55
  //   bin 3: n 2, conf 0.70, acc 0.5 -> gap 0.20
  //   bin 4: n 1, conf 0.90, acc 1   -> gap 0.10
  // ECE = (1 * 0.55 + 2 * 0.2 + 1 * 0.1) / 4 = 1.05 / 4 = 0.2625.
  const Calibration c =
      calibration(CalibrationProbs(), kCalibrationLabels, 2, 5);
  ASSERT_EQ(c.bins.size(), 5u);
  EXPECT_NEAR(c.ece, 0.2625, kTol);
  EXPECT_EQ(c.bins[3].count, 2);
  EXPECT_NEAR(c.bins[3].mean_confidence, 0.7, kTol);
  EXPECT_NEAR(c.bins[3].accuracy, 0.5, kTol);
}

TEST(CalibrationTest, EmptyBinsHaveZeroCountAndNaNMeans) {
  // Bins 0 and 1 of the five-bin example hold no confidence.
  const Calibration c =
      calibration(CalibrationProbs(), kCalibrationLabels, 2, 5);
  EXPECT_EQ(c.bins[0].count, 0);
  EXPECT_TRUE(std::isnan(c.bins[0].mean_confidence));
  EXPECT_TRUE(std::isnan(c.bins[1].accuracy));
  EXPECT_NEAR(c.bins[1].lower, 0.2, kTol);
  EXPECT_NEAR(c.bins[1].upper, 0.4, kTol);
}

TEST(CalibrationTest, DefaultsToFifteenBins) {
  // Width 1/15: 0.55 * 15 = 8.25 -> bin 8, 0.65 -> 9.75 -> bin 9,
  // 0.75 -> 11.25 -> bin 11, 0.9 -> 13.5 -> bin 13: one sample per bin.
  // ECE = (|1 - 0.9| + |0 - 0.75| + |1 - 0.65| + |0 - 0.55|) / 4
  //     = (0.1 + 0.75 + 0.35 + 0.55) / 4 = 0.4375.
  const Calibration c = calibration(CalibrationProbs(), kCalibrationLabels, 2);
  EXPECT_EQ(c.bins.size(), 15u);
  EXPECT_NEAR(c.ece, 0.4375, kTol);
  EXPECT_NEAR(
      expected_calibration_error(CalibrationProbs(), kCalibrationLabels, 2),
      0.4375, kTol);
}

TEST(CalibrationTest, BinsAreClosedOnTheRight) {
  // Two bins (0,0.5] and (0.5,1]. [0.5,0.5] label 1: argmax 0 (tie), wrong,
  // confidence 0.5 -> bin 0. [1,0] label 0: confidence 1 -> bin 1, right.
  // ECE = (1 * |0 - 0.5| + 1 * |1 - 1|) / 2 = 0.25.
  const Tensor<double> probs(2, 2, {0.5, 0.5, 1.0, 0.0});
  const std::vector<int> labels = {1, 0};
  const Calibration c = calibration(probs, labels, 2, 2);
  EXPECT_EQ(c.bins[0].count, 1);
  EXPECT_EQ(c.bins[1].count, 1);
  EXPECT_NEAR(c.ece, 0.25, kTol);
}

TEST(CalibrationTest, ConfidentAndRightIsCalibrated) {
  // Every confidence 1 and right: one bin with conf 1, acc 1 -> ECE 0.
  const Tensor<double> probs(2, 2, {1.0, 0.0, 0.0, 1.0});
  const std::vector<int> labels = {0, 1};
  EXPECT_DOUBLE_EQ(expected_calibration_error(probs, labels, 2), 0.0);
}

TEST(CalibrationTest, RejectsZeroBins) {
  EXPECT_THROW(calibration(CalibrationProbs(), kCalibrationLabels, 2, 0),
               std::invalid_argument);
}

}  // namespace
}  // namespace losslab
