// Symmetric cross-entropy composed from log_softmax, gather and exp.
#include "losses/symmetric_ce.h"

#include <cmath>
#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

SymmetricCrossEntropy::SymmetricCrossEntropy(SymmetricCeOptions options)
    : options_(options) {
  const SymmetricCeOptions& o = options_;
  if (!std::isfinite(o.alpha) || !std::isfinite(o.beta) || o.alpha < 0 ||
      o.beta < 0 || o.alpha + o.beta == 0) {
    throw std::invalid_argument(
        "sce: alpha " + spec_number(o.alpha) + " and beta " +
        spec_number(o.beta) +
        " are invalid; expected finite values >= 0, not both 0");
  }
  if (!std::isfinite(o.A) || o.A >= 0) {
    throw std::invalid_argument("sce: A " + spec_number(o.A) +
                                " is invalid; expected a finite value < 0 "
                                "(it stands in for log 0)");
  }
}

template <class T>
PerSample<T> SymmetricCrossEntropy::per_sample(
    Var<T> logits, std::span<const int> targets) const {
  // log p_t (N x 1) from the row log-softmax.
  Var<T> log_pt = gather(log_softmax(logits), targets);
  // CE = -log p_t; RCE = -A (1 - p_t) (N x 1)
  Var<T> ce = -log_pt;
  Var<T> rce = (1.0 - exp(log_pt)) * -options_.A;
  // SCE = alpha CE + beta RCE (N x 1)
  return ce * options_.alpha + rce * options_.beta;
}

std::string SymmetricCrossEntropy::spec() const {
  return "sce:alpha=" + spec_number(options_.alpha) +
         ",beta=" + spec_number(options_.beta) +
         ",A=" + spec_number(options_.A);
}

LossEntry SymmetricCrossEntropy::entry() {
  return {
      {"sce",
       "symmetric cross-entropy (Wang et al. 2019): alpha CE + beta "
       "reverse CE",
       {{"alpha", "0.1", "weight of CE, >= 0"},
        {"beta", "1", "weight of reverse CE, >= 0"},
        {"A", "-4", "the value that stands in for log 0, < 0"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        SymmetricCeOptions o;
        o.alpha = args.number("alpha");
        o.beta = args.number("beta");
        o.A = args.number("A");
        return std::make_unique<SymmetricCrossEntropy>(o);
      }};
}

LOSSLAB_INSTANTIATE_LOSS(SymmetricCrossEntropy);

}  // namespace losslab
