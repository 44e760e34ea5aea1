// Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"):
// cross-entropy scaled down on samples the model already gets right.
//
//   FL = -alpha_t (1 - p_t)^gamma log p_t
// with p_t the predicted probability of the target outcome, computed
// without ever rounding p_t:
//   link=sigmoid (the paper's; O = 1 for K = 2, else K independent
//     sigmoids, one FL term per output, l_i = (1/O) sum_j FL_ij):
//       t = (2y - 1) z,  log p_t = log s(t),  log(1 - p_t) = log s(-t)
//       alpha_t = alpha where y = 1, 1 - alpha where y = 0; no alpha
//       weighting when alpha < 0 (the default)
//   link=softmax (O = K, one term per sample, target class c):
//       log p_t = z_c - lse(z),  log(1 - p_t) = lse_{j != c}(z_j) - lse(z)
//       alpha must be < 0 (unused): a scalar alpha is only a scale here.
// and (1 - p_t)^gamma = exp(gamma log(1 - p_t)), never pow(1 - p_t, gamma):
// the derivative of pow at 0 is infinite for gamma < 1 and 0^0 hits it for
// gamma = 0, which gave NaN gradients once p_t rounded to 1 (C31). With
// gamma = 0 the factor is skipped, so focal equals bce (sigmoid) or ce
// (softmax) exactly, value and gradient.
//
// Parameters: gamma in [0, kMaxLossScale = 1e30] (default 2; the bound
// keeps gamma (-log p_t) in the backward finite in float, see
// losses/loss.h), alpha in [0, 1] or < 0 for none (default -1; the paper
// pairs gamma = 2 with alpha = 0.25), link.
// Throws std::invalid_argument for a bad parameter, shape or target.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

struct FocalOptions {
  double gamma = 2;
  double alpha = -1;  // < 0: no alpha weighting
  OutputKind link = OutputKind::kSigmoid;
};

class FocalLoss : public LossBase<FocalLoss> {
 public:
  explicit FocalLoss(FocalOptions options = {});

  std::string spec() const override;  // "focal:gamma=2,alpha=-1,link=..."
  OutputKind output_kind() const override { return options_.link; }

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  static LossEntry entry();

 private:
  template <class T>
  Var<T> sigmoid_terms(Var<T> logits, std::span<const int> targets) const;
  template <class T>
  Var<T> softmax_terms(Var<T> logits, std::span<const int> targets) const;

  FocalOptions options_;
};

}  // namespace losslab
