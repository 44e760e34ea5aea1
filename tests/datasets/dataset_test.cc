#include "datasets/dataset.h"

#include <gtest/gtest.h>

namespace losslab {
namespace {

// Two 1x2 images: pixels {0, 255} and {51, 102}, labels 1 and 0.
Dataset two_images() {
  return Dataset::from_images(1, 2, {0, 255, 51, 102}, {1, 0}, 2,
                              {"no", "yes"});
}

TEST(DatasetTest, FillBatchScalesPixelsToUnitInterval) {
  // 255 / 255 = 1, 51 / 255 = 0.2, 102 / 255 = 0.4.
  Tensor<float> x;
  std::vector<int> y;
  const int idx[2] = {1, 0};
  two_images().fill_batch(idx, x, y);
  ASSERT_EQ(x.shape_str(), "2x2");
  EXPECT_FLOAT_EQ(x(0, 0), 0.2f);
  EXPECT_FLOAT_EQ(x(0, 1), 0.4f);
  EXPECT_FLOAT_EQ(x(1, 1), 1.0f);
  EXPECT_EQ(y, (std::vector<int>{0, 1}));
}

TEST(DatasetTest, FillBatchDoubleMatchesFloat) {
  Tensor<double> x;
  std::vector<int> y;
  const int idx[1] = {1};
  two_images().fill_batch(idx, x, y);
  EXPECT_NEAR(x(0, 0), 0.2, 1e-12);
}

TEST(DatasetTest, FillBatchBadIndexThrowsAndLeavesOutput) {
  Tensor<float> x(1, 1, 7.0f);
  std::vector<int> y = {3};
  const int idx[2] = {0, 2};
  EXPECT_THROW(two_images().fill_batch(idx, x, y), std::invalid_argument);
  EXPECT_EQ(x(0, 0), 7.0f);
  EXPECT_EQ(y, std::vector<int>{3});
}

TEST(DatasetTest, PixelCountMismatchThrows) {
  EXPECT_THROW(Dataset::from_images(2, 2, {1, 2, 3}, {0}, 1),
               std::invalid_argument);
}

TEST(DatasetTest, LabelOutOfRangeThrows) {
  EXPECT_THROW(Dataset::from_features(1, {1.f, 2.f}, {0, 2}, 2),
               std::invalid_argument);
}

TEST(DatasetTest, WrongNumberOfClassNamesThrows) {
  EXPECT_THROW(Dataset::from_features(1, {1.f}, {0}, 2, {"only"}),
               std::invalid_argument);
}

TEST(DatasetTest, SetLabelsKeepsCleanLabelsAndMarksChanges) {
  Dataset d = Dataset::from_features(1, {0.f, 0.f, 0.f}, {0, 1, 1}, 2);
  d.set_labels({1, 1, 0});
  EXPECT_EQ(d.clean_labels(), (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(d.noisy_mask(), (std::vector<uint8_t>{1, 0, 1}));
  EXPECT_EQ(d.num_noisy(), 2);
}

TEST(DatasetTest, SubsetCarriesLabelsMaskAndNames) {
  Dataset d =
      Dataset::from_features(1, {10.f, 11.f, 12.f}, {0, 1, 1}, 2, {"a", "b"});
  d.set_labels({0, 0, 1});
  const int idx[2] = {2, 1};
  const Dataset s = d.subset(idx);
  EXPECT_EQ(s.features(), (std::vector<float>{12.f, 11.f}));
  EXPECT_EQ(s.labels(), (std::vector<int>{1, 0}));
  EXPECT_EQ(s.clean_labels(), (std::vector<int>{1, 1}));
  EXPECT_EQ(s.noisy_mask(), (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(s.class_names()[1], "b");
}

TEST(DatasetTest, SubsetOfImagesStaysUint8) {
  const int idx[1] = {1};
  const Dataset s = two_images().subset(idx);
  EXPECT_TRUE(s.is_image());
  EXPECT_EQ(s.pixels(), (std::vector<uint8_t>{51, 102}));
}

TEST(DatasetTest, TransformsCompose) {
  // (5 - 1) * 2 = 8, then (8 - 4) * 0.5 = 2.
  Dataset d = Dataset::from_features(1, {5.f}, {0}, 1);
  d.apply_transform({{1.f}, {2.f}});
  d.apply_transform({{4.f}, {0.5f}});
  EXPECT_FLOAT_EQ(d.row(0)[0], 2.0f);
}

TEST(DatasetTest, ZeroScaleTransformThrows) {
  Dataset d = Dataset::from_features(1, {5.f}, {0}, 1);
  EXPECT_THROW(d.apply_transform({{0.f}, {0.f}}), std::invalid_argument);
}

TEST(DatasetTest, ClassCountsCountCurrentLabels) {
  const Dataset d = Dataset::from_features(1, {0.f, 0.f, 0.f}, {2, 0, 2}, 3);
  EXPECT_EQ(d.class_counts(), (std::vector<int>{1, 0, 2}));
}

}  // namespace
}  // namespace losslab
