#include "datasets/synthetic.h"

#include <gtest/gtest.h>

#include <cmath>

namespace losslab {
namespace {

TEST(BlobsTest, ClassSizesShareTheRemainder) {
  // 10 over 3 classes: 4, 3, 3.
  const Dataset d = make_blobs({.num_samples = 10, .num_classes = 3});
  EXPECT_EQ(d.class_counts(), (std::vector<int>{4, 3, 3}));
  EXPECT_EQ(d.num_features(), 2);
}

TEST(BlobsTest, SameSeedSameData) {
  const Dataset a = make_blobs({.seed = 4});
  const Dataset b = make_blobs({.seed = 4});
  EXPECT_EQ(a.features(), b.features());
  EXPECT_EQ(a.labels(), b.labels());
}

TEST(BlobsTest, DifferentSeedDifferentData) {
  EXPECT_NE(make_blobs({.seed = 4}).features(),
            make_blobs({.seed = 5}).features());
}

TEST(BlobsTest, TooFewSamplesThrows) {
  EXPECT_THROW(make_blobs({.num_samples = 2, .num_classes = 3}),
               std::invalid_argument);
}

TEST(MoonsTest, NoiselessPointsLieOnTheirCircles) {
  // Class 0 on the unit circle; class 1 on the unit circle around (1, 0.5).
  const Dataset d = make_moons({.num_samples = 7, .noise = 0.0});
  EXPECT_EQ(d.class_counts(), (std::vector<int>{3, 4}));
  for (int i = 0; i < d.size(); ++i) {
    const double x = d.features()[2 * i], y = d.features()[2 * i + 1];
    const double r =
        d.labels()[i] == 0 ? std::hypot(x, y) : std::hypot(x - 1, y - 0.5);
    EXPECT_NEAR(r, 1.0, 1e-6) << "sample " << i;  // float storage
  }
}

TEST(SpiralsTest, NoiselessRadiiSpanZeroToOne) {
  // Without angle noise each point's norm is its radius r in [0, 1].
  const Dataset d =
      make_spirals({.num_samples = 30, .num_classes = 3, .noise = 0.0});
  double lo = 1e9, hi = 0;
  for (int i = 0; i < d.size(); ++i) {
    const double r = std::hypot(d.features()[2 * i], d.features()[2 * i + 1]);
    lo = std::min(lo, r);
    hi = std::max(hi, r);
  }
  EXPECT_NEAR(lo, 0.0, 1e-6);
  EXPECT_NEAR(hi, 1.0, 1e-6);
  EXPECT_EQ(d.class_counts(), (std::vector<int>{10, 10, 10}));
}

}  // namespace
}  // namespace losslab
