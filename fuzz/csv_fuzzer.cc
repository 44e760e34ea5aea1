// Fuzzes the CSV reader (datasets/csv.h): the table splitter, the numeric
// matrix loader in both missing-value modes, and the labelled dataset
// loader with detected, integer and string labels.
#include <cstddef>
#include <cstdint>

#include "datasets/csv.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace losslab;
  using losslab::fuzz::expect_clean_rejection;
  static const losslab::fuzz::ScratchFile file(".csv");
  const std::string& path = file.write(data, size);

  expect_clean_rejection([&] { read_csv_table(path); });
  expect_clean_rejection([&] { load_csv_matrix(path, {}, CsvMissing::kNaN); });
  expect_clean_rejection([&] {
    CsvReadOptions o;
    o.header = CsvHeader::kAbsent;
    o.delimiter = ';';
    load_csv_matrix(path, o, CsvMissing::kError);
  });
  for (CsvLabels labels :
       {CsvLabels::kAuto, CsvLabels::kInteger, CsvLabels::kString}) {
    expect_clean_rejection([&] {
      CsvDatasetOptions o;
      o.labels = labels;
      o.missing = CsvMissing::kNaN;
      CsvDatasetReport report;
      load_csv_dataset(path, o, &report);
    });
  }
  expect_clean_rejection([&] {
    CsvDatasetOptions o;
    o.read.header = CsvHeader::kPresent;
    o.label_name = "label";
    load_csv_dataset(path, o);
  });
  return 0;
}
