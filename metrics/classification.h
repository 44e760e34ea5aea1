// Confusion matrix and the counting metrics built on it: accuracy, balanced
// accuracy, per-class precision / recall / F1, macro and weighted F1.
//
// The number of classes K always comes from the caller, never from the data
// (case C34): a class absent from both labels and predictions keeps its row
// and column, so per-class results stay attached to the right class.
// Probabilities become predictions by argmax, the lowest index winning ties
// (as numpy and PyTorch argmax do). Semantics follow scikit-learn where this
// file is silent. Ranking and probabilistic metrics live in ranking.h and
// probabilistic.h.
//
// Example:
//   ConfusionMatrix cm = confusion_matrix(probs, labels, /*num_classes=*/3);
//   ClassScores s = class_scores(cm);
//   double f1 = macro_f1(s);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograd/tensor.h"

namespace losslab {

// K x K counts; rows are true classes, columns predicted classes.
struct ConfusionMatrix {
  int num_classes = 0;
  // counts[t * K + p]: samples of true class t predicted as class p.
  std::vector<std::int64_t> counts;

  std::int64_t at(int true_class, int predicted_class) const {
    return counts[std::size_t(true_class) * num_classes + predicted_class];
  }
  // Samples whose true class is k (row sum).
  std::int64_t support(int k) const;
  // Samples predicted as k (column sum).
  std::int64_t predicted(int k) const;
  std::int64_t total() const;
};

// Argmax of each row of an N x K probability matrix; ties go to the lowest
// class index. Throws std::invalid_argument for an empty matrix or entries
// that are not finite probabilities in [0, 1] or rows not summing to 1.
template <class T>
std::vector<int> predicted_labels(const Tensor<T>& probs);

// The K x K matrix of (y_true[i], y_pred[i]) pairs. Throws
// std::invalid_argument when num_classes < 2, the spans are empty or differ
// in length, or a label is outside [0, num_classes).
ConfusionMatrix confusion_matrix(std::span<const int> y_true,
                                 std::span<const int> y_pred, int num_classes);

// The same from probabilities (N x K, see predicted_labels) and N labels.
// Throws std::invalid_argument on any shape, label or probability error.
template <class T>
ConfusionMatrix confusion_matrix(const Tensor<T>& probs,
                                 std::span<const int> labels, int num_classes);

// Fraction of samples on the diagonal: sum_k C[k][k] / N. NaN for a matrix
// with no samples. Throws std::invalid_argument when counts.size() != K * K
// (this holds for every function taking a ConfusionMatrix).
double accuracy(const ConfusionMatrix& cm);

// accuracy(confusion_matrix(probs, labels, num_classes)).
template <class T>
double accuracy(const Tensor<T>& probs, std::span<const int> labels,
                int num_classes);

// Mean recall over the classes that occur in the true labels (support > 0).
// Classes without support are left out, as in scikit-learn, because their
// recall is 0/0; a classifier that always predicts the majority class of a
// two-class problem scores 0.5 whatever the imbalance. NaN for an empty
// matrix.
double balanced_accuracy(const ConfusionMatrix& cm);

inline constexpr double kDefaultZeroDivision = 0.0;

// Per-class scores, index k = class k, each vector of length K. With
// tp = C[k][k], fp = column sum - tp, fn = row sum - tp (case C21):
//   precision = tp / (tp + fp)       zero_division when tp + fp = 0
//   recall    = tp / (tp + fn)       zero_division when tp + fn = 0
//   f1        = 2tp / (2tp + fp + fn) zero_division when tp = fp = fn = 0
// F1 is computed from counts, not from precision and recall, so it is
// defined (and 0) whenever the class was predicted or present but never
// hit, even if one of precision or recall fell back to zero_division.
struct ClassScores {
  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> f1;
  std::vector<std::int64_t> support;  // true samples of class k
};

// zero_division is the value used for 0/0: 0 (default), 1, anything in
// between, or NaN to mark it undefined. Throws std::invalid_argument for
// other values or a malformed matrix.
ClassScores class_scores(const ConfusionMatrix& cm,
                         double zero_division = kDefaultZeroDivision);

// Unweighted mean of the K per-class F1 values; classes absent from the data
// count with their zero_division F1. NaN entries (zero_division = NaN) are
// skipped; NaN when all are NaN.
double macro_f1(const ClassScores& scores);

// Support-weighted mean of per-class F1: sum_k support_k f1_k / N. Classes
// with no support have weight 0 and are skipped (their F1 may be NaN).
// NaN when the total support is 0.
double weighted_f1(const ClassScores& scores);

}  // namespace losslab
