// Tests of the learning-rate schedules against values computed by hand.
#include "nn/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

namespace losslab {
namespace {

TEST(StepLrTest, MultipliesByGammaEveryStepSize) {
  // base 0.1, step 2, gamma 0.5: t = 0, 1 -> 0.1; 2, 3 -> 0.05; 4 -> 0.025.
  StepLr s(0.1, 2, 0.5);
  EXPECT_DOUBLE_EQ(s.lr(0), 0.1);
  EXPECT_DOUBLE_EQ(s.lr(1), 0.1);
  EXPECT_DOUBLE_EQ(s.lr(2), 0.05);
  EXPECT_DOUBLE_EQ(s.lr(5), 0.025);
}

TEST(CosineLrTest, FollowsHalfCosineToEtaMin) {
  // base 1, t_max 4, eta_min 0: lr(1) = (1 + cos(pi/4)) / 2 = 0.853553...,
  // lr(2) = (1 + cos(pi/2)) / 2 = 0.5, lr(4) = 0.
  CosineLr s(1.0, 4);
  EXPECT_DOUBLE_EQ(s.lr(0), 1.0);
  EXPECT_NEAR(s.lr(1), 0.8535533905932737, 1e-15);
  EXPECT_NEAR(s.lr(2), 0.5, 1e-15);
  EXPECT_NEAR(s.lr(4), 0.0, 1e-15);
}

TEST(CosineLrTest, StaysAtEtaMinPastTMax) {
  CosineLr s(1.0, 4, 0.1);
  EXPECT_NEAR(s.lr(4), 0.1, 1e-15);
  EXPECT_NEAR(s.lr(9), 0.1, 1e-15);
}

TEST(WarmupLrTest, RampsLinearlyFromStartFactor) {
  // warm-up 4, start 0.25: f(t) = 0.25 + 0.75 t / 4; f(0) = 0.25,
  // f(2) = 0.625; from t = 4 on, the inner rate 2.
  WarmupLr s(std::make_unique<ConstantLr>(2.0), 4, 0.25);
  EXPECT_DOUBLE_EQ(s.lr(0), 0.5);
  EXPECT_DOUBLE_EQ(s.lr(2), 1.25);
  EXPECT_DOUBLE_EQ(s.lr(4), 2.0);
  EXPECT_DOUBLE_EQ(s.lr(100), 2.0);
}

TEST(WarmupLrTest, InnerScheduleStartsAfterWarmup) {
  // warm-up 3, then cosine with t_max 4: lr(3 + 2) = cosine(2) = 0.5.
  WarmupLr s(std::make_unique<CosineLr>(1.0, 4), 3, 0.0);
  EXPECT_DOUBLE_EQ(s.lr(0), 0.0);
  EXPECT_DOUBLE_EQ(s.lr(3), 1.0);
  EXPECT_NEAR(s.lr(5), 0.5, 1e-15);
}

TEST(WarmupLrTest, ZeroWarmupIsTheInnerSchedule) {
  WarmupLr s(std::make_unique<StepLr>(0.1, 1, 0.5), 0);
  EXPECT_DOUBLE_EQ(s.lr(0), 0.1);
  EXPECT_DOUBLE_EQ(s.lr(1), 0.05);
}

TEST(ScheduleTest, RejectsBadArguments) {
  EXPECT_THROW(StepLr(0.1, 0, 0.5), std::invalid_argument);
  EXPECT_THROW(CosineLr(-1.0, 4), std::invalid_argument);
  EXPECT_THROW(WarmupLr(nullptr, 3), std::invalid_argument);
  EXPECT_THROW(WarmupLr(std::make_unique<ConstantLr>(1.0), 2, 1.5),
               std::invalid_argument);
  EXPECT_THROW(ConstantLr(1.0).lr(-1), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
