// A CTest check, not a benchmark: fails (exit 1) when a warm training step
// of the reference MLP allocates on the heap.
//
// It runs a few warm-up steps at each batch size, then counts global
// operator new calls over further steps; any count above zero is printed
// with the batch size and fails the check. Library code must stay
// allocation-free once warm (autograd/tape.h, nn/optimizer.h).
#include <cstdint>
#include <cstdio>

#include "bench/alloc_counter.h"
#include "bench/mlp_step.h"

namespace {

constexpr int kWarmupSteps = 3;
constexpr int kCountedSteps = 5;

// Allocations over kCountedSteps warm steps at batch size `batch`.
std::uint64_t warm_allocations(int batch) {
  losslab::bench::MlpStep step(batch);
  for (int i = 0; i < kWarmupSteps; ++i) step.run();
  const std::uint64_t before = losslab::bench::allocation_count();
  for (int i = 0; i < kCountedSteps; ++i) step.run();
  return losslab::bench::allocation_count() - before;
}

}  // namespace

int main() {
  int failures = 0;
  for (int batch : {1, 32, 128}) {
    const std::uint64_t n = warm_allocations(batch);
    std::printf("batch %3d: %llu allocations in %d warm steps\n", batch,
                static_cast<unsigned long long>(n), kCountedSteps);
    if (n != 0) ++failures;
  }
  if (failures != 0) {
    std::printf("FAILED: a warm training step allocates; expected 0\n");
    return 1;
  }
  return 0;
}
