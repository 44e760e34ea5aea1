// BatchLoader: minibatches over a Dataset, reshuffled every epoch.
//
// Usage:
//   BatchLoader loader(train, {.batch_size = 128, .seed = 7});
//   for (int epoch = 0; epoch < E; ++epoch) {
//     loader.start_epoch(epoch);
//     while (loader.next(x, y)) { ... loader.batch_indices() ... }
//   }
// The order of epoch e depends only on (seed, e), so a run resumed at epoch
// e sees the same batches as an uninterrupted one. The loader keeps a
// pointer to the Dataset, which must outlive it and not change size.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "autograd/tensor.h"
#include "datasets/dataset.h"

namespace losslab {

struct BatchLoaderOptions {
  int batch_size = 64;
  bool shuffle = true;     // false: samples in index order every epoch
  bool drop_last = false;  // true: skip a final batch smaller than the size
  uint64_t seed = 0;
};

class BatchLoader {
 public:
  // Starts epoch 0. Throws std::invalid_argument for batch_size < 1.
  BatchLoader(const Dataset& data, BatchLoaderOptions options);

  // Rewinds to the start of epoch `epoch` (>= 0) with its own permutation.
  void start_epoch(int epoch);

  // Fills the next batch (B x D features, B labels, B <= batch_size) and
  // returns true, or returns false when the epoch is over.
  bool next(Tensor<float>& x, std::vector<int>& y);
  bool next(Tensor<double>& x, std::vector<int>& y);

  // Dataset indices of the batch last returned by next(); lets callers look
  // up per-sample data such as the noisy mask.
  std::span<const int> batch_indices() const { return current_; }

  // Batches per epoch: ceil(N / B), or floor(N / B) with drop_last.
  int num_batches() const;
  int epoch() const { return epoch_; }
  const BatchLoaderOptions& options() const { return options_; }

 private:
  bool advance();

  const Dataset* data_;
  BatchLoaderOptions options_;
  int epoch_ = 0;
  std::size_t pos_ = 0;
  std::vector<int> order_;
  std::span<const int> current_;
};

}  // namespace losslab
