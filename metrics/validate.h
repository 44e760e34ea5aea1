// Input checks shared by every metric (internal to metrics/).
//
// Each check throws std::invalid_argument whose message starts with the name
// of the public function that was called (`where`) and carries the offending
// shape, row or value. Nothing here repairs input.
#pragma once

#include <span>
#include <string_view>

#include "autograd/tensor.h"

namespace losslab::metrics_internal {

// How far a row of probabilities may sum from 1 before it is rejected. Loose
// enough for float softmax output over many classes, tight enough to catch
// logits or unnormalised scores passed by mistake.
inline constexpr double kRowSumTolerance = 1e-3;

// num_classes >= 2.
void check_num_classes(std::string_view where, int num_classes);

// labels non-empty and every label in [0, num_classes). `what` names the
// labels in messages ("label", "predicted label").
void check_labels(std::string_view where, std::span<const int> labels,
                  int num_classes, std::string_view what = "label");

// probs is N x K with N >= 1, every entry finite and in [0, 1], every row
// summing to 1 within kRowSumTolerance.
template <class T>
void check_probabilities(std::string_view where, const Tensor<T>& probs);

// check_num_classes, check_probabilities, probs.cols() == num_classes,
// labels.size() == probs.rows() and check_labels.
template <class T>
void check_probabilities_and_labels(std::string_view where,
                                    const Tensor<T>& probs,
                                    std::span<const int> labels,
                                    int num_classes);

// scores and labels the same non-zero length, scores finite, labels in {0,1}.
void check_binary_scores(std::string_view where, std::span<const double> scores,
                         std::span<const int> labels);

// zero_division is NaN or in [0, 1].
void check_zero_division(std::string_view where, double zero_division);

}  // namespace losslab::metrics_internal
