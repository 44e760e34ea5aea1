#include "datasets/dataset.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace losslab {
namespace {

std::vector<std::string> default_names(int num_classes) {
  std::vector<std::string> names;
  for (int k = 0; k < num_classes; ++k) names.push_back(std::to_string(k));
  return names;
}

std::vector<std::string> checked_names(std::vector<std::string> names,
                                       int num_classes, const char* where) {
  if (names.empty()) return default_names(num_classes);
  if (static_cast<int>(names.size()) != num_classes) {
    throw std::invalid_argument(
        std::string(where) + ": wrong number of class names; expected " +
        std::to_string(num_classes) + ", got " + std::to_string(names.size()));
  }
  return names;
}

}  // namespace

std::vector<int> count_labels(std::span<const int> labels, int num_classes) {
  std::vector<int> counts(num_classes, 0);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      throw std::invalid_argument("count_labels: label out of range at index " +
                                  std::to_string(i) + "; expected [0, " +
                                  std::to_string(num_classes) + "), got " +
                                  std::to_string(labels[i]));
    }
    ++counts[labels[i]];
  }
  return counts;
}

void Dataset::validate_labels(const std::vector<int>& labels,
                              const char* where) const {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes_) {
      throw std::invalid_argument(
          std::string(where) + ": label out of range at sample " +
          std::to_string(i) + "; expected [0, " + std::to_string(num_classes_) +
          "), got " + std::to_string(labels[i]));
    }
  }
}

Dataset Dataset::from_images(int image_rows, int image_cols,
                             std::vector<uint8_t> pixels,
                             std::vector<int> labels, int num_classes,
                             std::vector<std::string> class_names) {
  const char* where = "Dataset::from_images";
  if (image_rows <= 0 || image_cols <= 0 || num_classes <= 0) {
    throw std::invalid_argument(
        std::string(where) + ": expected positive image size and classes, " +
        "got " + shape_str(image_rows, image_cols) + " images and " +
        std::to_string(num_classes) + " classes");
  }
  const std::size_t d = std::size_t(image_rows) * std::size_t(image_cols);
  if (pixels.size() != labels.size() * d) {
    throw std::invalid_argument(
        std::string(where) + ": pixel count does not match labels; expected " +
        std::to_string(labels.size()) + " x " + std::to_string(d) + " = " +
        std::to_string(labels.size() * d) + ", got " +
        std::to_string(pixels.size()));
  }
  Dataset ds;
  ds.num_features_ = static_cast<int>(d);
  ds.num_classes_ = num_classes;
  ds.is_image_ = true;
  ds.image_rows_ = image_rows;
  ds.image_cols_ = image_cols;
  ds.validate_labels(labels, where);
  ds.class_names_ = checked_names(std::move(class_names), num_classes, where);
  ds.pixels_ = std::move(pixels);
  ds.clean_labels_ = labels;
  ds.labels_ = std::move(labels);
  ds.noisy_mask_.assign(ds.labels_.size(), 0);
  return ds;
}

Dataset Dataset::from_features(int num_features, std::vector<float> features,
                               std::vector<int> labels, int num_classes,
                               std::vector<std::string> class_names) {
  const char* where = "Dataset::from_features";
  if (num_features <= 0 || num_classes <= 0) {
    throw std::invalid_argument(std::string(where) +
                                ": expected positive features and classes, " +
                                "got D=" + std::to_string(num_features) +
                                " K=" + std::to_string(num_classes));
  }
  const std::size_t d = std::size_t(num_features);
  if (features.size() != labels.size() * d) {
    throw std::invalid_argument(
        std::string(where) + ": feature count does not match labels; " +
        "expected " + std::to_string(labels.size()) + " x " +
        std::to_string(d) + " = " + std::to_string(labels.size() * d) +
        ", got " + std::to_string(features.size()));
  }
  Dataset ds;
  ds.num_features_ = num_features;
  ds.num_classes_ = num_classes;
  ds.validate_labels(labels, where);
  ds.class_names_ = checked_names(std::move(class_names), num_classes, where);
  ds.features_ = std::move(features);
  ds.clean_labels_ = labels;
  ds.labels_ = std::move(labels);
  ds.noisy_mask_.assign(ds.labels_.size(), 0);
  return ds;
}

int Dataset::num_noisy() const {
  int n = 0;
  for (uint8_t m : noisy_mask_) n += m;
  return n;
}

std::vector<int> Dataset::class_counts() const {
  return count_labels(labels_, num_classes_);
}

std::vector<int> Dataset::clean_class_counts() const {
  return count_labels(clean_labels_, num_classes_);
}

void Dataset::check_index(int index, const char* where) const {
  if (index < 0 || index >= size()) {
    throw std::invalid_argument(
        std::string(where) + ": sample index out of range; expected [0, " +
        std::to_string(size()) + "), got " + std::to_string(index));
  }
}

template <class T>
void Dataset::fill_batch_impl(std::span<const int> indices, Tensor<T>& x,
                              std::vector<int>& y) const {
  // Check every index before touching the outputs, so a bad call leaves
  // x and y as they were.
  for (int i : indices) check_index(i, "Dataset::fill_batch");
  const int b = static_cast<int>(indices.size());
  const int d = num_features_;
  x.resize(b, d);  // B x D
  y.resize(b);
  const bool has_transform = !transform_.empty();
  for (int r = 0; r < b; ++r) {
    const std::size_t src = std::size_t(indices[r]) * d;
    T* out = x.data() + std::size_t(r) * d;
    // Raw value: pixels scaled to [0, 1], float features as stored.
    if (is_image_) {
      for (int j = 0; j < d; ++j) out[j] = T(pixels_[src + j]) / T(255);
    } else {
      for (int j = 0; j < d; ++j) out[j] = T(features_[src + j]);
    }
    if (has_transform) {
      for (int j = 0; j < d; ++j) {
        out[j] = (out[j] - T(transform_.shift[j])) * T(transform_.scale[j]);
      }
    }
    y[r] = labels_[indices[r]];
  }
}

void Dataset::fill_batch(std::span<const int> indices, Tensor<float>& x,
                         std::vector<int>& y) const {
  fill_batch_impl(indices, x, y);
}

void Dataset::fill_batch(std::span<const int> indices, Tensor<double>& x,
                         std::vector<int>& y) const {
  fill_batch_impl(indices, x, y);
}

std::vector<float> Dataset::row(int index) const {
  Tensor<float> x;
  std::vector<int> y;
  const int one[1] = {index};
  fill_batch(one, x, y);
  return std::vector<float>(x.data(), x.data() + x.size());
}

Dataset Dataset::subset(std::span<const int> indices) const {
  for (int i : indices) check_index(i, "Dataset::subset");
  Dataset out;
  out.num_features_ = num_features_;
  out.num_classes_ = num_classes_;
  out.is_image_ = is_image_;
  out.image_rows_ = image_rows_;
  out.image_cols_ = image_cols_;
  out.class_names_ = class_names_;
  out.transform_ = transform_;
  const std::size_t d = num_features_;
  if (is_image_) {
    out.pixels_.resize(indices.size() * d);
  } else {
    out.features_.resize(indices.size() * d);
  }
  for (std::size_t r = 0; r < indices.size(); ++r) {
    const std::size_t src = std::size_t(indices[r]) * d;
    if (is_image_) {
      std::copy_n(pixels_.begin() + src, d, out.pixels_.begin() + r * d);
    } else {
      std::copy_n(features_.begin() + src, d, out.features_.begin() + r * d);
    }
    out.labels_.push_back(labels_[indices[r]]);
    out.clean_labels_.push_back(clean_labels_[indices[r]]);
    out.noisy_mask_.push_back(noisy_mask_[indices[r]]);
  }
  return out;
}

void Dataset::set_labels(std::vector<int> labels) {
  if (labels.size() != labels_.size()) {
    throw std::invalid_argument(
        "Dataset::set_labels: wrong number of labels; expected " +
        std::to_string(labels_.size()) + ", got " +
        std::to_string(labels.size()));
  }
  validate_labels(labels, "Dataset::set_labels");
  labels_ = std::move(labels);
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    noisy_mask_[i] = labels_[i] != clean_labels_[i] ? 1 : 0;
  }
}

void Dataset::set_clean_labels(std::vector<int> labels, int num_classes,
                               std::vector<std::string> class_names) {
  const char* where = "Dataset::set_clean_labels";
  if (labels.size() != labels_.size() || num_classes <= 0) {
    throw std::invalid_argument(
        std::string(where) + ": expected " + std::to_string(labels_.size()) +
        " labels and K > 0, got " + std::to_string(labels.size()) +
        " labels and K=" + std::to_string(num_classes));
  }
  const int old_k = num_classes_;
  num_classes_ = num_classes;
  try {
    validate_labels(labels, where);
    class_names_ = checked_names(std::move(class_names), num_classes, where);
  } catch (...) {
    num_classes_ = old_k;
    throw;
  }
  clean_labels_ = labels;
  labels_ = std::move(labels);
  noisy_mask_.assign(labels_.size(), 0);
}

void Dataset::apply_transform(const FeatureTransform& t) {
  const std::size_t d = num_features_;
  if (t.shift.size() != d || t.scale.size() != d) {
    throw std::invalid_argument(
        "Dataset::apply_transform: wrong transform size; expected " +
        std::to_string(d) + " shifts and scales, got " +
        std::to_string(t.shift.size()) + " and " +
        std::to_string(t.scale.size()));
  }
  for (std::size_t j = 0; j < d; ++j) {
    if (!std::isfinite(t.shift[j]) || !std::isfinite(t.scale[j]) ||
        t.scale[j] == 0.0f) {
      throw std::invalid_argument(
          "Dataset::apply_transform: feature " + std::to_string(j) +
          " needs a finite shift and a finite non-zero scale; got shift " +
          std::to_string(t.shift[j]) + ", scale " + std::to_string(t.scale[j]));
    }
  }
  if (transform_.empty()) {
    transform_ = t;
    return;
  }
  // Composition: ((v - s1) * c1 - s2) * c2 = (v - (s1 + s2 / c1)) * c1 c2.
  // c1 is never 0 here: the fitted transforms use scale 1 for constant
  // features instead of 1/0.
  for (std::size_t j = 0; j < d; ++j) {
    transform_.shift[j] += t.shift[j] / transform_.scale[j];
    transform_.scale[j] *= t.scale[j];
  }
}

}  // namespace losslab
