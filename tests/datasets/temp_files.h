// Test helpers for the datasets tests: a temporary directory removed at the
// end of each test, and writers for raw, gzip and text files inside it.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace losslab::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "losslab-ds-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("TempDir: mkdtemp failed for " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }
  const std::filesystem::path& path() const { return path_; }

  std::string write_bytes(const std::string& name,
                          const std::vector<uint8_t>& bytes) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return p;
  }

  std::string write_gzip(const std::string& name,
                         const std::vector<uint8_t>& bytes) const {
    const std::string p = file(name);
    gzFile f = gzopen(p.c_str(), "wb");
    if (!bytes.empty()) {
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    }
    gzclose(f);
    return p;
  }

  std::string write_text(const std::string& name,
                         const std::string& text) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

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

// The what() of the exception of type E that f throws, or "<no throw>"
// (an exception of another type propagates and fails the test).
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no throw>";
}

}  // namespace losslab::testing
