#include "train/setup.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "datasets/csv.h"
#include "datasets/idx.h"
#include "datasets/noise.h"
#include "datasets/synthetic.h"
#include "datasets/transforms.h"
#include "nn/random.h"

namespace losslab {
namespace {

constexpr double kTestFraction = 0.2;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  std::string part;
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!s.empty() && s.back() == sep) parts.push_back("");
  return parts;
}

double parse_number(const std::string& text, const std::string& spec,
                    const char* forms) {
  try {
    std::size_t used = 0;
    double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument("'" + spec + "': '" + text +
                              "' is not a number; expected " + forms);
}

int parse_class(const std::string& text, const std::string& spec,
                const char* forms) {
  double v = parse_number(text, spec, forms);
  // Range first: converting a double outside int's range (or NaN) to int
  // is undefined behaviour.
  if (!(v >= 0 && v <= std::numeric_limits<int>::max()) || v != std::floor(v)) {
    throw std::invalid_argument("'" + spec + "': class '" + text +
                                "' is not a class index; expected " + forms);
  }
  return int(v);
}

constexpr const char* kImbalanceForms =
    "none, binary:POS:NEG:RATIO, binary:POS:rest:RATIO, step:RHO or "
    "longtail:RHO";
constexpr const char* kNoiseForms =
    "none, symmetric:RATE or asymmetric:RATE with 0 <= RATE <= 1";

constexpr double kMaxImbalanceRatio = 1e6;

struct ImbalanceSpec {
  std::string kind = "none";
  int positive = 0, negative = -1;  // -1: the rest
  double ratio = 1;
};

ImbalanceSpec parse_imbalance(const std::string& spec) {
  ImbalanceSpec s;
  std::vector<std::string> p = split(spec, ':');
  if (spec == "none" || spec.empty()) return s;
  s.kind = p[0];
  if (s.kind == "binary" && p.size() == 4) {
    s.positive = parse_class(p[1], spec, kImbalanceForms);
    s.negative = p[2] == "rest" ? -1 : parse_class(p[2], spec, kImbalanceForms);
    s.ratio = parse_number(p[3], spec, kImbalanceForms);
  } else if ((s.kind == "step" || s.kind == "longtail") && p.size() == 2) {
    s.ratio = parse_number(p[1], spec, kImbalanceForms);
  } else {
    throw std::invalid_argument("imbalance '" + spec + "': expected " +
                                kImbalanceForms);
  }
  // Bounded above as well: the binary task converts the ratio to an int,
  // and a ratio beyond a million keeps no sample of the rare side in any
  // dataset this program loads.
  if (!(s.ratio >= 1 && s.ratio <= kMaxImbalanceRatio)) {
    std::ostringstream os;
    os << "imbalance '" << spec << "': expected a ratio from 1 to "
       << kMaxImbalanceRatio << ", got " << s.ratio;
    throw std::invalid_argument(os.str());
  }
  return s;
}

struct NoiseSpec {
  std::string kind = "none";
  double rate = 0;
};

NoiseSpec parse_noise(const std::string& spec) {
  NoiseSpec s;
  if (spec == "none" || spec.empty()) return s;
  std::vector<std::string> p = split(spec, ':');
  if (p.size() != 2 || (p[0] != "symmetric" && p[0] != "asymmetric")) {
    throw std::invalid_argument("noise '" + spec + "': expected " +
                                kNoiseForms);
  }
  s.kind = p[0];
  s.rate = parse_number(p[1], spec, kNoiseForms);
  if (!(s.rate >= 0 && s.rate <= 1)) {
    throw std::invalid_argument("noise '" + spec + "': expected " +
                                kNoiseForms);
  }
  return s;
}

nlohmann::json counts_json(const Dataset& d) {
  return nlohmann::json{{"samples", d.size()},
                        {"class_counts", d.class_counts()}};
}

// Loads the named set; sets without their own test part get a stratified
// split.
PreparedData load(const DataConfig& c) {
  PreparedData out;
  const std::string& name = c.dataset;
  auto split_off_test = [&](Dataset all) {
    Split s = stratified_split(all, kTestFraction,
                               stream_seed(c.seed, SeedStream::kData, 1));
    out.train = std::move(s.train);
    out.test = std::move(s.validation);
    standardize(out.train, {&out.test});
  };
  if (name == "fashion-mnist" || name.rfind("idx:", 0) == 0) {
    std::string dir = name == "fashion-mnist" ? c.data_dir : name.substr(4);
    // An empty DIR would mean the default set, not the one asked for.
    if (name != "fashion-mnist" && dir.empty()) {
      throw std::invalid_argument(
          "dataset 'idx:': expected idx:DIR with the directory of the IDX "
          "files, got no directory");
    }
    TrainTest tt = load_fashion_mnist(dir);
    out.train = std::move(tt.train);
    out.test = std::move(tt.test);
    out.report["source"] = dir.empty() ? default_data_dir() : dir;
  } else if (name.rfind("csv:", 0) == 0) {
    CsvDatasetOptions options;
    if (!c.label_column.empty()) {
      bool numeric =
          c.label_column.find_first_not_of("-0123456789") == std::string::npos;
      if (numeric) {
        long long index = 0;
        try {
          index = std::stoll(c.label_column);
        } catch (const std::exception&) {
          index = std::numeric_limits<long long>::max();
        }
        if (index > std::numeric_limits<int>::max() ||
            index < std::numeric_limits<int>::min()) {
          throw std::invalid_argument(
              "label column " + c.label_column +
              " is out of range; expected a column index of the CSV file");
        }
        options.label_index = int(index);
      } else {
        options.label_name = c.label_column;
      }
    }
    CsvDatasetReport report;
    split_off_test(load_csv_dataset(name.substr(4), options, &report));
    out.report["source"] = report.path;
    out.report["class_names"] = report.class_names;
  } else if (name.rfind("synthetic:", 0) == 0) {
    std::string kind = name.substr(10);
    std::uint64_t seed = stream_seed(c.seed, SeedStream::kData);
    if (kind == "blobs") {
      split_off_test(
          make_blobs({.num_samples = c.synthetic_samples, .seed = seed}));
    } else if (kind == "moons") {
      split_off_test(
          make_moons({.num_samples = c.synthetic_samples, .seed = seed}));
    } else if (kind == "spirals") {
      split_off_test(
          make_spirals({.num_samples = c.synthetic_samples, .seed = seed}));
    } else {
      throw std::invalid_argument("dataset '" + name +
                                  "': expected synthetic:blobs, "
                                  "synthetic:moons or synthetic:spirals");
    }
    out.report["source"] = name;
  } else {
    throw std::invalid_argument(
        "dataset '" + name +
        "': expected fashion-mnist, idx:DIR, csv:FILE or synthetic:NAME");
  }
  return out;
}

}  // namespace

void check_imbalance_spec(const std::string& spec) { parse_imbalance(spec); }
void check_noise_spec(const std::string& spec) { parse_noise(spec); }

PreparedData prepare_data(const DataConfig& c) {
  ImbalanceSpec imbalance = parse_imbalance(c.imbalance);
  NoiseSpec noise = parse_noise(c.noise);
  PreparedData out = load(c);
  if (c.train_subset > 0 && c.train_subset < out.train.size()) {
    double drop = 1.0 - double(c.train_subset) / out.train.size();
    out.train = stratified_split(out.train, drop,
                                 stream_seed(c.seed, SeedStream::kData, 4))
                    .train;
  } else if (c.train_subset < 0) {
    throw std::invalid_argument("train_subset: expected >= 0, got " +
                                std::to_string(c.train_subset));
  }
  out.report["dataset"] = c.dataset;
  out.report["loaded_train"] = counts_json(out.train);
  out.report["loaded_test"] = counts_json(out.test);

  // Imbalance first: it needs clean labels.
  const std::uint64_t seed = stream_seed(c.seed, SeedStream::kData, 2);
  ImbalanceReport ir;
  if (imbalance.kind == "binary") {
    BinaryTaskOptions o;
    o.positive_classes = {imbalance.positive};
    if (imbalance.negative >= 0) o.negative_classes = {imbalance.negative};
    o.ratio_positive = 1;
    o.ratio_negative = int(imbalance.ratio);
    o.seed = seed;
    out.train = make_binary_task(out.train, o, &ir);
    // The test set keeps its natural proportions of the two sides (up to
    // rounding the ratio down to a whole number).
    std::vector<int> test_counts = out.test.class_counts();
    long positives = 0, negatives = 0;
    for (int k = 0; k < int(test_counts.size()); ++k) {
      bool positive = k == imbalance.positive;
      bool negative =
          imbalance.negative < 0 ? !positive : k == imbalance.negative;
      positives += positive ? test_counts[k] : 0;
      negatives += negative ? test_counts[k] : 0;
    }
    BinaryTaskOptions t = o;
    t.ratio_negative = int(std::max(1L, negatives / std::max(1L, positives)));
    out.test = make_binary_task(out.test, t);
  } else if (imbalance.kind == "step") {
    out.train = make_step_imbalance(
        out.train, {.imbalance_factor = imbalance.ratio, .seed = seed}, &ir);
  } else if (imbalance.kind == "longtail") {
    out.train = make_long_tail(
        out.train, {.imbalance_factor = imbalance.ratio, .seed = seed}, &ir);
  }
  out.report["imbalance"] = {{"spec", c.imbalance}};
  if (imbalance.kind != "none") {
    out.report["imbalance"]["counts_before"] = ir.counts_before;
    out.report["imbalance"]["counts_after"] = ir.counts_after;
  }

  // Then noise, on the training labels only.
  out.report["noise"] = {{"spec", c.noise}};
  if (noise.kind != "none") {
    const std::uint64_t noise_seed = stream_seed(c.seed, SeedStream::kData, 3);
    NoiseReport nr;
    if (noise.kind == "symmetric") {
      nr = add_symmetric_noise(out.train, noise.rate, noise_seed);
    } else {
      if (out.train.num_classes() != 10) {
        throw std::invalid_argument(
            "noise '" + c.noise +
            "': asymmetric noise uses Fashion-MNIST's class pairs and needs "
            "10 classes, got " +
            std::to_string(out.train.num_classes()));
      }
      nr = add_asymmetric_noise(out.train, noise.rate,
                                fashion_mnist_noise_pairs(), noise_seed);
    }
    out.report["noise"]["requested_rate"] = nr.requested_rate;
    out.report["noise"]["realised_rate"] = nr.realised_rate;
    out.report["noise"]["num_noisy"] = nr.num_noisy;
  }
  out.report["train"] = counts_json(out.train);
  out.report["test"] = counts_json(out.test);
  return out;
}

}  // namespace losslab
