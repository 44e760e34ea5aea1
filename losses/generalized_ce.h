// Generalised cross-entropy (Zhang & Sabuncu 2018, "Generalized Cross
// Entropy Loss for Training Deep Neural Networks with Noisy Labels"): the
// negative Box-Cox transform of p_t, between CE (q -> 0) and MAE (q = 1).
//
//   L_q = (1 - p_t^q) / q,  p_t = softmax(z)_target
// computed as (1 - exp(q log p_t)) / q with log p_t from log_softmax, so
// an underflowed p_t gives the limit 1/q, and the gradient
//   dL_q/dz = p_t^q (p - onehot)
// is finite for any finite logits. At q = 1 the loss is 1 - p_t, i.e. half
// the L1 distance between p and the one-hot target.
//
// Parameter: q in [kFloatMin, 1] (default 0.7, the paper's), i.e. (0, 1]
// with q a normal float, so that q and 1/q keep their meaning in float
// (losses/loss.h). Shapes: logits N x K (K >= 2), targets N indices.
// Throws std::invalid_argument for a bad q, shape or target.
//
// Limitation: the truncated variant (L_q clipped at a threshold k, with
// the pruning schedule of the paper) is not implemented.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

class GeneralizedCrossEntropy : public LossBase<GeneralizedCrossEntropy> {
 public:
  explicit GeneralizedCrossEntropy(double q = 0.7);

  std::string spec() const override;  // "gce:q=0.7"

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  static LossEntry entry();

 private:
  double q_;
};

}  // namespace losslab
