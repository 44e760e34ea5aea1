#include "autograd/tensor.h"

#include <algorithm>
#include <stdexcept>

namespace losslab {

std::string shape_str(int rows, int cols) {
  return std::to_string(rows) + "x" + std::to_string(cols);
}

template <class T>
Tensor<T>::Tensor(int rows, int cols, T fill) {
  resize(rows, cols);
  this->fill(fill);
}

template <class T>
Tensor<T>::Tensor(int rows, int cols, std::initializer_list<T> values)
    : Tensor(rows, cols, std::vector<T>(values)) {}

template <class T>
Tensor<T>::Tensor(int rows, int cols, std::vector<T> values) {
  if (rows < 0 || cols < 0 ||
      values.size() != std::size_t(rows) * std::size_t(cols)) {
    throw std::invalid_argument(
        "Tensor: expected " + losslab::shape_str(rows, cols) + " = " +
        std::to_string(std::max(rows, 0) * std::max(cols, 0)) +
        " values, got " + std::to_string(values.size()));
  }
  rows_ = rows;
  cols_ = cols;
  data_.assign(values.begin(), values.end());
}

template <class T>
T Tensor<T>::item() const {
  if (rows_ != 1 || cols_ != 1) {
    throw std::invalid_argument("Tensor::item: expected a 1x1 tensor, got " +
                                shape_str());
  }
  return data_[0];
}

template <class T>
void Tensor<T>::resize(int rows, int cols) {
  if (rows < 0 || cols < 0) {
    throw std::invalid_argument("Tensor::resize: negative shape " +
                                losslab::shape_str(rows, cols));
  }
  rows_ = rows;
  cols_ = cols;
  data_.resize(std::size_t(rows) * std::size_t(cols));
}

template <class T>
void Tensor<T>::fill(T value) {
  std::fill(data_.begin(), data_.end(), value);
}

template <class T>
std::string Tensor<T>::shape_str() const {
  return losslab::shape_str(rows_, cols_);
}

template class Tensor<float>;
template class Tensor<double>;

}  // namespace losslab
