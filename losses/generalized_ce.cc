// Generalised cross-entropy composed from log_softmax, gather and exp.
#include "losses/generalized_ce.h"

#include <cmath>
#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

GeneralizedCrossEntropy::GeneralizedCrossEntropy(double q) : q_(q) {
  // q >= kFloatMin: the loss uses q and 1/q in float. Below kFloatMin q is
  // a subnormal, which training flushes to 0 (the loss and its gradient
  // vanish), and below 1 / FLT_MAX = 2.9e-39, 1/q is inf (a NaN loss).
  if (!(q >= kFloatMin && q <= 1)) {
    throw std::invalid_argument("gce: q " + spec_number(q) + " is outside [" +
                                spec_number(kFloatMin) +
                                ", 1]; expected e.g. 0.7 (use ce for the "
                                "q -> 0 limit)");
  }
}

template <class T>
PerSample<T> GeneralizedCrossEntropy::per_sample(
    Var<T> logits, std::span<const int> targets) const {
  // log p_t (N x 1) from the row log-softmax: no log of a rounded p.
  Var<T> log_pt = gather(log_softmax(logits), targets);
  // p_t^q = exp(q log p_t) (N x 1)
  Var<T> pt_q = exp(log_pt * q_);
  // L_q = (1 - p_t^q) / q (N x 1)
  return (1.0 - pt_q) * (1.0 / q_);
}

std::string GeneralizedCrossEntropy::spec() const {
  return "gce:q=" + spec_number(q_);
}

LossEntry GeneralizedCrossEntropy::entry() {
  return {
      {"gce",
       "generalised cross-entropy (Zhang & Sabuncu 2018): "
       "(1 - p_t^q) / q",
       {{"q", "0.7", "exponent in (0, 1]; q -> 0 is ce, q = 1 is MAE"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        return std::make_unique<GeneralizedCrossEntropy>(args.number("q"));
      }};
}

LOSSLAB_INSTANTIATE_LOSS(GeneralizedCrossEntropy);

}  // namespace losslab
