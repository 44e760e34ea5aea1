// Internal invariant checks and the one logging hook of the library.
//
// LOSSLAB_CHECK is for conditions that only a bug in losslab can break; it
// prints the expression, file:line and a message, then aborts, in every build
// type. Caller mistakes throw std::invalid_argument instead (see tensor.h).
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <string_view>

namespace losslab {

[[noreturn]] void check_failed(const char* expr, const char* file, int line,
                               const std::string& message);

}  // namespace losslab

#define LOSSLAB_CHECK(cond, ...)                         \
  do {                                                   \
    if (!(cond)) {                                       \
      std::ostringstream losslab_check_os_;              \
      losslab_check_os_ << "" __VA_ARGS__;               \
      ::losslab::check_failed(#cond, __FILE__, __LINE__, \
                              losslab_check_os_.str());  \
    }                                                    \
  } while (0)

namespace losslab {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// The library never prints on its own. The rare warning it must raise (for
// example a metric that is undefined on its input) goes through this hook,
// prefixed with the name of the function that raised it. The default hook
// writes warnings and errors to stderr. set_log_hook is meant to be called
// once at program start; it is not synchronised with concurrent logging.
using LogHook = std::function<void(LogLevel, std::string_view where,
                                   std::string_view message)>;
void set_log_hook(LogHook hook);
void log_message(LogLevel level, std::string_view where,
                 std::string_view message);

}  // namespace losslab
