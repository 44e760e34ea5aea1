#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "autograd/denormal.h"
#include "autograd/ops.h"
#include "datasets/batch_loader.h"
#include "losses/registry.h"
#include "nn/adam.h"
#include "nn/checkpoint.h"
#include "nn/mlp.h"
#include "nn/random.h"
#include "nn/schedule.h"
#include "nn/sgd.h"

namespace losslab {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Evaluation runs in batches this large: big enough for BLAS to be
// efficient, small enough to keep the tape's buffers modest.
constexpr int kEvalBatch = 1000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::unique_ptr<Optimizer<float>> make_optimizer(
    const OptimizerConfig& c, std::vector<NamedParameter<float>> params) {
  if (c.kind == "sgd") {
    SgdOptions o;
    o.lr = c.lr;
    o.momentum = c.momentum;
    o.nesterov = c.nesterov;
    o.weight_decay = c.weight_decay;
    return std::make_unique<Sgd<float>>(std::move(params), o);
  }
  // SGD's own settings are refused rather than ignored, as PyTorch's Adam
  // refuses a momentum argument.
  if (c.momentum != 0.0 || c.nesterov) {
    std::ostringstream os;
    os << "optimizer " << c.kind << ": momentum " << c.momentum
       << (c.nesterov ? " with nesterov" : "")
       << " is an SGD setting; expected momentum 0 and no nesterov (Adam's "
          "momentum is beta1)";
    throw std::invalid_argument(os.str());
  }
  AdamOptions o;
  o.lr = c.lr;
  o.beta1 = c.beta1;
  o.beta2 = c.beta2;
  o.eps = c.eps;
  o.weight_decay = c.weight_decay;
  if (c.kind == "adam") return std::make_unique<Adam<float>>(params, o);
  if (c.kind == "adamw") return std::make_unique<AdamW<float>>(params, o);
  throw std::invalid_argument("optimizer: unknown kind '" + c.kind +
                              "'; expected sgd, adam or adamw");
}

// The schedule counts optimizer steps. schedule_from_spec checks the spec
// and warm-up, so a C++ caller, a study file and the CLI get one set of
// errors.
std::unique_ptr<LrSchedule> make_schedule(const TrainConfig& c,
                                          long steps_per_epoch) {
  return schedule_from_spec(c.schedule, c.optimizer.lr, c.warmup_epochs,
                            steps_per_epoch, long(c.epochs) * steps_per_epoch);
}

// Class probabilities (N x K) of `data` under `model`, in evaluation mode.
Tensor<float> predict(Mlp<float>& model, const Loss& loss, const Dataset& data,
                      std::span<const int> indices, Tape<float>& tape) {
  const int K = data.num_classes();
  Tensor<float> probs(int(indices.size()), K);
  Tensor<float> x;
  std::vector<int> y;
  NoGradGuard<float> no_grad(tape);
  for (std::size_t start = 0; start < indices.size(); start += kEvalBatch) {
    std::size_t count =
        std::min<std::size_t>(kEvalBatch, indices.size() - start);
    data.fill_batch(indices.subspan(start, count), x, y);
    tape.clear();
    Var<float> logits = model.forward(tape, tape.constant_ref(x));
    Tensor<float> p = loss.probabilities(logits.value(), K);  // B x K
    std::copy(p.data(), p.data() + p.size(),
              probs.data() + start * std::size_t(K));
  }
  tape.clear();
  return probs;
}

std::vector<int> all_indices(int n) {
  std::vector<int> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}

// The fraction of noisy samples predicted as their noisy label.
double noisy_fit(Mlp<float>& model, const Loss& loss, const Dataset& train,
                 Tape<float>& tape) {
  std::vector<int> noisy;
  for (int i = 0; i < train.size(); ++i) {
    if (train.noisy_mask()[i]) noisy.push_back(i);
  }
  if (noisy.empty()) return kNaN;
  Tensor<float> p = predict(model, loss, train, noisy, tape);
  const int K = train.num_classes();
  int fitted = 0;
  for (std::size_t r = 0; r < noisy.size(); ++r) {
    const float* row = p.data() + r * K;
    int best = int(std::max_element(row, row + K) - row);
    fitted += best == train.labels()[noisy[r]];
  }
  return double(fitted) / double(noisy.size());
}

}  // namespace

void validate(const TrainConfig& c, const Dataset& train, const Dataset& test) {
  auto fail = [](const std::string& what) {
    throw std::invalid_argument("train: " + what);
  };
  if (c.epochs < 1)
    fail("expected epochs >= 1, got " + std::to_string(c.epochs));
  if (c.batch_size < 1) {
    fail("expected a batch size >= 1, got " + std::to_string(c.batch_size));
  }
  if (train.size() == 0) fail("the training set is empty");
  if (test.size() == 0) fail("the test set is empty");
  if (train.num_features() != test.num_features()) {
    fail("training and test sets have " + std::to_string(train.num_features()) +
         " and " + std::to_string(test.num_features()) + " features");
  }
  if (train.num_classes() != test.num_classes()) {
    fail("training and test sets have " + std::to_string(train.num_classes()) +
         " and " + std::to_string(test.num_classes()) + " classes");
  }
  if (train.num_classes() < 2) {
    fail("expected at least 2 classes, got " +
         std::to_string(train.num_classes()));
  }
  if (c.drop_last && train.size() < c.batch_size) {
    fail("drop_last with batch size " + std::to_string(c.batch_size) +
         " leaves no batch from " + std::to_string(train.size()) + " samples");
  }
  if (!(c.clip_norm >= 0)) fail("expected clip_norm >= 0");
}

TrainResult train(const TrainConfig& config, const Dataset& train_set,
                  const Dataset& test_set, const ProgressFn& progress) {
  validate(config, train_set, test_set);
  // For the whole run, evaluation included; the caller's mode is back when
  // train() returns or throws.
  std::optional<FlushDenormals> flush;
  if (config.flush_denormals) flush.emplace();
  const auto run_start = Clock::now();
  const int K = train_set.num_classes();

  // Loss, model (D - hidden - outputs) and optimizer.
  LossContext context;
  context.num_classes = K;
  for (int c : train_set.class_counts()) context.class_counts.push_back(c);
  std::unique_ptr<Loss> loss = make_loss(config.loss, context);
  MlpConfig model_config;
  model_config.spec = std::to_string(train_set.num_features()) + "-" +
                      config.hidden + "-" +
                      std::to_string(loss->num_outputs(K));
  if (config.hidden.empty()) {
    model_config.spec = std::to_string(train_set.num_features()) + "-" +
                        std::to_string(loss->num_outputs(K));
  }
  model_config.activation = config.activation;
  model_config.dropout = config.dropout;
  Mlp<float> model(model_config, config.seed);
  auto params = model.named_parameters();
  std::unique_ptr<Optimizer<float>> optimizer =
      make_optimizer(config.optimizer, params);

  BatchLoaderOptions loader_options;
  loader_options.batch_size = config.batch_size;
  loader_options.drop_last = config.drop_last;
  loader_options.seed = stream_seed(config.seed, SeedStream::kShuffle);
  BatchLoader loader(train_set, loader_options);
  const long steps_per_epoch = loader.num_batches();
  std::unique_ptr<LrSchedule> schedule = make_schedule(config, steps_per_epoch);

  TrainResult result;
  result.model_spec = model.config().spec;
  result.num_parameters = model.num_parameters();
  const bool noisy = train_set.num_noisy() > 0 && config.track_noise;
  const std::vector<int> test_indices = all_indices(test_set.size());

  Tape<float> tape;
  tape.set_detect_anomaly(config.detect_anomaly);
  Tensor<float> x;
  std::vector<int> y;
  long global_step = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    model.train();
    loader.start_epoch(epoch - 1);
    double loss_sum = 0, grad_all = 0, grad_noisy = 0;
    long samples = 0, step = 0;
    while (loader.next(x, y)) {
      ++step;
      ++global_step;
      // Stops the run, keeping every finished epoch.
      auto diverge = [&](const std::string& what) {
        std::ostringstream msg;
        msg << "training stopped at epoch " << epoch << ", step " << step
            << ": loss " << config.loss << " " << what;
        result.seconds = seconds_since(run_start);
        throw TrainingDiverged(msg.str(), std::move(result));
      };

      // Forward: X (B x D) -> logits (B x O) -> mean loss (1 x 1), then
      // backward. Anomaly mode throws from inside an op; that is a
      // divergence too, reported with its op.
      Var<float> logits, value;
      double v = 0;
      try {
        tape.clear();
        logits = model.forward(tape, tape.constant_ref(x));
        value = loss->forward(logits, y, {}, Reduction::kMean);
        v = value.value().item();
        if (std::isfinite(v)) {
          optimizer->zero_grad();
          tape.backward(value);
        }
      } catch (const std::runtime_error& e) {
        if (!config.detect_anomaly) throw;
        diverge(std::string("hit an ") + e.what());
      }
      if (!std::isfinite(v)) {
        std::ostringstream what;
        what << "is " << v
             << " (try a lower learning rate, or --detect-anomaly to find "
                "the op)";
        diverge(what.str());
      }

      // Update.
      if (config.clip_norm > 0) clip_grad_norm(params, config.clip_norm);
      optimizer->set_lr(schedule->lr(global_step - 1));
      optimizer->step();

      const int B = x.rows();
      loss_sum += v * B;
      samples += B;
      if (noisy) {
        // Per-sample gradient norms w.r.t. the logits (rows of dlogits,
        // times B to undo the mean's 1/B).
        const Tensor<float>& dlogits = logits.grad();
        std::span<const int> batch = loader.batch_indices();
        for (int i = 0; i < B; ++i) {
          double sq = 0;
          for (int j = 0; j < dlogits.cols(); ++j) {
            sq += double(dlogits(i, j)) * dlogits(i, j);
          }
          double norm = std::sqrt(sq) * B;
          grad_all += norm;
          if (train_set.noisy_mask()[batch[i]]) grad_noisy += norm;
        }
      }
      if (progress) {
        Progress p;
        p.epoch = epoch;
        p.epochs = config.epochs;
        p.step = step;
        p.steps_per_epoch = steps_per_epoch;
        p.loss = loss_sum / double(samples);
        p.samples_per_second = samples / seconds_since(epoch_start);
        double done = double(global_step) / (steps_per_epoch * config.epochs);
        p.eta_seconds = seconds_since(run_start) * (1 - done) / done;
        progress(p);
      }
    }

    // End of epoch: evaluate on the test set.
    EpochRecord record;
    record.epoch = epoch;
    record.train_loss = loss_sum / double(samples);
    record.lr = optimizer->lr();
    record.samples_per_second = samples / seconds_since(epoch_start);
    model.eval();
    Tensor<float> probs = predict(model, *loss, test_set, test_indices, tape);
    record.test = evaluate(probs, test_set.labels(), K);
    record.noisy_fit = noisy ? noisy_fit(model, *loss, train_set, tape) : kNaN;
    record.noisy_grad_share =
        noisy && grad_all > 0 ? grad_noisy / grad_all : kNaN;
    record.seconds = seconds_since(epoch_start);
    if (record.test.accuracy > result.best_test_accuracy ||
        result.best_epoch == 0) {
      result.best_test_accuracy = record.test.accuracy;
      result.best_epoch = epoch;
    }
    result.epochs.push_back(record);
    if (!config.checkpoint_path.empty()) {
      save_checkpoint(config.checkpoint_path, model, optimizer.get(), epoch);
    }
    if (progress) {
      Progress p;
      p.epoch = epoch;
      p.epochs = config.epochs;
      p.step = step;
      p.steps_per_epoch = steps_per_epoch;
      p.loss = record.train_loss;
      p.samples_per_second = record.samples_per_second;
      p.eta_seconds =
          seconds_since(run_start) * double(config.epochs - epoch) / epoch;
      p.epoch_done = true;
      p.record = &result.epochs.back();
      progress(p);
    }
  }
  result.final_test = result.epochs.back().test;
  result.seconds = seconds_since(run_start);
  return result;
}

}  // namespace losslab
