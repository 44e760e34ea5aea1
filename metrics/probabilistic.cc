#include "metrics/probabilistic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "metrics/classification.h"
#include "metrics/validate.h"

namespace losslab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The bin of a confidence c in [0, 1] for bins (b/B, (b+1)/B]: ceil(c B) - 1,
// with c = 0 moved into bin 0.
int bin_of(double confidence, int num_bins) {
  const int b = int(std::ceil(confidence * num_bins)) - 1;
  return std::clamp(b, 0, num_bins - 1);
}

}  // namespace

template <class T>
double cross_entropy(const Tensor<T>& probs, std::span<const int> labels,
                     int num_classes) {
  metrics_internal::check_probabilities_and_labels("cross_entropy", probs,
                                                   labels, num_classes);
  // probs: N x K; only the true-class column of each row contributes.
  double sum = 0.0;
  for (int i = 0; i < probs.rows(); ++i) {
    const double p = double(probs(i, labels[i]));
    sum -= std::log(std::max(p, kProbabilityFloor));
  }
  return sum / probs.rows();
}

template <class T>
double brier_score(const Tensor<T>& probs, std::span<const int> labels,
                   int num_classes) {
  metrics_internal::check_probabilities_and_labels("brier_score", probs, labels,
                                                   num_classes);
  // probs: N x K against the N x K one-hot targets, never built.
  double sum = 0.0;
  for (int i = 0; i < probs.rows(); ++i) {
    for (int k = 0; k < num_classes; ++k) {
      const double d = double(probs(i, k)) - (labels[i] == k ? 1.0 : 0.0);
      sum += d * d;
    }
  }
  return sum / probs.rows();
}

template <class T>
double mean_entropy(const Tensor<T>& probs) {
  metrics_internal::check_probabilities("mean_entropy", probs);
  // probs: N x K; p ln p -> 0 as p -> 0, so zero entries are skipped rather
  // than evaluated as 0 * -inf = NaN.
  double sum = 0.0;
  for (std::size_t j = 0; j < probs.size(); ++j) {
    const double p = double(probs[j]);
    if (p > 0.0) sum -= p * std::log(p);
  }
  return sum / probs.rows();
}

template <class T>
Calibration calibration(const Tensor<T>& probs, std::span<const int> labels,
                        int num_classes, int num_bins) {
  constexpr const char* kWhere = "calibration";
  metrics_internal::check_probabilities_and_labels(kWhere, probs, labels,
                                                   num_classes);
  if (num_bins < 1) {
    throw std::invalid_argument(fmt::format(
        "{}: too few bins; expected num_bins >= 1, got {}", kWhere, num_bins));
  }

  // Step 1: per-bin sums of confidence and of correct predictions.
  const std::vector<int> pred = predicted_labels(probs);
  std::vector<double> confidence_sum(num_bins, 0.0);
  std::vector<double> correct_sum(num_bins, 0.0);
  Calibration out;
  out.bins.resize(num_bins);
  for (int i = 0; i < probs.rows(); ++i) {
    const double confidence = double(probs(i, pred[i]));
    const int b = bin_of(confidence, num_bins);
    ++out.bins[b].count;
    confidence_sum[b] += confidence;
    correct_sum[b] += pred[i] == labels[i] ? 1.0 : 0.0;
  }

  // Step 2: bin means and the count-weighted gap between them.
  const double n = probs.rows();
  for (int b = 0; b < num_bins; ++b) {
    ReliabilityBin& bin = out.bins[b];
    bin.lower = double(b) / num_bins;
    bin.upper = double(b + 1) / num_bins;
    if (bin.count == 0) {
      bin.mean_confidence = kNaN;
      bin.accuracy = kNaN;
      continue;
    }
    bin.mean_confidence = confidence_sum[b] / double(bin.count);
    bin.accuracy = correct_sum[b] / double(bin.count);
    out.ece +=
        double(bin.count) / n * std::abs(bin.accuracy - bin.mean_confidence);
  }
  return out;
}

template <class T>
double expected_calibration_error(const Tensor<T>& probs,
                                  std::span<const int> labels, int num_classes,
                                  int num_bins) {
  return calibration(probs, labels, num_classes, num_bins).ece;
}

#define LOSSLAB_INSTANTIATE(T)                                                \
  template double cross_entropy(const Tensor<T>&, std::span<const int>, int); \
  template double brier_score(const Tensor<T>&, std::span<const int>, int);   \
  template double mean_entropy(const Tensor<T>&);                             \
  template Calibration calibration(const Tensor<T>&, std::span<const int>,    \
                                   int, int);                                 \
  template double expected_calibration_error(const Tensor<T>&,                \
                                             std::span<const int>, int, int);
LOSSLAB_INSTANTIATE(float)
LOSSLAB_INSTANTIATE(double)
#undef LOSSLAB_INSTANTIATE

}  // namespace losslab
