// Fuzzes checkpoint loading (nn/checkpoint.h). Each input is read twice:
// as given, and with its size field and CRC-32 patched to match, since the
// fuzzer cannot forge a checksum and would otherwise never get past it to
// the structure parser. A checkpoint that reads cleanly is restored into a
// model built from its own config, as a prediction tool would do.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "nn/checkpoint.h"

namespace {

constexpr std::size_t kSizeOffset = 12;  // after magic (8) and version (4)
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;

void put_le(std::vector<uint8_t>& b, std::size_t at, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

// The input with its size field and its last 4 bytes (the checksum slot)
// set to match, so a valid file stays valid and a mutated one still gets
// past the envelope checks.
std::vector<uint8_t> with_valid_envelope(const uint8_t* data,
                                         std::size_t size) {
  std::vector<uint8_t> b(data, data + size);
  if (b.size() < kHeaderBytes + 4) b.resize(kHeaderBytes + 4);
  put_le(b, kSizeOffset, b.size(), 8);
  const uLong crc = crc32(0L, b.data(), uInt(b.size() - 4));
  put_le(b, b.size() - 4, crc, 4);
  return b;
}

// Restores into a model built from the checkpoint's own config. This
// relies on read_checkpoint refusing a spec that does not account for the
// stored values; before that check a forged spec of 2^24-unit layers made
// the Mlp constructor ask for terabytes.
template <class T>
void restore(const losslab::Checkpoint<T>& c) {
  losslab::Mlp<T> model(c.model, 0);
  losslab::restore_checkpoint(c, model, nullptr, "fuzz");
}

template <class T>
void read_and_restore(const std::string& path) {
  losslab::fuzz::expect_clean_rejection([&] {
    losslab::Checkpoint<T> c = losslab::read_checkpoint<T>(path);
    restore(c);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const losslab::fuzz::ScratchFile file(".ckpt");
  read_and_restore<float>(file.write(data, size));

  const std::vector<uint8_t> fixed = with_valid_envelope(data, size);
  const std::string& path = file.write(fixed.data(), fixed.size());
  read_and_restore<float>(path);
  read_and_restore<double>(path);
  return 0;
}
