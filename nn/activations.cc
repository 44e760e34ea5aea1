#include "nn/activations.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "autograd/ops.h"

namespace losslab {

template <class T>
Var<T> ReLU<T>::forward(Tape<T>&, Var<T> x) {
  return relu(x);
}

template <class T>
LeakyReLU<T>::LeakyReLU(double slope) : slope_(slope) {
  if (!std::isfinite(slope)) {
    throw std::invalid_argument("LeakyReLU: slope must be finite; got " +
                                std::to_string(slope));
  }
}

template <class T>
Var<T> LeakyReLU<T>::forward(Tape<T>&, Var<T> x) {
  return leaky_relu(x, slope_);
}

template <class T>
std::string LeakyReLU<T>::describe() const {
  std::ostringstream os;
  os << "LeakyReLU(" << slope_ << ")";
  return os.str();
}

template <class T>
Var<T> Tanh<T>::forward(Tape<T>&, Var<T> x) {
  return tanh(x);
}

template <class T>
Var<T> Sigmoid<T>::forward(Tape<T>&, Var<T> x) {
  return sigmoid(x);
}

template <class T>
Var<T> GELU<T>::forward(Tape<T>&, Var<T> x) {
  return gelu(x);
}

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed) : p_(p), rng_(seed) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("Dropout: probability must be in [0, 1]; got " +
                                std::to_string(p));
  }
}

template <class T>
Var<T> Dropout<T>::forward(Tape<T>& tape, Var<T> x) {
  if (!this->training_ || p_ == 0.0) return x;

  // M (N x D): 1 / (1 - p) where kept, 0 where dropped, so that the
  // expected value of Y = X * M equals X and evaluation needs no rescaling.
  // At p = 1 nothing is kept and the scale is never used.
  const T scale = p_ < 1.0 ? T(1.0 / (1.0 - p_)) : T(0);
  mask_.resize(x.rows(), x.cols());
  for (std::size_t i = 0; i < mask_.size(); ++i) {
    mask_[i] = rng_.uniform01() >= p_ ? scale : T(0);
  }

  // Y (N x D) = X * M; the tape keeps its own copy of M for backward.
  return mul(x, tape.constant(mask_));
}

template <class T>
std::string Dropout<T>::describe() const {
  std::ostringstream os;
  os << "Dropout(" << p_ << ")";
  return os.str();
}

#define LOSSLAB_NN_ACTIVATIONS_INSTANTIATE(T) \
  template class ReLU<T>;                     \
  template class LeakyReLU<T>;                \
  template class Tanh<T>;                     \
  template class Sigmoid<T>;                  \
  template class GELU<T>;                     \
  template class Dropout<T>;
LOSSLAB_NN_ACTIVATIONS_INSTANTIATE(float)
LOSSLAB_NN_ACTIVATIONS_INSTANTIATE(double)

}  // namespace losslab
