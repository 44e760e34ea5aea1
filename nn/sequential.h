// Sequential: modules applied one after another, Y = f_K(...f_1(X)).
//
// Children are owned and kept at stable addresses. The parameters of child
// i are named "<i>." + the child's own names ("0.weight", "2.bias"), as in
// PyTorch's nn.Sequential. set_training() reaches every child.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "nn/module.h"

namespace losslab {

template <class T>
class Sequential : public Module<T> {
 public:
  Sequential() = default;

  // Appends `module` (not null) and returns it; it takes the mode of this
  // container. Throws std::invalid_argument for a null module.
  Module<T>& add(std::unique_ptr<Module<T>> module);
  // Constructs an M from `args` and appends it.
  template <class M, class... Args>
  M& emplace(Args&&... args) {
    auto owned = std::make_unique<M>(std::forward<Args>(args)...);
    M& ref = *owned;
    add(std::move(owned));
    return ref;
  }

  // X passes through every child in order; with no children Y = X.
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override;
  void collect_parameters(const std::string& prefix,
                          std::vector<NamedParameter<T>>& out) override;
  void set_training(bool training) override;

  std::size_t size() const { return children_.size(); }
  Module<T>& operator[](std::size_t i) { return *children_[i]; }
  const Module<T>& operator[](std::size_t i) const { return *children_[i]; }

 private:
  std::vector<std::unique_ptr<Module<T>>> children_;
};

extern template class Sequential<float>;
extern template class Sequential<double>;

}  // namespace losslab
