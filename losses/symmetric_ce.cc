// Symmetric cross-entropy composed from log_softmax, gather and exp.
#include "losses/symmetric_ce.h"

#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

SymmetricCrossEntropy::SymmetricCrossEntropy(SymmetricCeOptions options)
    : options_(options) {
  // Each scale is at most kMaxLossScale so that the float terms stay
  // finite: alpha multiplies CE (about |z| when wrong), and RCE =
  // -A (1 - p_t) reaches -A, which beta then multiplies, hence the bound
  // on beta * -A too (A = -1e20 with beta = 1e20 gave inf).
  const SymmetricCeOptions& o = options_;
  const std::string max = spec_number(kMaxLossScale);
  auto in_scale = [](double x) { return x >= 0 && x <= kMaxLossScale; };
  if (!in_scale(o.alpha) || !in_scale(o.beta) || o.alpha + o.beta == 0) {
    throw std::invalid_argument("sce: alpha " + spec_number(o.alpha) +
                                " and beta " + spec_number(o.beta) +
                                " are invalid; expected values in [0, " + max +
                                "], not both 0");
  }
  if (!(o.A >= -kMaxLossScale && o.A < 0)) {
    throw std::invalid_argument("sce: A " + spec_number(o.A) +
                                " is invalid; expected a value in [-" + max +
                                ", 0) (it stands in for log 0)");
  }
  if (o.beta * -o.A > kMaxLossScale) {
    throw std::invalid_argument(
        "sce: beta " + spec_number(o.beta) + " times -A " + spec_number(-o.A) +
        " is " + spec_number(o.beta * -o.A) + "; expected at most " + max +
        " (it is the largest reverse-CE term, which must stay finite in "
        "float)");
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
       {{"alpha", "0.1", "weight of CE, in [0, 1e30]"},
        {"beta", "1", "weight of reverse CE, in [0, 1e30]"},
        {"A", "-4", "stands in for log 0, in [-1e30, 0); beta * -A <= 1e30"}}},
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
