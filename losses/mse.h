// Mean squared error between predicted class probabilities and the 0/1
// target: the worked example of "how to add a loss" (losses/loss.h).
//
//   p = softmax(z)   (link=softmax, O = K outputs), or
//   p = s(z)         (link=sigmoid, O = 1 output for K = 2, else K)
//   l_i = (1/O) sum_j (p_ij - y_ij)^2
// with y_i the one-hot row of the target (or the 0/1 label when O = 1).
// Averaging over the O columns makes the K = 2 softmax loss equal the
// one-sigmoid loss on the logit difference, and kMean equal PyTorch's
// MSELoss(reduction="mean") on the N x O matrices.
//
// Shapes: logits N x O, targets N indices; see Loss for weights and
// reductions. Throws std::invalid_argument for a bad shape or target.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

class MseLoss : public LossBase<MseLoss> {
 public:
  explicit MseLoss(OutputKind link = OutputKind::kSoftmax) : link_(link) {}

  std::string spec() const override;  // "mse:link=softmax"
  OutputKind output_kind() const override { return link_; }

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  // Registry line: "mse", parameter link (softmax | sigmoid).
  static LossEntry entry();

 private:
  OutputKind link_;
};

// The squared error of each row between two matrices of the same shape,
// N x O -> N x 1: l_i = (1/O) sum_j (pred_ij - target_ij)^2. Used on
// probabilities, but any values are accepted. Throws
// std::invalid_argument when the shapes differ: a 3 x 1 prediction is
// never broadcast against a 1 x 3 target (case C10).
template <class T>
Var<T> squared_error(Var<T> pred, Var<T> target);

}  // namespace losslab
