// evaluate() and its JSON form.
#include "metrics/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "metrics/json.h"

namespace losslab {
namespace {

constexpr double kTol = 1e-7;

// N = 4, K = 2, labels [0,0,1,0]; argmax predictions [0,1,1,1].
//   row          conf   pred  label
//   [0.9,0.1]    0.9    0     0
//   [0.25,0.75]  0.75   1     0
//   [0.35,0.65]  0.65   1     1
//   [0.45,0.55]  0.55   1     0
Tensor<double> Probs() {
  return Tensor<double>(4, 2, {0.9, 0.1, 0.25, 0.75, 0.35, 0.65, 0.45, 0.55});
}
const std::vector<int> kLabels = {0, 0, 1, 0};

TEST(EvaluateTest, CountingMetrics) {
  // Pairs (0,0), (0,1), (1,1), (0,1): C = [[1,2],[0,1]]; accuracy 2/4.
  // Recall 1/3 and 1/1 -> balanced (1/3 + 1) / 2 = 2/3.
  // F1 class 0: 2*1/(2+0+2) = 0.5; class 1: 2*1/(2+2+0) = 0.5 -> macro 0.5,
  // weighted (3 * 0.5 + 1 * 0.5) / 4 = 0.5.
  const Evaluation e = evaluate(Probs(), kLabels, 2);
  EXPECT_EQ(e.confusion.counts, (std::vector<std::int64_t>{1, 2, 0, 1}));
  EXPECT_DOUBLE_EQ(e.accuracy, 0.5);
  EXPECT_NEAR(e.balanced_accuracy, 2.0 / 3.0, kTol);
  EXPECT_DOUBLE_EQ(e.macro_f1, 0.5);
  EXPECT_DOUBLE_EQ(e.weighted_f1, 0.5);
}

TEST(EvaluateTest, RankingMetrics) {
  // Positive column [0.1,0.75,0.65,0.55], one positive (0.65): it beats
  // 0.1 and 0.55, loses to 0.75 -> AUC 2/3. AP: 0.75 neg (R 0), then 0.65
  // pos: P 1/2, R 1 -> AP = 1 * 1/2 = 0.5. Both classes occur: no NaN.
  const Evaluation e = evaluate(Probs(), kLabels, 2);
  EXPECT_NEAR(e.roc_auc, 2.0 / 3.0, kTol);
  EXPECT_NEAR(e.average_precision, 0.5, kTol);
  EXPECT_EQ(e.roc_auc_undefined_classes, 0);
  ASSERT_EQ(e.roc_auc_per_class.size(), 2u);
  EXPECT_NEAR(e.roc_auc_per_class[0], 2.0 / 3.0, kTol);
}

TEST(EvaluateTest, ProbabilisticMetrics) {
  // CE = -(ln 0.9 + ln 0.25 + ln 0.65 + ln 0.45) / 4
  //    = (0.1053605 + 1.3862944 + 0.4307829 + 0.7985077) / 4 = 0.6802364.
  // Brier rows: 0.1^2 + 0.1^2 = 0.02; 0.75^2 * 2 = 1.125;
  //   0.35^2 * 2 = 0.245; 0.55^2 * 2 = 0.605 -> 1.995 / 4 = 0.49875.
  // ECE with 15 bins = 0.4375 (see probabilistic_test.cc).
  const Evaluation e = evaluate(Probs(), kLabels, 2);
  EXPECT_NEAR(e.cross_entropy, 0.6802364, kTol);
  EXPECT_NEAR(e.brier_score, 0.49875, kTol);
  EXPECT_NEAR(e.ece, 0.4375, kTol);
  EXPECT_EQ(e.reliability.size(), 15u);
}

TEST(EvaluateTest, OptionsReachTheMetrics) {
  // Labels all 0, predictions [0,1,1,1]: class 1 has tp 0, fp 3, fn 0, so
  // its recall 0/0 takes zero_division = 1 while its F1 = 0/3 = 0. One class
  // present: AUC NaN, both one-vs-rest problems undefined.
  const std::vector<int> all_zero = {0, 0, 0, 0};
  const Evaluation e = evaluate(Probs(), all_zero, 2, EvaluateOptions{1.0, 5});
  EXPECT_DOUBLE_EQ(e.recall[1], 1.0);
  EXPECT_DOUBLE_EQ(e.f1[1], 0.0);
  EXPECT_EQ(e.reliability.size(), 5u);
  EXPECT_TRUE(std::isnan(e.roc_auc));
  EXPECT_EQ(e.roc_auc_undefined_classes, 2);
}

TEST(EvaluateTest, FloatInputAgreesWithDouble) {
  const Evaluation d = evaluate(Probs(), kLabels, 2);
  const Evaluation f = evaluate(Probs().cast<float>(), kLabels, 2);
  // float rounding of the inputs (~3e-8 relative) moves each value by less
  // than 1e-6.
  EXPECT_NEAR(f.cross_entropy, d.cross_entropy, 1e-6);
  EXPECT_NEAR(f.brier_score, d.brier_score, 1e-6);
  EXPECT_DOUBLE_EQ(f.accuracy, d.accuracy);
}

TEST(EvaluateTest, RejectsWrongNumberOfClasses) {
  EXPECT_THROW(evaluate(Probs(), kLabels, 3), std::invalid_argument);
}

TEST(EvaluationJsonTest, WritesFieldsAndNestedConfusion) {
  const nlohmann::json j = evaluate(Probs(), kLabels, 2);
  EXPECT_EQ(j.at("confusion"), nlohmann::json::parse("[[1,2],[0,1]]"));
  EXPECT_DOUBLE_EQ(j.at("accuracy").get<double>(), 0.5);
  EXPECT_EQ(j.at("support"), nlohmann::json::parse("[3,1]"));
  EXPECT_EQ(j.at("reliability").size(), 15u);
}

TEST(EvaluationJsonTest, UndefinedValuesBecomeNull) {
  // Bin 0 of 15 is empty, so its means are NaN, dumped as null.
  const nlohmann::json j = evaluate(Probs(), kLabels, 2);
  const nlohmann::json round_trip = nlohmann::json::parse(j.dump());
  EXPECT_TRUE(round_trip.at("reliability").at(0).at("accuracy").is_null());
  EXPECT_EQ(round_trip.at("reliability").at(0).at("count"), 0);
}

}  // namespace
}  // namespace losslab
