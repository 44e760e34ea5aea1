// IDX loader tests: header decoding (C22), truncated and inconsistent files
// (C23) and the other bad inputs a download can produce.
#include "datasets/idx.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "tests/datasets/temp_files.h"

namespace losslab {
namespace {

using ::testing::AllOf;
using testing::concat;
using ::testing::HasSubstr;
using testing::idx_header;
using testing::message_of;
using testing::TempDir;

// Three 2x2 images whose pixels are 1..12 in file order (C23's valid file).
std::vector<uint8_t> three_images() {
  std::vector<uint8_t> pixels = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  return concat(idx_header({3, 2, 2}), pixels);
}

TEST(IdxHeaderTest, GzipMagicReadsAs529205256) {
  // 1f 8b 08 08 = 0x1f8b0808 = 529205256 (C22).
  const uint8_t gzip[4] = {0x1f, 0x8b, 0x08, 0x08};
  EXPECT_EQ(read_big_endian_u32(gzip), 529205256u);
}

TEST(IdxHeaderTest, MagicIsBigEndian) {
  // 00 00 08 03 = 0x0803 = 2051; little-endian would give 50855936 (C22).
  const uint8_t images[4] = {0x00, 0x00, 0x08, 0x03};
  const uint8_t labels[4] = {0x00, 0x00, 0x08, 0x01};
  EXPECT_EQ(read_big_endian_u32(images), 2051u);
  EXPECT_EQ(read_big_endian_u32(labels), 2049u);
}

TEST(IdxHeaderTest, DimensionsAreBigEndian) {
  // 60000 = 0x0000EA60 and 28 = 0x1C; read little-endian they would be
  // 1625948160 and 469762048 (C22).
  const std::vector<uint8_t> h = idx_header({60000, 28, 28});
  const IdxHeader parsed = parse_idx_header(h, "mem");
  EXPECT_EQ(parsed.dims, (std::vector<uint32_t>{60000, 28, 28}));
  // Train images: 60000 * 784 = 47040000 payload bytes + 16 header bytes.
  EXPECT_EQ(parsed.payload_bytes() + h.size(), 47040016u);
}

TEST(IdxHeaderTest, GzipBytesGiveGzipError) {
  const std::vector<uint8_t> gzip = {0x1f, 0x8b, 0x08, 0x08, 0, 0, 0, 0};
  EXPECT_THAT(
      message_of<std::runtime_error>([&] { parse_idx_header(gzip, "x.idx"); }),
      AllOf(HasSubstr("x.idx"), HasSubstr("gzip-compressed")));
}

TEST(IdxHeaderTest, NonZeroLeadingBytesAreBadMagic) {
  const std::vector<uint8_t> text = {0x61, 0x00, 0x08, 0x01, 0, 0, 0, 1};
  EXPECT_THAT(
      message_of<std::runtime_error>([&] { parse_idx_header(text, "x.idx"); }),
      HasSubstr("bad magic"));
}

TEST(IdxHeaderTest, UnknownTypeCodeIsRejected) {
  const std::vector<uint8_t> h = idx_header({1}, 0x07);
  EXPECT_THAT(
      message_of<std::runtime_error>([&] { parse_idx_header(h, "x.idx"); }),
      HasSubstr("unknown IDX type code 0x07"));
}

TEST(IdxHeaderTest, OverflowingDimensionsAreRejected) {
  // 2^31 cubed = 2^93 elements cannot be counted in 64 bits.
  const std::vector<uint8_t> h =
      idx_header({0x80000000u, 0x80000000u, 0x80000000u});
  EXPECT_THAT(
      message_of<std::runtime_error>([&] { parse_idx_header(h, "x.idx"); }),
      HasSubstr("overflows"));
}

TEST(IdxLoadTest, ValidFileGivesPixelsInFileOrder) {
  TempDir dir;
  const IdxImages img =
      load_idx_images(write_bytes(dir, "ok-idx3-ubyte", three_images()));
  EXPECT_EQ(img.count, 3);
  EXPECT_EQ(img.rows, 2);
  EXPECT_EQ(img.cols, 2);
  EXPECT_EQ(img.pixels,
            (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
}

TEST(IdxLoadTest, GzipFileIsDecompressedTransparently) {
  TempDir dir;
  const IdxImages img =
      load_idx_images(write_gzip(dir, "ok-idx3-ubyte.gz", three_images()));
  ASSERT_EQ(img.pixels.size(), 12u);
  EXPECT_EQ(img.pixels[0], 1);
  EXPECT_EQ(img.pixels[11], 12);
}

TEST(IdxLoadTest, EmptyFileIsReportedAsEmpty) {
  TempDir dir;
  const std::string p = write_bytes(dir, "empty-idx3-ubyte", {});
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              AllOf(HasSubstr(p), HasSubstr("file is empty")));
}

TEST(IdxLoadTest, TenByteFileHasTruncatedHeader) {
  TempDir dir;
  std::vector<uint8_t> bytes = idx_header({3, 2, 2});
  bytes.resize(10);
  const std::string p = write_bytes(dir, "short-idx3-ubyte", bytes);
  EXPECT_THAT(
      message_of<std::runtime_error>([&] { load_idx_images(p); }),
      AllOf(HasSubstr(p), HasSubstr("header truncated; expected 16 bytes, "
                                    "found 10")));
}

TEST(IdxLoadTest, ShortPayloadIsReportedWithBothCounts) {
  // 3 images of 2x2 need 12 data bytes; the file has 10 (26 bytes total).
  TempDir dir;
  std::vector<uint8_t> bytes = three_images();
  bytes.resize(26);
  const std::string p = write_bytes(dir, "cut-idx3-ubyte", bytes);
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              AllOf(HasSubstr(p), HasSubstr("expected 12 data bytes, "
                                            "found 10")));
}

TEST(IdxLoadTest, ShortGzipPayloadIsReportedWithBothCounts) {
  TempDir dir;
  std::vector<uint8_t> bytes = three_images();
  bytes.resize(26);
  const std::string p = write_gzip(dir, "cut-idx3-ubyte.gz", bytes);
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              HasSubstr("expected 12 data bytes, found 10"));
}

TEST(IdxLoadTest, TrailingBytesAreAnError) {
  TempDir dir;
  std::vector<uint8_t> bytes = three_images();
  bytes.push_back(0);
  const std::string p = write_bytes(dir, "long-idx3-ubyte", bytes);
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              AllOf(HasSubstr(p), HasSubstr("trailing bytes")));
}

TEST(IdxLoadTest, AbsurdCountInGzipFailsWithoutHugeAllocation) {
  // The header claims 2^30 images of 64x64 (4 TiB); the gzip file holds
  // 12 pixels. The buffer grows only with the bytes that arrive.
  TempDir dir;
  const std::vector<uint8_t> bytes =
      concat(idx_header({1u << 30, 64, 64}), std::vector<uint8_t>(12, 7));
  const std::string p = write_gzip(dir, "huge-idx3-ubyte.gz", bytes);
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              HasSubstr("expected 4398046511104 data bytes, found 12"));
}

TEST(IdxLoadTest, AbsurdCountInRawFileFailsBeforeReading) {
  TempDir dir;
  const std::vector<uint8_t> bytes =
      concat(idx_header({1u << 30, 64, 64}), std::vector<uint8_t>(12, 7));
  const std::string p = write_bytes(dir, "huge-idx3-ubyte", bytes);
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              HasSubstr("expected 4398046511104 data bytes, found 12"));
}

TEST(IdxLoadTest, DimensionAboveIntRangeIsRejected) {
  TempDir dir;
  const std::string p =
      write_bytes(dir, "big-idx1-ubyte", idx_header({0xFFFFFFFFu}));
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_labels(p); }),
              HasSubstr("absurd dimension 4294967295"));
}

TEST(IdxLoadTest, CutGzipDownloadIsAnError) {
  // A gzip file missing its last bytes (an interrupted download): either
  // zlib reports the unexpected end or the payload comes up short.
  TempDir dir;
  const std::vector<uint8_t> big =
      concat(idx_header({100, 28, 28}), std::vector<uint8_t>(78400, 9));
  const std::string whole = write_gzip(dir, "whole.gz", big);
  std::ifstream in(whole, std::ios::binary);
  std::vector<uint8_t> gz((std::istreambuf_iterator<char>(in)), {});
  gz.resize(gz.size() - 12);
  const std::string p = write_bytes(dir, "cut-idx3-ubyte.gz", gz);
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              HasSubstr(p));
}

TEST(IdxLoadTest, DirectoryIsNotAFile) {
  TempDir dir;
  EXPECT_THAT(message_of<std::runtime_error>(
                  [&] { load_idx_images(dir.path().string()); }),
              HasSubstr("is a directory"));
}

TEST(IdxLoadTest, MissingFileIsNamed) {
  TempDir dir;
  const std::string p = dir.file("nothing-idx3-ubyte");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              AllOf(HasSubstr(p), HasSubstr("no such file")));
}

TEST(IdxLoadTest, UnreadableFileIsNamed) {
  TempDir dir;
  const std::string p = write_bytes(dir, "locked-idx3-ubyte", three_images());
  chmod(p.c_str(), 0);
  if (access(p.c_str(), R_OK) == 0) {
    GTEST_SKIP() << "running with permission to read a mode-000 file (root)";
  }
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              AllOf(HasSubstr(p), HasSubstr("cannot open")));
}

TEST(IdxLoadTest, LabelFileAsImagesHasWrongDimensions) {
  TempDir dir;
  const std::string p =
      write_bytes(dir, "labels-idx1-ubyte", concat(idx_header({2}), {0, 1}));
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_images(p); }),
              HasSubstr("wrong number of dimensions; expected 3, got 1"));
}

TEST(IdxLoadTest, FloatTypeIsRejectedByName) {
  TempDir dir;
  const std::string p = write_bytes(
      dir, "f-idx1-ubyte", concat(idx_header({1}, 0x0D), {0, 0, 0, 0}));
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_idx_labels(p); }),
              HasSubstr("unsupported element type 0x0D"));
}

TEST(IdxDatasetTest, ImageAndLabelCountsMustAgree) {
  TempDir dir;
  write_bytes(dir, "train-images-idx3-ubyte", three_images());
  write_bytes(dir, "train-labels-idx1-ubyte", concat(idx_header({2}), {0, 1}));
  EXPECT_THAT(message_of<std::runtime_error>(
                  [&] { load_idx_dataset(dir.path().string(), "train"); }),
              HasSubstr("image/label count mismatch 3 vs 2"));
}

TEST(IdxDatasetTest, LoadsMixedRawAndGzipFiles) {
  TempDir dir;
  write_bytes(dir, "t10k-images-idx3-ubyte", three_images());
  write_gzip(dir, "t10k-labels-idx1-ubyte.gz",
             concat(idx_header({3}), {2, 0, 1}));
  const Dataset ds = load_idx_dataset(dir.path().string(), "t10k");
  EXPECT_EQ(ds.size(), 3);
  EXPECT_EQ(ds.num_features(), 4);
  EXPECT_EQ(ds.num_classes(), 3);  // max label 2 + 1
  EXPECT_EQ(ds.labels(), (std::vector<int>{2, 0, 1}));
}

TEST(IdxDatasetTest, MissingFileListsPathsTried) {
  TempDir dir;
  EXPECT_THAT(message_of<std::runtime_error>(
                  [&] { load_idx_dataset(dir.path().string(), "train"); }),
              AllOf(HasSubstr("train-images-idx3-ubyte"),
                    HasSubstr("train-images-idx3-ubyte.gz")));
}

TEST(IdxDatasetTest, LabelOutsideNamedClassesNamesTheFile) {
  TempDir dir;
  write_bytes(dir, "train-images-idx3-ubyte", three_images());
  const std::string labels = write_bytes(dir, "train-labels-idx1-ubyte",
                                         concat(idx_header({3}), {0, 1, 10}));
  EXPECT_THAT(message_of<std::runtime_error>(
                  [&] { load_fashion_mnist(dir.path().string()); }),
              AllOf(HasSubstr(labels), HasSubstr("got 10")));
}

TEST(IdxDatasetTest, DefaultDataDirFollowsEnvironment) {
  const char* old = std::getenv("LOSSLAB_DATA");
  const std::string saved = old ? old : "";
  setenv("LOSSLAB_DATA", "/some/where", 1);
  EXPECT_EQ(default_data_dir(), "/some/where");
  unsetenv("LOSSLAB_DATA");
  EXPECT_EQ(default_data_dir(), "/usr/share/datasets/fashion-mnist");
  if (old != nullptr) setenv("LOSSLAB_DATA", saved.c_str(), 1);
}

}  // namespace
}  // namespace losslab
