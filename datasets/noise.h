// Label noise on training labels: symmetric, asymmetric class pairs, and
// any K x K transition matrix T, where T[i][j] = P(noisy = j | clean = i).
//
// Semantics shared by all three:
// - Noise is drawn from the clean labels and replaces the current labels,
//   so applying noise twice never flips a label twice: the second call
//   replaces the first. The clean labels and the noisy mask stay in the
//   Dataset (labels(), clean_labels(), noisy_mask()).
// - Counts are exact, not sampled independently per label. For clean class
//   i with n_i samples, the number moved to each class j is n_i * T[i][j]
//   rounded by largest remainder (transforms.h: apportion), and a seeded
//   random choice decides which samples move. The realised rate and the
//   empirical matrix therefore match the request up to rounding (about
//   1 / n_i), where per-label draws would scatter by sqrt(T (1 - T) / n_i).
// - Test sets are not meant to be noised; nothing here stops a caller.
//
// Each call returns a NoiseReport with the requested and empirical matrices.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "datasets/dataset.h"

namespace losslab {

struct NoiseReport {
  std::string kind;  // "symmetric", "asymmetric" or "transition"
  uint64_t seed = 0;
  int num_samples = 0;        // N
  int num_noisy = 0;          // labels now differing from the clean ones
  double requested_rate = 0;  // expected fraction noisy under the request
  double realised_rate = 0;   // num_noisy / N
  int num_classes = 0;        // K
  std::vector<double> requested_matrix;  // K x K, row-major
  std::vector<double> empirical_matrix;  // K x K, row-major
};

// Symmetric noise ("flip to a different class", case C29): exactly
// round(rate * N) samples are chosen, shared among classes in proportion to
// their sizes, and each gets a class other than its clean one, the other
// K - 1 classes equally often. T[i][i] = 1 - rate, T[i][j] = rate / (K - 1).
// No chosen sample keeps its label, so the realised rate is the rate
// asked for (unlike the "uniform redraw over K classes" variant, whose rate
// is rate * (1 - 1/K)). Throws std::invalid_argument unless 0 <= rate <= 1
// and K >= 2.
NoiseReport add_symmetric_noise(Dataset& data, double rate, uint64_t seed);

// Asymmetric (class-dependent) noise: for each pair (source, target),
// round(rate * n_source) samples of the source class get the target label;
// other classes are untouched. Throws std::invalid_argument unless
// 0 <= rate <= 1 and every pair has distinct in-range classes with no
// source listed twice.
NoiseReport add_asymmetric_noise(Dataset& data, double rate,
                                 std::span<const std::pair<int, int>> pairs,
                                 uint64_t seed);

// The Fashion-MNIST pairs used by the studies: visually similar classes,
// T-shirt/top -> Shirt (0 -> 6), Pullover -> Coat (2 -> 4),
// Sandal -> Sneaker (5 -> 7). Chosen as one-way flips so every noisy label
// names a plausible confusion and no class is both source and target.
std::span<const std::pair<int, int>> fashion_mnist_noise_pairs();

// Noise from any K x K row-stochastic matrix (row-major). Throws
// std::invalid_argument unless it has K * K finite entries in [0, 1] and
// each row sums to 1 within 1e-6.
NoiseReport add_transition_noise(Dataset& data, std::span<const double> matrix,
                                 uint64_t seed);

// The matrix symmetric noise targets: 1 - rate on the diagonal, rate / (K-1)
// elsewhere (for K = 10, rate 0.5: 0.5 and 0.0555556).
std::vector<double> symmetric_transition_matrix(int num_classes, double rate);

// Row-normalised counts of (clean, noisy) pairs: K x K, row-major; a class
// with no sample gets a zero row. Throws std::invalid_argument on
// mismatched sizes or labels outside [0, K).
std::vector<double> empirical_transition_matrix(std::span<const int> clean,
                                                std::span<const int> noisy,
                                                int num_classes);

}  // namespace losslab
