// Tests of the portable random numbers and seed streams.
#include "nn/random.h"

#include <gtest/gtest.h>

namespace losslab {
namespace {

TEST(RngTest, EngineFollowsTheStandardSequence) {
  // The C++ standard fixes the 10000th output of a default-seeded
  // (5489) mt19937_64 as 9981545732273789042 ([rand.predef]).
  Rng rng(5489);
  for (int i = 0; i < 9999; ++i) rng.next_u64();
  EXPECT_EQ(rng.next_u64(), 9981545732273789042ull);
}

TEST(RngTest, Uniform01UsesTheTop53Bits) {
  // The first output for seed 5489 is 14514284786278117030 (from the same
  // engine); >> 11 and * 2^-53 give the double below, computed with Python:
  //   (14514284786278117030 >> 11) / 2**53 = 0.7868209548678019
  Rng rng(5489);
  EXPECT_DOUBLE_EQ(rng.uniform01(), 0.7868209548678019);
}

TEST(RngTest, UniformStaysInHalfOpenRange) {
  Rng rng(1);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.uniform(-0.5, 0.25);
    EXPECT_GE(u, -0.5);
    EXPECT_LT(u, 0.25);
  }
}

TEST(RngTest, BelowStaysBelowBound) {
  Rng rng(2);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(rng.below(7), 7u);
  EXPECT_THROW(rng.below(0), std::invalid_argument);
}

TEST(StreamSeedTest, StreamsAndIndicesDiffer) {
  EXPECT_NE(stream_seed(1, SeedStream::kInit),
            stream_seed(1, SeedStream::kDropout));
  EXPECT_NE(stream_seed(1, SeedStream::kDropout, 0),
            stream_seed(1, SeedStream::kDropout, 1));
  EXPECT_NE(stream_seed(1, SeedStream::kInit),
            stream_seed(2, SeedStream::kInit));
  EXPECT_EQ(stream_seed(7, SeedStream::kShuffle, 3),
            stream_seed(7, SeedStream::kShuffle, 3));
}

}  // namespace
}  // namespace losslab
