#include "nn/adam.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace losslab {
namespace {

void validate(const std::string& kind, const AdamOptions& o) {
  auto fail = [&](const char* name, double v, const char* expected) {
    std::ostringstream os;
    os << kind << ": " << name << " must be " << expected << "; got " << v;
    throw std::invalid_argument(os.str());
  };
  auto non_negative = [&](const char* name, double v) {
    if (!(std::isfinite(v) && v >= 0.0)) fail(name, v, "finite and >= 0");
  };
  non_negative("lr", o.lr);
  non_negative("eps", o.eps);
  non_negative("weight_decay", o.weight_decay);
  if (!(o.beta1 >= 0.0 && o.beta1 < 1.0)) fail("beta1", o.beta1, "in [0, 1)");
  if (!(o.beta2 >= 0.0 && o.beta2 < 1.0)) fail("beta2", o.beta2, "in [0, 1)");
}

// The per-step scalars of the update, in the parameter's type.
template <class T>
struct AdamScalars {
  T step_size, sqrt_bias2, one_minus_beta1, beta2, one_minus_beta2, eps;
  T l2;      // weight decay folded into the gradient (Adam), else 0
  T shrink;  // 1 - lr decay, applied to p first (AdamW), else unused
};

// The update of one parameter tensor of n elements. p, g, m and v never
// overlap; restrict-qualified, and with AdamW's decay chosen at compile
// time, the loop is one vectorised pass (std::sqrt inlines as the vector
// square root because nn/CMakeLists.txt compiles this file with
// -fno-math-errno).
template <bool kDecoupled, class T>
void adam_update(T* __restrict p, const T* __restrict g, T* __restrict m,
                 T* __restrict v, std::size_t n, const AdamScalars<T>& s) {
  for (std::size_t j = 0; j < n; ++j) {
    const T gj = g[j] + s.l2 * p[j];
    if constexpr (kDecoupled) p[j] *= s.shrink;
    // m += (1 - beta1)(g - m) is beta1 m + (1 - beta1) g in PyTorch's
    // lerp form; v = beta2 v + (1 - beta2) g^2.
    m[j] += s.one_minus_beta1 * (gj - m[j]);
    v[j] = s.beta2 * v[j] + s.one_minus_beta2 * gj * gj;
    // p -= (lr / bias1) m / (sqrt(v) / sqrt(bias2) + eps)
    p[j] -= s.step_size * m[j] / (std::sqrt(v[j]) / s.sqrt_bias2 + s.eps);
  }
}

}  // namespace

template <class T>
Adam<T>::Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options)
    : Adam(std::move(params), options, /*decoupled=*/false) {}

template <class T>
Adam<T>::Adam(std::vector<NamedParameter<T>> params, const AdamOptions& options,
              bool decoupled)
    : Optimizer<T>(std::move(params), options.lr),
      options_(options),
      decoupled_(decoupled) {
  validate(kind(), options);
}

template <class T>
AdamOptions Adam<T>::options() const {
  AdamOptions o = options_;
  o.lr = this->lr_;
  return o;
}

template <class T>
void Adam<T>::step() {
  this->ensure_buffers();
  const std::int64_t t = this->step_ + 1;

  // Scalars of this step, in double: the bias corrections 1 - beta^t use
  // the power for the current t, so they are recomputed, never compounded.
  const double lr = this->lr_;
  const double bias1 = 1.0 - std::pow(options_.beta1, double(t));
  const double bias2 = 1.0 - std::pow(options_.beta2, double(t));
  AdamScalars<T> s;
  s.step_size = T(lr / bias1);
  s.sqrt_bias2 = T(std::sqrt(bias2));
  s.one_minus_beta1 = T(1.0 - options_.beta1);
  s.beta2 = T(options_.beta2);
  s.one_minus_beta2 = T(1.0 - options_.beta2);
  s.eps = T(options_.eps);
  s.l2 = decoupled_ ? T(0) : T(options_.weight_decay);
  s.shrink = T(1.0 - lr * options_.weight_decay);
  auto update = decoupled_ ? adam_update<true, T> : adam_update<false, T>;

  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    Tensor<T>& p = this->params_[i].param->value;
    update(p.data(), this->params_[i].param->grad().data(),
           this->buffers_[0][i].data(), this->buffers_[1][i].data(), p.size(),
           s);
  }
  this->step_ = t;
}

template <class T>
std::vector<std::pair<std::string, double>> Adam<T>::extra_hyperparameters()
    const {
  return {{"beta1", options_.beta1},
          {"beta2", options_.beta2},
          {"eps", options_.eps},
          {"weight_decay", options_.weight_decay}};
}

template <class T>
AdamOptions Adam<T>::options_from(
    const std::vector<std::pair<std::string, double>>& values) const {
  const std::string k = kind();
  AdamOptions o;
  o.lr = this->find_hyperparameter(values, "lr", k);
  o.beta1 = this->find_hyperparameter(values, "beta1", k);
  o.beta2 = this->find_hyperparameter(values, "beta2", k);
  o.eps = this->find_hyperparameter(values, "eps", k);
  o.weight_decay = this->find_hyperparameter(values, "weight_decay", k);
  return o;
}

template <class T>
void Adam<T>::check_hyperparameters(
    const std::vector<std::pair<std::string, double>>& values) const {
  validate(kind() + " state", options_from(values));
}

template <class T>
void Adam<T>::adopt_hyperparameters(
    const std::vector<std::pair<std::string, double>>& values) {
  options_ = options_from(values);
}

template <class T>
std::vector<std::string> Adam<T>::buffer_names() const {
  return {"exp_avg", "exp_avg_sq"};
}

template class Adam<float>;
template class Adam<double>;
template class AdamW<float>;
template class AdamW<double>;

}  // namespace losslab
