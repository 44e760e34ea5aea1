// Encoding and decoding of the checkpoint format described in checkpoint.h.
#include "nn/checkpoint.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace losslab {
namespace {

constexpr char kMagic[8] = {'L', 'L', 'C', 'K', 'P', 'T', '\x1a', '\n'};
// magic + version + file size + value bytes
constexpr std::size_t kHeaderBytes = 8 + 4 + 8 + 1;
constexpr std::size_t kChecksumBytes = 4;

std::uint32_t crc32_of(const char* data, std::size_t size) {
  // zlib's crc32 takes a 32-bit length, so long buffers go in chunks.
  uLong crc = crc32(0L, Z_NULL, 0);
  while (size > 0) {
    const uInt chunk = uInt(std::min<std::size_t>(size, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    size -= chunk;
  }
  return std::uint32_t(crc);
}

std::string hex(std::uint32_t x) {
  std::ostringstream os;
  os << "0x" << std::hex << x;
  return os.str();
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

class Writer {
 public:
  void u8(std::uint8_t x) { bytes_.push_back(char(x)); }
  void u32(std::uint32_t x) { little_endian(x, 4); }
  void u64(std::uint64_t x) { little_endian(x, 8); }
  void i64(std::int64_t x) { u64(std::uint64_t(x)); }
  void f64(double x) {
    std::uint64_t bits;
    std::memcpy(&bits, &x, 8);
    u64(bits);
  }
  void str(const std::string& s) {
    u32(std::uint32_t(s.size()));
    bytes_ += s;
  }
  template <class T>
  void tensor(const Tensor<T>& t) {
    u32(std::uint32_t(t.rows()));
    u32(std::uint32_t(t.cols()));
    for (std::size_t i = 0; i < t.size(); ++i) {
      if constexpr (sizeof(T) == 4) {
        std::uint32_t bits;
        std::memcpy(&bits, t.data() + i, 4);
        u32(bits);
      } else {
        std::uint64_t bits;
        std::memcpy(&bits, t.data() + i, 8);
        u64(bits);
      }
    }
  }
  std::string& bytes() { return bytes_; }

 private:
  void little_endian(std::uint64_t x, int n) {
    for (int i = 0; i < n; ++i) bytes_.push_back(char((x >> (8 * i)) & 0xff));
  }
  std::string bytes_;
};

template <class T>
std::string encode(const Checkpoint<T>& c) {
  Writer w;
  w.bytes().append(kMagic, 8);
  w.u32(kCheckpointVersion);
  w.u64(0);  // file size, patched below
  w.u8(std::uint8_t(sizeof(T)));

  w.str(c.model.spec);
  w.str(c.model.activation);
  w.f64(c.model.dropout);
  w.str(to_string(c.model.init));
  w.i64(c.epoch);

  w.u32(std::uint32_t(c.parameters.size()));
  for (const NamedTensor<T>& p : c.parameters) {
    w.str(p.name);
    w.tensor(p.value);
  }

  w.u8(c.has_optimizer ? 1 : 0);
  if (c.has_optimizer) {
    const OptimizerState<T>& o = c.optimizer;
    w.str(o.kind);
    w.i64(o.step);
    w.u32(std::uint32_t(o.hyperparameters.size()));
    for (const auto& [name, value] : o.hyperparameters) {
      w.str(name);
      w.f64(value);
    }
    w.u32(std::uint32_t(o.buffers.size()));
    for (const NamedTensor<T>& b : o.buffers) {
      w.str(b.name);
      w.tensor(b.value);
    }
  }

  std::string& bytes = w.bytes();
  const std::uint64_t total = bytes.size() + kChecksumBytes;
  for (int i = 0; i < 8; ++i) bytes[12 + i] = char((total >> (8 * i)) & 0xff);
  w.u32(crc32_of(bytes.data(), bytes.size()));
  return std::move(bytes);
}

[[noreturn]] void write_failed(const std::string& path, const char* step,
                               int error) {
  throw std::runtime_error("write_checkpoint: cannot " + std::string(step) +
                           " '" + path + "': " + std::strerror(error) +
                           "; check that the directory exists and is "
                           "writable");
}

// Writes `bytes` to a new temporary file next to `path`, flushes it to disk
// and renames it over `path`.
void write_atomically(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir =
      target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp = (dir / (target.filename().string() + ".tmp.XXXXXX"));
  const int fd = mkstemp(tmp.data());
  if (fd < 0) write_failed(tmp, "create temporary file", errno);

  auto fail = [&](const char* step) {
    const int error = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    write_failed(tmp, step, error);
  };
  // mkstemp creates the file readable by its owner only.
  if (::fchmod(fd, 0644) != 0) fail("set permissions of");
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n =
        ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write");
    written += std::size_t(n);
  }
  if (::fsync(fd) != 0) fail("flush (fsync)");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    write_failed(tmp, "close", error);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    write_failed(path, "rename temporary file onto", error);
  }
  // Make the rename itself durable; a failure here cannot lose the data
  // already written, so it is not an error.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

class Reader {
 public:
  Reader(const std::string& path, const std::string& bytes, std::size_t end)
      : path_(path), bytes_(bytes), end_(end) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("read_checkpoint: '" + path_ + "': " + what);
  }
  void need(std::size_t n, const char* what) {
    if (n > end_ - pos_) {
      fail("unexpected end of data at byte " + std::to_string(pos_) +
           " while reading " + what + "; expected " + std::to_string(n) +
           " more bytes, found " + std::to_string(end_ - pos_));
    }
  }
  std::uint64_t uint(int n, const char* what) {
    need(std::size_t(n), what);
    std::uint64_t x = 0;
    for (int i = 0; i < n; ++i) {
      x |= std::uint64_t(std::uint8_t(bytes_[pos_ + i])) << (8 * i);
    }
    pos_ += std::size_t(n);
    return x;
  }
  std::uint8_t u8(const char* what) { return std::uint8_t(uint(1, what)); }
  std::uint32_t u32(const char* what) { return std::uint32_t(uint(4, what)); }
  std::int64_t i64(const char* what) { return std::int64_t(uint(8, what)); }
  double f64(const char* what) {
    const std::uint64_t bits = uint(8, what);
    double x;
    std::memcpy(&x, &bits, 8);
    return x;
  }
  std::string str(const char* what) {
    const std::uint32_t n = u32(what);
    need(n, what);
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A rows x cols tensor stored with `width`-byte values, converted to T.
  template <class T>
  Tensor<T> tensor(int width, const std::string& name) {
    const std::uint32_t rows = u32("tensor rows");
    const std::uint32_t cols = u32("tensor cols");
    // Bound the count by the bytes left before allocating anything.
    const std::uint64_t count = std::uint64_t(rows) * cols;
    if (rows > 0x7fffffffu || cols > 0x7fffffffu ||
        count > (end_ - pos_) / std::uint64_t(width)) {
      fail("tensor '" + name + "' claims " + std::to_string(rows) + " x " +
           std::to_string(cols) + " values, more than the " +
           std::to_string(end_ - pos_) + " bytes left");
    }
    Tensor<T> t(static_cast<int>(rows), static_cast<int>(cols));
    for (std::size_t i = 0; i < t.size(); ++i) {
      const std::uint64_t bits = uint(width, "tensor values");
      if (width == 4) {
        float x;
        const std::uint32_t b32 = std::uint32_t(bits);
        std::memcpy(&x, &b32, 4);
        t[i] = T(x);
      } else {
        double x;
        std::memcpy(&x, &bits, 8);
        t[i] = T(x);
      }
    }
    return t;
  }
  std::size_t pos() const { return pos_; }
  void seek(std::size_t pos) { pos_ = pos; }

 private:
  const std::string& path_;
  const std::string& bytes_;
  std::size_t end_;
  std::size_t pos_ = 0;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("read_checkpoint: cannot open '" + path +
                             "': " + std::strerror(errno));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw std::runtime_error("read_checkpoint: error while reading '" + path +
                             "'");
  }
  return bytes;
}

// Checks magic, version, size and checksum; returns the value width.
int check_envelope(Reader& r, const std::string& bytes) {
  if (bytes.size() < kHeaderBytes + kChecksumBytes) {
    r.fail("file is truncated: expected at least " +
           std::to_string(kHeaderBytes + kChecksumBytes) + " bytes, found " +
           std::to_string(bytes.size()));
  }
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) {
    r.fail(
        "not a losslab checkpoint: the first 8 bytes differ from the "
        "magic \"LLCKPT\\x1a\\n\"");
  }
  r.seek(8);
  const std::uint32_t version = r.u32("version");
  if (version != kCheckpointVersion) {
    r.fail("unsupported format version: expected " +
           std::to_string(kCheckpointVersion) + ", found " +
           std::to_string(version));
  }
  const std::uint64_t size = r.uint(8, "file size");
  if (size != bytes.size()) {
    r.fail(std::string(size > bytes.size() ? "file is truncated"
                                           : "file size differs") +
           ": expected " + std::to_string(size) + " bytes, found " +
           std::to_string(bytes.size()));
  }
  const std::size_t body = bytes.size() - kChecksumBytes;
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) {
    stored |= std::uint32_t(std::uint8_t(bytes[body + i])) << (8 * i);
  }
  const std::uint32_t actual = crc32_of(bytes.data(), body);
  if (stored != actual) {
    r.fail("checksum mismatch: expected " + hex(stored) + ", found " +
           hex(actual) + "; the file is corrupt");
  }
  const int width = r.u8("value bytes");
  if (width != 4 && width != 8) {
    r.fail("value width must be 4 or 8 bytes; found " + std::to_string(width));
  }
  return width;
}

// The spec must account for exactly the values stored: a caller may build
// Mlp(c.model) from the file alone, and a forged spec such as
// "16777216-16777216" would otherwise cost terabytes before
// restore_checkpoint could compare shapes. Each layer holds (in + 1) * out
// values (weight and bias).
template <class T>
void check_spec_fits(const Reader& r, const Checkpoint<T>& c) {
  std::vector<int> sizes;
  try {
    sizes = parse_mlp_spec(c.model.spec);
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  std::uint64_t expected = 0, stored = 0;
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    expected += (std::uint64_t(sizes[i]) + 1) * std::uint64_t(sizes[i + 1]);
  }
  for (const NamedTensor<T>& p : c.parameters) stored += p.value.size();
  if (expected != stored) {
    r.fail("model spec '" + c.model.spec + "' needs " +
           std::to_string(expected) + " parameter values, but the file " +
           "holds " + std::to_string(stored));
  }
}

template <class T>
Checkpoint<T> decode(const std::string& path, const std::string& bytes) {
  Reader r(path, bytes,
           bytes.size() < kChecksumBytes ? bytes.size()
                                         : bytes.size() - kChecksumBytes);
  const int width = check_envelope(r, bytes);

  Checkpoint<T> c;
  c.model.spec = r.str("model spec");
  c.model.activation = r.str("activation");
  c.model.dropout = r.f64("dropout");
  try {
    c.model.init = parse_linear_init(r.str("init"));
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  c.epoch = r.i64("epoch");

  const std::uint32_t num_params = r.u32("parameter count");
  for (std::uint32_t i = 0; i < num_params; ++i) {
    NamedTensor<T> p;
    p.name = r.str("parameter name");
    p.value = r.tensor<T>(width, p.name);
    c.parameters.push_back(std::move(p));
  }

  c.has_optimizer = r.u8("optimizer flag") != 0;
  if (c.has_optimizer) {
    OptimizerState<T>& o = c.optimizer;
    o.kind = r.str("optimizer kind");
    o.step = r.i64("optimizer step");
    const std::uint32_t num_hyper = r.u32("hyperparameter count");
    for (std::uint32_t i = 0; i < num_hyper; ++i) {
      std::string name = r.str("hyperparameter name");
      o.hyperparameters.emplace_back(std::move(name), r.f64("hyperparameter"));
    }
    const std::uint32_t num_buffers = r.u32("buffer count");
    for (std::uint32_t i = 0; i < num_buffers; ++i) {
      NamedTensor<T> b;
      b.name = r.str("buffer name");
      b.value = r.tensor<T>(width, b.name);
      o.buffers.push_back(std::move(b));
    }
  }
  if (r.pos() != bytes.size() - kChecksumBytes) {
    r.fail("unexpected data after the optimizer section: " +
           std::to_string(bytes.size() - kChecksumBytes - r.pos()) + " bytes");
  }
  check_spec_fits(r, c);
  return c;
}

}  // namespace

// ---------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------

template <class T>
Checkpoint<T> capture_checkpoint(
    const Mlp<T>& model, const std::type_identity_t<Optimizer<T>>* optimizer,
    std::int64_t epoch) {
  Checkpoint<T> c;
  c.model = model.config();
  c.epoch = epoch;
  for (const ConstNamedParameter<T>& p : model.named_parameters()) {
    c.parameters.push_back({p.name, p.param->value});
  }
  if (optimizer != nullptr) {
    c.has_optimizer = true;
    c.optimizer = optimizer->state();
  }
  return c;
}

template <class T>
void write_checkpoint(const std::string& path,
                      const Checkpoint<T>& checkpoint) {
  write_atomically(path, encode(checkpoint));
}

template <class T>
Checkpoint<T> read_checkpoint(const std::string& path) {
  return decode<T>(path, read_file(path));
}

template <class T>
void restore_checkpoint(const Checkpoint<T>& c, Mlp<T>& model,
                        std::type_identity_t<Optimizer<T>>* optimizer,
                        const std::string& path) {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("load_checkpoint: '" + path + "': " + what);
  };

  // Architecture: spec and activation must agree; dropout and init do not
  // change the parameters, so they may differ.
  const MlpConfig& want = model.config();
  if (c.model.spec != want.spec || c.model.activation != want.activation) {
    fail("architecture differs; expected " + want.spec + " " + want.activation +
         " (the model), found " + c.model.spec + " " + c.model.activation +
         " (the file)");
  }

  // Parameters: the same names and shapes in the same order.
  std::vector<NamedParameter<T>> params = model.named_parameters();
  if (params.size() != c.parameters.size()) {
    fail("parameter count differs; expected " + std::to_string(params.size()) +
         ", found " + std::to_string(c.parameters.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const NamedTensor<T>& got = c.parameters[i];
    const Tensor<T>& value = params[i].param->value;
    if (got.name != params[i].name || !got.value.same_shape(value)) {
      fail("parameter " + std::to_string(i) + " differs; expected '" +
           params[i].name + "' " + value.shape_str() + ", found '" + got.name +
           "' " + got.value.shape_str());
    }
  }

  // Optimizer state, checked before anything is copied.
  if (optimizer != nullptr) {
    if (!c.has_optimizer) {
      fail("the file holds no optimizer state; expected state for '" +
           optimizer->kind() + "'");
    }
    try {
      optimizer->check_state(c.optimizer);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
  }

  // Commit: nothing below can fail on a valid state.
  for (std::size_t i = 0; i < params.size(); ++i) {
    params[i].param->value = c.parameters[i].value;
  }
  if (optimizer != nullptr) optimizer->load_state(c.optimizer);
}

template <class T>
void save_checkpoint(const std::string& path, const Mlp<T>& model,
                     const std::type_identity_t<Optimizer<T>>* optimizer,
                     std::int64_t epoch) {
  write_checkpoint(path, capture_checkpoint(model, optimizer, epoch));
}

template <class T>
std::int64_t load_checkpoint(const std::string& path, Mlp<T>& model,
                             std::type_identity_t<Optimizer<T>>* optimizer) {
  const Checkpoint<T> c = read_checkpoint<T>(path);
  restore_checkpoint(c, model, optimizer, path);
  return c.epoch;
}

#define LOSSLAB_NN_CHECKPOINT_INSTANTIATE(T)                                \
  template Checkpoint<T> capture_checkpoint(                                \
      const Mlp<T>&, const Optimizer<T>*, std::int64_t);                    \
  template void write_checkpoint(const std::string&, const Checkpoint<T>&); \
  template Checkpoint<T> read_checkpoint(const std::string&);               \
  template void restore_checkpoint(const Checkpoint<T>&, Mlp<T>&,           \
                                   Optimizer<T>*, const std::string&);      \
  template void save_checkpoint(const std::string&, const Mlp<T>&,          \
                                const Optimizer<T>*, std::int64_t);         \
  template std::int64_t load_checkpoint(const std::string&, Mlp<T>&,        \
                                        Optimizer<T>*);
LOSSLAB_NN_CHECKPOINT_INSTANTIATE(float)
LOSSLAB_NN_CHECKPOINT_INSTANTIATE(double)

}  // namespace losslab
