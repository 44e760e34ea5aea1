// Binary cross-entropy on logits, stable for every finite logit.
//
//   l_ij = -[pw y_ij log s(z_ij) + (1 - y_ij) log s(-z_ij)]
//        = -w_ij log s(t_ij),  t_ij = (2 y_ij - 1) z_ij,
//          w_ij = pw where y_ij = 1, else 1
//   l_i  = (1/O) sum_j l_ij
// with s the sigmoid and log s(t) = min(t, 0) - log1p(e^-|t|) (the
// log_sigmoid op), so neither exp nor log ever overflows: z = -1000, y = 0
// gives 0 and z = 8e7, y = 0 gives 8e7 exactly (C04). The gradient is
// dl_ij/dz_ij = pw y (s(z) - 1) + (1 - y) s(z), i.e. s(z) - y for pw = 1.
//
// Outputs: O = 1 for K = 2 (y_i the 0/1 label), or O = K independent
// sigmoids with one-hot y_i. Averaging over the O columns makes kMean equal
// PyTorch's BCEWithLogitsLoss(reduction="mean") on the N x O matrices.
//
// Parameter: pos_weight pw in [0, kMaxLossScale = 1e30] (default 1), the
// weight of every positive term (PyTorch's pos_weight, one value for all
// columns). The bound keeps pw l_ij finite in float (losses/loss.h).
// Throws std::invalid_argument for a bad pw, shape or target.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

class BceWithLogits : public LossBase<BceWithLogits> {
 public:
  explicit BceWithLogits(double pos_weight = 1.0);

  std::string spec() const override;  // "bce:pos_weight=1"
  OutputKind output_kind() const override { return OutputKind::kSigmoid; }
  double pos_weight() const { return pos_weight_; }

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  static LossEntry entry();

 private:
  double pos_weight_;
};

// t = (2y - 1) z, N x O: the logit of the target outcome, so that
// log p_target = log_sigmoid(t) and log(1 - p_target) = log_sigmoid(-t).
// y is the 0/1 label column (O = 1) or the one-hot rows (O >= 2). Shared
// with the focal loss.
template <class T>
Var<T> target_signed_logits(Var<T> logits, std::span<const int> targets);

}  // namespace losslab
