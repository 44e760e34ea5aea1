#include "autograd/check.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace losslab {

void check_failed(const char* expr, const char* file, int line,
                  const std::string& message) {
  std::fprintf(stderr, "losslab: internal check failed: %s at %s:%d %s\n", expr,
               file, line, message.c_str());
  std::abort();
}

namespace {

LogHook& hook() {
  static LogHook h = [](LogLevel level, std::string_view where,
                        std::string_view message) {
    if (level < LogLevel::kWarning) return;
    std::cerr << where << ": " << message << '\n';
  };
  return h;
}

}  // namespace

void set_log_hook(LogHook h) { hook() = std::move(h); }

void log_message(LogLevel level, std::string_view where,
                 std::string_view message) {
  if (hook()) hook()(level, where, message);
}

}  // namespace losslab
