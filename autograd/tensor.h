// Tensor<T>: a dense, row-major, two-dimensional array of float or double.
//
// Every value in losslab is a matrix of rows x cols; a scalar is 1x1 and a
// vector is a single row or column. Tensors own their storage. resize()
// keeps the allocation when it shrinks or stays the same size, which is how
// the tape reuses memory from one training step to the next.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

namespace losslab {

// Allocates on 64-byte boundaries: a cache line, and one AVX-512 register,
// so vectorised loops and BLAS kernels never split a load or store across
// two lines at the start of a row block.
template <class T>
struct CacheAligned {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  CacheAligned() = default;
  template <class U>
  CacheAligned(const CacheAligned<U>&) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), kAlignment));
  }
  void deallocate(T* p, std::size_t) {
    // Unsized: clang declares sized deallocation only on request.
    ::operator delete(p, kAlignment);
  }
  template <class U>
  bool operator==(const CacheAligned<U>&) const {
    return true;
  }
};

template <class T>
class Tensor {
 public:
  Tensor() = default;
  // A rows x cols tensor filled with `fill`. Throws std::invalid_argument
  // for negative dimensions.
  Tensor(int rows, int cols, T fill = T(0));
  // A rows x cols tensor from values in row-major order. Throws
  // std::invalid_argument when the count is not rows * cols.
  Tensor(int rows, int cols, std::initializer_list<T> values);
  Tensor(int rows, int cols, std::vector<T> values);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  std::size_t capacity() const { return data_.capacity(); }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T& operator[](std::size_t i) { return data_[i]; }
  T operator[](std::size_t i) const { return data_[i]; }
  T& operator()(int r, int c) { return data_[std::size_t(r) * cols_ + c]; }
  T operator()(int r, int c) const { return data_[std::size_t(r) * cols_ + c]; }
  // The value of a 1x1 tensor; throws std::invalid_argument otherwise.
  T item() const;

  // Changes the shape; the contents are unspecified afterwards. Never
  // releases memory, so a tensor resized to the same shape every step
  // allocates only the first time.
  void resize(int rows, int cols);
  void fill(T value);
  bool same_shape(const Tensor& other) const {
    return rows_ == other.rows_ && cols_ == other.cols_;
  }
  // "rows x cols", as used in every shape error message.
  std::string shape_str() const;

  // Element-wise conversion to another element type.
  template <class U>
  Tensor<U> cast() const {
    Tensor<U> out(rows_, cols_);
    for (std::size_t i = 0; i < data_.size(); ++i) out[i] = U(data_[i]);
    return out;
  }

 private:
  int rows_ = 0;
  int cols_ = 0;
  std::vector<T, CacheAligned<T>> data_;
};

// "rows x cols" for error messages about shapes that are not yet tensors.
std::string shape_str(int rows, int cols);

extern template class Tensor<float>;
extern template class Tensor<double>;

}  // namespace losslab
