// Real Fashion-MNIST from Debian's dataset-fashion-mnist package (or
// LOSSLAB_DATA), loaded once per suite (about half a second for the
// images). Skipped only when the data is missing. Also checks the noise
// transforms on its 60,000 training labels.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "datasets/idx.h"
#include "datasets/noise.h"

namespace losslab {
namespace {

class FashionMnistTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::is_directory(default_data_dir())) return;
    data_ = std::make_unique<TrainTest>(load_fashion_mnist());
  }
  static void TearDownTestSuite() { data_.reset(); }

  void SetUp() override {
    if (data_ == nullptr) {
      GTEST_SKIP() << "no Fashion-MNIST in " << default_data_dir()
                   << " (install dataset-fashion-mnist or set LOSSLAB_DATA)";
    }
  }

  static std::unique_ptr<TrainTest> data_;
};

std::unique_ptr<TrainTest> FashionMnistTest::data_;

TEST_F(FashionMnistTest, TrainHas60000ImagesOf28x28) {
  EXPECT_EQ(data_->train.size(), 60000);
  EXPECT_EQ(data_->train.image_rows(), 28);
  EXPECT_EQ(data_->train.image_cols(), 28);
  EXPECT_EQ(data_->train.num_features(), 784);
}

TEST_F(FashionMnistTest, TestHas10000ImagesOf28x28) {
  EXPECT_EQ(data_->test.size(), 10000);
  EXPECT_EQ(data_->test.num_features(), 784);
}

TEST_F(FashionMnistTest, TrainHas6000PerClass) {
  EXPECT_EQ(data_->train.class_counts(), std::vector<int>(10, 6000));
}

TEST_F(FashionMnistTest, TestHas1000PerClass) {
  EXPECT_EQ(data_->test.class_counts(), std::vector<int>(10, 1000));
}

TEST_F(FashionMnistTest, PixelsStayUint8) {
  // 60000 * 784 bytes, no float copy.
  EXPECT_EQ(data_->train.pixels().size(), 47040000u);
  EXPECT_TRUE(data_->train.features().empty());
}

TEST_F(FashionMnistTest, ClassNamesFollowLabelOrder) {
  const auto& names = data_->train.class_names();
  ASSERT_EQ(names.size(), 10u);
  EXPECT_EQ(names[0], "T-shirt/top");
  EXPECT_EQ(names[6], "Shirt");
  EXPECT_EQ(names[9], "Ankle boot");
}

TEST_F(FashionMnistTest, BatchValuesLieInUnitInterval) {
  Tensor<float> x;
  std::vector<int> y;
  const int idx[3] = {0, 1, 59999};
  data_->train.fill_batch(idx, x, y);
  ASSERT_EQ(x.rows(), 3);
  const auto [lo, hi] = std::minmax_element(x.data(), x.data() + x.size());
  EXPECT_GE(*lo, 0.0f);
  EXPECT_LE(*hi, 1.0f);
  EXPECT_GT(*hi, 0.5f);  // real images have bright pixels
}

// The 60,000 training labels alone (a 30 kB file) on a 1-feature set, so
// the noise tests stay fast even when run one process per test.
class FashionMnistLabelsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string path = default_data_dir() + "/train-labels-idx1-ubyte";
    if (!std::filesystem::exists(path)) path += ".gz";
    if (!std::filesystem::exists(path)) return;
    std::vector<int> y = load_idx_labels(path);
    const auto& names = fashion_mnist_class_names();
    labels_ = std::make_unique<Dataset>(Dataset::from_features(
        1, std::vector<float>(y.size(), 0.0f), y, 10,
        std::vector<std::string>(names.begin(), names.end())));
  }
  static void TearDownTestSuite() { labels_.reset(); }

  void SetUp() override {
    if (labels_ == nullptr) {
      GTEST_SKIP() << "no Fashion-MNIST labels in " << default_data_dir();
    }
  }

  static std::unique_ptr<Dataset> labels_;
};

std::unique_ptr<Dataset> FashionMnistLabelsTest::labels_;

TEST_F(FashionMnistLabelsTest, SymmetricNoiseRateIsExactOn60000Labels) {
  Dataset d = *labels_;
  const NoiseReport rep = add_symmetric_noise(d, 0.4, 11);
  // round(0.4 * 60000) = 24000 flipped, 2400 in each class of 6000.
  EXPECT_EQ(rep.num_noisy, 24000);
  EXPECT_DOUBLE_EQ(rep.realised_rate, 0.4);
}

TEST_F(FashionMnistLabelsTest, SymmetricNoiseMatrixMatchesOn60000Labels) {
  Dataset d = *labels_;
  const NoiseReport rep = add_symmetric_noise(d, 0.4, 12);
  // Requested T_ii = 0.6, T_ij = 0.4 / 9 = 0.0444; the 2400 flips of a class
  // split 266 or 267 per target, so each entry is within 1/6000 of T.
  for (int i = 0; i < 100; ++i) {
    EXPECT_NEAR(rep.empirical_matrix[i], rep.requested_matrix[i], 1.0 / 6000)
        << "entry " << i;
  }
}

TEST_F(FashionMnistLabelsTest, AsymmetricPairsFlipOnlyTheirSources) {
  Dataset d = *labels_;
  const NoiseReport rep =
      add_asymmetric_noise(d, 0.4, fashion_mnist_noise_pairs(), 13);
  // 3 source classes x round(0.4 * 6000) = 7200 of 60000 = 0.12.
  EXPECT_EQ(rep.num_noisy, 7200);
  EXPECT_DOUBLE_EQ(rep.empirical_matrix[0 * 10 + 6], 0.4);  // T-shirt->Shirt
  EXPECT_DOUBLE_EQ(rep.empirical_matrix[2 * 10 + 4], 0.4);  // Pullover->Coat
  EXPECT_DOUBLE_EQ(rep.empirical_matrix[5 * 10 + 7], 0.4);  // Sandal->Sneaker
  EXPECT_DOUBLE_EQ(rep.empirical_matrix[6 * 10 + 6], 1.0);  // Shirt kept
}

}  // namespace
}  // namespace losslab
