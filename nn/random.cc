#include "nn/random.h"

#include <stdexcept>

namespace losslab {

std::uint64_t stream_seed(std::uint64_t seed, SeedStream stream,
                          std::uint64_t index) {
  // SplitMix64 (Steele, Lea and Flood, 2014) applied twice: once to mix the
  // stream into the seed, once for the index.
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  std::uint64_t s = mix(seed ^ mix(static_cast<std::uint64_t>(stream)));
  return mix(s ^ mix(index + 0x632be59bd9b4e019ull));
}

double Rng::uniform01() {
  // 53 random mantissa bits times 2^-53: exact, and strictly below 1.
  return double(engine_() >> 11) * 0x1.0p-53;
}

double Rng::uniform(double lo, double hi) {
  return lo + (hi - lo) * uniform01();
}

std::uint64_t Rng::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("Rng::below: n must be >= 1, got 0");
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const std::uint64_t limit = -n % n;  // 2^64 mod n
  std::uint64_t x;
  do {
    x = engine_();
  } while (x < limit);
  return x % n;
}

}  // namespace losslab
