// Tests of the learning-rate schedules against values computed by hand.
#include "nn/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

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

// ---------------------------------------------------------------------------
// schedule_from_spec
// ---------------------------------------------------------------------------

// The message of the std::invalid_argument that building `spec` throws, at
// base 0.1, 10 steps per epoch and 100 steps in all; "" if nothing is
// thrown. Any other exception escapes and fails the test.
std::string spec_error(const std::string& spec, double warmup_epochs = 0.0,
                       long steps_per_epoch = 10) {
  try {
    schedule_from_spec(spec, 0.1, warmup_epochs, steps_per_epoch, 100);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ScheduleFromSpecTest, StepPeriodIsEpochsTimesStepsPerEpoch) {
  // step:2:0.5 at 3 steps per epoch: a period of 6 steps, so t = 5 -> 0.1,
  // t = 6 -> 0.05, t = 12 -> 0.025.
  auto s = schedule_from_spec("step:2:0.5", 0.1, 0.0, 3, 30);
  EXPECT_DOUBLE_EQ(s->lr(5), 0.1);
  EXPECT_DOUBLE_EQ(s->lr(6), 0.05);
  EXPECT_DOUBLE_EQ(s->lr(12), 0.025);
}

TEST(ScheduleFromSpecTest, StepAcceptsTheLargestPeriod) {
  // step:1000000:0.5 at 10 steps per epoch: the rate halves at t = 1e7.
  auto s = schedule_from_spec("step:1000000:0.5", 0.1, 0.0, 10, 100);
  EXPECT_DOUBLE_EQ(s->lr(9'999'999), 0.1);
  EXPECT_DOUBLE_EQ(s->lr(10'000'000), 0.05);
}

TEST(ScheduleFromSpecTest, WarmupEpochsBecomeSteps) {
  // 0.5 warm-up epochs at 10 steps per epoch = 5 steps from 0.1/3 up to 0.1.
  auto s = schedule_from_spec("none", 0.1, 0.5, 10, 100);
  EXPECT_DOUBLE_EQ(s->lr(0), 0.1 / 3.0);
  EXPECT_DOUBLE_EQ(s->lr(5), 0.1);
}

TEST(ScheduleFromSpecTest, RejectsStepEpochsTooLargeToCount) {
  // 1e300 epochs used to overflow lround and become a 1-step period.
  EXPECT_EQ(spec_error("step:1e300:0.5"),
            "schedule 'step:1e300:0.5': EPOCHS out of range; expected a "
            "finite number of epochs in (0, 1000000], got 1e+300");
}

TEST(ScheduleFromSpecTest, RejectsStepEpochsJustPastTheBound) {
  EXPECT_EQ(spec_error("step:1000001:0.5"),
            "schedule 'step:1000001:0.5': EPOCHS out of range; expected a "
            "finite number of epochs in (0, 1000000], got 1000001");
}

TEST(ScheduleFromSpecTest, RejectsZeroStepEpochs) {
  EXPECT_EQ(spec_error("step:0:0.5"),
            "schedule 'step:0:0.5': EPOCHS out of range; expected a finite "
            "number of epochs in (0, 1000000], got 0");
}

TEST(ScheduleFromSpecTest, RejectsNanStepEpochs) {
  EXPECT_EQ(spec_error("step:nan:0.5"),
            "schedule 'step:nan:0.5': EPOCHS out of range; expected a finite "
            "number of epochs in (0, 1000000], got nan");
}

TEST(ScheduleFromSpecTest, StepPeriodUnderAStepLastsOneStep) {
  // 0.04 epochs at 10 steps per epoch = 0.4 steps: the rate halves every
  // step, 0.1, 0.05, 0.025.
  auto s = schedule_from_spec("step:0.04:0.5", 0.1, 0.0, 10, 100);
  EXPECT_DOUBLE_EQ(s->lr(1), 0.05);
  EXPECT_DOUBLE_EQ(s->lr(2), 0.025);
}

TEST(ScheduleFromSpecTest, RejectsStepCountPastALong) {
  // 1e6 epochs at 1e13 steps per epoch = 1e19 steps > 2^63 - 1.
  EXPECT_EQ(spec_error("step:1000000:0.5", 0.0, 10'000'000'000'000),
            "schedule 'step:1000000:0.5': EPOCHS 1e+06 is 1e+19 steps at "
            "10000000000000 steps per epoch; expected at most "
            "9223372036854775807");
}

TEST(ScheduleFromSpecTest, RejectsTrailingTextAfterGamma) {
  EXPECT_EQ(spec_error("step:5:0.1x"),
            "schedule 'step:5:0.1x': expected step:EPOCHS:GAMMA such as "
            "step:5:0.1, got GAMMA '0.1x', which is not a number");
}

TEST(ScheduleFromSpecTest, RejectsAThirdField) {
  EXPECT_EQ(spec_error("step:5:0.1:3"),
            "schedule 'step:5:0.1:3': expected step:EPOCHS:GAMMA such as "
            "step:5:0.1, got 3 fields after 'step:'");
}

TEST(ScheduleFromSpecTest, RejectsAMissingGamma) {
  EXPECT_EQ(spec_error("step:5"),
            "schedule 'step:5': expected step:EPOCHS:GAMMA such as "
            "step:5:0.1, got 1 field after 'step:'");
}

TEST(ScheduleFromSpecTest, RejectsNanGamma) {
  EXPECT_EQ(spec_error("step:5:nan"),
            "schedule 'step:5:nan': GAMMA out of range; expected a finite "
            "number > 0, got nan");
}

TEST(ScheduleFromSpecTest, RejectsInfiniteGamma) {
  EXPECT_EQ(spec_error("step:5:inf"),
            "schedule 'step:5:inf': GAMMA out of range; expected a finite "
            "number > 0, got inf");
}

TEST(ScheduleFromSpecTest, RejectsNegativeGamma) {
  EXPECT_EQ(spec_error("step:5:-0.5"),
            "schedule 'step:5:-0.5': GAMMA out of range; expected a finite "
            "number > 0, got -0.5");
}

TEST(ScheduleFromSpecTest, RejectsGammaPastADouble) {
  EXPECT_EQ(spec_error("step:5:1e400"),
            "schedule 'step:5:1e400': GAMMA 1e400 is outside the range of a "
            "double");
}

TEST(ScheduleFromSpecTest, RejectsNegativeWarmup) {
  EXPECT_EQ(spec_error("none", -5.0),
            "schedule: warmup_epochs out of range; expected a finite number "
            "of epochs in [0, 1000000], got -5");
}

TEST(ScheduleFromSpecTest, RejectsNanWarmup) {
  EXPECT_EQ(spec_error("none", std::nan("")),
            "schedule: warmup_epochs out of range; expected a finite number "
            "of epochs in [0, 1000000], got nan");
}

TEST(ScheduleFromSpecTest, RejectsWarmupTooLargeToCount) {
  EXPECT_EQ(spec_error("cosine", 1e300),
            "schedule: warmup_epochs out of range; expected a finite number "
            "of epochs in [0, 1000000], got 1e+300");
}

TEST(ScheduleFromSpecTest, WarmupUnderAStepLastsOneStep) {
  // 0.04 epochs at 10 steps per epoch = 0.4 steps: one warm-up step at
  // 0.1 / 3, then the full rate.
  auto s = schedule_from_spec("none", 0.1, 0.04, 10, 100);
  EXPECT_DOUBLE_EQ(s->lr(0), 0.1 / 3.0);
  EXPECT_DOUBLE_EQ(s->lr(1), 0.1);
}

TEST(ScheduleFromSpecTest, RejectsAnUnknownName) {
  EXPECT_EQ(spec_error("sawtooth"),
            "schedule 'sawtooth': unknown name; expected none, cosine or "
            "step:EPOCHS:GAMMA");
}

}  // namespace
}  // namespace losslab
