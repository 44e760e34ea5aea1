// pos_weight from class counts, and the weighted_bce registry entry.
#include "losses/weighted_bce.h"

#include <stdexcept>

#include "losses/registry.h"

namespace losslab {
namespace {

double pos_weight_from_counts(std::span<const std::int64_t> counts) {
  if (counts.size() != 2 || counts[0] <= 0 || counts[1] <= 0) {
    std::string got;
    for (std::int64_t c : counts) {
      if (!got.empty()) got += ", ";
      got += std::to_string(c);
    }
    throw std::invalid_argument(
        "weighted_bce: expected training counts of 2 classes, each >= 1, "
        "got [" +
        got + "]");
  }
  return double(counts[0]) / double(counts[1]);
}

}  // namespace

WeightedBce::WeightedBce(std::span<const std::int64_t> counts)
    : BceWithLogits(pos_weight_from_counts(counts)) {}

LossEntry WeightedBce::entry() {
  return {{"weighted_bce",
           "binary cross-entropy on logits, pos_weight = n_0 / n_1 from the "
           "training counts (K = 2)",
           {}},
          [](const LossArgs&, const LossContext& ctx) -> std::unique_ptr<Loss> {
            if (ctx.num_classes != 2) {
              throw std::invalid_argument(
                  "weighted_bce: expected a binary task (K = 2), got K = " +
                  std::to_string(ctx.num_classes));
            }
            return std::make_unique<WeightedBce>(ctx.class_counts);
          }};
}

}  // namespace losslab
