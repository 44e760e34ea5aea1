// Helpers shared by the loss tests: run a loss on a fresh tape, take its
// gradient, gradcheck it for one reduction.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "autograd/ops.h"
#include "autograd/tape.h"
#include "losses/loss.h"
#include "tests/test_util.h"

namespace losslab::testing {

// The loss value (N x 1 or 1x1) in precision T.
template <class T>
Tensor<T> loss_value(const Loss& loss, const Tensor<T>& logits,
                     const std::vector<int>& targets,
                     Reduction r = Reduction::kMean,
                     const std::vector<float>& weights = {}) {
  Tape<T> tape;
  Var<T> z = tape.variable(logits);
  return loss.forward(z, targets, weights, r).value();
}

// d loss / d logits for a scalar reduction.
template <class T>
Tensor<T> loss_grad(const Loss& loss, const Tensor<T>& logits,
                    const std::vector<int>& targets,
                    Reduction r = Reduction::kMean,
                    const std::vector<float>& weights = {}) {
  Tape<T> tape;
  Var<T> z = tape.variable(logits);
  tape.backward(loss.forward(z, targets, weights, r));
  return z.grad();
}

// Gradcheck of the loss in double at `logits`, for reduction r.
inline GradcheckResult loss_gradcheck(const Loss& loss,
                                      const Tensor<double>& logits,
                                      const std::vector<int>& targets,
                                      Reduction r,
                                      const std::vector<float>& weights = {}) {
  return gradcheck(
      [&](Tape<double>&, const std::vector<Var<double>>& in) {
        return loss.forward(in[0], targets, weights, r);
      },
      {logits});
}

// Gradchecks every reduction, with and without per-sample weights.
inline void expect_gradcheck_all_reductions(const Loss& loss,
                                            const Tensor<double>& logits,
                                            const std::vector<int>& targets) {
  std::vector<float> w;
  for (int i = 0; i < logits.rows(); ++i) w.push_back(0.5f + 0.25f * i);
  for (Reduction r : {Reduction::kNone, Reduction::kSum, Reduction::kMean}) {
    for (const std::vector<float>& weights : {std::vector<float>{}, w}) {
      GradcheckResult g = loss_gradcheck(loss, logits, targets, r, weights);
      EXPECT_TRUE(g.ok) << loss.spec() << " reduction " << reduction_name(r)
                        << " weighted " << !weights.empty() << ": "
                        << g.message;
    }
  }
}

}  // namespace losslab::testing
