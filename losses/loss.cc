// Shared loss machinery: input checks, weights and reductions, the
// probability mapping.
#include "losses/loss.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "autograd/check.h"

namespace losslab {
namespace {

// s(x) with an exp that never overflows.
float sigmoid_of(float x) {
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  float e = std::exp(x);
  return e / (1.0f + e);
}

// log s(x) = min(x, 0) - log1p(e^-|x|), never the log of a rounded s(x).
float log_sigmoid_of(float x) {
  return std::min(x, 0.0f) - std::log1p(std::exp(-std::abs(x)));
}

// Row-wise softmax of `in` (N x K) into `out`, shifted by the row max.
void softmax_rows(const Tensor<float>& in, Tensor<float>& out) {
  const int N = in.rows(), K = in.cols();
  for (int i = 0; i < N; ++i) {
    float m = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < K; ++j) m = std::max(m, in(i, j));
    double s = 0;
    for (int j = 0; j < K; ++j) s += std::exp(double(in(i, j) - m));
    for (int j = 0; j < K; ++j) {
      out(i, j) = float(std::exp(double(in(i, j) - m)) / s);
    }
  }
}

}  // namespace

const char* reduction_name(Reduction r) {
  switch (r) {
    case Reduction::kNone:
      return "none";
    case Reduction::kMean:
      return "mean";
    case Reduction::kSum:
      return "sum";
  }
  return "?";
}

std::string Loss::name() const {
  std::string s = spec();
  return s.substr(0, s.find(':'));
}

int Loss::num_outputs(int num_classes) const {
  if (output_kind() == OutputKind::kSigmoid && num_classes == 2) return 1;
  return num_classes;
}

Tensor<float> Loss::probabilities(const Tensor<float>& outputs,
                                  int num_classes) const {
  const std::string where = name() + ": probabilities";
  if (num_classes < 2) {
    throw std::invalid_argument(where + ": expected num_classes >= 2, got " +
                                std::to_string(num_classes));
  }
  const int O = num_outputs(num_classes);
  if (outputs.cols() != O) {
    throw std::invalid_argument(
        where + ": expected " + std::to_string(O) + " output columns for " +
        std::to_string(num_classes) + " classes, got " + outputs.shape_str());
  }
  const int N = outputs.rows(), K = num_classes;
  Tensor<float> p(N, K);
  if (output_kind() == OutputKind::kSoftmax) {
    softmax_rows(outputs, p);
  } else if (O == 1) {
    // [1 - s(x), s(x)], with 1 - s(x) = s(-x) so no digits are lost.
    for (int i = 0; i < N; ++i) {
      p(i, 0) = sigmoid_of(-outputs(i, 0));
      p(i, 1) = sigmoid_of(outputs(i, 0));
    }
  } else {
    // s_k / sum_j s_j = softmax over the log-sigmoids.
    Tensor<float> ls(N, K);
    for (std::size_t k = 0; k < outputs.size(); ++k) {
      ls[k] = log_sigmoid_of(outputs[k]);
    }
    softmax_rows(ls, p);
  }
  return p;
}

// ---------------------------------------------------------------------------
// Input checks
// ---------------------------------------------------------------------------

template <class T>
void check_loss_inputs(const Loss& loss, const Tensor<T>& logits,
                       std::span<const int> targets,
                       std::span<const float> weights) {
  const int N = logits.rows(), O = logits.cols();
  if (loss.output_kind() == OutputKind::kSoftmax && O < 2) {
    throw std::invalid_argument(
        loss.name() + ": expected K >= 2 softmax logit columns, got logits " +
        logits.shape_str() +
        " (a model with one output needs a sigmoid loss such as bce)");
  }
  if (O < 1) {
    throw std::invalid_argument(loss.name() +
                                ": expected at least one logit column, got " +
                                logits.shape_str());
  }
  if (targets.size() != std::size_t(N)) {
    throw std::invalid_argument(loss.name() +
                                ": expected one target per row of logits " +
                                logits.shape_str() + ", got " +
                                std::to_string(targets.size()) + " targets");
  }
  // Binary sigmoid: one column, labels 0 or 1, i.e. K = 2.
  const int K = O == 1 ? 2 : O;
  for (int i = 0; i < N; ++i) {
    if (targets[i] < 0 || targets[i] >= K) {
      throw std::invalid_argument(
          loss.name() + ": target " + std::to_string(targets[i]) + " at row " +
          std::to_string(i) + " is outside [0, " + std::to_string(K) +
          "); expected a class index for logits " + logits.shape_str());
    }
  }
  check_sample_weights(loss, logits, weights);
}

template <class T>
void check_sample_weights(const Loss& loss, const Tensor<T>& logits,
                          std::span<const float> weights) {
  if (!weights.empty() && weights.size() != std::size_t(logits.rows())) {
    throw std::invalid_argument(
        loss.name() + ": expected no weights or one per row of logits " +
        logits.shape_str() + ", got " + std::to_string(weights.size()) +
        " weights");
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      throw std::invalid_argument(
          loss.name() + ": weight " + spec_number(weights[i]) + " at row " +
          std::to_string(i) + " is invalid; expected a finite value >= 0");
    }
  }
}

// ---------------------------------------------------------------------------
// Weights and reduction
// ---------------------------------------------------------------------------

template <class T>
Var<T> reduce_loss(const PerSample<T>& per_sample,
                   std::span<const float> weights, Reduction r) {
  Var<T> l = per_sample.loss;  // N x 1
  const int N = l.rows();
  const Tensor<T>* d = per_sample.denominator.valid()
                           ? &per_sample.denominator.value()
                           : nullptr;
  LOSSLAB_CHECK(l.cols() == 1, << "per_sample returned " << l.rows() << " x "
                               << l.cols() << "; expected N x 1");
  LOSSLAB_CHECK(d == nullptr || (d->rows() == N && d->cols() == 1));
  LOSSLAB_CHECK(weights.empty() || weights.size() == std::size_t(N));

  // w_i l_i (N x 1), the weights a constant column.
  if (!weights.empty()) {
    Var<T> w = l.tape().constant(N, 1, T(0), [&](Tensor<T>& w) {
      for (int i = 0; i < N; ++i) w[i] = T(weights[i]);
    });
    l = mul(l, w);
  }
  if (r == Reduction::kNone) return l;
  if (r == Reduction::kSum) return sum(l);
  if (weights.empty() && d == nullptr) return mean(l);

  // sum_i w_i l_i / sum_i w_i d_i. A zero denominator (an empty batch, or
  // all weights zero) makes 1/0 = inf and the mean 0 * inf = NaN.
  double denom = 0;
  for (int i = 0; i < N; ++i) {
    denom += (weights.empty() ? 1.0 : double(weights[i])) *
             (d == nullptr ? 1.0 : double((*d)[i]));
  }
  return mul_scalar(sum(l), 1.0 / denom);
}

template <class T>
Var<T> target_matrix(Tape<T>& tape, std::span<const int> targets,
                     int num_outputs) {
  if (num_outputs >= 2) return one_hot(tape, targets, num_outputs);
  return tape.constant(int(targets.size()), 1, T(0), [&](Tensor<T>& y) {
    for (std::size_t i = 0; i < targets.size(); ++i) y[i] = T(targets[i]);
  });
}

template <class T>
Var<T> output_probabilities(Var<T> logits, OutputKind kind) {
  return kind == OutputKind::kSoftmax ? softmax(logits) : sigmoid(logits);
}

const char* link_name(OutputKind kind) {
  return kind == OutputKind::kSoftmax ? "softmax" : "sigmoid";
}

OutputKind parse_link(const std::string& loss_name, const std::string& text) {
  if (text == "softmax") return OutputKind::kSoftmax;
  if (text == "sigmoid") return OutputKind::kSigmoid;
  throw std::invalid_argument(loss_name + ": link '" + text +
                              "' is unknown; expected softmax or sigmoid");
}

std::string spec_number(double x) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, res.ptr);
}

bool fits_float(double x) {
  const double a = std::abs(x);
  return a == 0 || (a >= kFloatMin && a <= kFloatMax);
}

#define LOSSLAB_INSTANTIATE_LOSS_HELPERS(T)                                \
  template void check_loss_inputs(const Loss&, const Tensor<T>&,           \
                                  std::span<const int>,                    \
                                  std::span<const float>);                 \
  template void check_sample_weights(const Loss&, const Tensor<T>&,        \
                                     std::span<const float>);              \
  template Var<T> reduce_loss(const PerSample<T>&, std::span<const float>, \
                              Reduction);                                  \
  template Var<T> target_matrix(Tape<T>&, std::span<const int>, int);      \
  template Var<T> output_probabilities(Var<T>, OutputKind);

LOSSLAB_INSTANTIATE_LOSS_HELPERS(float)
LOSSLAB_INSTANTIATE_LOSS_HELPERS(double)

}  // namespace losslab
