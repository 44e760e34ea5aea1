// Test helpers for the datasets tests: writers for raw and gzip files in a
// TempDir, IDX headers, and the message of an expected exception.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/test_util.h"
#include "tests/test_util/temp_dir.h"

namespace losslab::testing {

// Writes `bytes` to `name` in `dir` as they are; returns the path.
inline std::string write_bytes(const TempDir& dir, const std::string& name,
                               const std::vector<uint8_t>& bytes) {
  return dir.write(name, std::string(bytes.begin(), bytes.end()));
}

// Writes `bytes` gzip-compressed to `name` in `dir`; returns the path.
inline std::string write_gzip(const TempDir& dir, const std::string& name,
                              const std::vector<uint8_t>& bytes) {
  const std::string p = dir.file(name);
  gzFile f = gzopen(p.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("write_gzip: cannot open " + p);
  if (!bytes.empty()) {
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  }
  gzclose(f);
  return p;
}

// An IDX header: 00 00 08 <ndims> then each dim as big-endian uint32.
inline std::vector<uint8_t> idx_header(const std::vector<uint32_t>& dims,
                                       uint8_t type_code = 0x08) {
  std::vector<uint8_t> b = {0, 0, type_code, uint8_t(dims.size())};
  for (uint32_t d : dims) {
    b.push_back(uint8_t(d >> 24));
    b.push_back(uint8_t(d >> 16));
    b.push_back(uint8_t(d >> 8));
    b.push_back(uint8_t(d));
  }
  return b;
}

inline std::vector<uint8_t> concat(std::vector<uint8_t> a,
                                   const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace losslab::testing
