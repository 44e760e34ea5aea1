// Element-wise activation modules and inverted dropout.
//
// Each maps X (N x D) to Y (N x D) and has no parameters:
//   ReLU       y = max(x, 0)
//   LeakyReLU  y = x for x > 0, slope * x otherwise (PyTorch default 0.01)
//   Tanh       y = tanh(x)
//   Sigmoid    y = 1 / (1 + e^-x)
//   GELU       y = x * Phi(x), the exact erf form (PyTorch's default)
//   Dropout    training: y = x * m / (1 - p), m ~ Bernoulli(1 - p) per
//              element; evaluation: y = x. With p = 1 every output is 0.
// The gradients are those of autograd/ops.h.
#pragma once

#include <cstdint>
#include <string>

#include "nn/module.h"
#include "nn/random.h"

namespace losslab {

template <class T>
class ReLU : public Module<T> {
 public:
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override { return "ReLU"; }
};

template <class T>
class LeakyReLU : public Module<T> {
 public:
  // Throws std::invalid_argument for a non-finite slope.
  explicit LeakyReLU(double slope = 0.01);
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override;
  double slope() const { return slope_; }

 private:
  double slope_;
};

template <class T>
class Tanh : public Module<T> {
 public:
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override { return "Tanh"; }
};

template <class T>
class Sigmoid : public Module<T> {
 public:
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override { return "Sigmoid"; }
};

template <class T>
class GELU : public Module<T> {
 public:
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override { return "GELU"; }
};

// Inverted dropout. The mask comes from the module's own Rng, seeded at
// construction, so a run is reproducible from its seed; one uniform number
// is drawn per element per training-mode forward call (element i is kept
// when u_i >= p).
//
// Limitation: the Rng position is not saved in checkpoints, so a run resumed
// from a checkpoint draws different masks from an uninterrupted one.
template <class T>
class Dropout : public Module<T> {
 public:
  // Throws std::invalid_argument unless 0 <= p <= 1.
  Dropout(double p, std::uint64_t seed);
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override;
  double p() const { return p_; }
  // Restarts the mask sequence from `seed`.
  void reseed(std::uint64_t seed) { rng_ = Rng(seed); }

 private:
  double p_;
  Rng rng_;
  Tensor<T> mask_;  // N x D, reused between calls
};

#define LOSSLAB_NN_ACTIVATIONS_EXTERN(T) \
  extern template class ReLU<T>;         \
  extern template class LeakyReLU<T>;    \
  extern template class Tanh<T>;         \
  extern template class Sigmoid<T>;      \
  extern template class GELU<T>;         \
  extern template class Dropout<T>;
LOSSLAB_NN_ACTIVATIONS_EXTERN(float)
LOSSLAB_NN_ACTIVATIONS_EXTERN(double)
#undef LOSSLAB_NN_ACTIVATIONS_EXTERN

}  // namespace losslab
