// Module: the interface of every layer and of containers of layers.
//
// A module maps a batch X (N x D_in) to Y (N x D_out) by recording ops on a
// tape. It owns its Parameters; the tape and the optimizer refer to them by
// address, so a module must not be moved or destroyed while a tape holds its
// graph or an optimizer holds its parameters. Modules are not copyable.
//
// Parameter names are stable and follow PyTorch: a Linear has "weight" and
// "bias"; a Sequential prefixes its children's names with their index, so
// the first layer of an MLP owns "0.weight" and "0.bias". Checkpoints and
// optimizer state are keyed by these names.
//
// Mode: modules start in training mode. eval() switches off training-only
// behaviour (dropout); containers pass the mode on to their children.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "autograd/tape.h"

namespace losslab {

// A parameter and its name within the module that was asked for it.
template <class T>
struct NamedParameter {
  std::string name;
  Parameter<T>* param = nullptr;
};

// The read-only view of a NamedParameter.
template <class T>
struct ConstNamedParameter {
  std::string name;
  const Parameter<T>* param = nullptr;
};

template <class T>
class Module {
 public:
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  virtual ~Module() = default;

  // Y = f(X), recorded on `tape`; `x` must belong to `tape`. Throws
  // std::invalid_argument when x's shape does not fit the module.
  virtual Var<T> forward(Tape<T>& tape, Var<T> x) = 0;

  // A one-line description such as "Linear(4, 3)", used in error messages.
  virtual std::string describe() const = 0;

  // Appends this module's parameters, each named `prefix` + its own name,
  // in a fixed order. Modules without parameters append nothing.
  virtual void collect_parameters(const std::string& prefix,
                                  std::vector<NamedParameter<T>>& out) {}

  // Training mode on (`true`) or off; containers override it to recurse.
  virtual void set_training(bool training) { training_ = training; }

  std::vector<NamedParameter<T>> named_parameters();
  std::vector<ConstNamedParameter<T>> named_parameters() const;
  void train() { set_training(true); }
  void eval() { set_training(false); }
  bool is_training() const { return training_; }
  // Sets every parameter gradient to zero.
  void zero_grad();
  // The number of scalar parameters.
  std::size_t num_parameters() const;

 protected:
  bool training_ = true;
};

extern template class Module<float>;
extern template class Module<double>;

}  // namespace losslab
