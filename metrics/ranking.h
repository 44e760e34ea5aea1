// Ranking metrics: ROC-AUC and average precision, binary and one-vs-rest.
//
// Only the order of scores matters. Where a metric is undefined because a
// class is missing, the result is NaN, never 0 or 0.5 (case C18): a 0.0
// silently drags averages over cross-validation folds down. No warning is
// logged; callers test with std::isnan, and mean_over_defined averages
// explicitly over the defined values and reports how many were left out.
#pragma once

#include <span>
#include <vector>

#include "autograd/tensor.h"

namespace losslab {

// Area under the ROC curve for scores of the positive class and labels in
// {0, 1}, by ranks (the Mann-Whitney U statistic):
//   AUC = (sum of ranks of positives - P (P + 1) / 2) / (P * Nn)
// with ranks 1..N in ascending score order and tied scores sharing the mean
// of their ranks, so a positive and a negative with equal scores count 1/2.
// P, Nn: number of positives and negatives.
// Returns NaN when P = 0 or Nn = 0 (one class present; C18).
// Throws std::invalid_argument for empty or different-length spans, a
// non-finite score or a label outside {0, 1}.
double roc_auc_binary(std::span<const double> scores,
                      std::span<const int> labels);

// Average precision, scikit-learn's step definition (no interpolation):
//   AP = sum_n (R_n - R_{n-1}) P_n
// over the distinct score thresholds in descending order, with P_n and R_n
// the precision and recall of predicting positive every score >= threshold n
// and R_0 = 0. Tied scores form one threshold, so AP does not depend on the
// order of tied samples. Returns NaN when there is no positive sample
// (scikit-learn returns 0 with a warning; NaN keeps it out of averages, see
// C18); 1 when all samples are positive. Throws like roc_auc_binary.
double average_precision_binary(std::span<const double> scores,
                                std::span<const int> labels);

// Per-class one-vs-rest results and their macro mean over defined classes.
struct OneVsRest {
  // Mean of the defined per-class values; NaN when none is defined.
  double macro = 0.0;
  // Length K; class k scored by column k of probs against (label == k);
  // NaN where the class-k metric is undefined.
  std::vector<double> per_class;
  // Classes whose value is NaN and so excluded from `macro`.
  int num_undefined = 0;
};

// One-vs-rest ROC-AUC for N x K probabilities and N labels in [0, K).
// Class k is undefined when it has no sample or all N samples; such classes
// are excluded from the macro mean and counted in num_undefined (scikit-learn
// raises instead). Throws std::invalid_argument on shape, label or
// probability errors (see classification.h).
template <class T>
OneVsRest roc_auc_ovr(const Tensor<T>& probs, std::span<const int> labels,
                      int num_classes);

// One-vs-rest average precision; class k is undefined when it has no sample.
template <class T>
OneVsRest average_precision_ovr(const Tensor<T>& probs,
                                std::span<const int> labels, int num_classes);

// The headline number, following scikit-learn: for K = 2 the binary metric
// with column 1 as the positive score; for K > 2 the one-vs-rest macro mean.
template <class T>
double roc_auc(const Tensor<T>& probs, std::span<const int> labels,
               int num_classes);
template <class T>
double average_precision(const Tensor<T>& probs, std::span<const int> labels,
                         int num_classes);

// The mean of the non-NaN values, with the counts of values used and left
// out. mean is NaN when no value is defined (including an empty span).
struct DefinedMean {
  double mean = 0.0;
  int num_defined = 0;
  int num_undefined = 0;
};
DefinedMean mean_over_defined(std::span<const double> values);

}  // namespace losslab
