#include "metrics/classification.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "metrics/validate.h"

namespace losslab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A hand-built matrix may have the wrong number of counts; indexing it would
// read out of bounds, so every public entry point checks first.
void check_matrix(const char* where, const ConfusionMatrix& cm) {
  const std::size_t k = cm.num_classes > 0 ? std::size_t(cm.num_classes) : 0;
  if (cm.num_classes < 1 || cm.counts.size() != k * k) {
    throw std::invalid_argument(fmt::format(
        "{}: malformed confusion matrix; expected num_classes >= 1 and "
        "num_classes^2 counts, got num_classes {} and {} counts",
        where, cm.num_classes, cm.counts.size()));
  }
}

// num / den, or `fallback` when den is 0 (the 0/0 of an unused class).
double ratio_or(std::int64_t num, std::int64_t den, double fallback) {
  return den == 0 ? fallback : double(num) / double(den);
}

}  // namespace

std::int64_t ConfusionMatrix::support(int k) const {
  std::int64_t sum = 0;
  for (int p = 0; p < num_classes; ++p) sum += at(k, p);
  return sum;
}

std::int64_t ConfusionMatrix::predicted(int k) const {
  std::int64_t sum = 0;
  for (int t = 0; t < num_classes; ++t) sum += at(t, k);
  return sum;
}

std::int64_t ConfusionMatrix::total() const {
  return std::accumulate(counts.begin(), counts.end(), std::int64_t(0));
}

template <class T>
std::vector<int> predicted_labels(const Tensor<T>& probs) {
  metrics_internal::check_probabilities("predicted_labels", probs);
  std::vector<int> out(probs.rows());
  for (int i = 0; i < probs.rows(); ++i) {
    // Strict > keeps the first maximum, so ties go to the lowest index.
    int best = 0;
    for (int k = 1; k < probs.cols(); ++k) {
      if (probs(i, k) > probs(i, best)) best = k;
    }
    out[i] = best;
  }
  return out;
}

ConfusionMatrix confusion_matrix(std::span<const int> y_true,
                                 std::span<const int> y_pred, int num_classes) {
  constexpr const char* kWhere = "confusion_matrix";
  metrics_internal::check_num_classes(kWhere, num_classes);
  if (y_true.size() != y_pred.size()) {
    throw std::invalid_argument(fmt::format(
        "{}: size mismatch; expected as many predictions as labels ({}), "
        "got {}",
        kWhere, y_true.size(), y_pred.size()));
  }
  metrics_internal::check_labels(kWhere, y_true, num_classes, "true label");
  metrics_internal::check_labels(kWhere, y_pred, num_classes,
                                 "predicted label");

  ConfusionMatrix cm;
  cm.num_classes = num_classes;
  cm.counts.assign(std::size_t(num_classes) * num_classes, 0);
  for (std::size_t i = 0; i < y_true.size(); ++i) {
    ++cm.counts[std::size_t(y_true[i]) * num_classes + y_pred[i]];
  }
  return cm;
}

template <class T>
ConfusionMatrix confusion_matrix(const Tensor<T>& probs,
                                 std::span<const int> labels, int num_classes) {
  metrics_internal::check_probabilities_and_labels("confusion_matrix", probs,
                                                   labels, num_classes);
  const std::vector<int> pred = predicted_labels(probs);
  return confusion_matrix(labels, pred, num_classes);
}

double accuracy(const ConfusionMatrix& cm) {
  check_matrix("accuracy", cm);
  std::int64_t correct = 0;
  for (int k = 0; k < cm.num_classes; ++k) correct += cm.at(k, k);
  return ratio_or(correct, cm.total(), kNaN);
}

template <class T>
double accuracy(const Tensor<T>& probs, std::span<const int> labels,
                int num_classes) {
  metrics_internal::check_probabilities_and_labels("accuracy", probs, labels,
                                                   num_classes);
  return accuracy(confusion_matrix(probs, labels, num_classes));
}

double balanced_accuracy(const ConfusionMatrix& cm) {
  check_matrix("balanced_accuracy", cm);
  double recall_sum = 0.0;
  int present = 0;
  for (int k = 0; k < cm.num_classes; ++k) {
    const std::int64_t support = cm.support(k);
    if (support == 0) continue;  // recall 0/0: left out, see header
    recall_sum += double(cm.at(k, k)) / double(support);
    ++present;
  }
  return present == 0 ? kNaN : recall_sum / present;
}

ClassScores class_scores(const ConfusionMatrix& cm, double zero_division) {
  check_matrix("class_scores", cm);
  metrics_internal::check_zero_division("class_scores", zero_division);
  const int num_classes = cm.num_classes;
  ClassScores s;
  s.precision.resize(num_classes);
  s.recall.resize(num_classes);
  s.f1.resize(num_classes);
  s.support.resize(num_classes);
  for (int k = 0; k < num_classes; ++k) {
    const std::int64_t tp = cm.at(k, k);
    const std::int64_t fp = cm.predicted(k) - tp;
    const std::int64_t fn = cm.support(k) - tp;
    s.precision[k] = ratio_or(tp, tp + fp, zero_division);
    s.recall[k] = ratio_or(tp, tp + fn, zero_division);
    // F1 from counts (C21): the harmonic mean of a 0/0 precision and a 0
    // recall would be undefined although 2tp/(2tp+fp+fn) = 0 is not.
    s.f1[k] = ratio_or(2 * tp, 2 * tp + fp + fn, zero_division);
    s.support[k] = tp + fn;
  }
  return s;
}

double macro_f1(const ClassScores& scores) {
  double sum = 0.0;
  int defined = 0;
  for (double f : scores.f1) {
    if (std::isnan(f)) continue;
    sum += f;
    ++defined;
  }
  return defined == 0 ? kNaN : sum / defined;
}

double weighted_f1(const ClassScores& scores) {
  if (scores.f1.size() != scores.support.size()) {
    throw std::invalid_argument(fmt::format(
        "weighted_f1: size mismatch; expected one support per F1 value ({}), "
        "got {}",
        scores.f1.size(), scores.support.size()));
  }
  double weighted_sum = 0.0;
  std::int64_t total = 0;
  for (std::size_t k = 0; k < scores.f1.size(); ++k) {
    // Skipping zero-weight classes keeps a NaN zero_division F1 out.
    if (scores.support[k] == 0) continue;
    weighted_sum += double(scores.support[k]) * scores.f1[k];
    total += scores.support[k];
  }
  return total == 0 ? kNaN : weighted_sum / double(total);
}

template std::vector<int> predicted_labels(const Tensor<float>&);
template std::vector<int> predicted_labels(const Tensor<double>&);
template ConfusionMatrix confusion_matrix(const Tensor<float>&,
                                          std::span<const int>, int);
template ConfusionMatrix confusion_matrix(const Tensor<double>&,
                                          std::span<const int>, int);
template double accuracy(const Tensor<float>&, std::span<const int>, int);
template double accuracy(const Tensor<double>&, std::span<const int>, int);

}  // namespace losslab
