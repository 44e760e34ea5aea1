// Checks that optimizer steps and gradient clipping do not allocate once
// their state exists. This binary replaces the global operator new to count
// allocations, so it is kept apart from the other nn tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/sgd.h"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace losslab {
namespace {

// Allocations made by `steps` calls of opt.step() after a first warm step.
long allocations_after_warmup(Optimizer<float>& opt, int steps) {
  opt.step();
  const long before = g_allocations.load();
  for (int i = 0; i < steps; ++i) opt.step();
  return g_allocations.load() - before;
}

TEST(OptimizerAllocationTest, AdamWStepDoesNotAllocateOnceWarm) {
  Mlp<float> model({"8-16-4", "relu"}, 1);
  AdamW<float> opt(model.named_parameters(), {});
  EXPECT_EQ(allocations_after_warmup(opt, 5), 0);
}

TEST(OptimizerAllocationTest, SgdMomentumStepDoesNotAllocateOnceWarm) {
  Mlp<float> model({"8-16-4", "relu"}, 1);
  SgdOptions o;
  o.momentum = 0.9;
  o.nesterov = true;
  Sgd<float> opt(model.named_parameters(), o);
  EXPECT_EQ(allocations_after_warmup(opt, 5), 0);
}

TEST(OptimizerAllocationTest, ClipGradNormDoesNotAllocate) {
  Mlp<float> model({"8-16-4", "relu"}, 1);
  auto params = model.named_parameters();
  for (auto& p : params) p.param->grad().fill(1.0f);
  const long before = g_allocations.load();
  clip_grad_norm(params, 0.5);
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace losslab
