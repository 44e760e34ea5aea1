#include "datasets/batch_loader.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace losslab {
namespace {

// N samples whose single feature is the sample index and label index % 3.
Dataset indexed(int n) {
  std::vector<float> x(n);
  std::vector<int> y(n);
  for (int i = 0; i < n; ++i) {
    x[i] = float(i);
    y[i] = i % 3;
  }
  return Dataset::from_features(1, x, y, 3);
}

std::vector<int> batch_sizes(BatchLoader& loader) {
  Tensor<float> x;
  std::vector<int> y;
  std::vector<int> sizes;
  while (loader.next(x, y)) sizes.push_back(x.rows());
  return sizes;
}

std::vector<int> epoch_order(BatchLoader& loader) {
  Tensor<float> x;
  std::vector<int> y;
  std::vector<int> order;
  while (loader.next(x, y)) {
    for (int r = 0; r < x.rows(); ++r) order.push_back(int(x(r, 0)));
  }
  return order;
}

TEST(BatchLoaderTest, LastPartialBatchKeptByDefault) {
  // 10 samples in batches of 4: 4, 4, 2.
  const Dataset d = indexed(10);
  BatchLoader loader(d, {.batch_size = 4});
  EXPECT_EQ(loader.num_batches(), 3);
  EXPECT_EQ(batch_sizes(loader), (std::vector<int>{4, 4, 2}));
}

TEST(BatchLoaderTest, DropLastSkipsPartialBatch) {
  const Dataset d = indexed(10);
  BatchLoader loader(d, {.batch_size = 4, .drop_last = true});
  EXPECT_EQ(loader.num_batches(), 2);
  EXPECT_EQ(batch_sizes(loader), (std::vector<int>{4, 4}));
}

TEST(BatchLoaderTest, EpochVisitsEverySampleOnce) {
  const Dataset d = indexed(10);
  BatchLoader loader(d, {.batch_size = 3, .seed = 1});
  std::vector<int> order = epoch_order(loader);
  std::sort(order.begin(), order.end());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(BatchLoaderTest, EpochsAreShuffledDifferently) {
  const Dataset d = indexed(50);
  BatchLoader loader(d, {.batch_size = 8, .seed = 2});
  const std::vector<int> first = epoch_order(loader);
  loader.start_epoch(1);
  EXPECT_NE(epoch_order(loader), first);
}

TEST(BatchLoaderTest, EpochOrderDependsOnlyOnSeedAndEpoch) {
  const Dataset d = indexed(50);
  BatchLoader a(d, {.batch_size = 8, .seed = 3});
  BatchLoader b(d, {.batch_size = 8, .seed = 3});
  a.start_epoch(1);
  a.start_epoch(2);
  b.start_epoch(2);
  EXPECT_EQ(epoch_order(a), epoch_order(b));
}

TEST(BatchLoaderTest, NoShuffleKeepsIndexOrder) {
  const Dataset d = indexed(5);
  BatchLoader loader(d, {.batch_size = 2, .shuffle = false});
  EXPECT_EQ(epoch_order(loader), (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(BatchLoaderTest, BatchIndicesMatchLabels) {
  const Dataset d = indexed(7);
  BatchLoader loader(d, {.batch_size = 7, .seed = 4});
  Tensor<float> x;
  std::vector<int> y;
  ASSERT_TRUE(loader.next(x, y));
  const auto idx = loader.batch_indices();
  ASSERT_EQ(idx.size(), 7u);
  for (std::size_t i = 0; i < idx.size(); ++i) {
    EXPECT_EQ(y[i], idx[i] % 3) << "row " << i;
  }
}

TEST(BatchLoaderTest, ZeroBatchSizeThrows) {
  const Dataset d = indexed(5);
  EXPECT_THROW(BatchLoader(d, {.batch_size = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
