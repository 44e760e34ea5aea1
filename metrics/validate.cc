#include "metrics/validate.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace losslab::metrics_internal {

void check_num_classes(std::string_view where, int num_classes) {
  if (num_classes < 2) {
    throw std::invalid_argument(
        fmt::format("{}: too few classes; expected num_classes >= 2, got {}",
                    where, num_classes));
  }
}

void check_labels(std::string_view where, std::span<const int> labels,
                  int num_classes, std::string_view what) {
  if (labels.empty()) {
    throw std::invalid_argument(fmt::format(
        "{}: empty batch; expected at least one {}, got 0", where, what));
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw std::invalid_argument(fmt::format(
          "{}: {} out of range at index {}; expected 0 <= {} < {}, got {}",
          where, what, i, what, num_classes, labels[i]));
    }
  }
}

template <class T>
void check_probabilities(std::string_view where, const Tensor<T>& probs) {
  if (probs.rows() < 1 || probs.cols() < 1) {
    throw std::invalid_argument(fmt::format(
        "{}: empty probabilities; expected N x K with N, K >= 1, got {}", where,
        probs.shape_str()));
  }
  for (int i = 0; i < probs.rows(); ++i) {
    double row_sum = 0.0;
    for (int k = 0; k < probs.cols(); ++k) {
      const double p = probs(i, k);
      // The negated comparison also rejects NaN.
      if (!(p >= 0.0 && p <= 1.0)) {
        throw std::invalid_argument(
            fmt::format("{}: probability at ({}, {}) is not in [0, 1]; got {}",
                        where, i, k, p));
      }
      row_sum += p;
    }
    if (std::abs(row_sum - 1.0) > kRowSumTolerance) {
      throw std::invalid_argument(fmt::format(
          "{}: probabilities in row {} do not sum to 1 (tolerance {}); got "
          "{} (were logits passed instead of probabilities?)",
          where, i, kRowSumTolerance, row_sum));
    }
  }
}

template <class T>
void check_probabilities_and_labels(std::string_view where,
                                    const Tensor<T>& probs,
                                    std::span<const int> labels,
                                    int num_classes) {
  check_num_classes(where, num_classes);
  if (probs.cols() != num_classes ||
      std::size_t(probs.rows()) != labels.size()) {
    throw std::invalid_argument(fmt::format(
        "{}: shape mismatch; expected probabilities {} for {} labels and {} "
        "classes, got {}",
        where, shape_str(int(labels.size()), num_classes), labels.size(),
        num_classes, probs.shape_str()));
  }
  check_probabilities(where, probs);
  check_labels(where, labels, num_classes);
}

void check_binary_scores(std::string_view where, std::span<const double> scores,
                         std::span<const int> labels) {
  if (scores.size() != labels.size()) {
    throw std::invalid_argument(fmt::format(
        "{}: size mismatch; expected as many scores as labels ({}), got {}",
        where, labels.size(), scores.size()));
  }
  check_labels(where, labels, 2, "binary label");
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw std::invalid_argument(fmt::format(
          "{}: score at index {} is not finite; got {}", where, i, scores[i]));
    }
  }
}

void check_zero_division(std::string_view where, double zero_division) {
  if (!std::isnan(zero_division) &&
      !(zero_division >= 0.0 && zero_division <= 1.0)) {
    throw std::invalid_argument(fmt::format(
        "{}: bad zero_division; expected 0, 1, a value between or NaN, got {}",
        where, zero_division));
  }
}

template void check_probabilities(std::string_view, const Tensor<float>&);
template void check_probabilities(std::string_view, const Tensor<double>&);
template void check_probabilities_and_labels(std::string_view,
                                             const Tensor<float>&,
                                             std::span<const int>, int);
template void check_probabilities_and_labels(std::string_view,
                                             const Tensor<double>&,
                                             std::span<const int>, int);

}  // namespace losslab::metrics_internal
