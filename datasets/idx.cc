// IDX reading through zlib's gz* interface, which passes raw files through
// unchanged and inflates gzip ones, so one code path serves both.
#include "datasets/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace losslab {
namespace {

namespace fs = std::filesystem;

constexpr int kTypeUint8 = 0x08;
// Largest expansion deflate can achieve; bounds the plausible size of a
// gzip file's content when reserving memory.
constexpr uint64_t kMaxDeflateRatio = 1032;
constexpr unsigned kChunkBytes = 1u << 20;

[[noreturn]] void fail(const std::string& where, const std::string& path,
                       const std::string& what) {
  throw std::runtime_error(where + ": " + path + ": " + what);
}

// Bytes per element for an IDX type code; 0 for an unknown code.
int element_size(uint8_t type_code) {
  switch (type_code) {
    case 0x08:
      return 1;  // unsigned byte
    case 0x09:
      return 1;  // signed byte
    case 0x0B:
      return 2;  // short
    case 0x0C:
      return 4;  // int
    case 0x0D:
      return 4;  // float
    case 0x0E:
      return 8;  // double
    default:
      return 0;
  }
}

std::string hex_byte(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", unsigned(b));
  return buf;
}

// Refuses paths that gzopen would accept but not read usefully: missing
// files and directories (open() succeeds on a directory on Linux).
uint64_t checked_file_size(const std::string& where, const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    fail(where, path,
         "no such file (hint: check the data directory or set "
         "LOSSLAB_DATA)");
  }
  if (fs::is_directory(st)) {
    fail(where, path, "is a directory; expected an IDX file");
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) fail(where, path, "cannot read size: " + ec.message());
  return size;
}

// Owns a gzFile for the duration of one read.
class GzReader {
 public:
  GzReader(const std::string& where, const std::string& path)
      : where_(where), path_(path) {
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      fail(where, path,
           std::string("cannot open: ") +
               (errno ? std::strerror(errno) : "out of memory"));
    }
  }
  ~GzReader() { gzclose(file_); }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  bool compressed() const { return gzdirect(file_) == 0; }

  // Reads up to n bytes into out; returns how many arrived (short only at
  // end of file). Throws on a read or decompression error.
  std::size_t read(uint8_t* out, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const unsigned want =
          static_cast<unsigned>(std::min<std::size_t>(n - got, kChunkBytes));
      const int r = gzread(file_, out + got, want);
      if (r < 0) {
        int code = 0;
        const char* msg = gzerror(file_, &code);
        fail(where_, path_,
             std::string("read failed: ") +
                 (code == Z_ERRNO ? std::strerror(errno) : msg) +
                 " (hint: the file may be corrupt or not gzip/IDX data)");
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return got;
  }

 private:
  std::string where_;
  std::string path_;
  gzFile file_ = nullptr;
};

// Header: 4-byte magic, then one uint32 per dimension. Returns the parsed
// header and its size in bytes.
std::pair<IdxHeader, std::size_t> read_header(GzReader& in,
                                              const std::string& where,
                                              const std::string& path) {
  std::vector<uint8_t> header(4);
  const std::size_t got_magic = in.read(header.data(), 4);
  if (got_magic == 0) fail(where, path, "file is empty");
  if (got_magic < 4) {
    fail(where, path,
         "header truncated; expected at least 4 bytes, found " +
             std::to_string(got_magic));
  }
  const std::size_t header_bytes = 4 + 4 * std::size_t(header[3]);
  header.resize(header_bytes);
  const std::size_t got_dims = in.read(header.data() + 4, header_bytes - 4);
  if (got_dims < header_bytes - 4) {
    fail(where, path,
         "header truncated; expected " + std::to_string(header_bytes) +
             " bytes, found " + std::to_string(4 + got_dims));
  }
  return {parse_idx_header(header, path), header_bytes};
}

// What the header promises, checked before any payload allocation.
void check_promise(const IdxHeader& h, int expected_dims,
                   const std::string& where, const std::string& path) {
  if (h.type_code != kTypeUint8) {
    fail(where, path,
         "unsupported element type " + hex_byte(h.type_code) +
             "; expected 0x08 (uint8)");
  }
  if (expected_dims >= 0 && int(h.dims.size()) != expected_dims) {
    fail(where, path,
         "wrong number of dimensions; expected " +
             std::to_string(expected_dims) + ", got " +
             std::to_string(h.dims.size()));
  }
  for (uint32_t d : h.dims) {
    if (d > uint32_t(INT_MAX)) {
      fail(where, path,
           "absurd dimension " + std::to_string(d) + "; expected at most " +
               std::to_string(INT_MAX));
    }
  }
}

// Payload: the buffer only grows as bytes arrive, so a lying header cannot
// cause a large allocation; at most what the file can plausibly hold is
// reserved up front.
std::vector<uint8_t> read_payload(GzReader& in, uint64_t payload,
                                  uint64_t plausible, const std::string& where,
                                  const std::string& path) {
  std::vector<uint8_t> data;
  data.reserve(std::min(payload, plausible));
  uint64_t got = 0;
  while (got < payload) {
    const std::size_t chunk = static_cast<std::size_t>(
        std::min<uint64_t>(payload - got, kChunkBytes));
    data.resize(got + chunk);
    const std::size_t r = in.read(data.data() + got, chunk);
    got += r;
    if (r < chunk) {
      fail(where, path,
           "payload truncated; expected " + std::to_string(payload) +
               " data bytes, found " + std::to_string(got));
    }
  }
  uint8_t extra = 0;
  if (in.read(&extra, 1) != 0) {
    fail(where, path,
         "trailing bytes after the " + std::to_string(payload) +
             "-byte payload; expected the file to end there");
  }
  return data;
}

IdxArray read_idx_checked(const std::string& path, const std::string& where,
                          int expected_dims) {
  const uint64_t file_size = checked_file_size(where, path);
  GzReader in(where, path);
  const auto [h, header_bytes] = read_header(in, where, path);
  check_promise(h, expected_dims, where, path);

  // A raw file's size is known: a short one fails before any reading.
  const uint64_t payload = h.payload_bytes();
  if (!in.compressed() && file_size - header_bytes < payload) {
    fail(where, path,
         "payload truncated; expected " + std::to_string(payload) +
             " data bytes, found " + std::to_string(file_size - header_bytes));
  }
  const uint64_t plausible =
      in.compressed() ? file_size * kMaxDeflateRatio : file_size;
  return {h.dims, read_payload(in, payload, plausible, where, path)};
}

}  // namespace

uint32_t read_big_endian_u32(const uint8_t* b) {
  return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) |
         (uint32_t(b[2]) << 8) | uint32_t(b[3]);
}

IdxHeader parse_idx_header(std::span<const uint8_t> bytes,
                           const std::string& path) {
  const std::string where = "parse_idx_header";
  if (bytes.size() < 4) {
    fail(where, path,
         "header truncated; expected at least 4 bytes, found " +
             std::to_string(bytes.size()));
  }
  if (bytes[0] == 0x1f && bytes[1] == 0x8b) {
    fail(where, path,
         "data is gzip-compressed (magic 1f 8b = " +
             std::to_string(read_big_endian_u32(bytes.data())) +
             "); decompress it first");
  }
  if (bytes[0] != 0 || bytes[1] != 0) {
    fail(where, path,
         "bad magic " + std::to_string(read_big_endian_u32(bytes.data())) +
             "; expected the first two bytes to be 0 "
             "(is this an IDX file?)");
  }
  IdxHeader h;
  h.type_code = bytes[2];
  h.element_size = element_size(h.type_code);
  if (h.element_size == 0) {
    fail(where, path,
         "unknown IDX type code " + hex_byte(bytes[2]) +
             "; expected one of 0x08, 0x09, 0x0B, 0x0C, 0x0D, "
             "0x0E");
  }
  const std::size_t ndims = bytes[3];
  if (ndims == 0) fail(where, path, "header declares 0 dimensions");
  if (bytes.size() < 4 + 4 * ndims) {
    fail(where, path,
         "header truncated; expected " + std::to_string(4 + 4 * ndims) +
             " bytes, found " + std::to_string(bytes.size()));
  }
  h.element_count = 1;
  for (std::size_t i = 0; i < ndims; ++i) {
    const uint32_t d = read_big_endian_u32(bytes.data() + 4 + 4 * i);
    h.dims.push_back(d);
    // Overflow check for element_count * d * element_size in 64 bits.
    if (d != 0 && h.element_count > (UINT64_MAX / 16) / d) {
      fail(where, path, "absurd dimensions: the element count overflows");
    }
    h.element_count *= d;
  }
  return h;
}

IdxArray read_idx(const std::string& path) {
  return read_idx_checked(path, "read_idx", -1);
}

IdxImages load_idx_images(const std::string& path) {
  IdxArray a = read_idx_checked(path, "load_idx_images", 3);
  if (uint64_t(a.dims[1]) * a.dims[2] > uint64_t(INT_MAX)) {
    fail("load_idx_images", path,
         "absurd image size " + std::to_string(a.dims[1]) + "x" +
             std::to_string(a.dims[2]));
  }
  IdxImages out;
  out.count = static_cast<int>(a.dims[0]);
  out.rows = static_cast<int>(a.dims[1]);
  out.cols = static_cast<int>(a.dims[2]);
  out.pixels = std::move(a.data);
  return out;
}

std::vector<int> load_idx_labels(const std::string& path) {
  IdxArray a = read_idx_checked(path, "load_idx_labels", 1);
  return std::vector<int>(a.data.begin(), a.data.end());
}

namespace {

std::string find_idx_file(const std::string& dir, const std::string& name) {
  const std::string raw = (fs::path(dir) / name).string();
  const std::string gz = raw + ".gz";
  std::error_code ec;
  if (fs::exists(raw, ec)) return raw;
  if (fs::exists(gz, ec)) return gz;
  throw std::runtime_error("load_idx_dataset: " + dir + ": no " + name +
                           "; tried " + raw + " and " + gz +
                           " (hint: set LOSSLAB_DATA or pass the data "
                           "directory)");
}

}  // namespace

Dataset load_idx_dataset(const std::string& dir, const std::string& prefix,
                         std::vector<std::string> class_names) {
  const std::string image_path =
      find_idx_file(dir, prefix + "-images-idx3-ubyte");
  const std::string label_path =
      find_idx_file(dir, prefix + "-labels-idx1-ubyte");
  IdxImages images = load_idx_images(image_path);
  std::vector<int> labels = load_idx_labels(label_path);
  if (std::size_t(images.count) != labels.size()) {
    throw std::runtime_error("load_idx_dataset: " + image_path + ", " +
                             label_path + ": image/label count mismatch " +
                             std::to_string(images.count) + " vs " +
                             std::to_string(labels.size()));
  }
  int num_classes = static_cast<int>(class_names.size());
  if (num_classes == 0) {
    if (labels.empty()) {
      throw std::runtime_error("load_idx_dataset: " + label_path +
                               ": no samples, so the classes are unknown");
    }
    num_classes = *std::max_element(labels.begin(), labels.end()) + 1;
  }
  // A label outside the named classes is a fault of the file, not of the
  // caller, so it is reported as such.
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= num_classes) {
      throw std::runtime_error(
          "load_idx_dataset: " + label_path + ": label out of range at " +
          "sample " + std::to_string(i) + "; expected [0, " +
          std::to_string(num_classes) + "), got " + std::to_string(labels[i]));
    }
  }
  return Dataset::from_images(images.rows, images.cols,
                              std::move(images.pixels), std::move(labels),
                              num_classes, std::move(class_names));
}

const std::array<std::string, 10>& fashion_mnist_class_names() {
  static const std::array<std::string, 10> names = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

std::string default_data_dir() {
  const char* env = std::getenv("LOSSLAB_DATA");
  if (env != nullptr && env[0] != '\0') return env;
  return "/usr/share/datasets/fashion-mnist";
}

TrainTest load_fashion_mnist(const std::string& dir) {
  const std::string d = dir.empty() ? default_data_dir() : dir;
  const auto& names = fashion_mnist_class_names();
  std::vector<std::string> v(names.begin(), names.end());
  TrainTest out;
  out.train = load_idx_dataset(d, "train", v);
  out.test = load_idx_dataset(d, "t10k", v);
  return out;
}

}  // namespace losslab
