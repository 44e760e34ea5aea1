#include "datasets/synthetic.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace losslab {
namespace {

void check_sizes(const char* where, int n, int k, double noise) {
  if (k < 1 || n < k || !(noise >= 0) || !std::isfinite(noise)) {
    throw std::invalid_argument(
        std::string(where) + ": expected K >= 1, N >= K and a finite noise " +
        ">= 0; got N=" + std::to_string(n) + ", K=" + std::to_string(k) +
        ", noise=" + std::to_string(noise));
  }
}

// n / k per class, the first n % k classes one larger.
int class_size(int n, int k, int c) { return n / k + (c < n % k ? 1 : 0); }

double linspace(double a, double b, int m, int i) {
  return m == 1 ? a : a + (b - a) * i / (m - 1);
}

// Shuffles the samples of a D-feature set in place with one permutation.
Dataset shuffled(int d, std::vector<float> x, std::vector<int> y, int k,
                 std::mt19937_64& rng) {
  std::vector<int> order(y.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  Dataset ds = Dataset::from_features(d, std::move(x), std::move(y), k);
  return ds.subset(order);
}

}  // namespace

Dataset make_blobs(const BlobsOptions& o) {
  check_sizes("make_blobs", o.num_samples, o.num_classes, o.cluster_std);
  if (o.num_features < 1) {
    throw std::invalid_argument("make_blobs: expected D >= 1, got " +
                                std::to_string(o.num_features));
  }
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> box(-o.center_box, o.center_box);
  std::normal_distribution<double> gauss(0.0, o.cluster_std);
  const int d = o.num_features;

  // Centres: K x D.
  std::vector<double> centers(std::size_t(o.num_classes) * d);
  for (double& c : centers) c = box(rng);

  // Points: N x D, class by class.
  std::vector<float> x;
  std::vector<int> y;
  for (int c = 0; c < o.num_classes; ++c) {
    for (int i = 0; i < class_size(o.num_samples, o.num_classes, c); ++i) {
      for (int j = 0; j < d; ++j) {
        x.push_back(float(centers[std::size_t(c) * d + j] + gauss(rng)));
      }
      y.push_back(c);
    }
  }
  return shuffled(d, std::move(x), std::move(y), o.num_classes, rng);
}

Dataset make_moons(const MoonsOptions& o) {
  check_sizes("make_moons", o.num_samples, 2, o.noise);
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  const int n_outer = o.num_samples / 2;
  const int n_inner = o.num_samples - n_outer;
  std::vector<float> x;
  std::vector<int> y;
  for (int i = 0; i < n_outer; ++i) {
    const double t = linspace(0, std::numbers::pi, n_outer, i);
    x.push_back(float(std::cos(t) + o.noise * gauss(rng)));
    x.push_back(float(std::sin(t) + o.noise * gauss(rng)));
    y.push_back(0);
  }
  for (int i = 0; i < n_inner; ++i) {
    const double t = linspace(0, std::numbers::pi, n_inner, i);
    x.push_back(float(1 - std::cos(t) + o.noise * gauss(rng)));
    x.push_back(float(0.5 - std::sin(t) + o.noise * gauss(rng)));
    y.push_back(1);
  }
  return shuffled(2, std::move(x), std::move(y), 2, rng);
}

Dataset make_spirals(const SpiralsOptions& o) {
  check_sizes("make_spirals", o.num_samples, o.num_classes, o.noise);
  std::mt19937_64 rng(o.seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  std::vector<float> x;
  std::vector<int> y;
  for (int c = 0; c < o.num_classes; ++c) {
    const int m = class_size(o.num_samples, o.num_classes, c);
    for (int i = 0; i < m; ++i) {
      const double r = linspace(0, 1, m, i);
      const double t =
          linspace(4.0 * c, 4.0 * (c + 1), m, i) + o.noise * gauss(rng);
      x.push_back(float(r * std::sin(t)));
      x.push_back(float(r * std::cos(t)));
      y.push_back(c);
    }
  }
  return shuffled(2, std::move(x), std::move(y), o.num_classes, rng);
}

}  // namespace losslab
