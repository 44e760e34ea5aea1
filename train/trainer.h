// The training loop shared by `losslab train` and every study run.
//
// train() fits an MLP to a training set with one loss and one optimizer,
// evaluates on the test set after every epoch, and returns the record of
// every epoch plus the final evaluation. It owns its tape, model and
// optimizer, so independent calls may run in parallel threads.
//
// Determinism: one seed drives initialisation, dropout and the per-epoch
// shuffle; with single-threaded BLAS two calls with equal arguments return
// bit-identical results.
//
// Errors: impossible settings (no epochs, batch size 0, an empty training
// set, a model whose input or output size does not fit the data and loss)
// throw std::invalid_argument before any work. A non-finite training loss
// throws TrainingDiverged, which carries every epoch finished before it.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "metrics/evaluation.h"

namespace losslab {

struct OptimizerConfig {
  std::string kind = "adam";  // sgd, adam or adamw
  double lr = 1e-3;
  double momentum = 0.0;  // sgd
  bool nesterov = false;  // sgd
  double weight_decay = 0.0;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam, adamw
};

struct TrainConfig {
  // Hidden layer sizes, e.g. "256-128"; the input size comes from the data
  // and the output size from the loss (K, or 1 for a binary sigmoid loss).
  std::string hidden = "256-128";
  std::string activation = "relu";
  double dropout = 0.0;
  std::string loss = "ce";  // a loss registry spec
  OptimizerConfig optimizer;
  // "none", "cosine" (to 0 over all steps) or "step:E:G" (multiply the rate
  // by G every E epochs); warmup_epochs of linear warm-up come first.
  std::string schedule = "none";
  double warmup_epochs = 0.0;
  double clip_norm = 0.0;  // 0: no clipping
  int epochs = 10;
  int batch_size = 128;
  bool drop_last = false;
  std::uint64_t seed = 0;
  bool detect_anomaly = false;
  // Subnormal floats are flushed to zero on the training thread for the
  // run (see autograd/denormal.h). Results change only where a subnormal
  // would have appeared (the default Fashion-MNIST run's run.json came out
  // identical), and epochs no longer slow down by up to 1.7x once Adam's
  // moments decay. false keeps IEEE gradual underflow, PyTorch's default.
  bool flush_denormals = true;
  // When set, a checkpoint (model, optimizer, epoch) is written there
  // atomically after every epoch.
  std::string checkpoint_path;
  // Per epoch, measure memorisation of noisy labels (needs a training set
  // with a noisy mask; costs one extra forward pass over it).
  bool track_noise = true;
};

struct EpochRecord {
  int epoch = 0;          // 1-based
  double train_loss = 0;  // mean over the epoch's samples
  double lr = 0;          // at the epoch's last step
  double seconds = 0;
  double samples_per_second = 0;
  Evaluation test;
  // With label noise, else NaN: the fraction of noisy training samples the
  // model predicts as their wrong (noisy) label, and the share of the sum
  // of per-sample gradient norms w.r.t. the logits that comes from them.
  double noisy_fit = 0;
  double noisy_grad_share = 0;
};

struct TrainResult {
  std::string model_spec;  // the full MLP spec, e.g. "784-256-128-10"
  std::size_t num_parameters = 0;
  std::vector<EpochRecord> epochs;
  Evaluation final_test;  // after the last epoch
  double best_test_accuracy = 0;
  int best_epoch = 0;
  double seconds = 0;
};

// What the loop reports while it runs; called from the training thread.
struct Progress {
  int epoch = 0, epochs = 0;
  long step = 0, steps_per_epoch = 0;
  double loss = 0;  // running mean over the epoch so far
  double samples_per_second = 0;
  double eta_seconds = 0;  // for the whole run
  bool epoch_done = false;
  const EpochRecord* record = nullptr;  // set when epoch_done
};
using ProgressFn = std::function<void(const Progress&)>;

class TrainingDiverged : public std::runtime_error {
 public:
  TrainingDiverged(const std::string& message, TrainResult partial)
      : std::runtime_error(message), partial_(std::move(partial)) {}
  const TrainResult& partial() const { return partial_; }

 private:
  TrainResult partial_;
};

// Throws std::invalid_argument for bad settings (see above).
void validate(const TrainConfig& config, const Dataset& train,
              const Dataset& test);

TrainResult train(const TrainConfig& config, const Dataset& train_set,
                  const Dataset& test_set, const ProgressFn& progress = {});

}  // namespace losslab
