// Focal loss composed from log_sigmoid, logsumexp and exp: every factor is
// built from a log-probability, so no backward needs writing and none can
// meet pow'(0) (C31).
#include "losses/focal.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "losses/bce.h"
#include "losses/cross_entropy.h"
#include "losses/registry.h"

namespace losslab {

FocalLoss::FocalLoss(FocalOptions options) : options_(options) {
  // gamma is used in float: gamma = 1e308 became inf, and 0 * inf gave
  // NaN. Finite in float is not enough: the backward of
  // exp(gamma log(1 - p_t)) * fl multiplies fl = -log p_t, about |z| when
  // p_t is small, by gamma; with gamma = 1e37 and z = -200 that is inf,
  // and inf * s(-200) = inf * 0 a NaN gradient. Hence gamma <=
  // kMaxLossScale (losses/loss.h).
  if (!(options_.gamma >= 0 && options_.gamma <= kMaxLossScale)) {
    throw std::invalid_argument("focal: gamma " + spec_number(options_.gamma) +
                                " is invalid; expected a value in [0, " +
                                spec_number(kMaxLossScale) +
                                "] (a larger gamma overflows float)");
  }
  if (!std::isfinite(options_.alpha) || options_.alpha > 1) {
    throw std::invalid_argument("focal: alpha " + spec_number(options_.alpha) +
                                " is invalid; expected [0, 1], or < 0 for "
                                "no alpha weighting");
  }
  if (options_.link == OutputKind::kSoftmax && options_.alpha >= 0) {
    throw std::invalid_argument(
        "focal: alpha " + spec_number(options_.alpha) +
        " given with link=softmax; expected alpha < 0 (alpha weighs the "
        "positive sigmoid term and has no softmax meaning)");
  }
}

template <class T>
Var<T> FocalLoss::sigmoid_terms(Var<T> logits,
                                std::span<const int> targets) const {
  // t = (2y - 1) z (N x O); -log p_t = -log s(t), exactly bce's term.
  Var<T> t = target_signed_logits(logits, targets);
  Var<T> fl = -log_sigmoid(t);

  // fl *= (1 - p_t)^gamma = exp(gamma log s(-t)), finite for every t.
  if (options_.gamma != 0) fl = exp(log_sigmoid(-t) * options_.gamma) * fl;

  // fl *= alpha_t: alpha at the positive outcome, 1 - alpha elsewhere.
  if (options_.alpha >= 0) {
    Var<T> y = target_matrix(logits.tape(), targets, logits.cols());
    Var<T> a =
        logits.tape().constant(y.rows(), y.cols(), T(0), [&](Tensor<T>& a) {
          for (std::size_t k = 0; k < a.size(); ++k) {
            a[k] =
                T(y.value()[k] == T(1) ? options_.alpha : 1 - options_.alpha);
          }
        });
    fl = fl * a;
  }
  // l_i = (1/O) sum_j fl_ij (N x 1)
  return logits.cols() == 1 ? fl : row_mean(fl);
}

template <class T>
Var<T> FocalLoss::softmax_terms(Var<T> logits,
                                std::span<const int> targets) const {
  // -log p_t = lse(z) - z_c (N x 1) through ce's fused kernel, so gamma = 0
  // is ce exactly.
  const int N = logits.rows(), K = logits.cols();
  Var<T> onehot = one_hot(logits.tape(), targets, K);
  Var<T> fl = soft_target_cross_entropy(logits, onehot.value());
  if (options_.gamma == 0) return fl;

  // log(1 - p_t) = lse over the other classes - lse(z) (N x 1): the target
  // column pushed down by -max/4, whose exp underflows to exactly 0 (for
  // |z| < 1e37), so it drops out of the sum and its gradient. A finite
  // stand-in for -inf keeps the tape's anomaly mode usable.
  Var<T> mask = logits.tape().constant(N, K, T(0), [&](Tensor<T>& m) {
    for (int i = 0; i < N; ++i) {
      m(i, targets[i]) = -std::numeric_limits<T>::max() / 4;
    }
  });
  Var<T> masked = logits + mask;
  Var<T> log_rest = logsumexp(masked) - logsumexp(logits);
  // fl = (1 - p_t)^gamma (-log p_t) = exp(gamma log(1 - p_t)) (-log p_t)
  return exp(log_rest * options_.gamma) * fl;
}

template <class T>
PerSample<T> FocalLoss::per_sample(Var<T> logits,
                                   std::span<const int> targets) const {
  return options_.link == OutputKind::kSigmoid ? sigmoid_terms(logits, targets)
                                               : softmax_terms(logits, targets);
}

std::string FocalLoss::spec() const {
  return "focal:gamma=" + spec_number(options_.gamma) +
         ",alpha=" + spec_number(options_.alpha) +
         ",link=" + link_name(options_.link);
}

LossEntry FocalLoss::entry() {
  return {
      {"focal",
       "focal loss (Lin et al. 2017): -alpha_t (1 - p_t)^gamma log p_t",
       {{"gamma", "2", "focusing exponent in [0, 1e30] (0 gives bce / ce)"},
        {"alpha", "-1", "positive-class weight in [0, 1]; < 0: none"},
        {"link", "sigmoid", "sigmoid (per output) or softmax"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        FocalOptions o;
        o.gamma = args.number("gamma");
        o.alpha = args.number("alpha");
        o.link = parse_link(args.loss_name(), args.text("link"));
        return std::make_unique<FocalLoss>(o);
      }};
}

LOSSLAB_INSTANTIATE_LOSS(FocalLoss);

}  // namespace losslab
