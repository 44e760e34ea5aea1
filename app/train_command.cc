// `losslab train`: one training run from the command line, ending in
// DIR/run.json.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "app/commands.h"
#include "app/progress.h"
#include "autograd/blas.h"
#include "train/atomic_file.h"
#include "train/results.h"

namespace losslab::app {
namespace {

struct TrainOptions {
  DataConfig data;
  TrainConfig train;
  std::string out = "runs/latest";
  int threads = 1;
  bool save_checkpoint = false;
  bool quiet = false;
  bool keep_denormals = false;  // the negation of train.flush_denormals
};

// The part of run.json that describes what ran.
nlohmann::json describe_run(const TrainOptions& o, const PreparedData& data) {
  return {{"version", LOSSLAB_VERSION},
          {"data", to_json(o.data)},
          {"train", to_json(o.train)},
          {"threads", o.threads},
          {"data_report", data.report}};
}

void print_summary(const TrainResult& r, const std::string& path) {
  const Evaluation& f = r.final_test;
  std::printf(
      "final: test accuracy %.2f%% | balanced %.2f%% | macro F1 %.4f | "
      "NLL %.4f | ECE %.4f | AUC %.4f | best %.2f%% (epoch %d) | %.1f s\n",
      100 * f.accuracy, 100 * f.balanced_accuracy, f.macro_f1, f.cross_entropy,
      f.ece, f.roc_auc, 100 * r.best_test_accuracy, r.best_epoch, r.seconds);
  std::printf("wrote %s\n", path.c_str());
}

int run_train(TrainOptions& o) {
  blas::set_num_threads(o.threads);
  PreparedData data = prepare_data(o.data);
  std::error_code error;
  std::filesystem::create_directories(o.out, error);
  if (error) {
    throw std::runtime_error(
        "--out " + o.out + ": cannot create the directory: " + error.message());
  }
  const std::string run_path = o.out + "/run.json";
  if (o.save_checkpoint) o.train.checkpoint_path = o.out + "/model.ckpt";
  nlohmann::json run = describe_run(o, data);
  // Written before training as well as after, so that an output that cannot
  // be written fails now rather than after the run, and an interrupted run
  // leaves its configuration.
  run["status"] = "running";
  write_file_atomically(run_path, run.dump(2) + "\n");

  if (!o.quiet) {
    std::printf("losslab %s | %s | train %d, test %d | loss %s | %s\n",
                LOSSLAB_VERSION, o.data.dataset.c_str(), data.train.size(),
                data.test.size(), o.train.loss.c_str(),
                o.train.optimizer.kind.c_str());
  }
  ProgressPrinter printer(stdout, isatty(fileno(stdout)) == 1);
  ProgressFn progress;
  if (!o.quiet) progress = [&](const Progress& p) { printer(p); };

  try {
    TrainResult result = train(o.train, data.train, data.test, progress);
    run["status"] = "finished";
    run["result"] = to_json(result);
    write_file_atomically(run_path, run.dump(2) + "\n");
    if (!o.quiet) print_summary(result, run_path);
    return 0;
  } catch (const TrainingDiverged& e) {
    // Keep what was learned before the divergence.
    run["status"] = "diverged";
    run["error"] = e.what();
    run["result"] = to_json(e.partial());
    write_file_atomically(run_path, run.dump(2) + "\n");
    std::fprintf(stderr, "\nlosslab: %s\nwrote %s\n", e.what(),
                 run_path.c_str());
    return 2;
  } catch (const std::exception& e) {
    // A setting train() rejects, or a failure during the run: recorded,
    // then reported by the caller like every other error.
    run["status"] = "failed";
    run["error"] = e.what();
    write_file_atomically(run_path, run.dump(2) + "\n");
    throw;
  }
}

}  // namespace

Command add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  DataConfig& d = o->data;
  TrainConfig& t = o->train;
  app.add_option("--dataset", d.dataset,
                 "fashion-mnist, idx:DIR, csv:FILE or synthetic:NAME "
                 "(blobs, moons, spirals)")
      ->capture_default_str();
  app.add_option("--data-dir", d.data_dir,
                 "Fashion-MNIST directory (default: $LOSSLAB_DATA, else "
                 "/usr/share/datasets/fashion-mnist)");
  app.add_option("--label-column", d.label_column,
                 "csv: label column name or index (default: last)");
  app.add_option("--samples", d.synthetic_samples, "synthetic: points")
      ->capture_default_str()
      ->check(positive_count());
  app.add_option("--train-subset", d.train_subset,
                 "use a stratified subset of this many training samples "
                 "(0: all)")
      ->capture_default_str();
  app.add_option("--imbalance", d.imbalance,
                 "none, binary:POS:NEG:RATIO, binary:POS:rest:RATIO, "
                 "step:RHO or longtail:RHO")
      ->capture_default_str();
  app.add_option("--noise", d.noise, "none, symmetric:RATE or asymmetric:RATE")
      ->capture_default_str();
  app.add_option("--hidden", t.hidden,
                 "hidden layer sizes, e.g. 256-128 (input and output sizes "
                 "come from the data and the loss)")
      ->capture_default_str();
  app.add_option("--activation", t.activation,
                 "relu, leaky_relu, tanh, sigmoid or gelu")
      ->capture_default_str();
  app.add_option("--dropout", t.dropout, "dropout after hidden layers")
      ->capture_default_str();
  app.add_option("--loss", t.loss,
                 "loss spec, e.g. ce, mse, focal:gamma=2 (see `losslab "
                 "losses`)")
      ->capture_default_str();
  app.add_option("--optimizer", t.optimizer.kind, "sgd, adam or adamw")
      ->capture_default_str()
      ->check(CLI::IsMember({"sgd", "adam", "adamw"}));
  app.add_option("--lr", t.optimizer.lr, "learning rate")
      ->capture_default_str();
  app.add_option("--momentum", t.optimizer.momentum, "sgd momentum")
      ->capture_default_str();
  app.add_flag("--nesterov", t.optimizer.nesterov, "sgd: Nesterov momentum");
  app.add_option("--weight-decay", t.optimizer.weight_decay,
                 "L2 (sgd, adam) or decoupled (adamw) weight decay")
      ->capture_default_str();
  app.add_option("--schedule", t.schedule, "none, cosine or step:E:GAMMA")
      ->capture_default_str();
  app.add_option("--warmup", t.warmup_epochs, "epochs of linear warm-up")
      ->capture_default_str();
  app.add_option("--clip-norm", t.clip_norm,
                 "clip gradients to this global norm (0: off)")
      ->capture_default_str();
  app.add_option("--epochs", t.epochs, "epochs")
      ->capture_default_str()
      ->check(positive_count());
  app.add_option("--batch-size", t.batch_size, "batch size")
      ->capture_default_str()
      ->check(positive_count());
  app.add_flag("--drop-last", t.drop_last, "drop the last partial batch");
  app.add_option("--seed", t.seed,
                 "seed for initialisation, shuffling and "
                 "data transforms")
      ->capture_default_str()
      ->check(seed_value());
  app.add_option("--threads", o->threads, "OpenBLAS threads")
      ->capture_default_str()
      ->check(positive_count());
  app.add_flag("--detect-anomaly", t.detect_anomaly,
               "name the first op whose value or gradient is not finite");
  app.add_flag("--keep-denormals", o->keep_denormals,
               "keep subnormal floats (IEEE gradual underflow) instead of "
               "flushing them to zero; slower once Adam's moments decay");
  app.add_option("--out", o->out, "output directory for run.json")
      ->capture_default_str();
  app.add_flag("--checkpoint", o->save_checkpoint,
               "write OUT/model.ckpt after every epoch");
  app.add_flag("--quiet", o->quiet, "print nothing but errors");
  return [o] {
    o->data.seed = o->train.seed;
    o->train.flush_denormals = !o->keep_denormals;
    return run_train(*o);
  };
}

}  // namespace losslab::app
