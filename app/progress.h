// Progress output of a training run, llm.c style: fields in a fixed order
// (epoch, step, loss, accuracy, samples/s, ETA) with fixed precision. On a
// terminal the current epoch is one line redrawn in place; otherwise one
// summary line per epoch. Everything printed is also in run.json.
#pragma once

#include <chrono>
#include <cstdio>

#include "train/trainer.h"

namespace losslab::app {

class ProgressPrinter {
 public:
  // Writes to `out`; `live` redraws a line in place (for a terminal).
  ProgressPrinter(std::FILE* out, bool live) : out_(out), live_(live) {}
  void operator()(const Progress& p);

 private:
  std::FILE* out_;
  bool live_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "1:05:09" or "4:02" for a duration in seconds.
std::string format_duration(double seconds);

}  // namespace losslab::app
