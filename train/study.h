// Studies: the same training repeated across losses, imbalance profiles,
// label noise settings and seeds, resumable and shardable.
//
// A study file (TOML) fixes the data, model, optimizer and training
// settings and lists one or more grids of axes to cross:
//
//   name = "quick"
//   description = "one line shown in the report"
//   [data]        dataset, data_dir, label_column, synthetic_samples,
//                 train_subset
//   [model]       hidden, activation, dropout
//   [optimizer]   kind, lr, momentum, nesterov, weight_decay, beta1,
//                 beta2, eps
//   [training]    epochs, batch_size, schedule, warmup_epochs, clip_norm,
//                 drop_last, track_noise
//   [[grid]]      losses = [...]            loss registry specs (required)
//                 imbalance = ["none"]      setup.h imbalance specs
//                 noise = ["none"]          setup.h noise specs
//                 seeds = [0]               integers >= 0
//                 train_subset, epochs      optional per-grid overrides
//
// Every section and key but `name`, `[data]` and one `[[grid]]` with
// `losses` is optional; left-out values take the TrainConfig / DataConfig
// defaults. Each combination (loss x imbalance x noise x seed) of each
// grid is one run; a combination listed twice with equal settings runs
// once. The seed drives both the data transforms and the training.
//
// Run keys: 16 hex digits, a 64-bit FNV-1a hash of the run's complete
// configuration (its DataConfig and TrainConfig as JSON plus a format
// number). Any change to a setting that can change a run's result changes
// its key, so a stale result is never mixed in; the name, description and
// the other combinations do not enter, so adding a seed or a loss to a
// finished study reruns only the new runs.
//
// Output directory (all files are rewritten atomically):
//   DIR/study.json       the study: name, description, runs (index, key,
//                        combination), written before any run starts
//   DIR/runs/KEY.json    one per finished run, written when it ends:
//                        {"format", "key", "index", "study", "status"
//                        ("finished" | "diverged"), "error", "combination",
//                        "data", "train", "data_report", "minority_class",
//                        "train_class_counts", "result"}
//   DIR/results.csv, DIR/epochs.csv, DIR/report.md, DIR/plots/: see
//   train/report.h; regenerated from the run files at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "train/setup.h"
#include "train/trainer.h"

namespace losslab {

// One [[grid]] table. `line` fields are 1-based lines in the study file,
// for error messages.
struct StudyGrid {
  struct Item {
    std::string spec;
    int line = 0;
  };
  std::vector<Item> losses;
  std::vector<Item> imbalance;
  std::vector<Item> noise;
  std::vector<std::uint64_t> seeds;
  int train_subset = -1;  // < 0: the study's
  int epochs = -1;        // < 0: the study's
  int line = 0;
};

struct Study {
  std::string name;
  std::string description;
  std::string path;  // where it was read from, for messages
  // The fixed settings. imbalance, noise and both seeds are set per run;
  // train.loss too.
  DataConfig data;
  TrainConfig train;
  std::vector<StudyGrid> grids;
};

// One run of a study.
struct StudyRun {
  int index = 0;  // position in the study's run list, 0-based
  std::string key;
  std::string loss, imbalance, noise;
  std::uint64_t seed = 0;
  DataConfig data;
  TrainConfig train;
  int grid = 0;       // which [[grid]], 0-based
  int loss_line = 0;  // where the loss spec was written
};

// Parses a study from TOML text; `path` only names the source in errors.
// Throws std::invalid_argument "PATH:LINE: KEY: what is wrong; expected X,
// got Y" for TOML syntax errors, unknown keys, wrong types and
// out-of-range values. Specs are checked by validate_study, not here.
Study parse_study(std::string_view text, const std::string& path);

// Reads and parses a study file; std::runtime_error if it cannot be read.
Study load_study(const std::string& path);

// All runs in order: grids in file order, then imbalance, noise, seed and
// (innermost, so runs sharing data run close together) loss. Throws
// std::invalid_argument when a combination is listed twice with different
// settings.
std::vector<StudyRun> expand_runs(const Study& study);

// The key of a run with these settings (see above).
std::string run_key(const DataConfig& data, const TrainConfig& train);

// Checks every spec before anything runs: each imbalance and noise spec,
// the dataset (loaded once, without transforms, to learn K), each loss
// spec through make_loss for the run's K, and the training settings
// through a one-step dry run of the trainer on a tiny synthetic set for
// every distinct (loss, K). Throws std::invalid_argument naming the study
// file, the line and the spec; std::runtime_error for unreadable data.
void validate_study(const Study& study, const std::vector<StudyRun>& runs);

// The JSON written to DIR/study.json.
nlohmann::json study_json(const Study& study,
                          const std::vector<StudyRun>& runs);

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

// A snapshot of a study in progress, passed to the progress callback
// (serialised: never two calls at once).
struct StudyProgress {
  int total = 0;    // runs in this shard
  int skipped = 0;  // already on disk when the study started
  int done = 0;     // finished (or diverged) in this session
  int failed = 0;   // threw an error other than divergence (not written)
  struct Running {
    const StudyRun* run;
    double fraction;  // of its epochs, in [0, 1]
  };
  std::vector<Running> running;
  double elapsed_seconds = 0;
  double eta_seconds = -1;  // < 0: unknown yet
  // Set for the call that reports a run's end (else null).
  const StudyRun* ended = nullptr;
  std::string ended_status;  // "finished", "diverged" or "failed"
  std::string ended_error;
  double ended_test_accuracy = 0;
  double ended_seconds = 0;
};
using StudyProgressFn = std::function<void(const StudyProgress&)>;

struct StudyOptions {
  std::string out_dir;
  int jobs = 1;  // runs at once, each in its own thread
  // Runs whose index % shard_count == shard_index (0-based) are this
  // shard's.
  int shard_index = 0;
  int shard_count = 1;
  StudyProgressFn progress;
};

struct StudySummary {
  int total = 0;  // in this shard
  int skipped = 0;
  int finished = 0;
  int diverged = 0;
  std::vector<std::string> errors;  // one per failed run
};

// Whether DIR/runs/KEY.json holds a complete record of `run` (parses, has
// its key and a status of finished or diverged).
bool run_file_valid(const std::string& path, const std::string& key);

// Writes DIR/study.json, then runs this shard's runs whose file is missing
// or invalid, up to `jobs` at once, writing each run's file as it ends.
// Datasets are prepared once per distinct DataConfig and shared by the
// runs that use them. A run that throws anything but TrainingDiverged is
// not written (so a rerun retries it) and is listed in errors; the others
// go on. Does not write the report (see report.h). Throws
// std::invalid_argument for bad options, std::runtime_error when the
// directory cannot be written.
StudySummary run_study(const Study& study, const std::vector<StudyRun>& runs,
                       const StudyOptions& options);

}  // namespace losslab
