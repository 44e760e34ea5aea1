// Forward plus backward of every registered loss on a 128 x 10 batch of
// logits, mean reduction: the loss's share of a training step. One
// benchmark per loss, named BM_LossForwardBackward/<loss name>, registered
// from the loss registry so that a new loss is benchmarked without edits.
// A loss that only accepts binary tasks (its factory rejects K = 10) runs
// with K = 2 instead; the "classes" counter says which.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/blas.h"
#include "bench/alloc_counter.h"
#include "losses/registry.h"

namespace losslab::bench {
namespace {

constexpr int N = 128;  // samples

// The loss `name` built with its defaults for K classes, every class
// present unevenly so that losses weighting by frequency have counts.
std::unique_ptr<Loss> build_loss(const std::string& name, int K) {
  LossContext context;
  context.num_classes = K;
  for (int k = 0; k < K; ++k) context.class_counts.push_back(100 + 10 * k);
  return make_loss(name, context);
}

void BM_LossForwardBackward(benchmark::State& state, std::string name) {
  int K = 10;
  std::unique_ptr<Loss> loss;
  try {
    loss = build_loss(name, K);
  } catch (const std::invalid_argument&) {
    K = 2;  // a binary-only loss
    try {
      loss = build_loss(name, K);
    } catch (const std::invalid_argument& e) {
      state.SkipWithError(e.what());
      return;
    }
  }

  // Logits (N x O) in [-3, 3] and targets in [0, K).
  const int O = loss->num_outputs(K);
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> logit(-3.0f, 3.0f);
  std::uniform_int_distribution<int> label(0, K - 1);
  Parameter<float> logits(Tensor<float>(N, O));
  for (std::size_t i = 0; i < logits.value.size(); ++i) {
    logits.value[i] = logit(gen);
  }
  std::vector<int> targets(N);
  for (int& t : targets) t = label(gen);

  Tape<float> tape;
  auto step = [&] {
    tape.clear();
    Var<float> l =
        loss->forward(tape.param(logits), targets, {}, Reduction::kMean);
    logits.zero_grad();
    tape.backward(l);
  };
  step();  // sizes the tape's buffers
  const std::uint64_t allocs_before = allocation_count();
  for (auto _ : state) {
    step();
    benchmark::DoNotOptimize(logits.grad().data());
  }
  state.counters["classes"] = K;
  state.counters["samples/s"] =
      benchmark::Counter(N, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["allocs/iter"] =
      benchmark::Counter(double(allocation_count() - allocs_before),
                         benchmark::Counter::kAvgIterations);
}

}  // namespace
}  // namespace losslab::bench

int main(int argc, char** argv) {
  losslab::blas::reexec_for_better_kernel(argv);
  for (const losslab::LossInfo& info : losslab::list_losses()) {
    benchmark::RegisterBenchmark(
        ("BM_LossForwardBackward/" + info.name).c_str(),
        losslab::bench::BM_LossForwardBackward, info.name)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("openblas_kernel",
                              losslab::blas::kernel_name());
  benchmark::AddCustomContext("openblas_threads",
                              std::to_string(losslab::blas::num_threads()));
  benchmark::AddCustomContext("batch", "128 samples, mean reduction");
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
