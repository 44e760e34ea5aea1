#include "metrics/evaluation.h"

#include "metrics/validate.h"

namespace losslab {

template <class T>
Evaluation evaluate(const Tensor<T>& probs, std::span<const int> labels,
                    int num_classes, const EvaluateOptions& options) {
  // Validate once up front so an error names evaluate, not a helper; the
  // helpers check again, which costs O(N K) each and is cheap next to
  // sorting for the ranking metrics.
  metrics_internal::check_probabilities_and_labels("evaluate", probs, labels,
                                                   num_classes);
  Evaluation e;
  e.num_samples = probs.rows();
  e.num_classes = num_classes;

  e.confusion = confusion_matrix(probs, labels, num_classes);
  e.accuracy = accuracy(e.confusion);
  e.balanced_accuracy = balanced_accuracy(e.confusion);
  ClassScores scores = class_scores(e.confusion, options.zero_division);
  e.macro_f1 = macro_f1(scores);
  e.weighted_f1 = weighted_f1(scores);
  e.precision = std::move(scores.precision);
  e.recall = std::move(scores.recall);
  e.f1 = std::move(scores.f1);
  e.support = std::move(scores.support);

  e.roc_auc = roc_auc(probs, labels, num_classes);
  OneVsRest auc = roc_auc_ovr(probs, labels, num_classes);
  e.roc_auc_per_class = std::move(auc.per_class);
  e.roc_auc_undefined_classes = auc.num_undefined;
  e.average_precision = average_precision(probs, labels, num_classes);
  OneVsRest ap = average_precision_ovr(probs, labels, num_classes);
  e.average_precision_per_class = std::move(ap.per_class);
  e.average_precision_undefined_classes = ap.num_undefined;

  e.cross_entropy = cross_entropy(probs, labels, num_classes);
  e.brier_score = brier_score(probs, labels, num_classes);
  e.mean_entropy = mean_entropy(probs);
  Calibration cal =
      calibration(probs, labels, num_classes, options.calibration_bins);
  e.ece = cal.ece;
  e.reliability = std::move(cal.bins);
  return e;
}

template Evaluation evaluate(const Tensor<float>&, std::span<const int>, int,
                             const EvaluateOptions&);
template Evaluation evaluate(const Tensor<double>&, std::span<const int>, int,
                             const EvaluateOptions&);

}  // namespace losslab
