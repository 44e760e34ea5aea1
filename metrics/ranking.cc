#include "metrics/ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "metrics/validate.h"

namespace losslab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Indices of `scores` sorted by score; descending when `descending`.
std::vector<std::size_t> order_by_score(std::span<const double> scores,
                                        bool descending) {
  std::vector<std::size_t> order(scores.size());
  std::iota(order.begin(), order.end(), std::size_t(0));
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return descending ? scores[a] > scores[b] : scores[a] < scores[b];
  });
  return order;
}

// Both binary metrics after validation; kept apart so the one-vs-rest loops
// do not validate the same data K times.
double auc_unchecked(std::span<const double> scores,
                     std::span<const int> labels) {
  const std::vector<std::size_t> order = order_by_score(scores, false);
  const std::size_t n = order.size();

  // Walk each group of tied scores [begin, end); all of its members get the
  // mean of ranks begin+1 .. end, i.e. (begin + 1 + end) / 2.
  double positive_rank_sum = 0.0;
  double positives = 0.0;
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin + 1;
    while (end < n && scores[order[end]] == scores[order[begin]]) ++end;
    const double mean_rank = 0.5 * double(begin + 1 + end);
    for (std::size_t j = begin; j < end; ++j) {
      if (labels[order[j]] == 1) {
        positive_rank_sum += mean_rank;
        positives += 1.0;
      }
    }
    begin = end;
  }

  const double negatives = double(n) - positives;
  if (positives == 0.0 || negatives == 0.0) return kNaN;  // C18
  // Subtracting the smallest possible rank sum P(P+1)/2 leaves the number of
  // (positive, negative) pairs ordered correctly, ties counting 1/2.
  const double u = positive_rank_sum - positives * (positives + 1.0) / 2.0;
  return u / (positives * negatives);
}

double ap_unchecked(std::span<const double> scores,
                    std::span<const int> labels) {
  const std::vector<std::size_t> order = order_by_score(scores, true);
  const std::size_t n = order.size();
  const double positives = double(std::count(labels.begin(), labels.end(), 1));
  if (positives == 0.0) return kNaN;

  // Lower the threshold one group of tied scores at a time; each step adds
  // (recall gained) x (precision at the new threshold).
  double tp = 0.0, fp = 0.0, previous_recall = 0.0, ap = 0.0;
  for (std::size_t begin = 0; begin < n;) {
    std::size_t end = begin;
    while (end < n && scores[order[end]] == scores[order[begin]]) {
      (labels[order[end]] == 1 ? tp : fp) += 1.0;
      ++end;
    }
    const double recall = tp / positives;
    ap += (recall - previous_recall) * (tp / (tp + fp));
    previous_recall = recall;
    begin = end;
  }
  return ap;
}

using BinaryMetric = double (*)(std::span<const double>, std::span<const int>);

// Applies `metric` to column k of probs against (labels == k), k = 0..K-1.
template <class T>
OneVsRest one_vs_rest(const Tensor<T>& probs, std::span<const int> labels,
                      int num_classes, BinaryMetric metric) {
  const int n = probs.rows();
  std::vector<double> scores(n);
  std::vector<int> is_class(n);
  std::vector<double> per_class(num_classes);
  for (int k = 0; k < num_classes; ++k) {
    for (int i = 0; i < n; ++i) {
      scores[i] = double(probs(i, k));
      is_class[i] = labels[i] == k ? 1 : 0;
    }
    per_class[k] = metric(scores, is_class);
  }
  const DefinedMean m = mean_over_defined(per_class);
  return OneVsRest{m.mean, std::move(per_class), m.num_undefined};
}

// Column 1 of an N x 2 matrix as the positive-class score.
template <class T>
std::vector<double> positive_column(const Tensor<T>& probs) {
  std::vector<double> scores(probs.rows());
  for (int i = 0; i < probs.rows(); ++i) scores[i] = double(probs(i, 1));
  return scores;
}

}  // namespace

double roc_auc_binary(std::span<const double> scores,
                      std::span<const int> labels) {
  metrics_internal::check_binary_scores("roc_auc_binary", scores, labels);
  return auc_unchecked(scores, labels);
}

double average_precision_binary(std::span<const double> scores,
                                std::span<const int> labels) {
  metrics_internal::check_binary_scores("average_precision_binary", scores,
                                        labels);
  return ap_unchecked(scores, labels);
}

template <class T>
OneVsRest roc_auc_ovr(const Tensor<T>& probs, std::span<const int> labels,
                      int num_classes) {
  metrics_internal::check_probabilities_and_labels("roc_auc_ovr", probs, labels,
                                                   num_classes);
  return one_vs_rest(probs, labels, num_classes, auc_unchecked);
}

template <class T>
OneVsRest average_precision_ovr(const Tensor<T>& probs,
                                std::span<const int> labels, int num_classes) {
  metrics_internal::check_probabilities_and_labels("average_precision_ovr",
                                                   probs, labels, num_classes);
  return one_vs_rest(probs, labels, num_classes, ap_unchecked);
}

template <class T>
double roc_auc(const Tensor<T>& probs, std::span<const int> labels,
               int num_classes) {
  metrics_internal::check_probabilities_and_labels("roc_auc", probs, labels,
                                                   num_classes);
  if (num_classes > 2) {
    return one_vs_rest(probs, labels, num_classes, auc_unchecked).macro;
  }
  return auc_unchecked(positive_column(probs), labels);
}

template <class T>
double average_precision(const Tensor<T>& probs, std::span<const int> labels,
                         int num_classes) {
  metrics_internal::check_probabilities_and_labels("average_precision", probs,
                                                   labels, num_classes);
  if (num_classes > 2) {
    return one_vs_rest(probs, labels, num_classes, ap_unchecked).macro;
  }
  return ap_unchecked(positive_column(probs), labels);
}

DefinedMean mean_over_defined(std::span<const double> values) {
  DefinedMean m;
  double sum = 0.0;
  for (double v : values) {
    if (std::isnan(v)) {
      ++m.num_undefined;
    } else {
      sum += v;
      ++m.num_defined;
    }
  }
  m.mean = m.num_defined == 0 ? kNaN : sum / m.num_defined;
  return m;
}

template OneVsRest roc_auc_ovr(const Tensor<float>&, std::span<const int>, int);
template OneVsRest roc_auc_ovr(const Tensor<double>&, std::span<const int>,
                               int);
template OneVsRest average_precision_ovr(const Tensor<float>&,
                                         std::span<const int>, int);
template OneVsRest average_precision_ovr(const Tensor<double>&,
                                         std::span<const int>, int);
template double roc_auc(const Tensor<float>&, std::span<const int>, int);
template double roc_auc(const Tensor<double>&, std::span<const int>, int);
template double average_precision(const Tensor<float>&, std::span<const int>,
                                  int);
template double average_precision(const Tensor<double>&, std::span<const int>,
                                  int);

}  // namespace losslab
