// CSV loading (parsed by libcsv): a numeric matrix, or a labelled Dataset.
//
// Accepted input: comma-separated (or another delimiter) fields, RFC 4180
// quoting, LF or CRLF line ends, an optional trailing newline. Blank lines
// are skipped. Spaces and tabs around unquoted fields are ignored.
//
// Header row: detected, or declared present or absent. Detection calls the
// first row a header when some column holds a non-numeric, non-missing
// text in the first row and a number in the second (so `a,b,c` above
// `1,2,3` is a header; `cat,1,2` above `dog,3,4` is data). A header made of
// numbers cannot be detected: declare it.
//
// Missing values: an empty field, `NA`, `N/A` or `nan` in any letter case.
// By default they are an error naming file, line and column; with
// CsvMissing::kNaN they load as NaN in feature columns and are counted.
// Never is a missing or non-numeric value read as 0. Infinite values
// (`inf`) are rejected too. A label is never allowed to be missing.
//
// Every file problem throws std::runtime_error with "path:line" and the
// 1-based column number and name.
#pragma once

#include <string>
#include <vector>

#include "autograd/tensor.h"
#include "datasets/dataset.h"

namespace losslab {

enum class CsvHeader { kDetect, kPresent, kAbsent };
enum class CsvMissing { kError, kNaN };

struct CsvReadOptions {
  char delimiter = ',';
  CsvHeader header = CsvHeader::kDetect;
};

// The cells of a CSV file, as text.
struct CsvTable {
  std::string path;
  bool has_header = false;
  std::vector<std::string> column_names;       // empty without a header
  std::vector<std::vector<std::string>> rows;  // data rows, all same width
  std::vector<long> lines;                     // 1-based line of each row
  int num_columns() const;
};

// Reads and splits a CSV file. Throws std::runtime_error when the file is
// missing, a directory, unreadable, empty, has no data rows, has a quoting
// error, or has a row whose field count differs from the first row's.
CsvTable read_csv_table(const std::string& path,
                        const CsvReadOptions& options = {});

// An all-numeric CSV file as a rows x columns matrix.
struct CsvMatrix {
  Tensor<double> values;                  // rows x columns
  std::vector<std::string> column_names;  // empty without a header
  int missing_count = 0;                  // cells loaded as NaN
};
CsvMatrix load_csv_matrix(const std::string& path,
                          const CsvReadOptions& options = {},
                          CsvMissing missing = CsvMissing::kError);

// How the label column's text becomes class indices.
//  kAuto:    kInteger if every label is a non-negative integer, else kString.
//  kInteger: labels are class indices; K = max label + 1, names "0".."K-1".
//  kString:  the distinct texts sorted (byte order) are classes 0..K-1, as
//            scikit-learn's LabelEncoder does; the texts become the names.
enum class CsvLabels { kAuto, kInteger, kString };

struct CsvDatasetOptions {
  CsvReadOptions read = {};
  // The label column by name (needs a header) if non-empty, else by index;
  // a negative index counts from the end (-1 is the last column).
  std::string label_name = {};
  int label_index = -1;
  CsvLabels labels = CsvLabels::kAuto;
  CsvMissing missing = CsvMissing::kError;
};

// What load_csv_dataset did.
struct CsvDatasetReport {
  std::string path;
  bool has_header = false;
  int num_rows = 0;                        // N
  int label_column = 0;                    // 0-based index in the file
  std::vector<std::string> feature_names;  // D names (empty w/o header)
  bool string_labels = false;              // kString mapping was used
  std::vector<std::string> class_names;    // class index -> label text
  int missing_count = 0;                   // feature cells loaded as NaN
};

// Every column except the label column is a float feature. Throws
// std::runtime_error for file problems (see above) and for a label column
// name that is not in the header; std::invalid_argument for a label index
// outside the columns. If `report` is non-null it is filled in.
Dataset load_csv_dataset(const std::string& path,
                         const CsvDatasetOptions& options = {},
                         CsvDatasetReport* report = nullptr);

}  // namespace losslab
