#include "autograd/denormal.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#define LOSSLAB_HAS_MXCSR 1
#else
#define LOSSLAB_HAS_MXCSR 0
#endif

namespace losslab {
namespace {

// MXCSR bit 15 flushes subnormal results to zero (FTZ); bit 6 reads
// subnormal inputs as zero (DAZ, on every x86-64 CPU).
constexpr unsigned kFlushToZero = 1u << 15;
constexpr unsigned kDenormalsAreZero = 1u << 6;

}  // namespace

#if LOSSLAB_HAS_MXCSR

FlushDenormals::FlushDenormals() : saved_(_mm_getcsr()) {
  _mm_setcsr(saved_ | kFlushToZero | kDenormalsAreZero);
}

// Restores the whole control word as it was, so nested guards and a
// caller's own flags come back unchanged.
FlushDenormals::~FlushDenormals() { _mm_setcsr(saved_); }

bool FlushDenormals::supported() { return true; }

#else

FlushDenormals::FlushDenormals() {}
FlushDenormals::~FlushDenormals() {}
bool FlushDenormals::supported() { return false; }

#endif

}  // namespace losslab
