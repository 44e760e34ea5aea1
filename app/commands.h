// The subcommands of the `losslab` program. Each registers its options on
// a CLI11 subcommand and returns the function that runs it; a run returns
// the process exit code and reports failures by throwing (main prints one
// line and exits non-zero).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace losslab::app {

using Command = std::function<int()>;

Command add_train_command(CLI::App& app);
Command add_losses_command(CLI::App& app);
Command add_curves_command(CLI::App& app);
Command add_constant_command(CLI::App& app);
Command add_study_command(CLI::App& app);
Command add_merge_command(CLI::App& app);

}  // namespace losslab::app
