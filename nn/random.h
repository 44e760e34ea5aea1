// Seeded random numbers for initialisation, dropout and shuffling.
//
// One user seed drives every random choice in a run. stream_seed() derives an
// independent seed per purpose (SeedStream) and index (layer, epoch), so
// adding a dropout layer does not change the initial weights, and the
// trainer's shuffling does not depend on how many masks were drawn.
//
// Determinism across platforms: std::uniform_real_distribution and friends
// are not specified bit-exactly, so two standard libraries may turn the same
// engine output into different numbers. Rng therefore converts the raw 64-bit
// words of std::mt19937_64 (whose output sequence the standard does fix) to
// floating point with its own arithmetic: the same seed gives the same bits
// on every conforming compiler.
#pragma once

#include <cstdint>
#include <random>

namespace losslab {

// The purposes that draw random numbers; each has its own stream.
enum class SeedStream : std::uint64_t {
  kInit = 1,
  kDropout = 2,
  kShuffle = 3,
  kData = 4,
};

// A seed for `stream` and `index` derived from `seed` by the SplitMix64
// finaliser, so nearby user seeds (1, 2, 3) give unrelated streams.
std::uint64_t stream_seed(std::uint64_t seed, SeedStream stream,
                          std::uint64_t index = 0);

// A std::mt19937_64 with portable conversions to numbers.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // The next raw 64-bit word.
  std::uint64_t next_u64() { return engine_(); }
  // A double in [0, 1) from the top 53 bits of one word.
  double uniform01();
  // A double in [lo, hi) (lo + (hi - lo) * uniform01()).
  double uniform(double lo, double hi);
  // An integer in [0, n) without modulo bias (rejection sampling); n >= 1.
  std::uint64_t below(std::uint64_t n);

  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace losslab
