// One full Fashion-MNIST training epoch through train(): 60,000 samples in
// batches of 128 through the reference 784-256-128-10 ReLU MLP with SGD,
// plus the per-epoch evaluation on the 10,000 test images that train()
// always does. Reports an error (and no figures) when the data set is not
// installed; see datasets/idx.h for where it is looked for.
#include <benchmark/benchmark.h>

#include <exception>
#include <memory>
#include <string>

#include "bench/bench_main.h"
#include "datasets/idx.h"
#include "train/trainer.h"

namespace losslab::bench {
namespace {

// Loaded once for every repetition; null with `load_error` set on failure.
const TrainTest* fashion_mnist(std::string& load_error) {
  static std::string error;
  static std::unique_ptr<TrainTest> data = [] {
    try {
      return std::make_unique<TrainTest>(load_fashion_mnist());
    } catch (const std::exception& e) {
      error = e.what();
      return std::unique_ptr<TrainTest>();
    }
  }();
  load_error = error;
  return data.get();
}

void BM_TrainEpochFashionMnist(benchmark::State& state) {
  std::string error;
  const TrainTest* data = fashion_mnist(error);
  if (data == nullptr) {
    state.SkipWithError(("Fashion-MNIST not available: " + error).c_str());
    return;
  }
  TrainConfig config;
  config.hidden = "256-128";
  config.loss = "ce";
  config.optimizer.kind = "sgd";
  config.optimizer.lr = 0.01;
  config.epochs = 1;
  config.batch_size = int(state.range(0));
  config.track_noise = false;
  for (auto _ : state) {
    TrainResult result = train(config, data->train, data->test);
    benchmark::DoNotOptimize(result.best_test_accuracy);
  }
  state.counters["train samples/s"] =
      benchmark::Counter(double(data->train.size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_TrainEpochFashionMnist)
    ->Arg(128)
    ->ArgName("batch")
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace
}  // namespace losslab::bench

int main(int argc, char** argv) {
  return losslab::bench::run_benchmarks(argc, argv);
}
