#include "app/progress.h"

#include <cmath>
#include <string>

namespace losslab::app {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
                  s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

void ProgressPrinter::operator()(const Progress& p) {
  if (p.epoch_done) {
    const EpochRecord& r = *p.record;
    std::fprintf(out_,
                 "%sepoch %2d/%d | step %5ld/%ld | loss %.4f | test acc "
                 "%6.2f%% | test nll %.4f | %7.0f samples/s | %5.1f s | ETA "
                 "%s\n",
                 live_ ? "\r\033[K" : "", p.epoch, p.epochs, p.step,
                 p.steps_per_epoch, r.train_loss, 100.0 * r.test.accuracy,
                 r.test.cross_entropy, r.samples_per_second, r.seconds,
                 format_duration(p.eta_seconds).c_str());
    std::fflush(out_);
    return;
  }
  if (!live_) return;
  // Redraw at most ten times a second.
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) &&
      p.step != p.steps_per_epoch) {
    return;
  }
  last_draw_ = now;
  std::fprintf(out_,
               "\r\033[Kepoch %2d/%d | step %5ld/%ld | loss %.4f | %7.0f "
               "samples/s | ETA %s",
               p.epoch, p.epochs, p.step, p.steps_per_epoch, p.loss,
               p.samples_per_second, format_duration(p.eta_seconds).c_str());
  std::fflush(out_);
}

}  // namespace losslab::app
