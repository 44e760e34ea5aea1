#include "datasets/transforms.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

namespace losslab {
namespace {

std::string list_str(std::span<const int> v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    s += (i ? ", " : "") + std::to_string(v[i]);
  }
  return s + "]";
}

// Indices of each clean class, K lists in ascending order.
std::vector<std::vector<int>> indices_by_class(const Dataset& data) {
  std::vector<std::vector<int>> by_class(data.num_classes());
  for (int i = 0; i < data.size(); ++i) {
    by_class[data.clean_labels()[i]].push_back(i);
  }
  return by_class;
}

// Moves a uniformly random choice of `count` elements of `pool` to its
// front (partial Fisher-Yates).
void choose_front(std::vector<int>& pool, int count, std::mt19937_64& rng) {
  for (int i = 0; i < count; ++i) {
    std::uniform_int_distribution<std::size_t> pick(i, pool.size() - 1);
    std::swap(pool[i], pool[pick(rng)]);
  }
}

void require_clean(const Dataset& data, const char* where) {
  if (data.num_noisy() != 0) {
    throw std::invalid_argument(
        std::string(where) + ": the set already has label noise (" +
        std::to_string(data.num_noisy()) +
        " noisy labels); expected a clean set (apply noise after imbalance)");
  }
}

void check_class_list(std::span<const int> classes, int k, const char* where,
                      const char* what) {
  for (int c : classes) {
    if (c < 0 || c >= k) {
      throw std::invalid_argument(
          std::string(where) + ": " + what + " class out of range; " +
          "expected [0, " + std::to_string(k) + "), got " + std::to_string(c));
    }
  }
  std::vector<int> sorted(classes.begin(), classes.end());
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    throw std::invalid_argument(
        std::string(where) + ": " + what +
        " classes repeat a class: " + list_str(classes));
  }
}

void check_factor(double factor, const char* where) {
  if (!std::isfinite(factor) || factor < 1) {
    throw std::invalid_argument(std::string(where) +
                                ": imbalance factor must be a finite n_max / " +
                                "n_min >= 1; got " + std::to_string(factor));
  }
}

// Keeps counts per class, checking none is empty, and fills the report.
Dataset imbalanced(const Dataset& data, const std::vector<int>& counts,
                   uint64_t seed, const char* where, const char* profile,
                   ImbalanceReport* report) {
  for (int c = 0; c < data.num_classes(); ++c) {
    if (counts[c] < 1) {
      throw std::invalid_argument(
          std::string(where) + ": class " + std::to_string(c) +
          " would keep no samples; expected at least 1 (lower the imbalance "
          "factor)");
    }
  }
  ImbalanceReport rep;
  Dataset out = take_per_class(data, counts, seed, &rep.kept);
  rep.profile = profile;
  rep.seed = seed;
  rep.counts_before = data.clean_class_counts();
  rep.counts_after = out.clean_class_counts();
  if (report != nullptr) *report = std::move(rep);
  return out;
}

int smallest_class(const Dataset& data, const char* where) {
  const std::vector<int> counts = data.clean_class_counts();
  const int n = *std::min_element(counts.begin(), counts.end());
  if (n < 1) {
    throw std::invalid_argument(std::string(where) +
                                ": every class needs samples; got counts " +
                                list_str(counts));
  }
  return n;
}

}  // namespace

std::vector<int> apportion(int total, std::span<const double> weights,
                           std::mt19937_64& rng) {
  double sum = 0;
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0) {
      throw std::invalid_argument(
          "apportion: weights must be finite and >= 0; got " +
          std::to_string(w));
    }
    sum += w;
  }
  if (total < 0 || (sum == 0 && total > 0) || weights.empty()) {
    throw std::invalid_argument(
        "apportion: expected a total >= 0 and weights not all 0; got total " +
        std::to_string(total) + " over " + std::to_string(weights.size()) +
        " weights summing to " + std::to_string(sum));
  }
  const std::size_t k = weights.size();
  std::vector<int> shares(k, 0);
  if (total == 0) return shares;

  // Floors of the quotas, then the largest remainders; a random key breaks
  // ties between equal remainders.
  std::vector<double> frac(k);
  int given = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double quota = total * (weights[i] / sum);
    shares[i] = static_cast<int>(std::floor(quota));
    frac[i] = quota - shares[i];
    given += shares[i];
  }
  std::vector<uint64_t> key(k);
  for (uint64_t& x : key) x = rng();
  std::vector<std::size_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return frac[a] != frac[b] ? frac[a] > frac[b] : key[a] < key[b];
  });
  // Floating-point rounding can leave the floors a little off the total:
  // add to the largest remainders, take back from the smallest.
  for (std::size_t i = 0; given < total; i = (i + 1) % k) {
    ++shares[order[i]];
    ++given;
  }
  for (std::size_t i = k; given > total && i > 0; --i) {
    if (shares[order[i - 1]] > 0) {
      --shares[order[i - 1]];
      --given;
    }
  }
  return shares;
}

// ---------------------------------------------------------------------------
// Split

Split stratified_split(const Dataset& data, double fraction, uint64_t seed) {
  const int n = data.size();
  const long long n_val = std::llround(fraction * n);
  if (!(fraction > 0 && fraction < 1) || n_val < 1 || n_val >= n) {
    throw std::invalid_argument(
        "stratified_split: expected 0 < fraction < 1 leaving both parts "
        "non-empty; got fraction " +
        std::to_string(fraction) + " of " + std::to_string(n) + " samples");
  }
  std::mt19937_64 rng(seed);
  const std::vector<int> counts = data.clean_class_counts();
  const std::vector<double> weights(counts.begin(), counts.end());
  const std::vector<int> val_counts =
      apportion(static_cast<int>(n_val), weights, rng);

  std::vector<std::vector<int>> by_class = indices_by_class(data);
  std::vector<int> train_idx, val_idx;
  for (int c = 0; c < data.num_classes(); ++c) {
    std::vector<int>& pool = by_class[c];
    choose_front(pool, val_counts[c], rng);
    val_idx.insert(val_idx.end(), pool.begin(), pool.begin() + val_counts[c]);
    train_idx.insert(train_idx.end(), pool.begin() + val_counts[c], pool.end());
  }
  std::sort(train_idx.begin(), train_idx.end());
  std::sort(val_idx.begin(), val_idx.end());

  Split out{data.subset(train_idx), data.subset(val_idx), {}};
  out.report.validation_fraction = fraction;
  out.report.seed = seed;
  out.report.train_counts = out.train.clean_class_counts();
  out.report.validation_counts = out.validation.clean_class_counts();
  return out;
}

// ---------------------------------------------------------------------------
// Scaling

namespace {

// Per-feature statistics of the values `data` currently produces, read in
// chunks of rows so images are never expanded to floats all at once.
template <class Visit>
void for_each_row(const Dataset& data, Visit visit) {
  constexpr int kChunk = 1024;
  Tensor<float> x;
  std::vector<int> y;
  std::vector<int> idx;
  for (int start = 0; start < data.size(); start += kChunk) {
    const int end = std::min(data.size(), start + kChunk);
    idx.resize(end - start);
    std::iota(idx.begin(), idx.end(), start);
    data.fill_batch(idx, x, y);  // chunk x D
    for (int r = 0; r < x.rows(); ++r)
      visit(x.data() + std::size_t(r) * x.cols());
  }
}

void check_fittable(const Dataset& train, const char* where) {
  if (train.size() == 0) {
    throw std::invalid_argument(std::string(where) +
                                ": cannot fit on an empty set");
  }
}

void check_finite_stat(double v, int j, const char* where) {
  if (!std::isfinite(v)) {
    throw std::invalid_argument(
        std::string(where) + ": feature " + std::to_string(j) +
        " has a non-finite value (missing data loaded as NaN?); expected "
        "finite features to fit on");
  }
}

ScalerReport apply_fit(ScalerReport rep, Dataset& train,
                       std::initializer_list<Dataset*> others,
                       const char* where) {
  for (Dataset* d : others) {
    if (d->num_features() != train.num_features()) {
      throw std::invalid_argument(std::string(where) +
                                  ": feature count differs; expected " +
                                  std::to_string(train.num_features()) +
                                  ", got " + std::to_string(d->num_features()));
    }
  }
  const FeatureTransform t{rep.shift, rep.scale};
  train.apply_transform(t);
  for (Dataset* d : others) d->apply_transform(t);
  return rep;
}

}  // namespace

ScalerReport standardize(Dataset& train,
                         std::initializer_list<Dataset*> others) {
  const char* where = "standardize";
  check_fittable(train, where);
  const int d = train.num_features();

  // Two passes in double: the mean, then the mean squared deviation, which
  // avoids the cancellation of E[x^2] - E[x]^2.
  std::vector<double> mean(d, 0.0), var(d, 0.0);
  for_each_row(train, [&](const float* x) {
    for (int j = 0; j < d; ++j) mean[j] += x[j];
  });
  for (int j = 0; j < d; ++j) mean[j] /= train.size();
  for_each_row(train, [&](const float* x) {
    for (int j = 0; j < d; ++j) var[j] += (x[j] - mean[j]) * (x[j] - mean[j]);
  });

  ScalerReport rep;
  rep.kind = "standardize";
  rep.fitted_on = train.size();
  for (int j = 0; j < d; ++j) {
    check_finite_stat(mean[j], j, where);
    const double sd = std::sqrt(var[j] / train.size());
    const bool constant = sd < 1e-12;
    rep.constant_features += constant;
    rep.shift.push_back(static_cast<float>(mean[j]));
    rep.scale.push_back(constant ? 1.0f : static_cast<float>(1.0 / sd));
  }
  return apply_fit(std::move(rep), train, others, where);
}

ScalerReport scale_min_max(Dataset& train,
                           std::initializer_list<Dataset*> others) {
  const char* where = "scale_min_max";
  check_fittable(train, where);
  const int d = train.num_features();
  std::vector<double> lo(d, INFINITY), hi(d, -INFINITY);
  bool has_nan = false;
  for_each_row(train, [&](const float* x) {
    for (int j = 0; j < d; ++j) {
      has_nan = has_nan || std::isnan(x[j]);
      lo[j] = std::min<double>(lo[j], x[j]);
      hi[j] = std::max<double>(hi[j], x[j]);
    }
  });
  if (has_nan) check_finite_stat(NAN, -1, where);

  ScalerReport rep;
  rep.kind = "min-max";
  rep.fitted_on = train.size();
  for (int j = 0; j < d; ++j) {
    const bool constant = hi[j] - lo[j] < 1e-12;
    rep.constant_features += constant;
    rep.shift.push_back(static_cast<float>(lo[j]));
    rep.scale.push_back(constant ? 1.0f
                                 : static_cast<float>(1.0 / (hi[j] - lo[j])));
  }
  return apply_fit(std::move(rep), train, others, where);
}

// ---------------------------------------------------------------------------
// Imbalance

Dataset take_per_class(const Dataset& data, std::span<const int> counts,
                       uint64_t seed, std::vector<int>* kept) {
  const int k = data.num_classes();
  if (static_cast<int>(counts.size()) != k) {
    throw std::invalid_argument("take_per_class: expected " +
                                std::to_string(k) + " class counts, got " +
                                std::to_string(counts.size()));
  }
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int>> by_class = indices_by_class(data);
  std::vector<int> idx;
  for (int c = 0; c < k; ++c) {
    const int have = static_cast<int>(by_class[c].size());
    if (counts[c] < 0 || counts[c] > have) {
      throw std::invalid_argument("take_per_class: class " + std::to_string(c) +
                                  " count out of " + "range; expected [0, " +
                                  std::to_string(have) + "], got " +
                                  std::to_string(counts[c]));
    }
    choose_front(by_class[c], counts[c], rng);
    idx.insert(idx.end(), by_class[c].begin(), by_class[c].begin() + counts[c]);
  }
  std::sort(idx.begin(), idx.end());
  Dataset out = data.subset(idx);
  if (kept != nullptr) *kept = std::move(idx);
  return out;
}

namespace {

std::string joined_names(const Dataset& data, std::span<const int> classes) {
  std::string s;
  for (int c : classes) s += (s.empty() ? "" : "+") + data.class_names()[c];
  return s;
}

// Shares `total` among `classes` in proportion to their counts.
void share_side(std::vector<int>& take, std::span<const int> classes,
                const std::vector<int>& counts, long long total,
                std::mt19937_64& rng) {
  std::vector<double> w;
  for (int c : classes) w.push_back(counts[c]);
  const std::vector<int> s = apportion(static_cast<int>(total), w, rng);
  for (std::size_t i = 0; i < classes.size(); ++i) take[classes[i]] = s[i];
}

// The positive and negative class lists, the negatives defaulting to all
// other classes; checked for range, overlap and the ratio terms.
std::pair<std::vector<int>, std::vector<int>> binary_sides(
    const BinaryTaskOptions& o, int k, const char* where) {
  std::vector<int> pos = o.positive_classes;
  std::vector<int> neg = o.negative_classes;
  if (neg.empty()) {
    for (int c = 0; c < k; ++c) {
      if (std::find(pos.begin(), pos.end(), c) == pos.end()) neg.push_back(c);
    }
  }
  std::vector<int> both = pos;
  both.insert(both.end(), neg.begin(), neg.end());
  check_class_list(both, k, where, "positive and negative");
  if (pos.empty() || neg.empty() || o.ratio_positive < 1 ||
      o.ratio_negative < 1) {
    throw std::invalid_argument(
        std::string(where) + ": expected non-empty class lists and ratio " +
        "terms >= 1; got positives " + list_str(pos) + ", negatives " +
        list_str(neg) + ", ratio " + std::to_string(o.ratio_positive) + ":" +
        std::to_string(o.ratio_negative));
  }
  return {pos, neg};
}

}  // namespace

Dataset make_binary_task(const Dataset& data, const BinaryTaskOptions& o,
                         ImbalanceReport* report) {
  const char* where = "make_binary_task";
  require_clean(data, where);
  const int k = data.num_classes();
  const auto [pos, neg] = binary_sides(o, k, where);

  // Sizes: as many samples as the ratio allows.
  const std::vector<int> counts = data.clean_class_counts();
  long long have_pos = 0, have_neg = 0;
  for (int c : pos) have_pos += counts[c];
  for (int c : neg) have_neg += counts[c];
  const long long a = o.ratio_positive, b = o.ratio_negative;
  const long long n_neg = std::min(have_neg, have_pos * b / a);
  const long long n_pos = n_neg * a / b;
  if (n_pos < 1) {
    throw std::invalid_argument(
        std::string(where) + ": ratio " + std::to_string(a) + ":" +
        std::to_string(b) + " leaves no positive sample with " +
        std::to_string(have_neg) + " negatives available");
  }

  // Per-class counts, then the subsample and the relabelling.
  std::mt19937_64 rng(o.seed);
  std::vector<int> take(k, 0);
  share_side(take, pos, counts, n_pos, rng);
  share_side(take, neg, counts, n_neg, rng);
  ImbalanceReport rep;
  Dataset out = take_per_class(data, take, rng(), &rep.kept);
  std::vector<int> is_pos(k, 0);
  for (int c : pos) is_pos[c] = 1;
  std::vector<int> labels(out.size());
  for (int i = 0; i < out.size(); ++i) labels[i] = is_pos[out.labels()[i]];
  const std::string neg_name =
      o.negative_classes.empty() ? "rest" : joined_names(data, neg);
  out.set_clean_labels(std::move(labels), 2,
                       {neg_name, joined_names(data, pos)});

  rep.profile = "binary";
  rep.seed = o.seed;
  rep.counts_before = counts;
  rep.counts_after = out.clean_class_counts();
  if (report != nullptr) *report = std::move(rep);
  return out;
}

Dataset make_step_imbalance(const Dataset& data, const StepImbalanceOptions& o,
                            ImbalanceReport* report) {
  const char* where = "make_step_imbalance";
  require_clean(data, where);
  check_factor(o.imbalance_factor, where);
  const int k = data.num_classes();
  std::vector<int> minority = o.minority_classes;
  if (minority.empty()) {
    for (int c = k - k / 2; c < k; ++c) minority.push_back(c);
  }
  check_class_list(minority, k, where, "minority");

  const int n = smallest_class(data, where);
  const int n_min =
      static_cast<int>(std::floor(n / o.imbalance_factor * (1 + 1e-9)));
  std::vector<int> counts(k, n);
  for (int c : minority) counts[c] = n_min;
  return imbalanced(data, counts, o.seed, where, "step", report);
}

Dataset make_long_tail(const Dataset& data, const LongTailOptions& o,
                       ImbalanceReport* report) {
  const char* where = "make_long_tail";
  require_clean(data, where);
  check_factor(o.imbalance_factor, where);
  const int k = data.num_classes();
  const int n = smallest_class(data, where);
  std::vector<int> counts(k, n);
  for (int c = 1; c < k; ++c) {
    const double exact = n * std::pow(o.imbalance_factor, -double(c) / (k - 1));
    counts[c] = static_cast<int>(std::floor(exact * (1 + 1e-9)));
  }
  return imbalanced(data, counts, o.seed, where, "long-tail", report);
}

}  // namespace losslab
