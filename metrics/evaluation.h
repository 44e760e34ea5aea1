// evaluate(): every metric of metrics/ at once, for a study's result file.
//
// Evaluation is a plain struct of numbers and vectors laid out the way it is
// serialised (see metrics/json.h); it holds no references to its inputs.
// Each field has the meaning documented with the function computing it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograd/tensor.h"
#include "metrics/classification.h"
#include "metrics/probabilistic.h"
#include "metrics/ranking.h"

namespace losslab {

struct EvaluateOptions {
  double zero_division = kDefaultZeroDivision;  // see class_scores
  int calibration_bins = kDefaultCalibrationBins;
};

struct Evaluation {
  int num_samples = 0;  // N
  int num_classes = 0;  // K

  // Counting metrics (classification.h); argmax predictions.
  double accuracy = 0.0;
  double balanced_accuracy = 0.0;
  double macro_f1 = 0.0;
  double weighted_f1 = 0.0;
  // Length K each, index = class.
  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> f1;
  std::vector<std::int64_t> support;
  ConfusionMatrix confusion;

  // Ranking metrics (ranking.h). roc_auc and average_precision are the
  // headline values (binary on column 1 for K = 2, one-vs-rest macro mean for
  // K > 2); the per-class vectors are always one-vs-rest, NaN where
  // undefined, and *_undefined_classes counts those NaNs.
  double roc_auc = 0.0;
  std::vector<double> roc_auc_per_class;
  int roc_auc_undefined_classes = 0;
  double average_precision = 0.0;
  std::vector<double> average_precision_per_class;
  int average_precision_undefined_classes = 0;

  // Probabilistic metrics (probabilistic.h).
  double cross_entropy = 0.0;
  double brier_score = 0.0;
  double mean_entropy = 0.0;
  double ece = 0.0;
  std::vector<ReliabilityBin> reliability;
};

// All metrics for N x K probabilities and N labels in [0, K). Throws
// std::invalid_argument on shape, label or probability errors (see
// classification.h), a bad zero_division or calibration_bins < 1.
template <class T>
Evaluation evaluate(const Tensor<T>& probs, std::span<const int> labels,
                    int num_classes, const EvaluateOptions& options = {});

}  // namespace losslab
