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
// rise again.
#pragma once

#include <memory>

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

}  // namespace losslab
