// Binary cross-entropy on logits with pos_weight derived from the training
// class counts: pw = n_0 / n_1 (negatives per positive), so positives and
// negatives carry equal total weight. Otherwise exactly BceWithLogits
// (losses/bce.h).
//
// Throws std::invalid_argument unless the task is binary (K = 2) and both
// classes have at least one training sample.
//
// Limitation: binary only. With K > 2 independent sigmoids a per-class
// pos_weight would be needed, which BceWithLogits does not take; use
// weighted_ce for multi-class tasks.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "losses/bce.h"

namespace losslab {

class WeightedBce : public BceWithLogits {
 public:
  // counts: {n_0, n_1}.
  explicit WeightedBce(std::span<const std::int64_t> counts);

  std::string spec() const override { return "weighted_bce"; }
  static LossEntry entry();
};

}  // namespace losslab
