// Mean absolute error (L1) between predicted class probabilities and the
// 0/1 target.
//
//   p = softmax(z)   (link=softmax, O = K outputs), or
//   p = s(z)         (link=sigmoid, O = 1 output for K = 2, else K)
//   l_i = (1/O) sum_j |p_ij - y_ij|
// with y_i the one-hot row of the target (or the 0/1 label when O = 1).
// The subgradient of |d| at d = 0 is 0, the same as the abs op's (C11).
//
// Shapes: logits N x O, targets N indices; see Loss for weights and
// reductions. Throws std::invalid_argument for a bad shape or target.
#pragma once

#include <span>
#include <string>

#include "losses/loss.h"

namespace losslab {

class L1Loss : public LossBase<L1Loss> {
 public:
  explicit L1Loss(OutputKind link = OutputKind::kSoftmax) : link_(link) {}

  std::string spec() const override;  // "l1:link=softmax"
  OutputKind output_kind() const override { return link_; }

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  static LossEntry entry();

 private:
  OutputKind link_;
};

// The absolute error of each row between two matrices of the same shape,
// N x O -> N x 1: l_i = (1/O) sum_j |pred_ij - target_ij|, through the abs
// op (gradient sign(d), sign(0) = 0). Throws std::invalid_argument when
// the shapes differ (no broadcasting, C10).
template <class T>
Var<T> absolute_error(Var<T> pred, Var<T> target);

}  // namespace losslab
