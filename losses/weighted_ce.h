// Class-weighted softmax cross-entropy, with the weights given or derived
// from the training class counts n_c (K classes, n = sum_c n_c):
//
//   given      w_c as listed             (weighted_ce:weights=1;2;3)
//   inverse    w_c = n / (K n_c), scikit-learn's "balanced"; the default
//              (weighted_ce:mode=inverse)
//   effective  E_c = (1 - beta^n_c) / (1 - beta), the effective number of
//              samples of Cui et al. 2019, w_c = K (1/E_c) / sum_k (1/E_k)
//              (normalised to sum to K, as in the paper)
//              (weighted_ce:mode=effective,beta=0.999)
//
//   l_i = -w_{y_i} log p_{i,y_i},  p = softmax(z)
//   mean = sum_i l_i / sum_i w_{y_i}   (PyTorch's convention, case C07)
// The loss is SoftmaxCrossEntropy with class weights (losses/
// cross_entropy.h), so forward_soft gives the same value for one-hot rows.
//
// Throws std::invalid_argument for a weight count other than K, a weight
// other than 0 or a value in [kFloatMin, kMaxLossScale = 1e30] (the range
// in which w_c times a loss term stays finite in float, losses/loss.h),
// all weights 0, missing counts, a class with no training samples (its
// inverse weight would be infinite), or beta outside [0, 1).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "losses/cross_entropy.h"

namespace losslab {

// n / (K n_c) for each class c.
std::vector<double> inverse_frequency_weights(
    std::span<const std::int64_t> counts);
// K (1/E_c) / sum_k (1/E_k), E_c = (1 - beta^n_c) / (1 - beta). beta = 0
// gives all ones; beta -> 1 approaches inverse frequency.
std::vector<double> effective_number_weights(
    std::span<const std::int64_t> counts, double beta);

class WeightedCrossEntropy : public SoftmaxCrossEntropy {
 public:
  // `spec_params` is the parameter part of spec(), e.g. "mode=inverse";
  // empty means "weights=" followed by the weights.
  explicit WeightedCrossEntropy(std::vector<double> class_weights,
                                std::string spec_params = "");

  std::string spec() const override;
  static LossEntry entry();

 private:
  std::string spec_params_;
};

}  // namespace losslab
