// From a dataset name and transform specs to the training and test sets a
// run uses. Shared by `losslab train` and the study runner so both build
// their data the same way.
//
// Dataset specs:
//   fashion-mnist     Fashion-MNIST from data_dir, $LOSSLAB_DATA or Debian's
//                     /usr/share/datasets/fashion-mnist
//   idx:DIR           any IDX set with MNIST's file names (raw or .gz)
//   csv:FILE          features and a label column (label_column, default the
//                     last); a stratified 20% becomes the test set
//   synthetic:NAME    blobs, moons or spirals (synthetic_samples points);
//                     a stratified 20% becomes the test set
// Imbalance specs (training set only, except binary, whose test set is made
// 1:1 from the same two classes):
//   none | binary:POS:NEG:RATIO | binary:POS:rest:RATIO | step:RHO |
//   longtail:RHO
//   e.g. binary:6:0:100 is Shirt (positive, class 1) against T-shirt/top
//   (class 0) with 1 positive per 100 negatives.
// Noise specs (training labels only):
//   none | symmetric:RATE | asymmetric:RATE (Fashion-MNIST's pairs)
// Float-feature sets are standardised with statistics of the training part;
// images are scaled to [0, 1].
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "datasets/dataset.h"

namespace losslab {

struct DataConfig {
  std::string dataset = "fashion-mnist";
  std::string data_dir;      // for fashion-mnist; empty: the default
  std::string label_column;  // for csv: a name or a 0-based index
  int synthetic_samples = 2000;
  // When > 0, a stratified random subset of this many training samples is
  // used (before imbalance and noise), for quicker studies.
  int train_subset = 0;
  std::string imbalance = "none";
  std::string noise = "none";
  std::uint64_t seed = 0;  // drives splits and transforms
};

struct PreparedData {
  Dataset train;
  Dataset test;
  // What was loaded and what each transform did (counts, rates, matrices).
  nlohmann::json report;
};

// Throws std::invalid_argument for a malformed spec (naming it and the
// accepted forms) and std::runtime_error for unreadable data.
PreparedData prepare_data(const DataConfig& config);

// Spec checks without loading anything, for validating a study up front.
void check_imbalance_spec(const std::string& spec);
void check_noise_spec(const std::string& spec);

}  // namespace losslab
