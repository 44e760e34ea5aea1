// FlushDenormals: subnormal results and inputs become zero in its scope,
// and the thread's previous mode returns when it ends.
#include "autograd/denormal.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>

namespace losslab {
namespace {

// a * b at run time: the volatile copies keep the compiler from folding
// the product at compile time, where the run-time mode would not apply.
float times(float a, float b) {
  volatile float x = a, y = b;
  return x * y;
}

// A float's bits. Results are compared as bits, because under DAZ a float
// comparison reads a subnormal operand as zero and would call 2^-127
// equal to 0.
std::uint32_t bits(float x) { return std::bit_cast<std::uint32_t>(x); }

// 2^-127, half the smallest normal float: a subnormal. Literals, since a
// library call computing them would itself be flushed in scope.
constexpr float kHalfMin = 0x1p-127f;

TEST(FlushDenormalsTest, SubnormalResultIsZeroInScope) {
  if (!FlushDenormals::supported()) GTEST_SKIP() << "no FTZ on this CPU";
  FlushDenormals flush;
  EXPECT_EQ(bits(times(FLT_MIN, 0.5f)), bits(0.0f));
}

TEST(FlushDenormalsTest, SubnormalInputReadsAsZeroInScope) {
  if (!FlushDenormals::supported()) GTEST_SKIP() << "no DAZ on this CPU";
  ASSERT_EQ(std::fpclassify(kHalfMin), FP_SUBNORMAL);
  FlushDenormals flush;
  // 2^-127 * 2^10 would be the normal 2^-117 if the input were read.
  EXPECT_EQ(bits(times(kHalfMin, 1024.0f)), bits(0.0f));
}

TEST(FlushDenormalsTest, NormalArithmeticIsUntouched) {
  FlushDenormals flush;
  EXPECT_EQ(bits(times(FLT_MIN, 2.0f)), bits(0x1p-125f));
}

TEST(FlushDenormalsTest, SubnormalsReturnAfterScope) {
  { FlushDenormals flush; }
  EXPECT_EQ(bits(times(FLT_MIN, 0.5f)), bits(kHalfMin));
  EXPECT_EQ(bits(times(kHalfMin, 1024.0f)), bits(0x1p-117f));
}

TEST(FlushDenormalsTest, InnerScopeRestoresOuterMode) {
  if (!FlushDenormals::supported()) GTEST_SKIP() << "no FTZ on this CPU";
  FlushDenormals outer;
  { FlushDenormals inner; }
  EXPECT_EQ(bits(times(FLT_MIN, 0.5f)), bits(0.0f));
}

}  // namespace
}  // namespace losslab
