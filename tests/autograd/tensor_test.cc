// Tests of Tensor's storage contract: shape checks, resize reuse and
// alignment.
#include "autograd/tensor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

namespace losslab {
namespace {

bool cache_aligned(const float* p) {
  return reinterpret_cast<std::uintptr_t>(p) % 64 == 0;
}

TEST(TensorTest, StorageStartsOnACacheLine) {
  // Odd sizes too: the allocator, not the size, decides the alignment.
  for (int cols : {1, 3, 10, 17, 256, 784}) {
    Tensor<float> t(7, cols);
    EXPECT_TRUE(cache_aligned(t.data())) << "7 x " << cols;
  }
}

TEST(TensorTest, GrowingKeepsTheStorageAligned) {
  Tensor<float> t(1, 1);
  t.resize(300, 301);
  EXPECT_TRUE(cache_aligned(t.data()));
}

TEST(TensorTest, ResizeToTheSameSizeKeepsTheStorage) {
  Tensor<float> t(4, 8);
  const float* before = t.data();
  t.resize(8, 4);
  EXPECT_EQ(t.data(), before);
}

TEST(TensorTest, ValueCountMustMatchTheShape) {
  EXPECT_THROW(Tensor<double>(2, 2, {1.0, 2.0, 3.0}), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
