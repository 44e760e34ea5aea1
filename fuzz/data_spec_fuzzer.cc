// Fuzzes the imbalance and noise spec checks of train/setup.h, which read
// user text from the command line and from study files, e.g.
// "binary:6:0:100" or "symmetric:0.4". The input holds one spec per line:
// the first is tried as an imbalance spec, the second as a noise spec.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "train/setup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace losslab;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = text.find('\n');
  const std::string first = text.substr(0, nl);
  const std::string second = nl == std::string::npos ? "" : text.substr(nl + 1);
  fuzz::expect_clean_rejection([&] { check_imbalance_spec(first); });
  fuzz::expect_clean_rejection([&] { check_noise_spec(second); });
  return 0;
}
