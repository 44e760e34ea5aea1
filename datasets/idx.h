// IDX loaders (the MNIST file format) and Fashion-MNIST.
//
// An IDX file is a 4-byte magic (0, 0, type code, number of dimensions),
// one big-endian uint32 per dimension, then the payload in row-major order.
// Files may be raw or gzip-compressed; gzip is detected from its bytes
// (1f 8b), not from the file name. Only the uint8 type (0x08) is loaded;
// other valid type codes are recognised and rejected by name.
//
// Every size is checked against the bytes really present before memory is
// allocated for it, so a corrupt header with absurd dimensions costs nothing
// (the payload buffer grows only as bytes arrive). Trailing bytes after the
// payload are an error: a file with extra data is not the file the header
// describes. All failures throw std::runtime_error naming the file.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace losslab {

// The big-endian uint32 in bytes[0..3]: 00 00 08 03 -> 2051.
uint32_t read_big_endian_u32(const uint8_t* bytes);

// A parsed IDX header.
struct IdxHeader {
  uint8_t type_code = 0;       // 0x08 uint8, 0x09 int8, 0x0B int16, ...
  std::vector<uint32_t> dims;  // one entry per dimension
  uint64_t element_count = 0;  // product of dims (checked for overflow)
  int element_size = 0;        // bytes per element for type_code
  uint64_t payload_bytes() const { return element_count * element_size; }
};

// Parses a header from the start of `bytes` (magic then dims). `path` only
// names the file in errors. Throws std::runtime_error when the header is
// truncated, the first two bytes are not zero, the type code is unknown,
// the magic looks like gzip (1f 8b: the caller forgot to decompress), or
// the dimension product overflows 64 bits.
IdxHeader parse_idx_header(std::span<const uint8_t> bytes,
                           const std::string& path);

// A whole IDX file of type uint8.
struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // product(dims) bytes, row-major
};

// Reads a raw or gzip IDX file of uint8 elements. Throws std::runtime_error
// naming the file when it is missing, a directory, unreadable, empty, has
// a truncated header ("header truncated"), a bad magic, a non-uint8 type,
// fewer payload bytes than the header says ("expected 12 data bytes, found
// 10"), or trailing bytes after the payload.
IdxArray read_idx(const std::string& path);

// Images: a 3-dimensional uint8 file (N x rows x cols).
struct IdxImages {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<uint8_t> pixels;  // count x rows x cols
};
IdxImages load_idx_images(const std::string& path);

// Labels: a 1-dimensional uint8 file (N).
std::vector<int> load_idx_labels(const std::string& path);

// Loads `<dir>/<prefix>-images-idx3-ubyte` and `<prefix>-labels-idx1-ubyte`
// (each raw or with a .gz suffix; the raw name is tried first), e.g.
// prefix "train" or "t10k". K is max label + 1 unless `class_names` is
// given, in which case K is its size. Throws std::runtime_error if a file
// is missing (naming every path tried) or the image and label counts differ
// ("image/label count mismatch 3 vs 2") or a label is out of range for the
// given class names.
Dataset load_idx_dataset(const std::string& dir, const std::string& prefix,
                         std::vector<std::string> class_names = {});

// The ten Fashion-MNIST class names, in label order.
const std::array<std::string, 10>& fashion_mnist_class_names();

// The data directory used when none is given: the LOSSLAB_DATA
// environment variable if set and non-empty, else
// /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
std::string default_data_dir();

struct TrainTest {
  Dataset train;
  Dataset test;
};

// Fashion-MNIST (or any IDX set with the same file names and 10 classes,
// such as MNIST) from `dir`; an empty `dir` means default_data_dir().
// Train: 60,000 images, test: 10,000, each 28x28.
TrainTest load_fashion_mnist(const std::string& dir = "");

}  // namespace losslab
