// Softmax cross-entropy: one fused forward + backward node, used by the
// index, label-smoothed, class-weighted and soft-target variants.
#include "losses/cross_entropy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

// ---------------------------------------------------------------------------
// Fused kernel
// ---------------------------------------------------------------------------

template <class T>
Var<T> soft_target_cross_entropy(Var<T> logits, const Tensor<T>& r) {
  const Tensor<T>& z = logits.value();  // N x K
  if (!z.same_shape(r)) {
    throw std::invalid_argument("soft_target_cross_entropy: targets " +
                                r.shape_str() + " and logits " + z.shape_str() +
                                " differ in shape; expected equal");
  }
  for (std::size_t k = 0; k < r.size(); ++k) {
    if (!(r[k] >= T(0)) || !std::isfinite(r[k])) {
      throw std::invalid_argument(
          "soft_target_cross_entropy: target mass " + spec_number(r[k]) +
          " at index " + std::to_string(k) + "; expected finite values >= 0");
    }
  }
  Tape<T>& tape = logits.tape();
  Node<T>& n = tape.push("soft_target_cross_entropy", {logits}, [](Node<T>& n) {
    // l_i = sum_j r_ij (lse(z_i) - z_ij)
    // dz_ij = dl_i ((sum_k r_ik) p_ij - r_ij), the bracket saved by the
    // forward pass in n.saved (N x K).
    Tensor<T>& dz = n.in[0]->grad_accumulator();
    const Tensor<T>& g = n.saved;
    const Tensor<T>& dl = *n.grad;
    const int N = g.rows(), K = g.cols();
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < K; ++j) dz(i, j) += dl[i] * g(i, j);
    }
  });

  const int N = z.rows(), K = z.cols();
  n.own_value.resize(N, 1);
  // e_ij = exp(z_ij - m_i) (N x K), kept for the softmax below; in
  // n.saved, which the gradient bracket then overwrites.
  n.saved.resize(N, K);
  for (int i = 0; i < N; ++i) {
    // lse_i = m + log sum_j e_ij, m the row max, so e <= 1.
    T m = -std::numeric_limits<T>::infinity();
    for (int j = 0; j < K; ++j) m = std::max(m, z(i, j));
    T s = 0;
    for (int j = 0; j < K; ++j) {
      n.saved(i, j) = std::exp(z(i, j) - m);
      s += n.saved(i, j);
    }
    const T lse = m + std::log(s);

    // l_i = sum over r_ij > 0 only: 0 * (lse - (-inf)) would be NaN.
    T l = 0, mass = 0;
    for (int j = 0; j < K; ++j) {
      if (r(i, j) > T(0)) l += r(i, j) * (lse - z(i, j));
      mass += r(i, j);
    }
    n.own_value[i] = l;

    // g_ij = mass_i p_ij - r_ij, with p_ij = e_ij / s (0 for z = -inf).
    if (!n.requires_grad) continue;
    for (int j = 0; j < K; ++j) {
      n.saved(i, j) = mass * (n.saved(i, j) / s) - r(i, j);
    }
  }
  return tape.finish(n);
}

// ---------------------------------------------------------------------------
// SoftmaxCrossEntropy
// ---------------------------------------------------------------------------

SoftmaxCrossEntropy::SoftmaxCrossEntropy(CrossEntropyOptions options)
    : options_(std::move(options)) {
  const double eps = options_.smoothing;
  if (!(eps >= 0 && eps < 1)) {
    throw std::invalid_argument("ce: smoothing " + spec_number(eps) +
                                " is outside [0, 1); expected e.g. 0.1");
  }
  check_class_weights("ce", options_.class_weights);
}

void check_class_weights(const std::string& loss,
                         std::span<const double> weights) {
  // Each weight fits float (a subnormal one is flushed to 0 in training)
  // and is at most kMaxLossScale, since it multiplies -log p_t, about |z|
  // for a wrong logit. That also bounds every sum of weights: a row's
  // mass sum_j w_j q_ij is at most max_j w_j, and the mean's denominator,
  // summed in double, at most N 1e30, so its inverse stays a normal float
  // for batches up to 8e7 samples.
  bool any_positive = false;
  for (std::size_t c = 0; c < weights.size(); ++c) {
    const double w = weights[c];
    if (!(fits_float(w) && w >= 0 && w <= kMaxLossScale)) {
      throw std::invalid_argument(
          loss + ": class weight " + spec_number(w) + " of class " +
          std::to_string(c) + " is invalid; expected 0 or a value in [" +
          spec_number(kFloatMin) + ", " + spec_number(kMaxLossScale) +
          "] (outside it, weighted terms vanish or overflow in float)");
    }
    any_positive = any_positive || w > 0;
  }
  if (!weights.empty() && !any_positive) {
    throw std::invalid_argument(
        loss + ": every class weight is 0; expected at least one positive");
  }
}

template <class T>
PerSample<T> SoftmaxCrossEntropy::from_target_rows(
    Var<T> logits, const Tensor<T>& targets) const {
  const int N = targets.rows(), K = targets.cols();
  const std::vector<double>& w = options_.class_weights;
  if (!w.empty() && w.size() != std::size_t(K)) {
    throw std::invalid_argument(name() + ": " + std::to_string(w.size()) +
                                " class weights for logits " +
                                logits.value().shape_str() +
                                "; expected one weight per column");
  }
  const double eps = options_.smoothing;
  if (eps == 0 && w.empty()) return soft_target_cross_entropy(logits, targets);

  // q = (1 - eps) t + eps / K, then r_ij = w_j q_ij (N x K), held by the
  // tape so that no step allocates.
  Var<T> r = logits.tape().constant(N, K, T(0), [&](Tensor<T>& r) {
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < K; ++j) {
        T t = targets(i, j);
        T q = eps == 0 ? t : T((1 - eps) * t + eps / K);
        r(i, j) = w.empty() ? q : T(w[j] * q);
      }
    }
  });
  // l_i (N x 1)
  Var<T> l = soft_target_cross_entropy(logits, r.value());
  if (w.empty()) return l;
  // With class weights the mean divides by sum_i mass_i, where mass_i =
  // sum_j r_ij (N x 1), also held by the tape.
  Var<T> mass = logits.tape().constant(N, 1, T(0), [&](Tensor<T>& m) {
    for (int i = 0; i < N; ++i) {
      double s = 0;
      for (int j = 0; j < K; ++j) s += r.value()(i, j);
      m[i] = T(s);
    }
  });
  return PerSample<T>(l, mass);
}

template <class T>
PerSample<T> SoftmaxCrossEntropy::per_sample(
    Var<T> logits, std::span<const int> targets) const {
  // The one-hot rows of the targets (N x K), held by the tape.
  Var<T> t = one_hot(logits.tape(), targets, logits.cols());
  return from_target_rows(logits, t.value());
}

template <class T>
Var<T> SoftmaxCrossEntropy::soft_impl(Var<T> logits,
                                      const Tensor<T>& target_probs,
                                      std::span<const float> weights,
                                      Reduction r) const {
  const std::string where = name() + ": soft targets";
  if (!logits.valid()) {
    throw std::invalid_argument(where + ": logits is an empty Var");
  }
  const Tensor<T>& z = logits.value();
  if (z.cols() < 2 || !z.same_shape(target_probs)) {
    throw std::invalid_argument(
        where + " " + target_probs.shape_str() + " and logits " +
        z.shape_str() + " differ in shape; expected equal shapes, K >= 2");
  }
  // Each row must be a distribution: a vector of indices or a row of
  // scores passed here by mistake fails loudly (C33).
  for (int i = 0; i < z.rows(); ++i) {
    double s = 0;
    for (int j = 0; j < z.cols(); ++j) {
      T q = target_probs(i, j);
      if (!(q >= T(0) && q <= T(1))) {
        throw std::invalid_argument(
            where + ": value " + spec_number(double(q)) + " at row " +
            std::to_string(i) + ", column " + std::to_string(j) +
            " is outside [0, 1]; expected probabilities");
      }
      s += q;
    }
    if (std::abs(s - 1) > 1e-4) {
      throw std::invalid_argument(where + ": row " + std::to_string(i) +
                                  " sums to " + spec_number(s) +
                                  "; expected a distribution summing to 1");
    }
  }
  check_sample_weights(*this, z, weights);
  return reduce_loss(from_target_rows(logits, target_probs), weights, r);
}

Var<float> SoftmaxCrossEntropy::forward_soft(Var<float> logits,
                                             const Tensor<float>& target_probs,
                                             std::span<const float> weights,
                                             Reduction r) const {
  return soft_impl(logits, target_probs, weights, r);
}

Var<double> SoftmaxCrossEntropy::forward_soft(
    Var<double> logits, const Tensor<double>& target_probs,
    std::span<const float> weights, Reduction r) const {
  return soft_impl(logits, target_probs, weights, r);
}

std::string SoftmaxCrossEntropy::spec() const {
  return "ce:smoothing=" + spec_number(options_.smoothing);
}

LossEntry SoftmaxCrossEntropy::entry() {
  return {
      {"ce",
       "softmax cross-entropy on logits (log-sum-exp), optional label "
       "smoothing",
       {{"smoothing", "0", "label smoothing eps in [0, 1)"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        CrossEntropyOptions o;
        o.smoothing = args.number("smoothing");
        return std::make_unique<SoftmaxCrossEntropy>(o);
      }};
}

template Var<float> soft_target_cross_entropy(Var<float>, const Tensor<float>&);
template Var<double> soft_target_cross_entropy(Var<double>,
                                               const Tensor<double>&);
LOSSLAB_INSTANTIATE_LOSS(SoftmaxCrossEntropy);

}  // namespace losslab
