// Forward plus backward of every registered loss on a 128 x 10 batch of
// logits, mean reduction: the loss's share of a training step. One
// benchmark per loss, named BM_LossForwardBackward/<loss name>, registered
// from the loss registry so that a new loss is benchmarked without edits.
// A loss that only accepts binary tasks (its factory rejects K = 10) runs
// with K = 2 instead; the "classes" counter says which.
#include <benchmark/benchmark.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "bench/alloc_counter.h"
#include "bench/bench_main.h"
#include "bench/loss_step.h"
#include "losses/registry.h"

namespace losslab::bench {
namespace {

constexpr int N = 128;  // samples

void BM_LossForwardBackward(benchmark::State& state, std::string name) {
  std::unique_ptr<LossStep> step;
  try {
    step = std::make_unique<LossStep>(name, N);
  } catch (const std::invalid_argument& e) {
    state.SkipWithError(e.what());
    return;
  }
  step->run();  // sizes the tape's buffers
  const std::uint64_t allocs_before = allocation_count();
  for (auto _ : state) {
    step->run();
    benchmark::DoNotOptimize(step->logits_grad().data());
  }
  state.counters["classes"] = step->classes();
  state.counters["samples/s"] =
      benchmark::Counter(N, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["allocs/iter"] =
      benchmark::Counter(double(allocation_count() - allocs_before),
                         benchmark::Counter::kAvgIterations);
}

}  // namespace
}  // namespace losslab::bench

int main(int argc, char** argv) {
  for (const losslab::LossInfo& info : losslab::list_losses()) {
    benchmark::RegisterBenchmark(
        ("BM_LossForwardBackward/" + info.name).c_str(),
        losslab::bench::BM_LossForwardBackward, info.name)
        ->Unit(benchmark::kMicrosecond);
  }
  return losslab::bench::run_benchmarks(
      argc, argv, {{"batch", "128 samples, mean reduction"}});
}
