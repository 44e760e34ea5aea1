// SGD with momentum, dampening, Nesterov momentum and L2 weight decay,
// following PyTorch's torch.optim.SGD. For each parameter p with gradient g,
// at step t (mu momentum, tau dampening, lambda weight decay, lr rate):
//
//   g <- g + lambda p
//   if mu != 0:
//     b <- g                          at the first step
//     b <- mu b + (1 - tau) g         afterwards
//     g <- g + mu b  (Nesterov)   or  g <- b
//   p <- p - lr g
//
// Buffer per parameter: "momentum_buffer" (only when mu != 0).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nn/optimizer.h"

namespace losslab {

struct SgdOptions {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;
};

template <class T>
class Sgd : public Optimizer<T> {
 public:
  // Throws std::invalid_argument for a negative or non-finite value, or for
  // Nesterov without momentum or with dampening (as PyTorch does).
  Sgd(std::vector<NamedParameter<T>> params, const SgdOptions& options);

  void step() override;
  std::string kind() const override { return "sgd"; }
  SgdOptions options() const;

 protected:
  std::vector<std::pair<std::string, double>> extra_hyperparameters()
      const override;
  void check_hyperparameters(
      const std::vector<std::pair<std::string, double>>& values) const override;
  void adopt_hyperparameters(
      const std::vector<std::pair<std::string, double>>& values) override;
  std::vector<std::string> buffer_names() const override;

 private:
  SgdOptions options_;
  // One row of a gradient held as factors (Parameter::grad_is_rank_one),
  // written a row at a time so that the full matrix never is.
  Tensor<T> row_;
};

extern template class Sgd<float>;
extern template class Sgd<double>;

}  // namespace losslab
