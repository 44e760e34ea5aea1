// Learning-rate schedules: the rate as a pure function of a counter t.
//
// The caller chooses the unit of t (optimizer steps or epochs, counted from
// 0) and sets the rate before each step, e.g.
//   optimizer.set_lr(schedule.lr(epoch));
// Schedules keep no state, so a resumed run only needs its counter.
//
//   ConstantLr(base)                   lr(t) = base
//   StepLr(base, step_size, gamma)     lr(t) = base gamma^floor(t / step_size)
//   CosineLr(base, t_max, eta_min)     lr(t) = eta_min + (base - eta_min)
//                                        (1 + cos(pi min(t, t_max) / t_max))/2
//   WarmupLr(inner, warmup, start)     lr(t) = inner.lr(0) f(t) for t < warmup,
//                                        f(t) = start + (1 - start) t / warmup;
//                                      lr(t) = inner.lr(t - warmup) after.
// WarmupLr wraps any schedule, which starts counting once the warm-up ends
// (PyTorch's LinearLR followed by the inner schedule in SequentialLR).
// CosineLr stays at eta_min past t_max, where PyTorch's closed form would
// rise again. schedule_from_spec, at the end, builds one of these from the
// spec strings that `losslab train --schedule` and study files use.
#pragma once

#include <memory>
#include <string_view>

namespace losslab {

class LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  // The rate at counter t; throws std::invalid_argument for t < 0.
  virtual double lr(long t) const = 0;
};

class ConstantLr : public LrSchedule {
 public:
  // Throws std::invalid_argument for a negative or non-finite base.
  explicit ConstantLr(double base);
  double lr(long t) const override;

 private:
  double base_;
};

class StepLr : public LrSchedule {
 public:
  // Throws unless base >= 0, step_size >= 1 and gamma > 0, all finite.
  StepLr(double base, long step_size, double gamma);
  double lr(long t) const override;

 private:
  double base_;
  long step_size_;
  double gamma_;
};

class CosineLr : public LrSchedule {
 public:
  // Throws unless base >= 0, t_max >= 1 and 0 <= eta_min, all finite.
  CosineLr(double base, long t_max, double eta_min = 0.0);
  double lr(long t) const override;

 private:
  double base_;
  long t_max_;
  double eta_min_;
};

class WarmupLr : public LrSchedule {
 public:
  // Throws unless inner is set, warmup >= 0 and 0 <= start_factor <= 1.
  // The default start factor is PyTorch LinearLR's 1/3.
  WarmupLr(std::unique_ptr<LrSchedule> inner, long warmup,
           double start_factor = 1.0 / 3.0);
  double lr(long t) const override;

 private:
  std::unique_ptr<LrSchedule> inner_;
  long warmup_;
  double start_factor_;
};

// ---------------------------------------------------------------------------
// Schedules named by a spec string
// ---------------------------------------------------------------------------

// The most epochs a step period or a warm-up may span. No real run comes
// near it, and it keeps epochs * steps_per_epoch inside a 64-bit long for
// up to 9.2e12 steps per epoch; a larger product is refused, not rounded.
inline constexpr double kMaxScheduleEpochs = 1e6;

// The schedule a run's spec names, counting optimizer steps from 0:
//   "none" or ""  ConstantLr(base)
//   "cosine"      CosineLr(base, max(1, total_steps - warmup)): down to 0
//                 over the steps that follow the warm-up
//   "step:E:G"    StepLr(base, round(E steps_per_epoch), G): the rate is
//                 multiplied by G every E epochs
// wrapped in WarmupLr(inner, round(warmup_epochs steps_per_epoch)) with
// PyTorch's start factor 1/3 when warmup_epochs > 0. Lengths in epochs
// round to the nearest step, halves away from zero; a positive length
// under one step lasts one step.
//
// Throws std::invalid_argument, naming the spec or warmup_epochs, for: an
// unknown name; a step spec other than exactly two numbers after "step:";
// E not finite, <= 0 or > kMaxScheduleEpochs; G not finite or <= 0;
// warmup_epochs not finite, < 0 or > kMaxScheduleEpochs; a step count past
// a long's range; steps_per_epoch < 1; total_steps < 0; and base as
// ConstantLr does.
std::unique_ptr<LrSchedule> schedule_from_spec(std::string_view spec,
                                               double base,
                                               double warmup_epochs,
                                               long steps_per_epoch,
                                               long total_steps);

}  // namespace losslab
