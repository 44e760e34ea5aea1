// losslab: train classifiers under different losses and compare them.
// See README.md for the commands; `losslab --help` lists them.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <map>
#include <new>
#include <string>

#include "app/commands.h"
#include "autograd/blas.h"
#include "train/trainer.h"

int main(int argc, char** argv) {
  // Before anything else: OpenBLAS may have loaded its slow generic kernel.
  losslab::blas::reexec_for_better_kernel(argv);
  CLI::App app{
      "losslab: why classification trains with cross-entropy, and "
      "when that choice fails"};
  app.set_version_flag("--version", LOSSLAB_VERSION);
  // At most one subcommand; an unknown word is then reported by name as an
  // unexpected argument rather than as a missing subcommand.
  app.require_subcommand(0, 1);
  // Parse errors in the same one-line form as every other error.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string("losslab: error: ") + e.what() + " (see --help)\n";
  });

  std::map<CLI::App*, losslab::app::Command> commands;
  auto add = [&](const char* name, const char* help, auto adder) {
    CLI::App* sub = app.add_subcommand(name, help);
    commands[sub] = adder(*sub);
  };
  add("train", "train an MLP on a dataset under one loss",
      losslab::app::add_train_command);
  add("losses", "list the registered losses with parameters and defaults",
      losslab::app::add_losses_command);
  add("curves", "loss and gradient against predicted probability",
      losslab::app::add_curves_command);
  add("constant", "the best constant prediction under each loss",
      losslab::app::add_constant_command);
  add("study", "run a study file's grid of runs (resumable, shardable)",
      losslab::app::add_study_command);
  add("merge", "combine shard outputs of one study into one report",
      losslab::app::add_merge_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed()) return run();
    }
    std::cerr << "losslab: error: expected a subcommand: train, losses, "
                 "curves, constant, study or merge (see losslab --help)\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "losslab: error: out of memory: the model, the data or a "
                 "batch is too large for this machine (check --hidden, "
                 "--batch-size and --samples)\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "losslab: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
