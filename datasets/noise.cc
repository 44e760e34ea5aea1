// Label noise by exact counts: every transform below decides an integer
// K x K move table first, then one shared routine picks which samples move.
#include "datasets/noise.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <stdexcept>

#include "datasets/transforms.h"

namespace losslab {
namespace {

void check_rate(double rate, const char* where) {
  if (!(rate >= 0 && rate <= 1)) {
    throw std::invalid_argument(std::string(where) +
                                ": noise rate out of range; expected [0, 1], "
                                "got " +
                                std::to_string(rate));
  }
}

// moves[i * K + j] samples of clean class i get label j (the row sums to
// n_i). Draws the samples, sets the labels and reports.
NoiseReport apply_moves(Dataset& data, const std::vector<int>& moves,
                        std::vector<double> requested, const char* kind,
                        uint64_t seed, std::mt19937_64& rng) {
  const int k = data.num_classes();
  std::vector<std::vector<int>> by_class(k);
  for (int i = 0; i < data.size(); ++i) {
    by_class[data.clean_labels()[i]].push_back(i);
  }
  std::vector<int> noisy = data.clean_labels();
  for (int i = 0; i < k; ++i) {
    // A random order of class i's samples, cut into consecutive blocks, one
    // per target class.
    std::vector<int>& pool = by_class[i];
    std::shuffle(pool.begin(), pool.end(), rng);
    std::size_t at = 0;
    for (int j = 0; j < k; ++j) {
      const int m = moves[std::size_t(i) * k + j];
      for (int t = 0; t < m; ++t) noisy[pool[at++]] = j;
    }
  }
  data.set_labels(std::move(noisy));

  NoiseReport rep;
  rep.kind = kind;
  rep.seed = seed;
  rep.num_samples = data.size();
  rep.num_noisy = data.num_noisy();
  rep.num_classes = k;
  rep.realised_rate = data.size() ? double(rep.num_noisy) / data.size() : 0.0;
  const std::vector<int> counts = data.clean_class_counts();
  for (int i = 0; i < k; ++i) {
    rep.requested_rate += data.size() ? double(counts[i]) / data.size() *
                                            (1 - requested[i * k + i])
                                      : 0.0;
  }
  rep.requested_matrix = std::move(requested);
  rep.empirical_matrix =
      empirical_transition_matrix(data.clean_labels(), data.labels(), k);
  return rep;
}

}  // namespace

std::vector<double> symmetric_transition_matrix(int num_classes, double rate) {
  check_rate(rate, "symmetric_transition_matrix");
  if (num_classes < 2) {
    throw std::invalid_argument(
        "symmetric_transition_matrix: expected K >= 2, got " +
        std::to_string(num_classes));
  }
  const int k = num_classes;
  std::vector<double> t(std::size_t(k) * k, rate / (k - 1));
  for (int i = 0; i < k; ++i) t[std::size_t(i) * k + i] = 1 - rate;
  return t;
}

std::vector<double> empirical_transition_matrix(std::span<const int> clean,
                                                std::span<const int> noisy,
                                                int k) {
  if (clean.size() != noisy.size() || k < 1) {
    throw std::invalid_argument(
        "empirical_transition_matrix: expected equal label counts and K >= "
        "1; got " +
        std::to_string(clean.size()) + " and " + std::to_string(noisy.size()) +
        " labels, K=" + std::to_string(k));
  }
  // Integer counts first, one division each, so 700 of 1000 gives the
  // double nearest 0.7 rather than a sum of 700 rounded 0.001s.
  const std::vector<int> counts = count_labels(clean, k);
  count_labels(noisy, k);  // range check only
  std::vector<long> pairs(std::size_t(k) * k, 0);
  for (std::size_t s = 0; s < clean.size(); ++s) {
    ++pairs[std::size_t(clean[s]) * k + noisy[s]];
  }
  std::vector<double> t(std::size_t(k) * k, 0.0);
  for (std::size_t e = 0; e < t.size(); ++e) {
    const int n = counts[e / k];
    t[e] = n ? double(pairs[e]) / n : 0.0;
  }
  return t;
}

NoiseReport add_symmetric_noise(Dataset& data, double rate, uint64_t seed) {
  std::vector<double> t = symmetric_transition_matrix(data.num_classes(), rate);
  const int k = data.num_classes();
  std::mt19937_64 rng(seed);

  // How many to flip in each class: round(rate * N) in all, shared by
  // class size, so the overall rate is exact.
  const std::vector<int> counts = data.clean_class_counts();
  const int total = static_cast<int>(std::llround(rate * data.size()));
  const std::vector<int> flips =
      apportion(total, std::vector<double>(counts.begin(), counts.end()), rng);

  // Where the flipped ones go: the other K - 1 classes equally.
  std::vector<int> moves(std::size_t(k) * k, 0);
  const std::vector<double> equal(k - 1, 1.0);
  for (int i = 0; i < k; ++i) {
    const std::vector<int> share = apportion(flips[i], equal, rng);
    for (int j = 0, s = 0; j < k; ++j) {
      if (j != i) moves[std::size_t(i) * k + j] = share[s++];
    }
    moves[std::size_t(i) * k + i] = counts[i] - flips[i];
  }
  return apply_moves(data, moves, std::move(t), "symmetric", seed, rng);
}

NoiseReport add_asymmetric_noise(Dataset& data, double rate,
                                 std::span<const std::pair<int, int>> pairs,
                                 uint64_t seed) {
  const char* where = "add_asymmetric_noise";
  check_rate(rate, where);
  const int k = data.num_classes();
  std::vector<double> t(std::size_t(k) * k, 0.0);
  for (int i = 0; i < k; ++i) t[std::size_t(i) * k + i] = 1.0;
  std::vector<int> seen(k, 0);
  for (const auto& [src, dst] : pairs) {
    if (src < 0 || src >= k || dst < 0 || dst >= k || src == dst ||
        seen[src]++) {
      throw std::invalid_argument(
          std::string(where) + ": bad pair (" + std::to_string(src) + ", " +
          std::to_string(dst) + "); expected distinct classes in [0, " +
          std::to_string(k) + ") and each source once");
    }
    t[std::size_t(src) * k + src] = 1 - rate;
    t[std::size_t(src) * k + dst] = rate;
  }

  // Exact counts: round(rate * n_src) moved per source class.
  const std::vector<int> counts = data.clean_class_counts();
  std::vector<int> moves(std::size_t(k) * k, 0);
  for (int i = 0; i < k; ++i) moves[std::size_t(i) * k + i] = counts[i];
  for (const auto& [src, dst] : pairs) {
    const int m = static_cast<int>(std::llround(rate * counts[src]));
    moves[std::size_t(src) * k + src] -= m;
    moves[std::size_t(src) * k + dst] = m;
  }
  std::mt19937_64 rng(seed);
  return apply_moves(data, moves, std::move(t), "asymmetric", seed, rng);
}

std::span<const std::pair<int, int>> fashion_mnist_noise_pairs() {
  static const std::array<std::pair<int, int>, 3> pairs = {
      {{0, 6}, {2, 4}, {5, 7}}};
  return pairs;
}

NoiseReport add_transition_noise(Dataset& data, std::span<const double> m,
                                 uint64_t seed) {
  const char* where = "add_transition_noise";
  const int k = data.num_classes();
  if (m.size() != std::size_t(k) * k) {
    throw std::invalid_argument(
        std::string(where) + ": wrong matrix size; expected K x K = " +
        std::to_string(k * k) + " entries, got " + std::to_string(m.size()));
  }
  for (int i = 0; i < k; ++i) {
    double row = 0;
    for (int j = 0; j < k; ++j) {
      const double v = m[std::size_t(i) * k + j];
      if (!(v >= 0 && v <= 1)) {
        throw std::invalid_argument(
            std::string(where) + ": entry (" + std::to_string(i) + ", " +
            std::to_string(j) + ") out of range; expected [0, 1], got " +
            std::to_string(v));
      }
      row += v;
    }
    if (std::abs(row - 1) > 1e-6) {
      throw std::invalid_argument(
          std::string(where) + ": row " + std::to_string(i) +
          " does not sum to 1; got " + std::to_string(row));
    }
  }

  // Each class's samples shared among targets by the matrix row.
  std::mt19937_64 rng(seed);
  const std::vector<int> counts = data.clean_class_counts();
  std::vector<int> moves(std::size_t(k) * k, 0);
  for (int i = 0; i < k; ++i) {
    const std::vector<int> share =
        apportion(counts[i], m.subspan(std::size_t(i) * k, k), rng);
    std::copy(share.begin(), share.end(), moves.begin() + std::size_t(i) * k);
  }
  return apply_moves(data, moves, std::vector<double>(m.begin(), m.end()),
                     "transition", seed, rng);
}

}  // namespace losslab
