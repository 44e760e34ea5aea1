// Shared test helpers: random tensors and a gradcheck expectation.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "autograd/gradcheck.h"
#include "autograd/tensor.h"

namespace losslab::testing {

// A rows x cols tensor of uniform values in [lo, hi) from a fixed seed.
inline Tensor<double> random_tensor(int rows, int cols, std::uint64_t seed,
                                    double lo = -2.0, double hi = 2.0) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  Tensor<double> t(rows, cols);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = dist(rng);
  return t;
}

// The what() of the exception of type E that f throws, or "<no throw>"
// (an exception of another type propagates and fails the test).
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no throw>";
}

}  // namespace losslab::testing

// Expects the tape's gradient of f at `inputs` to match central finite
// differences in double; on failure prints the worst element.
#define EXPECT_GRADCHECK(f, ...)                        \
  do {                                                  \
    ::losslab::GradcheckResult losslab_gc_ =            \
        ::losslab::gradcheck((f), __VA_ARGS__);         \
    EXPECT_TRUE(losslab_gc_.ok) << losslab_gc_.message; \
  } while (0)
