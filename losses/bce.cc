// BCE with logits, composed from the log_sigmoid op: no backward to write.
#include "losses/bce.h"

#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

template <class T>
Var<T> target_signed_logits(Var<T> logits, std::span<const int> targets) {
  // S (N x O): +1 at the target outcome, -1 elsewhere.
  const int N = logits.rows(), O = logits.cols();
  Var<T> S = logits.tape().constant(N, O, T(-1), [&](Tensor<T>& S) {
    for (int i = 0; i < N; ++i) {
      if (O == 1) {
        S(i, 0) = targets[i] == 1 ? T(1) : T(-1);
      } else {
        S(i, targets[i]) = T(1);
      }
    }
  });
  // t = S * z (N x O)
  return logits * S;
}

BceWithLogits::BceWithLogits(double pos_weight) : pos_weight_(pos_weight) {
  // pw <= kMaxLossScale: pw multiplies -log s(t), about |z| for a wrong
  // logit, and a batch sums the products in float; pw = 1e38 made a term
  // inf as soon as -log s(t) passed 3.4.
  if (!(pos_weight >= 0 && pos_weight <= kMaxLossScale)) {
    throw std::invalid_argument("bce: pos_weight " + spec_number(pos_weight) +
                                " is invalid; expected a value in [0, " +
                                spec_number(kMaxLossScale) +
                                "] (a larger weight overflows float)");
  }
}

template <class T>
PerSample<T> BceWithLogits::per_sample(Var<T> logits,
                                       std::span<const int> targets) const {
  // l_ij = -log s(t_ij) (N x O), t = (2y - 1) z.
  Var<T> l = -log_sigmoid(target_signed_logits(logits, targets));

  // l_ij *= pw where y_ij = 1.
  if (pos_weight_ != 1.0) {
    Var<T> y = target_matrix(logits.tape(), targets, logits.cols());
    Var<T> w = l.tape().constant(y.rows(), y.cols(), T(1), [&](Tensor<T>& w) {
      for (std::size_t k = 0; k < w.size(); ++k) {
        if (y.value()[k] == T(1)) w[k] = T(pos_weight_);
      }
    });
    l = l * w;
  }
  // l_i = (1/O) sum_j l_ij (N x 1)
  return logits.cols() == 1 ? l : row_mean(l);
}

std::string BceWithLogits::spec() const {
  return "bce:pos_weight=" + spec_number(pos_weight_);
}

LossEntry BceWithLogits::entry() {
  return {
      {"bce",
       "binary cross-entropy on logits (1 sigmoid output for K = 2, K "
       "independent sigmoids otherwise)",
       {{"pos_weight", "1", "weight of the positive terms, in [0, 1e30]"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        return std::make_unique<BceWithLogits>(args.number("pos_weight"));
      }};
}

template Var<float> target_signed_logits(Var<float>, std::span<const int>);
template Var<double> target_signed_logits(Var<double>, std::span<const int>);
LOSSLAB_INSTANTIATE_LOSS(BceWithLogits);

}  // namespace losslab
