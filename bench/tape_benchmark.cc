// The fixed cost of the tape: recording one element-wise op on a 1x1 value
// and replaying its backward rule. This is the overhead that dominates
// small-batch training, where each op does almost no arithmetic.
#include <benchmark/benchmark.h>

#include "autograd/ops.h"
#include "bench/bench_main.h"

namespace losslab {
namespace {

void BM_TapeOneOpOneByOne(benchmark::State& state) {
  Parameter<float> p(Tensor<float>(1, 1, 2.0f));
  Tape<float> tape;
  for (auto _ : state) {
    // One leaf node, one op node, one backward replay.
    tape.clear();
    Var<float> x = tape.param(p);
    Var<float> y = mul(x, x);
    tape.backward(y);
    benchmark::DoNotOptimize(p.grad().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TapeOneOpOneByOne)->Unit(benchmark::kNanosecond);

void BM_TapeTenOpsOneByOne(benchmark::State& state) {
  // Ten chained ops per iteration; the per-op cost is time / 10.
  Parameter<float> p(Tensor<float>(1, 1, 0.5f));
  Tape<float> tape;
  for (auto _ : state) {
    tape.clear();
    Var<float> y = tape.param(p);
    for (int i = 0; i < 10; ++i) y = mul(y, y);
    tape.backward(y);
    benchmark::DoNotOptimize(p.grad().data());
  }
  state.SetItemsProcessed(state.iterations() * 10);
}
BENCHMARK(BM_TapeTenOpsOneByOne)->Unit(benchmark::kNanosecond);

}  // namespace
}  // namespace losslab

int main(int argc, char** argv) {
  return losslab::bench::run_benchmarks(argc, argv);
}
