// CSV reading. libcsv does the splitting and quoting; this file tracks line
// numbers (libcsv has none, so the text is fed one physical line at a time),
// detects the header and turns cells into numbers with full checking.
#include "datasets/csv.h"

#include <csv.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

namespace losslab {
namespace {

namespace fs = std::filesystem;

// Integer labels are class indices, so K = max + 1 names are made; a huge
// label is far more likely a wrong column than a real class.
constexpr int kMaxIntegerClasses = 1 << 16;

[[noreturn]] void fail(const std::string& where, const std::string& path,
                       long line, const std::string& what) {
  std::string loc = path;
  if (line > 0) loc += ":" + std::to_string(line);
  throw std::runtime_error(where + ": " + loc + ": " + what);
}

std::string read_whole_file(const std::string& where, const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) fail(where, path, 0, "no such file");
  if (fs::is_directory(st)) {
    fail(where, path, 0, "is a directory; expected a CSV file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(where, path, 0, "cannot open for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(where, path, 0, "read failed");
  return text.str();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_missing_token(std::string_view raw) {
  const std::string_view s = trim(raw);
  if (s.empty() || s == "NA" || s == "N/A") return true;
  if (s.size() != 3) return false;
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  return lower == "nan";
}

// Parses the whole cell as a finite double; false otherwise.
bool parse_number(std::string_view raw, double& value) {
  std::string_view s = trim(raw);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() &&
         std::isfinite(value);
}

bool parse_index(std::string_view raw, int& value) {
  const std::string_view s = trim(raw);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

// libcsv callbacks collect fields into records, remembering the line on
// which each record's first field ended.
struct ParseState {
  long line = 1;
  long record_line = 0;
  std::vector<std::string> fields;
  std::vector<std::vector<std::string>> records;
  std::vector<long> lines;
};

void on_field(void* s, size_t len, void* data) {
  auto* st = static_cast<ParseState*>(data);
  if (st->fields.empty()) st->record_line = st->line;
  st->fields.emplace_back(static_cast<const char*>(s), len);
}

void on_record(int, void* data) {
  auto* st = static_cast<ParseState*>(data);
  st->records.push_back(std::move(st->fields));
  st->lines.push_back(st->record_line);
  st->fields.clear();
}

ParseState split_records(const std::string& where, const std::string& path,
                         const std::string& text, char delimiter) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    fail(where, path, 0, "cannot initialise the CSV parser");
  }
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  ParseState st;
  std::size_t pos = 0;
  bool ok = true;
  while (pos < text.size() && ok) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end + 1;
    const std::size_t len = end - pos;
    ok = csv_parse(&parser, text.data() + pos, len, on_field, on_record, &st) ==
         len;
    if (ok) {
      pos = end;
      ++st.line;
    }
  }
  if (ok) ok = csv_fini(&parser, on_field, on_record, &st) == 0;
  const int err = csv_error(&parser);
  csv_free(&parser);
  if (!ok) {
    fail(where, path, st.line,
         std::string("malformed CSV (") + csv_strerror(err) +
             "); check the quotes on this line");
  }
  return st;
}

bool detect_header(const std::vector<std::vector<std::string>>& rows) {
  const auto& first = rows[0];
  for (std::size_t j = 0; j < first.size(); ++j) {
    double v;
    const bool text = !is_missing_token(first[j]) && !parse_number(first[j], v);
    if (!text) continue;
    if (rows.size() == 1) return true;
    if (j < rows[1].size() && parse_number(rows[1][j], v)) return true;
  }
  return false;
}

std::string column_label(const CsvTable& t, int j) {
  std::string s = "column " + std::to_string(j + 1);
  if (t.has_header) s += " (" + t.column_names[j] + ")";
  return s;
}

// One feature cell as a number, or NaN if missing and allowed.
double cell_value(const std::string& where, const CsvTable& t, int r, int j,
                  CsvMissing missing, int& missing_count) {
  const std::string& cell = t.rows[r][j];
  double v = 0;
  if (parse_number(cell, v)) return v;
  if (is_missing_token(cell)) {
    if (missing == CsvMissing::kNaN) {
      ++missing_count;
      return std::numeric_limits<double>::quiet_NaN();
    }
    fail(where, t.path, t.lines[r],
         column_label(t, j) + ": missing value \"" + cell +
             "\"; expected a number (hint: allow missing values to load "
             "them as NaN)");
  }
  fail(where, t.path, t.lines[r],
       column_label(t, j) + ": non-numeric value \"" + cell +
           "\"; expected a finite number");
}

int resolve_label_column(const CsvTable& t, const CsvDatasetOptions& o) {
  const int ncols = t.num_columns();
  if (!o.label_name.empty()) {
    if (!t.has_header) {
      fail("load_csv_dataset", t.path, 0,
           "label column \"" + o.label_name +
               "\" named but the file has no header row");
    }
    const auto it =
        std::find(t.column_names.begin(), t.column_names.end(), o.label_name);
    if (it == t.column_names.end()) {
      fail("load_csv_dataset", t.path, 0,
           "no column named \"" + o.label_name + "\" in the header");
    }
    return static_cast<int>(it - t.column_names.begin());
  }
  const int idx = o.label_index < 0 ? ncols + o.label_index : o.label_index;
  if (idx < 0 || idx >= ncols) {
    throw std::invalid_argument(
        "load_csv_dataset: label column index out of range; expected [-" +
        std::to_string(ncols) + ", " + std::to_string(ncols) + "), got " +
        std::to_string(o.label_index));
  }
  return idx;
}

// Turns the label column into class indices and names.
std::vector<int> map_labels(const CsvTable& t, int col, CsvLabels mode,
                            CsvDatasetReport& rep) {
  const std::string where = "load_csv_dataset";
  const int n = static_cast<int>(t.rows.size());
  std::vector<int> labels(n);
  bool all_int = true;
  for (int r = 0; r < n; ++r) {
    if (is_missing_token(t.rows[r][col])) {
      fail(where, t.path, t.lines[r],
           column_label(t, col) + ": missing label; every row needs one");
    }
    all_int =
        all_int && parse_index(t.rows[r][col], labels[r]) && labels[r] >= 0;
  }
  if (mode == CsvLabels::kInteger && !all_int) {
    for (int r = 0; r < n; ++r) {
      int v;
      if (!parse_index(t.rows[r][col], v) || v < 0) {
        fail(where, t.path, t.lines[r],
             column_label(t, col) + ": label \"" + t.rows[r][col] +
                 "\" is not a non-negative integer class index");
      }
    }
  }
  if (mode == CsvLabels::kInteger || (mode == CsvLabels::kAuto && all_int)) {
    // The largest label is checked before K = max + 1 is formed: a label
    // of INT_MAX would overflow it.
    const auto max_it = std::max_element(labels.begin(), labels.end());
    if (*max_it >= kMaxIntegerClasses) {
      fail(where, t.path, t.lines[max_it - labels.begin()],
           column_label(t, col) + ": integer label " + std::to_string(*max_it) +
               " is too large for a class index; expected at most " +
               std::to_string(kMaxIntegerClasses - 1) +
               " (hint: load the labels as strings)");
    }
    const int k = *max_it + 1;
    for (int c = 0; c < k; ++c) rep.class_names.push_back(std::to_string(c));
    return labels;
  }
  // String labels: sorted distinct texts, as scikit-learn's LabelEncoder.
  rep.string_labels = true;
  std::map<std::string, int> index;
  for (int r = 0; r < n; ++r) index[std::string(trim(t.rows[r][col]))] = 0;
  int next = 0;
  for (auto& [text, c] : index) {
    c = next++;
    rep.class_names.push_back(text);
  }
  for (int r = 0; r < n; ++r) {
    labels[r] = index.at(std::string(trim(t.rows[r][col])));
  }
  return labels;
}

}  // namespace

int CsvTable::num_columns() const {
  return rows.empty() ? static_cast<int>(column_names.size())
                      : static_cast<int>(rows[0].size());
}

CsvTable read_csv_table(const std::string& path,
                        const CsvReadOptions& options) {
  const std::string where = "read_csv_table";
  const std::string text = read_whole_file(where, path);
  ParseState st = split_records(where, path, text, options.delimiter);
  if (st.records.empty()) fail(where, path, 0, "file is empty");

  CsvTable t;
  t.path = path;
  t.has_header =
      options.header == CsvHeader::kPresent ||
      (options.header == CsvHeader::kDetect && detect_header(st.records));
  std::size_t first = 0;
  if (t.has_header) {
    for (const std::string& name : st.records[0]) {
      t.column_names.emplace_back(trim(name));
    }
    first = 1;
  }
  if (st.records.size() <= first) {
    fail(where, path, 0, "no data rows after the header");
  }
  const std::size_t width = st.records[0].size();
  for (std::size_t r = first; r < st.records.size(); ++r) {
    if (st.records[r].size() != width) {
      fail(where, path, st.lines[r],
           "wrong number of fields; expected " + std::to_string(width) +
               ", got " + std::to_string(st.records[r].size()));
    }
    t.rows.push_back(std::move(st.records[r]));
    t.lines.push_back(st.lines[r]);
  }
  return t;
}

CsvMatrix load_csv_matrix(const std::string& path,
                          const CsvReadOptions& options, CsvMissing missing) {
  const CsvTable t = read_csv_table(path, options);
  const int n = static_cast<int>(t.rows.size());
  const int d = t.num_columns();
  CsvMatrix out;
  out.column_names = t.column_names;
  out.values.resize(n, d);  // N x D
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < d; ++j) {
      out.values(r, j) =
          cell_value("load_csv_matrix", t, r, j, missing, out.missing_count);
    }
  }
  return out;
}

Dataset load_csv_dataset(const std::string& path,
                         const CsvDatasetOptions& options,
                         CsvDatasetReport* report) {
  const CsvTable t = read_csv_table(path, options.read);
  const int n = static_cast<int>(t.rows.size());
  const int ncols = t.num_columns();
  if (ncols < 2) {
    fail("load_csv_dataset", path, 0,
         "expected at least 2 columns (features and a label), got " +
             std::to_string(ncols));
  }
  CsvDatasetReport rep;
  rep.path = path;
  rep.has_header = t.has_header;
  rep.num_rows = n;
  rep.label_column = resolve_label_column(t, options);

  // Features: every other column, N x D.
  const int d = ncols - 1;
  std::vector<float> features;
  features.reserve(std::size_t(n) * d);
  for (int r = 0; r < n; ++r) {
    for (int j = 0; j < ncols; ++j) {
      if (j == rep.label_column) continue;
      const double v = cell_value("load_csv_dataset", t, r, j, options.missing,
                                  rep.missing_count);
      // Features are float: a finite double beyond float's range would
      // become inf here and surface later with no file or line.
      if (std::abs(v) > std::numeric_limits<float>::max()) {
        fail("load_csv_dataset", t.path, t.lines[r],
             column_label(t, j) + ": value \"" + t.rows[r][j] +
                 "\" is outside float's range (|x| <= 3.4e38)");
      }
      features.push_back(static_cast<float>(v));
    }
  }
  if (t.has_header) {
    for (int j = 0; j < ncols; ++j) {
      if (j != rep.label_column) rep.feature_names.push_back(t.column_names[j]);
    }
  }
  std::vector<int> labels =
      map_labels(t, rep.label_column, options.labels, rep);
  const int k = static_cast<int>(rep.class_names.size());
  Dataset ds = Dataset::from_features(d, std::move(features), std::move(labels),
                                      k, rep.class_names);
  if (report != nullptr) *report = std::move(rep);
  return ds;
}

}  // namespace losslab
