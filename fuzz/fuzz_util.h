// Helpers shared by the libFuzzer targets: a per-process scratch file for
// readers that take a path, and the rule for which exceptions are expected.
//
// A reader of user files may reject any input with std::invalid_argument or
// std::runtime_error (and their subclasses). Anything else escaping the
// target (std::out_of_range from a stray stoi, std::bad_alloc from a size
// taken on trust, a crash, UB, a leak) is a bug and stops the fuzzer.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace losslab::fuzz {

// A file under the system temporary directory, unique to this process
// (libFuzzer's -fork and -jobs modes run several processes at once) and
// removed at exit.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& suffix) {
    path_ = (std::filesystem::temp_directory_path() /
             ("losslab-fuzz-" + std::to_string(::getpid()) + suffix))
                .string();
  }
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  // Replaces the file's contents with `size` bytes from `data`.
  const std::string& write(const uint8_t* data, std::size_t size) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
    out.close();
    if (!out) std::abort();  // the harness itself failed, not the reader
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs f, swallowing the exceptions a reader is allowed to throw.
template <class F>
void expect_clean_rejection(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
}

}  // namespace losslab::fuzz
