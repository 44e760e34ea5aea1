// The curves and constant experiments against values from the project
// brief and closed forms.
#include "train/explain.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace losslab {
namespace {

const CurvePoint& confident_wrong() {
  // y = 0, p = 0.9.
  static const std::vector<double> probs{0.9};
  static const std::vector<CurvePoint> points = loss_curves(probs);
  return points[0];
}

TEST(LossCurvesTest, BceAtConfidentWrongPrediction) {
  // -log(1 - 0.9) = 2.302585; d/dp = 1 / (1 - p) = 10.
  EXPECT_NEAR(confident_wrong().value[0], 2.302585, 1e-6);
  EXPECT_NEAR(confident_wrong().grad[0], 10.0, 1e-9);
}

TEST(LossCurvesTest, MseAtConfidentWrongPrediction) {
  // (0.9 - 0)^2 = 0.81; d/dp = 2 (p - y) = 1.8.
  EXPECT_NEAR(confident_wrong().value[1], 0.81, 1e-12);
  EXPECT_NEAR(confident_wrong().grad[1], 1.8, 1e-9);
}

TEST(LossCurvesTest, L1AtConfidentWrongPrediction) {
  // |0.9 - 0| = 0.9; d/dp = sign(p - y) = 1.
  EXPECT_NEAR(confident_wrong().value[2], 0.9, 1e-12);
  EXPECT_NEAR(confident_wrong().grad[2], 1.0, 1e-9);
}

TEST(LossCurvesTest, TargetOneMirrorsTargetZero) {
  // At y = 1 and p = 0.1 each loss equals its y = 0, p = 0.9 value and the
  // gradient flips sign.
  std::vector<double> probs{0.1};
  std::vector<CurvePoint> points = loss_curves(probs);
  ASSERT_EQ(points.size(), 2u);
  const CurvePoint& y1 = points[1];
  EXPECT_EQ(y1.target, 1);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(y1.value[k], confident_wrong().value[k], 1e-9) << k;
    EXPECT_NEAR(y1.grad[k], -confident_wrong().grad[k], 1e-7) << k;
  }
}

TEST(LossCurvesTest, RejectsProbabilityOutsideOpenInterval) {
  std::vector<double> probs{0.5, 1.0};
  EXPECT_THROW(loss_curves(probs), std::invalid_argument);
}

TEST(LossCurvesTest, CsvHasTheDocumentedColumns) {
  std::vector<double> probs{0.5};
  std::string csv = curves_csv(loss_curves(probs));
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "target,prob,bce,bce_grad,mse,mse_grad,l1,l1_grad");
}

TEST(BestConstantTest, BceAndMseFindTheMeanL1TheMedian) {
  // 10 positives in 1000: mean 0.01, median 0.
  std::vector<ConstantFit> fits = best_constant(0.01, 1000, 3000);
  ASSERT_EQ(fits.size(), 3u);
  EXPECT_NEAR(fits[0].found, 0.01, 1e-4);  // bce
  EXPECT_NEAR(fits[1].found, 0.01, 1e-4);  // mse
  EXPECT_NEAR(fits[2].found, 0.0, 1e-3);   // l1
  EXPECT_EQ(fits[2].closed_form, 0.0);
}

TEST(BestConstantTest, RejectsRateOutsideUnitInterval) {
  EXPECT_THROW(best_constant(1.5, 10, 10), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
