#include "nn/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>

namespace losslab {
namespace {

[[noreturn]] void fail(const char* where, const char* name, double value,
                       const char* expected) {
  std::ostringstream os;
  os << where << ": " << name << " must be " << expected << "; got " << value;
  throw std::invalid_argument(os.str());
}

void check_base(const char* where, double base) {
  if (!(std::isfinite(base) && base >= 0.0)) {
    fail(where, "base rate", base, "finite and >= 0");
  }
}

void check_t(const char* where, long t) {
  if (t < 0) fail(where, "t", double(t), ">= 0");
}

}  // namespace

ConstantLr::ConstantLr(double base) : base_(base) {
  check_base("ConstantLr", base);
}

double ConstantLr::lr(long t) const {
  check_t("ConstantLr::lr", t);
  return base_;
}

StepLr::StepLr(double base, long step_size, double gamma)
    : base_(base), step_size_(step_size), gamma_(gamma) {
  check_base("StepLr", base);
  if (step_size < 1) fail("StepLr", "step_size", double(step_size), ">= 1");
  if (!(std::isfinite(gamma) && gamma > 0.0)) {
    fail("StepLr", "gamma", gamma, "finite and > 0");
  }
}

double StepLr::lr(long t) const {
  check_t("StepLr::lr", t);
  return base_ * std::pow(gamma_, double(t / step_size_));
}

CosineLr::CosineLr(double base, long t_max, double eta_min)
    : base_(base), t_max_(t_max), eta_min_(eta_min) {
  check_base("CosineLr", base);
  if (t_max < 1) fail("CosineLr", "t_max", double(t_max), ">= 1");
  if (!(std::isfinite(eta_min) && eta_min >= 0.0)) {
    fail("CosineLr", "eta_min", eta_min, "finite and >= 0");
  }
}

double CosineLr::lr(long t) const {
  check_t("CosineLr::lr", t);
  const double progress = double(std::min(t, t_max_)) / double(t_max_);
  return eta_min_ + (base_ - eta_min_) *
                        (1.0 + std::cos(std::numbers::pi * progress)) / 2.0;
}

WarmupLr::WarmupLr(std::unique_ptr<LrSchedule> inner, long warmup,
                   double start_factor)
    : inner_(std::move(inner)), warmup_(warmup), start_factor_(start_factor) {
  if (!inner_) throw std::invalid_argument("WarmupLr: inner schedule is null");
  if (warmup < 0) fail("WarmupLr", "warmup", double(warmup), ">= 0");
  if (!(start_factor >= 0.0 && start_factor <= 1.0)) {
    fail("WarmupLr", "start_factor", start_factor, "in [0, 1]");
  }
}

double WarmupLr::lr(long t) const {
  check_t("WarmupLr::lr", t);
  if (t >= warmup_) return inner_->lr(t - warmup_);
  // Linear ramp from start_factor to 1 over the warm-up.
  const double f =
      start_factor_ + (1.0 - start_factor_) * double(t) / double(warmup_);
  return inner_->lr(0) * f;
}

}  // namespace losslab
