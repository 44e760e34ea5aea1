// The subcommands of the `losslab` program. Each registers its options on
// a CLI11 subcommand and returns the function that runs it; a run returns
// the process exit code and reports failures by throwing (main prints one
// line and exits non-zero).
#pragma once

#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <system_error>

namespace losslab::app {

using Command = std::function<int()>;

Command add_train_command(CLI::App& app);
Command add_losses_command(CLI::App& app);
Command add_curves_command(CLI::App& app);
Command add_constant_command(CLI::App& app);
Command add_study_command(CLI::App& app);
Command add_merge_command(CLI::App& app);

// The check for a count option (epochs, batch size, samples, threads): an
// int from 1 up. Its message names the bounds as integers ("not in range 1
// to 2147483647"), where CLI::PositiveNumber would print DBL_MAX in full.
inline CLI::Range positive_count() {
  return CLI::Range(1, std::numeric_limits<int>::max());
}

// The check for a seed: a whole number from 0 to 2^64 - 1, written in
// decimal digits only. CLI11 alone would read "-1" as 2^64 - 1 and clamp
// larger numbers to it, so distinct seeds would silently be one.
inline CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        auto [at, error] = std::from_chars(text.data(), end, v);
        if (text.empty() || error != std::errc() || at != end) {
          return "expected a seed from 0 to 18446744073709551615, got '" +
                 text + "'";
        }
        return "";
      },
      "SEED");
}

}  // namespace losslab::app
