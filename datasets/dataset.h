// Dataset: an in-memory labelled classification set.
//
// N samples, D features, K classes. Features are stored either as uint8
// images (Fashion-MNIST stays at its raw size, about 55 MB for train and
// test) or as float features (CSV, synthetic sets). Floats are produced one
// batch at a time by fill_batch. Alongside the current labels the set keeps
// the clean labels from before any label noise, and a per-sample mask of
// where they differ, so studies can measure memorisation of noisy samples.
//
// Not here: loaders (idx.h, csv.h, synthetic.h), transforms (transforms.h,
// noise.h) and the minibatch iterator (batch_loader.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace losslab {

// A per-feature affine map applied when a batch is filled:
//   x[j] = (raw[j] * base_scale - shift[j]) * scale[j]
// where base_scale is 1/255 for images and 1 for float features. Empty
// shift/scale mean the identity.
struct FeatureTransform {
  std::vector<float> shift;  // D
  std::vector<float> scale;  // D
  bool empty() const { return shift.empty(); }
};

class Dataset {
 public:
  Dataset() = default;

  // An image set: `pixels` holds N x (rows * cols) bytes in row-major
  // sample order, `labels` N class indices in [0, K). `class_names` is
  // either empty (names "0".."K-1" are made up) or exactly K names.
  // Throws std::invalid_argument on any size mismatch or label out of range.
  static Dataset from_images(int image_rows, int image_cols,
                             std::vector<uint8_t> pixels,
                             std::vector<int> labels, int num_classes,
                             std::vector<std::string> class_names = {});

  // A float-feature set: `features` holds N x D values row-major. NaN is
  // kept as is (a CSV loaded with missing values allowed may contain it).
  // Same checks as from_images.
  static Dataset from_features(int num_features, std::vector<float> features,
                               std::vector<int> labels, int num_classes,
                               std::vector<std::string> class_names = {});

  int size() const { return static_cast<int>(labels_.size()); }  // N
  int num_features() const { return num_features_; }             // D
  int num_classes() const { return num_classes_; }               // K
  bool is_image() const { return is_image_; }
  // Image height and width; 0 for float-feature sets.
  int image_rows() const { return image_rows_; }
  int image_cols() const { return image_cols_; }

  // Current labels (noisy if label noise was applied), N entries.
  const std::vector<int>& labels() const { return labels_; }
  // Labels before any label noise, N entries.
  const std::vector<int>& clean_labels() const { return clean_labels_; }
  // 1 where labels()[i] != clean_labels()[i], else 0. N entries.
  const std::vector<uint8_t>& noisy_mask() const { return noisy_mask_; }
  // Number of samples whose label differs from the clean one.
  int num_noisy() const;
  const std::vector<std::string>& class_names() const { return class_names_; }

  // Samples per class under the current / clean labels, K entries.
  std::vector<int> class_counts() const;
  std::vector<int> clean_class_counts() const;

  // Raw storage: N x D bytes for images (empty otherwise), N x D floats for
  // float features (empty for images). No transform applied.
  const std::vector<uint8_t>& pixels() const { return pixels_; }
  const std::vector<float>& features() const { return features_; }
  const FeatureTransform& transform() const { return transform_; }

  // Copies rows `indices` into x (|indices| x D, resized as needed; pixels
  // scaled to [0, 1], then the feature transform applied) and their current
  // labels into y. Throws std::invalid_argument for an index outside [0, N).
  void fill_batch(std::span<const int> indices, Tensor<float>& x,
                  std::vector<int>& y) const;
  void fill_batch(std::span<const int> indices, Tensor<double>& x,
                  std::vector<int>& y) const;
  // One sample's D feature values, as fill_batch would produce them.
  std::vector<float> row(int index) const;

  // A new set holding the samples `indices` in that order (duplicates
  // allowed), with their clean labels, noise mask, class names and feature
  // transform. Throws std::invalid_argument for an index outside [0, N).
  Dataset subset(std::span<const int> indices) const;

  // Replaces the current labels (N entries in [0, K)); the clean labels stay
  // and the noisy mask is recomputed. Used by the label-noise transforms.
  void set_labels(std::vector<int> labels);
  // Makes the current labels the clean ones (for a relabelling transform
  // such as a binary task, which defines new classes). Clears the mask.
  void set_clean_labels(std::vector<int> labels, int num_classes,
                        std::vector<std::string> class_names);
  // Composes `t` after the current feature transform (t sees the values
  // the current transform produces). Throws std::invalid_argument for a
  // size other than D, or a shift or scale that is not finite, or a zero
  // scale.
  void apply_transform(const FeatureTransform& t);

 private:
  template <class T>
  void fill_batch_impl(std::span<const int> indices, Tensor<T>& x,
                       std::vector<int>& y) const;
  void check_index(int index, const char* where) const;
  void validate_labels(const std::vector<int>& labels, const char* where) const;

  int num_features_ = 0;
  int num_classes_ = 0;
  bool is_image_ = false;
  int image_rows_ = 0;
  int image_cols_ = 0;
  std::vector<uint8_t> pixels_;
  std::vector<float> features_;
  std::vector<int> labels_;
  std::vector<int> clean_labels_;
  std::vector<uint8_t> noisy_mask_;
  std::vector<std::string> class_names_;
  FeatureTransform transform_;
};

// Counts of each label in [0, K) in `labels`; throws std::invalid_argument
// for a label outside that range.
std::vector<int> count_labels(std::span<const int> labels, int num_classes);

}  // namespace losslab
