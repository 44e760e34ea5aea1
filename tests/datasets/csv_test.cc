// CSV loader: cases C24 (header row) and C25 (missing values), label
// columns and the file errors.
#include "datasets/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "datasets/transforms.h"
#include "tests/datasets/temp_files.h"

namespace losslab {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::message_of;
using testing::TempDir;

void expect_matrix(const Tensor<double>& m,
                   const std::vector<std::vector<double>>& want) {
  ASSERT_EQ(m.rows(), int(want.size()));
  ASSERT_EQ(m.cols(), int(want[0].size()));
  for (int r = 0; r < m.rows(); ++r) {
    for (int c = 0; c < m.cols(); ++c) {
      if (std::isnan(want[r][c])) {
        EXPECT_TRUE(std::isnan(m(r, c))) << "(" << r << ", " << c << ")";
      } else {
        EXPECT_EQ(m(r, c), want[r][c]) << "(" << r << ", " << c << ")";
      }
    }
  }
}

TEST(CsvMatrixTest, C24DetectedHeaderIsNotData) {
  TempDir dir;
  const CsvMatrix m =
      load_csv_matrix(dir.write("h.csv", "a,b,c\n1,2,3\n4,5,6\n"));
  expect_matrix(m.values, {{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(m.column_names, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CsvMatrixTest, C24DeclaredHeaderIsNotData) {
  TempDir dir;
  const CsvMatrix m =
      load_csv_matrix(dir.write("h.csv", "a,b,c\n1,2,3\n4,5,6\n"),
                      {.header = CsvHeader::kPresent});
  expect_matrix(m.values, {{1, 2, 3}, {4, 5, 6}});
}

TEST(CsvMatrixTest, C24NoHeaderKeepsFirstRow) {
  TempDir dir;
  const CsvMatrix m = load_csv_matrix(dir.write("n.csv", "1,2,3\n4,5,6\n"));
  expect_matrix(m.values, {{1, 2, 3}, {4, 5, 6}});
  EXPECT_TRUE(m.column_names.empty());
}

TEST(CsvMatrixTest, C24NonNumericCellNamesLineAndColumn) {
  TempDir dir;
  const std::string p = dir.write("x.csv", "a,b,c\n1,2,3\n4,x,6\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              AllOf(HasSubstr(p + ":3"), HasSubstr("column 2 (b)"),
                    HasSubstr("non-numeric value \"x\"")));
}

TEST(CsvMatrixTest, C25MissingValueIsAnErrorByDefault) {
  TempDir dir;
  const std::string p = dir.write("m.csv", "1,,3\n4,nan,6\n,8,9\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              AllOf(HasSubstr(p + ":1"), HasSubstr("column 2"),
                    HasSubstr("missing value")));
}

TEST(CsvMatrixTest, C25MissingValuesLoadAsNaNWhenAllowed) {
  TempDir dir;
  const CsvMatrix m = load_csv_matrix(
      dir.write("m.csv", "1,,3\n4,nan,6\n,8,9\n"), {}, CsvMissing::kNaN);
  expect_matrix(m.values, {{1, NAN, 3}, {4, NAN, 6}, {NAN, 8, 9}});
  EXPECT_EQ(m.missing_count, 3);
}

TEST(CsvMatrixTest, C25FileOfOnlyNaNTokensParses) {
  TempDir dir;
  const CsvMatrix m = load_csv_matrix(dir.write("nan.csv", "nan,NaN\nNA,N/A\n"),
                                      {}, CsvMissing::kNaN);
  expect_matrix(m.values, {{NAN, NAN}, {NAN, NAN}});
  EXPECT_EQ(m.missing_count, 4);
}

TEST(CsvMatrixTest, C25ColumnWithNaNCannotBeStandardised) {
  // A statistic over a NaN column is undefined: standardize refuses it.
  TempDir dir;
  CsvDatasetOptions o;
  o.missing = CsvMissing::kNaN;
  Dataset d = load_csv_dataset(dir.write("d.csv", "1,0\n,1\n"), o);
  EXPECT_THROW(standardize(d), std::invalid_argument);
}

TEST(CsvMatrixTest, InfinityIsRejected) {
  TempDir dir;
  const std::string p = dir.write("i.csv", "1,2\n3,inf\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              HasSubstr("non-numeric value \"inf\""));
}

TEST(CsvMatrixTest, LineNumbersCountSkippedBlankLines) {
  TempDir dir;
  const std::string p = dir.write("b.csv", "a,b\n1,2\n\n3,y\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              HasSubstr(p + ":4"));
}

TEST(CsvMatrixTest, RaggedRowIsAnError) {
  TempDir dir;
  const std::string p = dir.write("r.csv", "1,2,3\n4,5\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              AllOf(HasSubstr(p + ":2"),
                    HasSubstr("wrong number of fields; expected 3, got 2")));
}

TEST(CsvMatrixTest, UnterminatedQuoteIsAnError) {
  TempDir dir;
  const std::string p = dir.write("q.csv", "1,\"2\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              HasSubstr("malformed CSV"));
}

TEST(CsvMatrixTest, EmptyFileIsAnError) {
  TempDir dir;
  const std::string p = dir.write("e.csv", "");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              AllOf(HasSubstr(p), HasSubstr("file is empty")));
}

TEST(CsvMatrixTest, HeaderOnlyFileHasNoData) {
  TempDir dir;
  const std::string p = dir.write("h.csv", "a,b\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              HasSubstr("no data rows"));
}

TEST(CsvMatrixTest, DirectoryIsNotAFile) {
  TempDir dir;
  EXPECT_THAT(message_of<std::runtime_error>(
                  [&] { load_csv_matrix(dir.path().string()); }),
              HasSubstr("is a directory"));
}

TEST(CsvMatrixTest, MissingFileIsNamed) {
  TempDir dir;
  const std::string p = dir.file("none.csv");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_matrix(p); }),
              AllOf(HasSubstr(p), HasSubstr("no such file")));
}

TEST(CsvDatasetTest, StringLabelsWithCrlfAndNoFinalNewline) {
  // Sorted distinct labels: cat -> 0, dog -> 1.
  TempDir dir;
  CsvDatasetReport rep;
  const Dataset d = load_csv_dataset(
      dir.write("s.csv", "x,y,label\r\n1,2,dog\r\n3,4,cat\r\n5,6,dog"), {},
      &rep);
  EXPECT_EQ(d.features(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(d.labels(), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(rep.class_names, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_TRUE(rep.string_labels);
}

TEST(CsvDatasetTest, FeatureBeyondFloatRangeNamesLineAndColumn) {
  // 1e39 is a finite double but above FLT_MAX (about 3.4e38).
  TempDir dir;
  const std::string p = dir.write("o.csv", "a,label\n1,0\n1e39,1\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_dataset(p, {}); }),
              HasSubstr("o.csv:3: column 1 (a): value \"1e39\" is outside "
                        "float's range"));
}

TEST(CsvDatasetTest, LabelColumnByName) {
  TempDir dir;
  CsvDatasetReport rep;
  const Dataset d =
      load_csv_dataset(dir.write("n.csv", "f1,target,f2\n1,0,2\n3,1,4\n"),
                       {.label_name = "target"}, &rep);
  EXPECT_EQ(rep.label_column, 1);
  EXPECT_EQ(d.features(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(rep.feature_names, (std::vector<std::string>{"f1", "f2"}));
}

TEST(CsvDatasetTest, LabelColumnByIndex) {
  TempDir dir;
  const Dataset d = load_csv_dataset(dir.write("i.csv", "2,7,8\n0,9,10\n"),
                                     {.label_index = 0});
  EXPECT_EQ(d.labels(), (std::vector<int>{2, 0}));
  EXPECT_EQ(d.num_classes(), 3);  // integer labels: K = max + 1
  EXPECT_EQ(d.features(), (std::vector<float>{7, 8, 9, 10}));
}

TEST(CsvDatasetTest, UnknownLabelNameIsAnError) {
  TempDir dir;
  const std::string p = dir.write("u.csv", "a,b\n1,0\n");
  EXPECT_THAT(message_of<std::runtime_error>(
                  [&] { load_csv_dataset(p, {.label_name = "class"}); }),
              HasSubstr("no column named \"class\""));
}

TEST(CsvDatasetTest, LabelIndexOutOfRangeThrows) {
  TempDir dir;
  const std::string p = dir.write("u.csv", "1,0\n");
  EXPECT_THROW(load_csv_dataset(p, {.label_index = 2}), std::invalid_argument);
}

TEST(CsvDatasetTest, HugeIntegerLabelIsNamedWithItsLine) {
  TempDir dir;
  const std::string p = dir.write("h.csv", "1,0\n2,70000\n3,1\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_dataset(p); }),
              AllOf(HasSubstr(p + ":2"), HasSubstr("70000")));
}

TEST(CsvDatasetTest, LabelOfIntMaxIsRejectedWithoutOverflow) {
  // UBSan via fuzz/csv_fuzzer: K = max + 1 overflowed int.
  TempDir dir;
  const std::string p = dir.write("o.csv", "1,2147483647\n2,0\n");
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_dataset(p); }),
              HasSubstr("2147483647"));
}

TEST(CsvDatasetTest, MissingLabelIsAnErrorEvenWhenNaNAllowed) {
  TempDir dir;
  const std::string p = dir.write("l.csv", "1,0\n2,\n");
  CsvDatasetOptions o;
  o.missing = CsvMissing::kNaN;
  EXPECT_THAT(message_of<std::runtime_error>([&] { load_csv_dataset(p, o); }),
              AllOf(HasSubstr(p + ":2"), HasSubstr("missing label")));
}

TEST(CsvDatasetTest, QuotedLabelMayHoldTheDelimiter) {
  TempDir dir;
  CsvDatasetReport rep;
  load_csv_dataset(dir.write("q.csv", "1,\"a,b\"\n2,c\n"), {}, &rep);
  EXPECT_EQ(rep.class_names, (std::vector<std::string>{"a,b", "c"}));
}

}  // namespace
}  // namespace losslab
