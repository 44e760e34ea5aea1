// Synthetic classification sets for tests and quick demos: Gaussian blobs,
// two moons and spirals, each from a seed and a size.
//
// Samples are shuffled (seeded) as scikit-learn's generators do by default;
// per-class counts are n / K with the first n % K classes one larger. The
// same seed gives the same set with the same standard library; the normal
// distribution of another library may draw different numbers.
#pragma once

#include <cstdint>

#include "datasets/dataset.h"

namespace losslab {

// K Gaussian blobs in D dimensions: centres uniform in
// [-center_box, center_box]^D, each point centre + N(0, cluster_std^2 I)
// (scikit-learn's make_blobs).
struct BlobsOptions {
  int num_samples = 300;
  int num_classes = 3;
  int num_features = 2;
  double cluster_std = 1.0;
  double center_box = 10.0;
  uint64_t seed = 0;
};
Dataset make_blobs(const BlobsOptions& options);

// Two interleaved half circles in 2-D (scikit-learn's make_moons): class 0
// on (cos t, sin t), class 1 on (1 - cos t, 0.5 - sin t), t evenly spaced in
// [0, pi], plus N(0, noise^2) on each coordinate. Class 0 gets n / 2 points.
struct MoonsOptions {
  int num_samples = 200;
  double noise = 0.1;
  uint64_t seed = 0;
};
Dataset make_moons(const MoonsOptions& options);

// K spiral arms in 2-D (the CS231n toy set): arm k has radius r evenly
// spaced in [0, 1] and angle t evenly spaced in [4k, 4(k+1)] plus
// N(0, noise^2); the point is (r sin t, r cos t).
struct SpiralsOptions {
  int num_samples = 300;
  int num_classes = 3;
  double noise = 0.2;
  uint64_t seed = 0;
};
Dataset make_spirals(const SpiralsOptions& options);

}  // namespace losslab
