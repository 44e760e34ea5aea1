// Softmax cross-entropy on logits, with optional label smoothing, class
// weights and soft (probability) targets.
//
//   log p_ij = z_ij - lse(z_i),  lse(z_i) = log sum_k exp(z_ik)
//   q_i  = (1 - eps) t_i + eps / K     t_i the one-hot target row (index
//                                      targets) or the given soft row
//   l_i  = -sum_j w_j q_ij log p_ij    w_j the class weights (default 1)
//   mean = sum_i l_i / sum_i sum_j w_j q_ij   (with class weights; plain
//          N otherwise), so index and one-hot targets give the same value
//          (C07, C33). Per-sample weights multiply l_i and the denominator.
//
// Terms with q_ij = 0 contribute exactly 0 even when z_ij = -inf (a masked
// class, C15): 0 * log 0 is taken as 0. A masked class with q_ij > 0 gives
// +inf, the correct value.
//
// Parameters: smoothing eps in [0, 1) (Szegedy et al. 2016; PyTorch's
// label_smoothing: the smoothed target sums to 1, C09); class weights,
// empty or K values, each 0 or in [kFloatMin, kMaxLossScale] (so that
// w_j l_i stays finite in float, losses/loss.h), not all 0 (set by
// weighted_ce, see losses/weighted_ce.h).
//
// Shapes: logits N x K (K >= 2), targets N indices or an N x K soft target
// matrix whose rows are distributions. Throws std::invalid_argument for a
// bad shape, target, weight or parameter.
//
// Limitation: a row whose logits are all -inf has no softmax; its loss is
// NaN. Logits equal to +inf are not supported (NaN).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "losses/loss.h"

namespace losslab {

struct CrossEntropyOptions {
  double smoothing = 0;               // eps in [0, 1)
  std::vector<double> class_weights;  // empty, or K values >= 0
};

class SoftmaxCrossEntropy : public LossBase<SoftmaxCrossEntropy> {
 public:
  // Throws std::invalid_argument for smoothing outside [0, 1) or class
  // weights that check_class_weights rejects.
  explicit SoftmaxCrossEntropy(CrossEntropyOptions options = {});

  std::string spec() const override;  // "ce:smoothing=0.1"
  const CrossEntropyOptions& options() const { return options_; }

  template <class T>
  PerSample<T> per_sample(Var<T> logits, std::span<const int> targets) const;

  // Soft targets: target_probs is N x K, each row a distribution (entries
  // in [0, 1], summing to 1 within 1e-4). One-hot rows give the same
  // value as the index targets. Weights and reduction as in forward().
  Var<float> forward_soft(Var<float> logits, const Tensor<float>& target_probs,
                          std::span<const float> weights, Reduction r) const;
  Var<double> forward_soft(Var<double> logits,
                           const Tensor<double>& target_probs,
                           std::span<const float> weights, Reduction r) const;

  static LossEntry entry();

 private:
  template <class T>
  Var<T> soft_impl(Var<T> logits, const Tensor<T>& target_probs,
                   std::span<const float> weights, Reduction r) const;
  // l_i and the mean denominators from the unsmoothed target rows t.
  template <class T>
  PerSample<T> from_target_rows(Var<T> logits, const Tensor<T>& t) const;

  CrossEntropyOptions options_;
};

// Throws std::invalid_argument naming `loss` unless every weight is 0 or
// in [kFloatMin, kMaxLossScale] (losses/loss.h) and, when there are any,
// at least one is positive. Shared by ce and weighted_ce, so that each
// names itself.
void check_class_weights(const std::string& loss,
                         std::span<const double> weights);

// The fused kernel behind every softmax cross-entropy in losslab:
//   l_i = sum_{j : r_ij > 0} r_ij (lse(z_i) - z_ij)     N x K -> N x 1
//   dl_i / dz_ij = (sum_k r_ik) p_ij - r_ij,  p = softmax(z)
// for a constant N x K matrix r >= 0 (target probabilities, possibly
// times class weights). lse subtracts the row max before exp; the
// backward never divides by p, so an underflowed p_ij gives a finite
// gradient (C02), and r_ij = 0 skips the term even when z_ij = -inf
// (C15). Throws std::invalid_argument when r's shape differs from z's.
template <class T>
Var<T> soft_target_cross_entropy(Var<T> logits, const Tensor<T>& r);

}  // namespace losslab
