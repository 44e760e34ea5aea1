// Binary cross-entropy on probabilities, with each log clamped at >= -100
// (PyTorch's BCELoss convention), for comparison with BCE on logits.
//
//   l(p, y) = -[y max(log p, -100) + (1 - y) max(log(1 - p), -100)]
//   dl/dp   = (p - y) / max(p (1 - p), 1e-12)
// The gradient is PyTorch's: the exact derivative wherever
// p (1 - p) >= 1e-12, and capped elsewhere so it stays finite (at most
// 1e12 in size) where the true derivative is unbounded or the clamp is
// active (C03). Terms with y = 0 or 1 - y = 0 contribute exactly 0, so
// p = y = 0 and p = y = 1 give 0, not NaN.
//
// As a Loss: p = s(z) computed from the logits, then the formula above
// against the 0/1 target, l_i = (1/O) sum_j l(p_ij, y_ij); O = 1 for
// K = 2, else K independent sigmoids. Unlike bce, this loss saturates
// once s(z) rounds to 0 or 1 (|z| > ~17 in float, ~37 in double): the
// value sticks at 100 and the gradient at the cap. That is the behaviour
// under study, not a bug.
//
// Throws std::invalid_argument for a bad shape or target, and (in
// bce_on_probabilities) for p or y outside [0, 1] or NaN.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

class BceOnProbabilities : public LossBase<BceOnProbabilities> {
 public:
  std::string spec() const override { return "bce_prob"; }
  OutputKind output_kind() const override { return OutputKind::kSigmoid; }

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  static LossEntry entry();
};

// Element-wise l(p, y) (see above), N x O -> N x O, as one fused node.
// p must lie in [0, 1]; y (a constant of p's shape) in [0, 1], so soft
// labels such as 0.5 are allowed. Throws std::invalid_argument naming the
// first offending element, or when the shapes differ.
template <class T>
Var<T> bce_on_probabilities(Var<T> p, const Tensor<T>& y);

}  // namespace losslab
