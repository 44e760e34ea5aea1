// Seeded dataset transforms: stratified split, feature scaling fitted on the
// training part, and class-imbalance profiles. Each returns or fills a
// report saying exactly what it did.
//
// Counts are exact, not sampled: wherever a total must be shared among
// classes it is apportioned by largest remainder (Hamilton's method), with
// ties broken at random from the seed, so no class is favoured by its
// index. Which samples are kept within a class is a seeded random choice;
// kept samples stay in their original order.
//
// Imbalance transforms take a set without label noise (apply noise after
// them) and throw std::invalid_argument otherwise. Label noise lives in
// noise.h, the minibatch iterator in batch_loader.h.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace losslab {

// Splits `total` into non-negative integers proportional to `weights`
// (finite, >= 0, not all 0): floor of each quota, then one more for the
// largest fractional parts until the sum is `total`. Each share is the floor
// or the ceiling of its quota. Throws std::invalid_argument on bad weights
// or a negative total.
std::vector<int> apportion(int total, std::span<const double> weights,
                           std::mt19937_64& rng);

// ---------------------------------------------------------------------------
// Train / validation split

struct SplitReport {
  double validation_fraction = 0;
  uint64_t seed = 0;
  std::vector<int> train_counts;       // K, by clean label
  std::vector<int> validation_counts;  // K, by clean label
};

struct Split {
  Dataset train;
  Dataset validation;
  SplitReport report;
};

// Puts round(fraction * N) samples in the validation part, shared among
// classes in proportion to their clean-label counts (as scikit-learn's
// StratifiedShuffleSplit). Throws std::invalid_argument unless
// 0 < fraction < 1 and both parts are non-empty.
Split stratified_split(const Dataset& data, double validation_fraction,
                       uint64_t seed);

// ---------------------------------------------------------------------------
// Feature scaling

struct ScalerReport {
  std::string kind;           // "standardize" or "min-max"
  int fitted_on = 0;          // samples used for the fit
  std::vector<float> shift;   // D: the mean, or the minimum
  std::vector<float> scale;   // D: 1/std, or 1/(max - min)
  int constant_features = 0;  // features given scale 1 (zero spread)
};

// Standardisation x' = (x - mean) / std per feature, mean and population
// std (ddof 0, as scikit-learn's StandardScaler) fitted on the values
// `train` currently produces (images already in [0, 1]). A constant
// feature gets scale 1, so it maps to 0. The fit is applied to `train` and
// to each of `others` (validation and test sets are transformed with the
// training statistics, never refitted). Throws std::invalid_argument when
// `train` is empty, a feature holds NaN (load CSVs without missing values
// to standardise) or another set has a different D.
ScalerReport standardize(Dataset& train,
                         std::initializer_list<Dataset*> others = {});

// Min-max scaling x' = (x - min) / (max - min) to [0, 1] on `train`; other
// sets may fall outside [0, 1]. Same fitting rules as standardize.
ScalerReport scale_min_max(Dataset& train,
                           std::initializer_list<Dataset*> others = {});

// ---------------------------------------------------------------------------
// Class imbalance

struct ImbalanceReport {
  std::string profile;  // "binary", "step" or "long-tail"
  uint64_t seed = 0;
  std::vector<int> counts_before;  // per original class
  std::vector<int> counts_after;   // per class of the result
  std::vector<int> kept;           // indices into the input, ascending
};

// A binary task: samples of `positive_classes` become class 1, samples of
// `negative_classes` (all other classes when empty) class 0. Then the
// larger side is subsampled so that positives : negatives is
// ratio_positive : ratio_negative, keeping as many samples as possible:
//   n_neg = min(N_neg, floor(N_pos * b / a)),  n_pos = floor(n_neg * a / b)
// e.g. two Fashion-MNIST classes of 6000 at 1:100 give 60 : 6000.
// Each side is shared among its classes in proportion to their counts.
// Class names: the joined positive names, the joined negative names (or
// "rest"). Throws std::invalid_argument for an empty, overlapping or out
// of range class list, a ratio term < 1, or a ratio that leaves no
// positives.
struct BinaryTaskOptions {
  std::vector<int> positive_classes = {};
  std::vector<int> negative_classes = {};
  int ratio_positive = 1;
  int ratio_negative = 1;
  uint64_t seed = 0;
};
Dataset make_binary_task(const Dataset& data, const BinaryTaskOptions& options,
                         ImbalanceReport* report = nullptr);

// Step imbalance (Buda et al. 2018): with n = the smallest class count,
// majority classes keep n samples and each minority class keeps
// floor(n / imbalance_factor). Minority classes are the last floor(K / 2)
// class indices unless listed. Throws std::invalid_argument for a factor
// < 1, a bad class list, or a minority class left with no sample.
struct StepImbalanceOptions {
  double imbalance_factor = 10;
  std::vector<int> minority_classes = {};
  uint64_t seed = 0;
};
Dataset make_step_imbalance(const Dataset& data,
                            const StepImbalanceOptions& options,
                            ImbalanceReport* report = nullptr);

// Long-tailed imbalance (Cui et al. 2019, "Class-Balanced Loss Based on
// Effective Number of Samples"): with n = the smallest class count and
// factor rho = n_max / n_min, class k keeps
//   floor(n * rho^(-k / (K - 1)))
// so class 0 keeps n and class K-1 keeps n / rho (6000 at rho = 100 gives
// 6000 ... 60). A relative 1e-9 is added before the floor so exact
// products such as 6000 * 0.01 are not cut to 59 by rounding. Throws
// std::invalid_argument for rho < 1 or a class left with no sample.
struct LongTailOptions {
  double imbalance_factor = 100;
  uint64_t seed = 0;
};
Dataset make_long_tail(const Dataset& data, const LongTailOptions& options,
                       ImbalanceReport* report = nullptr);

// The seeded per-class subsample the imbalance transforms share: keeps
// counts[k] samples of clean class k (at most what exists), in original
// order. Throws std::invalid_argument if counts has K entries not all valid.
Dataset take_per_class(const Dataset& data, std::span<const int> counts,
                       uint64_t seed, std::vector<int>* kept = nullptr);

}  // namespace losslab
