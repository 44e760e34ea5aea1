// One optimizer step over the reference 784-256-128-10 MLP's 235,146
// parameters, for each optimizer the training loop offers. The gradients
// are written once (normal, sd 0.01, seed 3) and left in place, so the
// benchmark times the update alone: the part of a training step that does
// not shrink with the batch.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>

#include "bench/bench_main.h"
#include "bench/mlp_step.h"
#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/sgd.h"

namespace losslab::bench {
namespace {

std::unique_ptr<Optimizer<float>> make(const std::string& kind,
                                       Mlp<float>& model) {
  if (kind == "sgd")
    return std::make_unique<Sgd<float>>(model.named_parameters(),
                                        SgdOptions{.lr = 0.01});
  if (kind == "sgd_momentum")
    return std::make_unique<Sgd<float>>(
        model.named_parameters(), SgdOptions{.lr = 0.01, .momentum = 0.9});
  if (kind == "adam")
    return std::make_unique<Adam<float>>(model.named_parameters(),
                                         AdamOptions{});
  return std::make_unique<AdamW<float>>(model.named_parameters(),
                                        AdamOptions{.weight_decay = 0.01});
}

void BM_OptimizerStep(benchmark::State& state, const std::string& kind) {
  Mlp<float> model({.spec = kMlpSpec}, /*seed=*/1);
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.01f);
  for (auto& named : model.named_parameters()) {
    Tensor<float>& g = named.param->grad();
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = normal(rng);
  }
  std::unique_ptr<Optimizer<float>> opt = make(kind, model);
  opt->step();  // sizes the state buffers
  for (auto _ : state) {
    opt->step();
    benchmark::ClobberMemory();
  }
  state.counters["parameters/s"] = benchmark::Counter(
      kMlpParameters, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK_CAPTURE(BM_OptimizerStep, sgd, std::string("sgd"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_OptimizerStep, sgd_momentum, std::string("sgd_momentum"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_OptimizerStep, adam, std::string("adam"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_OptimizerStep, adamw, std::string("adamw"))
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace losslab::bench

int main(int argc, char** argv) {
  return losslab::bench::run_benchmarks(argc, argv,
                                        {{"model", losslab::bench::kMlpSpec}});
}
