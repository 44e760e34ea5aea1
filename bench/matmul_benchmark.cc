// matmul forward + backward on the tape against the same three raw sgemm
// calls: the tape's overhead on the op that dominates training.
//
// Shapes: X (M x K) . W (K x N) with M = batch, K = in, N = out; backward
// computes dX = dY W^T and dW = X^T dY.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <vector>

#include "autograd/ops.h"
#include "bench/bench_main.h"

namespace losslab {
namespace {

void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOP/s"] = benchmark::Counter(
      flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate,
      benchmark::Counter::kIs1000);
}

void BM_RawSgemm3(benchmark::State& state) {
  const int M = state.range(0), K = state.range(1), N = state.range(2);
  std::vector<float> X(M * K, 0.5f), W(K * N, 0.25f), Y(M * N), dY(M * N, 1),
      dX(M * K), dW(K * N);
  for (auto _ : state) {
    // Y = X W; dX = dY W^T; dW = X^T dY
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f,
                X.data(), K, W.data(), N, 0.0f, Y.data(), N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, K, N, 1.0f,
                dY.data(), N, W.data(), N, 0.0f, dX.data(), K);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, N, M, 1.0f,
                X.data(), K, dY.data(), N, 0.0f, dW.data(), N);
    benchmark::DoNotOptimize(dW.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 3.0 * 2.0 * M * N * K);
}
BENCHMARK(BM_RawSgemm3)
    ->Args({1, 784, 256})
    ->Args({128, 784, 256})
    ->ArgNames({"m", "k", "n"})
    ->Unit(benchmark::kMicrosecond);

void BM_MatmulForwardBackward(benchmark::State& state) {
  const int M = state.range(0), K = state.range(1), N = state.range(2);
  Parameter<float> x(Tensor<float>(M, K, 0.5f));
  Parameter<float> w(Tensor<float>(K, N, 0.25f));
  Tensor<float> dy(M, N, 1.0f);
  Tape<float> tape;
  for (auto _ : state) {
    tape.clear();
    Var<float> y = matmul(tape.param(x), tape.param(w));
    tape.backward(y, dy);
    benchmark::DoNotOptimize(w.grad().data());
    benchmark::ClobberMemory();
  }
  set_flops(state, 3.0 * 2.0 * M * N * K);
}
BENCHMARK(BM_MatmulForwardBackward)
    ->Args({1, 784, 256})
    ->Args({128, 784, 256})
    ->ArgNames({"m", "k", "n"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace losslab

int main(int argc, char** argv) {
  return losslab::bench::run_benchmarks(argc, argv);
}
