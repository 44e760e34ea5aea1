// Metrics of the predicted probabilities themselves: cross-entropy, Brier
// score, expected calibration error with its reliability diagram, and mean
// prediction entropy. Two models with equal accuracy can differ widely here.
//
// Inputs are N x K probabilities (rows summing to 1) and N labels in [0, K);
// every function throws std::invalid_argument on shape, label or probability
// errors, as described in classification.h. Sums run in double whatever T.
// Logarithms are natural, so cross-entropy and entropy are in nats.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograd/tensor.h"

namespace losslab {

// The probability below which cross_entropy clamps before the logarithm, so
// that a zero probability on the true class gives the large finite value
// -ln(1e-15) = 34.54 instead of inf (the floor scikit-learn's log_loss used).
inline constexpr double kProbabilityFloor = 1e-15;

// Mean negative log-likelihood of the true class:
//   CE = -(1/N) sum_i ln(max(p_{i, y_i}, kProbabilityFloor))
// 0 for a model certain and right; 0.673 for one that is right but gives
// the true class only 0.51 everywhere; at most 34.54 per sample.
template <class T>
double cross_entropy(const Tensor<T>& probs, std::span<const int> labels,
                     int num_classes);

// Multi-class Brier score, the mean squared distance to the one-hot target:
//   BS = (1/N) sum_i sum_k (p_ik - [y_i == k])^2,   in [0, 2].
// For K = 2 this is twice scikit-learn's binary brier_score_loss, which
// scores the positive column only.
template <class T>
double brier_score(const Tensor<T>& probs, std::span<const int> labels,
                   int num_classes);

// Mean Shannon entropy of the predicted distributions:
//   H = -(1/N) sum_i sum_k p_ik ln p_ik,   with 0 ln 0 = 0,
// between 0 (one-hot predictions) and ln K (uniform). Labels are not needed.
template <class T>
double mean_entropy(const Tensor<T>& probs);

inline constexpr int kDefaultCalibrationBins = 15;

// One bin of a reliability diagram.
struct ReliabilityBin {
  double lower = 0.0;  // the bin holds confidences in (lower, upper]
  double upper = 0.0;
  std::int64_t count = 0;
  // Means over the samples in the bin; NaN when count is 0.
  double mean_confidence = 0.0;
  double accuracy = 0.0;
};

struct Calibration {
  double ece = 0.0;
  std::vector<ReliabilityBin> bins;  // num_bins entries, lowest first
};

// Expected calibration error over equal-width confidence bins (Guo et al.,
// "On Calibration of Modern Neural Networks", 2017). The confidence of
// sample i is c_i = max_k p_ik and it is correct when argmax_k p_ik = y_i
// (lowest index on ties, as predicted_labels). Bin b of B holds confidences
// in (b/B, (b+1)/B]; a confidence of exactly 0 falls into bin 0. Then
//   ECE = sum_b (n_b / N) |accuracy_b - mean_confidence_b|.
// A confidence on a bin edge may land in either neighbour through rounding
// of c * B. Throws std::invalid_argument also when num_bins < 1.
template <class T>
Calibration calibration(const Tensor<T>& probs, std::span<const int> labels,
                        int num_classes,
                        int num_bins = kDefaultCalibrationBins);

// calibration(...).ece.
template <class T>
double expected_calibration_error(const Tensor<T>& probs,
                                  std::span<const int> labels, int num_classes,
                                  int num_bins = kDefaultCalibrationBins);

}  // namespace losslab
