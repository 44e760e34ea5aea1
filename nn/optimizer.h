// Optimizer: the interface of SGD, Adam and AdamW, their saved state, and
// gradient clipping by global norm.
//
// An optimizer holds the named parameters of a model (by address; the model
// must outlive it) and updates each parameter from its accumulated gradient
// in step(). The step counter advances once per step() call, never once per
// parameter tensor. State buffers (momentum, moments) are allocated on the
// first step; afterwards step() does not allocate.
//
// State for checkpoints: state() returns the kind ("sgd", "adam", "adamw"),
// the hyperparameters by name, the step count and every buffer, named
// "<parameter name>.<buffer>" (e.g. "0.weight.exp_avg"). load_state() checks
// everything first and changes nothing when the state does not fit.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.h"

namespace losslab {

template <class T>
struct NamedTensor {
  std::string name;
  Tensor<T> value;
};

template <class T>
struct OptimizerState {
  std::string kind;
  std::int64_t step = 0;
  std::vector<std::pair<std::string, double>> hyperparameters;
  // Empty before the first step; otherwise every buffer of every parameter.
  std::vector<NamedTensor<T>> buffers;
};

template <class T>
class Optimizer {
 public:
  // Throws std::invalid_argument for a null parameter, duplicate names or a
  // learning rate that is negative or not finite.
  Optimizer(std::vector<NamedParameter<T>> params, double lr);
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;
  virtual ~Optimizer() = default;

  // Updates every parameter from its gradient, then advances the counter.
  virtual void step() = 0;
  virtual std::string kind() const = 0;

  // Zeroes every parameter gradient.
  void zero_grad();
  double lr() const { return lr_; }
  // For schedules; throws std::invalid_argument like the constructor.
  void set_lr(double lr);
  // Steps taken so far (t in the update formulas after the step).
  std::int64_t step_count() const { return step_; }
  const std::vector<NamedParameter<T>>& parameters() const { return params_; }

  OptimizerState<T> state() const;
  // Throws std::invalid_argument naming the first mismatch (kind, a missing
  // or invalid hyperparameter, a missing, extra or mis-shaped buffer, a
  // negative step count) and changes nothing.
  void check_state(const OptimizerState<T>& state) const;
  // check_state(), then adopts the hyperparameters, step count and buffers.
  void load_state(const OptimizerState<T>& state);

 protected:
  // The optimizer's own hyperparameters, excluding "lr".
  virtual std::vector<std::pair<std::string, double>> extra_hyperparameters()
      const = 0;
  // Validates `values` (all hyperparameters, "lr" included, in any order);
  // throws std::invalid_argument for a missing or invalid one.
  virtual void check_hyperparameters(
      const std::vector<std::pair<std::string, double>>& values) const = 0;
  // Adopts `values`, which check_hyperparameters accepted ("lr" is adopted
  // by the base class).
  virtual void adopt_hyperparameters(
      const std::vector<std::pair<std::string, double>>& values) = 0;
  // Buffer names per parameter, e.g. {"exp_avg", "exp_avg_sq"}.
  virtual std::vector<std::string> buffer_names() const = 0;

  // Allocates zeroed buffers shaped like the parameters when there are none;
  // returns true when it did (the first step).
  bool ensure_buffers();
  // The value of hyperparameter `name` in `values`; throws when absent.
  static double find_hyperparameter(
      const std::vector<std::pair<std::string, double>>& values,
      const std::string& name, const std::string& kind);

  std::vector<NamedParameter<T>> params_;
  double lr_;
  std::int64_t step_ = 0;
  // buffers_[b][i]: buffer b of parameter i; empty until the first step.
  std::vector<std::vector<Tensor<T>>> buffers_;
};

// Scales all gradients together so that their global L2 norm
// sqrt(sum_i |g_i|^2) is at most max_norm, as PyTorch's clip_grad_norm_:
// g *= max_norm / (norm + 1e-6) when that factor is below 1. Returns the
// norm before clipping, computed in double. A non-finite norm (a NaN or
// infinite gradient) is returned with the gradients left unchanged, so the
// caller can detect it and skip the step. Throws std::invalid_argument
// unless max_norm > 0. Does not allocate.
template <class T>
double clip_grad_norm(const std::vector<NamedParameter<T>>& params,
                      double max_norm);

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace losslab
