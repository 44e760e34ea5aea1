// Symmetric cross-entropy (Wang et al. 2019, "Symmetric Cross Entropy for
// Robust Learning with Noisy Labels"): CE plus reverse CE, in which the
// roles of prediction and label swap.
//
//   SCE  = alpha CE + beta RCE
//   CE   = -log p_t
//   RCE  = -sum_k p_k log y_k,  y the one-hot target, with log 0 := A
//        = -A (1 - p_t)                                  (A < 0)
// p = softmax(z); log p_t comes from log_softmax, so CE is exact for large
// logits, and the gradient is finite for any finite logits:
//   dSCE/dz = (alpha - beta A p_t) (p - onehot).
//
// Parameters: alpha and beta in [0, kMaxLossScale = 1e30] (defaults 0.1
// and 1), not both 0; A in [-1e30, 0) (default -4), with beta (-A), the
// largest RCE term, at most 1e30 (losses/loss.h); the defaults are the
// paper's CIFAR-10 setting.
// Shapes: logits N x K (K >= 2), targets N indices. Throws
// std::invalid_argument for a bad parameter, shape or target.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

struct SymmetricCeOptions {
  double alpha = 0.1;
  double beta = 1.0;
  double A = -4;  // the constant that stands in for log 0
};

class SymmetricCrossEntropy : public LossBase<SymmetricCrossEntropy> {
 public:
  explicit SymmetricCrossEntropy(SymmetricCeOptions options = {});

  std::string spec() const override;  // "sce:alpha=0.1,beta=1,A=-4"

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  static LossEntry entry();

 private:
  SymmetricCeOptions options_;
};

}  // namespace losslab
