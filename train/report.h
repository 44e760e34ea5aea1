// The outputs of a study, rebuilt from its run files: results.csv,
// epochs.csv, report.md and the plots. Because they are regenerated from
// DIR/study.json and DIR/runs/*.json every time, an interrupted study, a
// rerun or a merge of shard directories can never duplicate or lose a row.
//
// results.csv: one row per run present, in run-index order, columns
//   study, index, key, loss, imbalance, noise, seed, status, epochs,
//   train_subset, noise_rate, imbalance_ratio, test_accuracy,
//   balanced_accuracy, macro_f1, minority_class, minority_recall, auc, nll,
//   ece, brier, best_test_accuracy, best_epoch, noisy_fit,
//   noisy_grad_share, seconds
// Final-epoch test metrics; minority_recall is the test recall of the
// training set's smallest class (class 1 for a binary task); noisy_fit and
// noisy_grad_share are the last epoch's (empty without label noise).
// noise_rate is 0 for "none"; imbalance_ratio is 1 for "none". A diverged
// run has its status and empty metrics. seconds is always last, being the
// one column that differs between two otherwise identical runs.
//
// epochs.csv: one row per run and epoch, columns
//   key, loss, imbalance, noise, seed, epoch, train_loss, lr,
//   test_accuracy, test_balanced_accuracy, test_minority_recall, test_nll,
//   test_ece, test_auc, noisy_fit, noisy_grad_share, seconds
//
// report.md: settings, run counts, and per (imbalance, noise) condition a
// table of mean ± sample std over seeds per loss; then the PNG plots
// (drawn by gnuplot into DIR/plots/, with their data as .dat files):
//   noise_*.png          final and best-epoch test accuracy vs symmetric
//                        noise rate, per loss (needs >= 2 noise rates)
//   memorisation.png     noisy_fit vs epoch per loss, a panel per noisy
//                        condition; noisy_grad_share.png likewise
//   imbalance.png        minority recall and AUC vs imbalance ratio per
//                        loss, clean labels, a row per family of specs
//                        (e.g. binary:6:0), needs >= 2 ratios
//   reliability_*.png    reliability diagrams per loss for one condition,
//                        bins pooled over seeds
// A plot with no data in the study is skipped; if gnuplot fails the
// report says so and the tables are still written.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace losslab {

struct StudyDir {
  nlohmann::json study;              // DIR/study.json
  std::vector<nlohmann::json> runs;  // valid run files, in index order
  int missing = 0;                   // listed runs without a valid file
};

// Reads DIR/study.json and the valid run files it lists. Throws
// std::runtime_error naming the file when study.json is missing or broken.
StudyDir load_study_dir(const std::string& dir);

std::string results_csv(const StudyDir& s);
std::string epochs_csv(const StudyDir& s);

// Writes results.csv, epochs.csv and report.md into DIR (and, when `plots`,
// DIR/plots/*.png). Returns the number of runs reported.
int write_study_outputs(const std::string& dir, bool plots = true);

// Combines shard directories of one study into `out`: checks that every
// DIR/study.json describes the same study (std::invalid_argument naming
// the first that differs), copies each listed run's first valid file into
// OUT/runs, then writes the outputs as write_study_outputs does. `out` may
// be one of `dirs`. Returns the number of runs in `out`.
int merge_study_dirs(const std::vector<std::string>& dirs,
                     const std::string& out, bool plots = true);

}  // namespace losslab
