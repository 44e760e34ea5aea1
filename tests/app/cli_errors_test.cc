// End-to-end tests of the `losslab` program's error paths: each runs the
// binary with one thing wrong and checks that it exits non-zero without a
// crash, abort or sanitizer report, and that stderr names what was wrong.
// Data is tiny and synthetic so that every run takes well under a second.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/app/run_losslab.h"

namespace losslab::testing {
namespace {

using Args = std::vector<std::string>;

// A quick `losslab train` on 60 blob points, output under dir/out. Each
// "--flag", "value" pair in `extra` replaces the default of that flag (the
// program rejects a flag given twice); a lone flag such as
// "--detect-anomaly" is appended.
Args train_args(const TempDir& dir, const Args& extra) {
  Args a = {
      "train",    "--dataset", "synthetic:blobs", "--samples", "60",
      "--hidden", "4",         "--epochs",        "1",         "--batch-size",
      "16",       "--out",     dir.file("out"),   "--quiet"};
  for (std::size_t i = 0; i < extra.size(); ++i) {
    const bool has_value = i + 1 < extra.size() && extra[i + 1][0] != '-';
    auto it = std::find(a.begin(), a.end(), extra[i]);
    if (it != a.end() && has_value) {
      *(it + 1) = extra[++i];
    } else {
      a.push_back(extra[i]);
      if (has_value) a.push_back(extra[++i]);
    }
  }
  return a;
}

// Expects a clean failure whose stderr holds every one of `needles`.
void expect_failure_naming(const RunResult& r,
                           const std::vector<std::string>& needles) {
  EXPECT_TRUE(failed_cleanly(r)) << r;
  for (const std::string& n : needles) {
    EXPECT_NE(r.err.find(n), std::string::npos)
        << "stderr does not mention \"" << n << "\"; " << r;
  }
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

TEST(CliErrorTest, UnknownFlagIsNamed) {
  TempDir dir;
  expect_failure_naming(run_losslab({"train", "--bogus-flag"}, dir),
                        {"--bogus-flag"});
}

TEST(CliErrorTest, UnknownSubcommandIsNamed) {
  TempDir dir;
  expect_failure_naming(run_losslab({"frobnicate"}, dir), {"frobnicate"});
}

TEST(CliErrorTest, MissingSubcommandIsReported) {
  TempDir dir;
  expect_failure_naming(run_losslab({}, dir), {"subcommand"});
}

TEST(CliErrorTest, ZeroEpochsAreRejected) {
  TempDir dir;
  expect_failure_naming(run_losslab(train_args(dir, {"--epochs", "0"}), dir),
                        {"--epochs"});
}

TEST(CliErrorTest, CountRangeIsPrintedAsIntegers) {
  // The message names the accepted range as integers, not DBL_MAX's 309
  // digits.
  TempDir dir;
  RunResult r = run_losslab(train_args(dir, {"--epochs", "0"}), dir);
  EXPECT_NE(r.err.find("1 to 2147483647"), std::string::npos) << r.err;
  EXPECT_LT(r.err.size(), 200u) << r.err;
}

TEST(CliErrorTest, NegativeStudyThreadsAreRejected) {
  TempDir dir;
  expect_failure_naming(
      run_losslab({"study", "studies/quick.toml", "--threads", "-3"}, dir),
      {"--threads"});
}

TEST(CliErrorTest, ZeroBatchSizeIsRejected) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--batch-size", "0"}), dir),
      {"--batch-size"});
}

TEST(CliErrorTest, NonNumericLearningRateIsNamed) {
  TempDir dir;
  expect_failure_naming(run_losslab(train_args(dir, {"--lr", "fast"}), dir),
                        {"--lr", "fast"});
}

TEST(CliErrorTest, UnknownActivationIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--activation", "swishy"}), dir),
      {"swishy"});
}

TEST(CliErrorTest, MalformedHiddenSpecIsNamed) {
  TempDir dir;
  expect_failure_naming(run_losslab(train_args(dir, {"--hidden", "8-x"}), dir),
                        {"8-x"});
}

TEST(CliErrorTest, UnknownScheduleIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--schedule", "sawtooth"}), dir),
      {"sawtooth"});
}

TEST(CliErrorTest, UnknownDatasetKindIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "synthetic:donuts"}), dir),
      {"donuts"});
}

// ---------------------------------------------------------------------------
// Losses and data transforms
// ---------------------------------------------------------------------------

TEST(CliErrorTest, UnknownLossIsNamedWithTheKnownOnes) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--loss", "hinge_squared"}), dir),
      {"hinge_squared", "ce"});
}

TEST(CliErrorTest, BadLossParameterValueIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--loss", "focal:gamma=-1"}), dir),
      {"gamma", "-1"});
}

TEST(CliErrorTest, UnknownLossParameterIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--loss", "focal:gama=2"}), dir), {"gama"});
}

TEST(CliErrorTest, NoiseRateAboveOneIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--noise", "symmetric:2"}), dir),
      {"symmetric:2"});
}

TEST(CliErrorTest, ImbalanceRatioBelowOneIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--imbalance", "step:0.5"}), dir),
      {"step:0.5"});
}

TEST(CliErrorTest, ImbalanceClassOutsideIntIsNamed) {
  // Found by fuzz/data_spec_fuzzer: the class index was converted to int
  // before its range was checked (undefined behaviour).
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--imbalance", "binary:6:1e10:2"}), dir),
      {"1e10"});
}

TEST(CliErrorTest, ImbalanceClassOutsideTheDataIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--imbalance", "binary:7:0:10"}), dir),
      {"7"});
}

TEST(CliErrorTest, InfiniteImbalanceRatioIsNamed) {
  // Once converted to int unchecked: undefined behaviour, a negative ratio.
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--imbalance", "binary:1:0:inf"}), dir),
      {"binary:1:0:inf", "ratio"});
}

TEST(CliErrorTest, NegativeSeedIsRejected) {
  // Read as an unsigned number, "-1" would be 2^64 - 1.
  TempDir dir;
  expect_failure_naming(run_losslab(train_args(dir, {"--seed", "-1"}), dir),
                        {"--seed", "'-1'"});
}

TEST(CliErrorTest, SeedBeyond64BitsIsRejected) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--seed", "18446744073709551616"}), dir),
      {"--seed", "18446744073709551616"});
}

TEST(CliErrorTest, StudyFileThatIsADirectoryIsNamed) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("st"));
  expect_failure_naming(run_losslab({"study", dir.file("st"), "--check"}, dir),
                        {"st", "is a directory"});
}

TEST(CliErrorTest, ConstantWithTooManySamplesIsRejected) {
  // Two billion labels were allocated, and the program was killed.
  TempDir dir;
  expect_failure_naming(
      run_losslab({"constant", "--samples", "2000000000"}, dir),
      {"--samples", "10000000"});
}

TEST(CliErrorTest, ParseErrorIsOneLine) {
  TempDir dir;
  RunResult r = run_losslab(train_args(dir, {"--lr", "abc"}), dir);
  expect_failure_naming(r, {"losslab: error: ", "--lr"});
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r;
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

TEST(CliErrorTest, UnwritableRunJsonFailsBeforeTraining) {
  // run.json is a directory, so it cannot be written. The failure must come
  // before the first epoch, whose checkpoint would otherwise appear.
  TempDir dir;
  std::filesystem::create_directories(dir.file("out/run.json"));
  RunResult r =
      run_losslab(train_args(dir, {"--epochs", "2", "--checkpoint"}), dir);
  expect_failure_naming(r, {"run.json"});
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/model.ckpt")));
}

TEST(CliErrorTest, OutUnderAFileIsNamed) {
  TempDir dir;
  dir.write("afile", "x");
  expect_failure_naming(
      run_losslab(train_args(dir, {"--out", dir.file("afile/out")}), dir),
      {"--out", "afile/out"});
}

TEST(CliErrorTest, KeepDenormalsIsRecordedInRunJson) {
  TempDir dir;
  RunResult r = run_losslab(train_args(dir, {"--keep-denormals"}), dir);
  ASSERT_TRUE(r.exited && r.code == 0) << r;
  const std::string json = read_file(dir.file("out/run.json"));
  EXPECT_NE(json.find("\"flush_denormals\": false"), std::string::npos) << json;
}

TEST(CliErrorTest, RejectedSettingIsRecordedInRunJson) {
  TempDir dir;
  run_losslab(train_args(dir, {"--lr", "-1"}), dir);
  const std::string json = read_file(dir.file("out/run.json"));
  EXPECT_NE(json.find("\"status\": \"failed\""), std::string::npos) << json;
  EXPECT_NE(json.find("learning rate"), std::string::npos) << json;
}

// ---------------------------------------------------------------------------
// Files: IDX and CSV
// ---------------------------------------------------------------------------

// An IDX file of uint8: magic 00 00 08 <ndims>, big-endian dims, payload.
std::string idx_file(const std::vector<uint32_t>& dims,
                     const std::vector<uint8_t>& payload) {
  std::string b = {0, 0, 8, char(dims.size())};
  for (uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) b += char(d >> shift);
  }
  b.append(payload.begin(), payload.end());
  return b;
}

// A valid 10-class IDX set of 2x2 images in DIR/name: 10 training and 10
// test images, one per class.
void write_idx_set(const TempDir& dir, const std::string& name) {
  std::vector<uint8_t> pixels(10 * 4, 128), labels;
  for (int c = 0; c < 10; ++c) labels.push_back(uint8_t(c));
  for (const char* prefix : {"train", "t10k"}) {
    dir.write(name + "/" + prefix + "-images-idx3-ubyte",
              idx_file({10, 2, 2}, pixels));
    dir.write(name + "/" + prefix + "-labels-idx1-ubyte",
              idx_file({10}, labels));
  }
}

TEST(CliErrorTest, MissingDataDirIsNamed) {
  TempDir dir;
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "fashion-mnist", "--data-dir",
                                   "/nonexistent/losslab"}),
                  dir),
      {"/nonexistent/losslab"});
}

TEST(CliErrorTest, IdxFileWithBadMagicIsNamed) {
  TempDir dir;
  write_idx_set(dir, "set");
  dir.write("set/train-images-idx3-ubyte", "PK\x03\x04 not an idx file");
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "idx:" + dir.file("set")}),
                  dir),
      {"train-images-idx3-ubyte", "magic"});
}

TEST(CliErrorTest, IdxFileWithTruncatedPayloadIsNamed) {
  TempDir dir;
  write_idx_set(dir, "set");
  // The header promises 10 labels; 3 follow.
  dir.write("set/t10k-labels-idx1-ubyte", idx_file({10}, {0, 1, 2}));
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "idx:" + dir.file("set")}),
                  dir),
      {"t10k-labels-idx1-ubyte", "truncated"});
}

TEST(CliErrorTest, MissingCsvFileIsNamed) {
  TempDir dir;
  const std::string path = dir.file("absent.csv");
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path}), dir), {path});
}

// 20 rows of x,y,label with labels cycling through 0..2, plus `extra`.
std::string csv_text(const std::string& extra = "") {
  std::string text = "x,y,label\n";
  for (int i = 0; i < 20; ++i) {
    text += std::to_string(i) + "," + std::to_string(i % 5) + "," +
            std::to_string(i % 3) + "\n";
  }
  return text + extra;
}

TEST(CliErrorTest, CsvLabelTooLargeForAClassIsNamed) {
  TempDir dir;
  const std::string path = dir.write("d.csv", csv_text("1,2,70000\n"));
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path}), dir),
      {path + ":22", "70000"});
}

TEST(CliErrorTest, CsvMissingLabelIsNamedWithItsLine) {
  TempDir dir;
  const std::string path = dir.write("d.csv", csv_text("1,2,\n"));
  // Header on line 1, 20 rows, the bad row on line 22.
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path}), dir),
      {path + ":22", "label"});
}

TEST(CliErrorTest, CsvRowOfWrongWidthIsNamedWithItsLine) {
  TempDir dir;
  const std::string path = dir.write("d.csv", csv_text("1,2,0,9\n"));
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path}), dir),
      {path + ":22"});
}

TEST(CliErrorTest, CsvUnknownLabelColumnIsNamed) {
  TempDir dir;
  const std::string path = dir.write("d.csv", csv_text());
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path, "--label-column",
                                   "klass"}),
                  dir),
      {"klass"});
}

TEST(CliErrorTest, CsvLabelColumnIndexOutsideTheFileIsNamed) {
  TempDir dir;
  const std::string path = dir.write("d.csv", csv_text());
  expect_failure_naming(run_losslab(train_args(dir, {"--dataset", "csv:" + path,
                                                     "--label-column", "7"}),
                                    dir),
                        {"7"});
}

TEST(CliErrorTest, CsvLabelColumnIndexBeyondIntIsNamed) {
  // std::stoi threw std::out_of_range, printed as the bare word "stoi".
  TempDir dir;
  const std::string path = dir.write("d.csv", csv_text());
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path, "--label-column",
                                   "99999999999"}),
                  dir),
      {"99999999999"});
}

TEST(CliErrorTest, CsvWithOneClassIsRejected) {
  TempDir dir;
  const std::string path =
      dir.write("d.csv", "x,label\n1,0\n2,0\n3,0\n4,0\n5,0\n6,0\n");
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path}), dir),
      {"class"});
}

TEST(CliErrorTest, CsvWithOnlyAHeaderIsRejected) {
  TempDir dir;
  const std::string path = dir.write("d.csv", "x,y,label\n");
  expect_failure_naming(
      run_losslab(train_args(dir, {"--dataset", "csv:" + path}), dir), {path});
}

// ---------------------------------------------------------------------------
// Study files
// ---------------------------------------------------------------------------

// A valid study of one quick run on blobs, with `extra` appended.
std::string study_text(const std::string& grid_losses,
                       const std::string& extra = "") {
  return "name = \"t\"\n"
         "[data]\n"
         "dataset = \"synthetic:blobs\"\n"
         "synthetic_samples = 60\n"
         "[model]\n"
         "hidden = \"4\"\n"
         "[training]\n"
         "epochs = 1\n"
         "batch_size = 16\n" +
         extra +
         "[[grid]]\n"
         "losses = " +
         grid_losses + "\n";
}

RunResult check_study(const TempDir& dir, const std::string& path) {
  return run_losslab(
      {"study", path, "--check", "--quiet", "--out", dir.file("study-out")},
      dir);
}

TEST(CliErrorTest, ValidStudyPassesTheCheck) {
  TempDir dir;
  const std::string path = dir.write("s.toml", study_text("[\"ce\"]"));
  RunResult r = check_study(dir, path);
  EXPECT_TRUE(r.exited && r.code == 0) << r;
}

TEST(CliErrorTest, MissingStudyFileIsNamed) {
  TempDir dir;
  const std::string path = dir.file("absent.toml");
  expect_failure_naming(check_study(dir, path), {path});
}

TEST(CliErrorTest, StudyTomlSyntaxErrorIsNamedWithItsLine) {
  TempDir dir;
  const std::string path =
      dir.write("s.toml", "name = \"t\"\n[data\ndataset = \"x\"\n");
  expect_failure_naming(check_study(dir, path), {path + ":2"});
}

TEST(CliErrorTest, StudyUnknownKeyIsNamedWithItsLine) {
  TempDir dir;
  // Line 10 is the misspelt key, after the 9 lines of [data] to [training].
  const std::string path =
      dir.write("s.toml", study_text("[\"ce\"]", "epochz = 3\n"));
  expect_failure_naming(check_study(dir, path), {path + ":10", "epochz"});
}

TEST(CliErrorTest, StudyWrongTypeIsNamed) {
  TempDir dir;
  const std::string path =
      dir.write("s.toml", study_text("[\"ce\"]", "drop_last = \"yes\"\n"));
  expect_failure_naming(check_study(dir, path), {path + ":10", "drop_last"});
}

TEST(CliErrorTest, StudyUnknownLossIsNamedWithItsLine) {
  TempDir dir;
  const std::string path =
      dir.write("s.toml", study_text("[\"ce\", \"hinge_squared\"]"));
  expect_failure_naming(check_study(dir, path),
                        {path + ":11", "hinge_squared"});
}

TEST(CliErrorTest, StudyWithoutGridIsRejected) {
  TempDir dir;
  const std::string path =
      dir.write("s.toml", "name = \"t\"\n[data]\ndataset = \"x\"\n");
  expect_failure_naming(check_study(dir, path), {path, "grid"});
}

// ---------------------------------------------------------------------------
// Divergence
// ---------------------------------------------------------------------------

TEST(CliErrorTest, DivergenceStopsNamingEpochStepAndLoss) {
  TempDir dir;
  RunResult r =
      run_losslab(train_args(dir, {"--optimizer", "sgd", "--lr", "1e30",
                                   "--detect-anomaly", "--epochs", "3"}),
                  dir);
  expect_failure_naming(r, {"epoch 1", "step", "loss"});
}

TEST(CliErrorTest, DivergedRunStillWritesRunJson) {
  TempDir dir;
  run_losslab(train_args(dir, {"--optimizer", "sgd", "--lr", "1e30",
                               "--detect-anomaly", "--epochs", "3"}),
              dir);
  const std::string json = read_file(dir.file("out/run.json"));
  EXPECT_NE(json.find("\"status\": \"diverged\""), std::string::npos)
      << "run.json:\n"
      << json;
}

TEST(CliErrorTest, DivergenceWithoutAnomalyModeAlsoStops) {
  TempDir dir;
  RunResult r = run_losslab(
      train_args(dir, {"--optimizer", "sgd", "--lr", "1e30", "--epochs", "3"}),
      dir);
  expect_failure_naming(r, {"epoch 1", "step", "loss"});
}

}  // namespace
}  // namespace losslab::testing
