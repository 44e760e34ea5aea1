#include "datasets/batch_loader.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace losslab {

BatchLoader::BatchLoader(const Dataset& data, BatchLoaderOptions options)
    : data_(&data), options_(options) {
  if (options_.batch_size < 1) {
    throw std::invalid_argument("BatchLoader: batch size must be >= 1; got " +
                                std::to_string(options_.batch_size));
  }
  start_epoch(0);
}

void BatchLoader::start_epoch(int epoch) {
  if (epoch < 0) {
    throw std::invalid_argument(
        "BatchLoader::start_epoch: expected epoch >= "
        "0, got " +
        std::to_string(epoch));
  }
  epoch_ = epoch;
  pos_ = 0;
  current_ = {};
  order_.resize(data_->size());
  std::iota(order_.begin(), order_.end(), 0);
  if (options_.shuffle) {
    // One generator per epoch, seeded from (seed, epoch), so an epoch's
    // order does not depend on how many epochs ran before it.
    std::seed_seq seq{uint32_t(options_.seed), uint32_t(options_.seed >> 32),
                      uint32_t(epoch)};
    std::mt19937_64 rng(seq);
    std::shuffle(order_.begin(), order_.end(), rng);
  }
}

bool BatchLoader::advance() {
  const std::size_t b = options_.batch_size;
  const std::size_t left = order_.size() - pos_;
  if (left == 0 || (options_.drop_last && left < b)) {
    current_ = {};
    return false;
  }
  const std::size_t take = std::min(b, left);
  current_ = std::span<const int>(order_.data() + pos_, take);
  pos_ += take;
  return true;
}

bool BatchLoader::next(Tensor<float>& x, std::vector<int>& y) {
  if (!advance()) return false;
  data_->fill_batch(current_, x, y);
  return true;
}

bool BatchLoader::next(Tensor<double>& x, std::vector<int>& y) {
  if (!advance()) return false;
  data_->fill_batch(current_, x, y);
  return true;
}

int BatchLoader::num_batches() const {
  const int n = data_->size();
  const int b = options_.batch_size;
  return options_.drop_last ? n / b : (n + b - 1) / b;
}

}  // namespace losslab
