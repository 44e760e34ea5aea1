// BCE on probabilities: a fused node, because composing log and clamp
// gives 0/0 = NaN in the backward of log(0) even where the clamp has cut
// the gradient to 0.
#include "losses/bce_prob.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "losses/registry.h"

namespace losslab {
namespace {

constexpr double kLogFloor = -100;      // PyTorch's clamp of each log
constexpr double kGradEpsilon = 1e-12;  // PyTorch's floor of p (1 - p)

template <class T>
void check_unit_interval(const char* what, const Tensor<T>& t) {
  for (int i = 0; i < t.rows(); ++i) {
    for (int j = 0; j < t.cols(); ++j) {
      T v = t(i, j);
      if (!(v >= T(0) && v <= T(1))) {
        throw std::invalid_argument(
            std::string("bce_on_probabilities: ") + what + " " +
            spec_number(double(v)) + " at row " + std::to_string(i) +
            ", column " + std::to_string(j) + " is outside [0, 1]");
      }
    }
  }
}

}  // namespace

template <class T>
Var<T> bce_on_probabilities(Var<T> p, const Tensor<T>& y) {
  if (!p.valid()) {
    throw std::invalid_argument("bce_on_probabilities: p is an empty Var");
  }
  const Tensor<T>& pv = p.value();  // N x O
  if (!pv.same_shape(y)) {
    throw std::invalid_argument(
        "bce_on_probabilities: probabilities " + pv.shape_str() +
        " and targets " + y.shape_str() +
        " differ in shape; expected equal shapes (no broadcasting)");
  }
  check_unit_interval("probability", pv);
  check_unit_interval("target", y);

  Tape<T>& tape = p.tape();
  Node<T>& n = tape.push("bce_on_probabilities", {p}, [](Node<T>& n) {
    // l = -[y max(log p, -100) + (1 - y) max(log(1 - p), -100)]
    // dp = dl (p - y) / max(p (1 - p), 1e-12)   (PyTorch's capped form)
    Node<T>& in = *n.in[0];
    Tensor<T>& dp = in.grad_accumulator();
    const Tensor<T>& pv = *in.value;
    const Tensor<T>& y = n.saved;
    const Tensor<T>& dl = *n.grad;
    for (std::size_t k = 0; k < pv.size(); ++k) {
      double pk = pv[k];
      double denom = std::max(pk * (1 - pk), kGradEpsilon);
      dp[k] += T(double(dl[k]) * (pk - double(y[k])) / denom);
    }
  });
  n.saved = y;
  n.own_value.resize(pv.rows(), pv.cols());
  for (std::size_t k = 0; k < pv.size(); ++k) {
    // Each term only where its coefficient is non-zero: 0 * log 0 = 0.
    double pk = pv[k], yk = y[k], l = 0;
    if (yk > 0) l -= yk * std::max(std::log(pk), kLogFloor);
    if (yk < 1) l -= (1 - yk) * std::max(std::log1p(-pk), kLogFloor);
    n.own_value[k] = T(l);
  }
  return tape.finish(n);
}

template <class T>
PerSample<T> BceOnProbabilities::per_sample(
    Var<T> logits, std::span<const int> targets) const {
  // p = s(z), y the 0/1 target (N x O).
  Var<T> p = sigmoid(logits);
  Var<T> y = target_matrix(logits.tape(), targets, logits.cols());
  // l_ij clamped BCE (N x O), then l_i = (1/O) sum_j l_ij (N x 1).
  Var<T> l = bce_on_probabilities(p, y.value());
  return logits.cols() == 1 ? l : row_mean(l);
}

LossEntry BceOnProbabilities::entry() {
  return {{"bce_prob",
           "binary cross-entropy on sigmoid probabilities, logs clamped at "
           ">= -100 (saturates)",
           {}},
          [](const LossArgs&, const LossContext&) -> std::unique_ptr<Loss> {
            return std::make_unique<BceOnProbabilities>();
          }};
}

template Var<float> bce_on_probabilities(Var<float>, const Tensor<float>&);
template Var<double> bce_on_probabilities(Var<double>, const Tensor<double>&);
LOSSLAB_INSTANTIATE_LOSS(BceOnProbabilities);

}  // namespace losslab
