// Adam (Kingma and Ba, 2015) and AdamW (Loshchilov and Hutter, 2019), with
// PyTorch's update order. For each parameter p with gradient g, at step t
// (counted from 1, once per step() call for all parameters):
//
//   Adam:  g <- g + lambda p            (L2 decay, later divided by sqrt(v))
//   AdamW: p <- p (1 - lr lambda)       (decoupled decay, before the step)
//   m <- beta1 m + (1 - beta1) g
//   v <- beta2 v + (1 - beta2) g^2
//   m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)
//   p <- p - lr m_hat / (sqrt(v_hat) + eps)
//
// The bias corrections use beta^t for the current t and never modify m or
// v. Buffers per parameter: "exp_avg" (m) and "exp_avg_sq" (v).
//
// Limitation: the AMSGrad variant is not implemented; there is no option
// for it, so it cannot be requested by mistake.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "nn/optimizer.h"

namespace losslab {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  // Adam: L2 coefficient added to the gradient. AdamW: decoupled decay
  // (PyTorch's AdamW default is 0.01; set it explicitly).
  double weight_decay = 0.0;
};

template <class T>
class Adam : public Optimizer<T> {
 public:
  // Throws std::invalid_argument unless lr, eps, weight_decay >= 0 and
  // finite, and 0 <= beta1, beta2 < 1.
  Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options);

  void step() override;
  std::string kind() const override { return decoupled_ ? "adamw" : "adam"; }
  AdamOptions options() const;

 protected:
  Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options,
       bool decoupled);
  std::vector<std::pair<std::string, double>> extra_hyperparameters()
      const override;
  void check_hyperparameters(
      const std::vector<std::pair<std::string, double>>& values) const override;
  void adopt_hyperparameters(
      const std::vector<std::pair<std::string, double>>& values) override;
  std::vector<std::string> buffer_names() const override;

 private:
  AdamOptions options_from(
      const std::vector<std::pair<std::string, double>>& values) const;

  AdamOptions options_;
  bool decoupled_;
};

// Adam with decoupled weight decay; kind "adamw".
template <class T>
class AdamW : public Adam<T> {
 public:
  AdamW(std::vector<NamedParameter<T>> params, const AdamOptions& options)
      : Adam<T>(std::move(params), options, /*decoupled=*/true) {}
};

extern template class Adam<float>;
extern template class Adam<double>;
extern template class AdamW<float>;
extern template class AdamW<double>;

}  // namespace losslab
