// A CTest check, not a benchmark: fails (exit 1) when a warm training step
// of the reference MLP allocates on the heap, or when the forward and
// backward of any registered loss does.
//
// It runs a few warm-up steps, then counts global operator new calls over
// further steps; any count above zero is printed with the batch size or
// the loss and fails the check. Library code must stay allocation-free
// once warm (autograd/tape.h, nn/optimizer.h, losses/loss.h).
#include <cstdint>
#include <cstdio>

#include "bench/alloc_counter.h"
#include "bench/loss_step.h"
#include "bench/mlp_step.h"
#include "losses/registry.h"

namespace {

constexpr int kWarmupSteps = 3;
constexpr int kCountedSteps = 5;

// Allocations over kCountedSteps warm runs of `step`.
template <class Step>
std::uint64_t warm_allocations(Step& step) {
  for (int i = 0; i < kWarmupSteps; ++i) step.run();
  const std::uint64_t before = losslab::bench::allocation_count();
  for (int i = 0; i < kCountedSteps; ++i) step.run();
  return losslab::bench::allocation_count() - before;
}

}  // namespace

int main() {
  int failures = 0;
  for (int batch : {1, 8, 32, 128, 512}) {
    losslab::bench::MlpStep step(batch);
    const std::uint64_t n = warm_allocations(step);
    std::printf("MLP step, batch %3d: %llu allocations in %d warm steps\n",
                batch, static_cast<unsigned long long>(n), kCountedSteps);
    if (n != 0) ++failures;
  }
  for (const losslab::LossInfo& info : losslab::list_losses()) {
    losslab::bench::LossStep step(info.name, 128);
    const std::uint64_t n = warm_allocations(step);
    std::printf("loss %-12s: %llu allocations in %d warm steps\n",
                info.name.c_str(), static_cast<unsigned long long>(n),
                kCountedSteps);
    if (n != 0) ++failures;
  }
  if (failures != 0) {
    std::printf("FAILED: a warm training step allocates; expected 0\n");
    return 1;
  }
  return 0;
}
