#include "nn/schedule.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

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

// ---------------------------------------------------------------------------
// Schedules named by a spec string
// ---------------------------------------------------------------------------

namespace {

constexpr const char* kStepForm = "step:EPOCHS:GAMMA such as step:5:0.1";

template <class... Parts>
[[noreturn]] void throw_invalid(const Parts&... parts) {
  std::ostringstream os;
  (os << ... << parts);
  throw std::invalid_argument(os.str());
}

// The shortest text that reads back as v, so that an error shows 1000001
// where ostream's default six digits would print 1e+06. Used for values the
// caller gave; derived ones (step counts) keep six digits, so that 0.013
// steps does not show as 0.013000000000000001.
std::string number_text(double v) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

// All of `text` as a double. from_chars takes no spaces, no '+' and no
// locale, so trailing text such as the x in "0.1x" is an error here.
double parse_field(const std::string& where, const char* name,
                   std::string_view text) {
  double value = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::invalid_argument || ptr != end) {
    throw_invalid(where, ": expected ", kStepForm, ", got ", name, " '", text,
                  "', which is not a number");
  }
  if (ec == std::errc::result_out_of_range) {
    throw_invalid(where, ": ", name, " ", text,
                  " is outside the range of a double");
  }
  return value;
}

// A length in epochs as a whole number of optimizer steps, rounded to the
// nearest. The range check comes first because lround's result is
// unspecified for NaN and for values past a long: 1e300 epochs used to
// come back as a negative count, which the caller then raised to 1 step.
// A step period must be > 0; a warm-up may be 0 (allow_zero).
long epochs_to_steps(const std::string& where, const char* name, double epochs,
                     long steps_per_epoch, bool allow_zero) {
  // Written so that NaN fails both comparisons.
  const bool low_ok = allow_zero ? epochs >= 0.0 : epochs > 0.0;
  if (!(low_ok && epochs <= kMaxScheduleEpochs)) {
    throw_invalid(where, ": ", name,
                  " out of range; expected a finite number of epochs in ",
                  allow_zero ? "[0, " : "(0, ", long(kMaxScheduleEpochs),
                  "], got ", number_text(epochs));
  }

  // double(max) rounds up to a power of two, so any step count below it
  // rounds to a long.
  constexpr long kMaxSteps = std::numeric_limits<long>::max();
  const double steps = epochs * double(steps_per_epoch);
  if (!(steps < double(kMaxSteps))) {
    throw_invalid(where, ": ", name, " ", number_text(epochs), " is ", steps,
                  " steps at ", steps_per_epoch,
                  " steps per epoch; expected at most ", kMaxSteps);
  }
  // A positive length shorter than a step lasts one step rather than being
  // refused: the same spec must hold for a study's full dataset and for a
  // small one (validate_study's dry run has one step per epoch).
  const long rounded = std::lround(steps);
  return epochs > 0.0 ? std::max(1L, rounded) : rounded;
}

// "step:E:G": exactly two numbers after "step:".
std::unique_ptr<LrSchedule> step_from_spec(std::string_view spec, double base,
                                           long steps_per_epoch) {
  const std::string where = "schedule '" + std::string(spec) + "'";
  const std::string_view fields = spec.substr(5);
  const auto num_fields = std::count(fields.begin(), fields.end(), ':') + 1;
  if (num_fields != 2) {
    throw_invalid(where, ": expected ", kStepForm, ", got ", num_fields,
                  num_fields == 1 ? " field" : " fields", " after 'step:'");
  }

  const std::size_t colon = fields.find(':');
  const double epochs = parse_field(where, "EPOCHS", fields.substr(0, colon));
  const double gamma = parse_field(where, "GAMMA", fields.substr(colon + 1));
  const long step_size =
      epochs_to_steps(where, "EPOCHS", epochs, steps_per_epoch, false);
  if (!(std::isfinite(gamma) && gamma > 0.0)) {
    throw_invalid(where, ": GAMMA out of range; expected a finite number > 0",
                  ", got ", number_text(gamma));
  }
  return std::make_unique<StepLr>(base, step_size, gamma);
}

}  // namespace

std::unique_ptr<LrSchedule> schedule_from_spec(std::string_view spec,
                                               double base,
                                               double warmup_epochs,
                                               long steps_per_epoch,
                                               long total_steps) {
  if (steps_per_epoch < 1) {
    throw_invalid("schedule: steps_per_epoch must be >= 1; got ",
                  steps_per_epoch);
  }
  if (total_steps < 0) {
    throw_invalid("schedule: total_steps must be >= 0; got ", total_steps);
  }
  const long warmup = epochs_to_steps("schedule", "warmup_epochs",
                                      warmup_epochs, steps_per_epoch, true);

  std::unique_ptr<LrSchedule> inner;
  if (spec == "none" || spec.empty()) {
    inner = std::make_unique<ConstantLr>(base);
  } else if (spec == "cosine") {
    inner =
        std::make_unique<CosineLr>(base, std::max(1L, total_steps - warmup));
  } else if (spec.starts_with("step:")) {
    inner = step_from_spec(spec, base, steps_per_epoch);
  } else {
    throw_invalid(
        "schedule '", spec,
        "': unknown name; expected none, cosine or step:EPOCHS:GAMMA");
  }
  if (warmup == 0) return inner;
  return std::make_unique<WarmupLr>(std::move(inner), warmup);
}

}  // namespace losslab
