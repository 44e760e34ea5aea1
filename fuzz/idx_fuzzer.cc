// Fuzzes the IDX reader (datasets/idx.h) with whole files, raw or gzip:
// read_idx, the image and label loaders on the same bytes, and the
// in-memory header parser.
#include <cstddef>
#include <cstdint>
#include <span>

#include "datasets/idx.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using losslab::fuzz::expect_clean_rejection;
  static const losslab::fuzz::ScratchFile file(".idx");
  const std::string& path = file.write(data, size);

  expect_clean_rejection([&] {
    losslab::parse_idx_header(std::span<const uint8_t>(data, size), "fuzz");
  });
  expect_clean_rejection([&] { losslab::read_idx(path); });
  expect_clean_rejection([&] { losslab::load_idx_images(path); });
  expect_clean_rejection([&] { losslab::load_idx_labels(path); });
  return 0;
}
