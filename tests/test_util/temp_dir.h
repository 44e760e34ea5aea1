// A temporary directory for one test: created empty under the system's
// temporary directory, removed with everything in it when the object dies.
//
// Usage:
//   TempDir tmp("csv");                  // e.g. /tmp/losslab-csv-a1B2c3
//   std::string p = tmp.write("a.csv", "x,label\n1,0\n");
//   load_csv(p, ...);
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace losslab::testing {

class TempDir {
 public:
  // `tag` names the directory, so a leftover one points at its test.
  explicit TempDir(const std::string& tag = "test") {
    std::string pattern = (std::filesystem::temp_directory_path() /
                           ("losslab-" + tag + "-XXXXXX"))
                              .string();
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

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside the directory (nothing is created).
  std::string file(const std::string& name) const {
    return (path_ / name).string();
  }
  std::string operator/(const std::string& name) const { return file(name); }
  // Writes `bytes` to `name` (creating its parent directories) and returns
  // the file's path.
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string p = file(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream out(p, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("TempDir: cannot write " + p);
    return p;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace losslab::testing
