// The subcommands of the `losslab` program. Each registers its options on
// a CLI11 subcommand and returns the function that runs it; a run returns
// the process exit code and reports failures by throwing (main prints one
// line and exits non-zero).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <limits>

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

}  // namespace losslab::app
