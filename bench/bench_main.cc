#include "bench/bench_main.h"

#include <benchmark/benchmark.h>

#include "autograd/blas.h"

namespace losslab::bench {

int run_benchmarks(
    int argc, char** argv,
    std::initializer_list<std::pair<const char*, std::string>> context) {
  // First: the re-executed process starts over, registrations included.
  blas::reexec_for_better_kernel(argv);
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("openblas_kernel", blas::kernel_name());
  benchmark::AddCustomContext("openblas_threads",
                              std::to_string(blas::num_threads()));
  for (const auto& [key, value] : context) {
    benchmark::AddCustomContext(key, value);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace losslab::bench
