#include "nn/sgd.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace losslab {
namespace {

void validate(const SgdOptions& o) {
  auto check = [](const char* name, double v) {
    if (!(std::isfinite(v) && v >= 0.0)) {
      std::ostringstream os;
      os << "Sgd: " << name << " must be finite and >= 0; got " << v;
      throw std::invalid_argument(os.str());
    }
  };
  check("lr", o.lr);
  check("momentum", o.momentum);
  check("dampening", o.dampening);
  check("weight_decay", o.weight_decay);
  if (o.nesterov && (o.momentum <= 0.0 || o.dampening != 0.0)) {
    std::ostringstream os;
    os << "Sgd: nesterov needs momentum > 0 and dampening 0; got momentum "
       << o.momentum << ", dampening " << o.dampening;
    throw std::invalid_argument(os.str());
  }
}

}  // namespace

template <class T>
Sgd<T>::Sgd(std::vector<NamedParameter<T>> params, const SgdOptions& options)
    : Optimizer<T>(std::move(params), options.lr), options_(options) {
  validate(options);
}

template <class T>
SgdOptions Sgd<T>::options() const {
  SgdOptions o = options_;
  o.lr = this->lr_;
  return o;
}

namespace {

// The update of one parameter tensor of n elements, written as separate
// loops for the common configurations so that each is one vectorised pass
// (restrict-qualified: p, g and b never overlap).
template <class T>
void sgd_update(T* __restrict p, const T* __restrict g, T* __restrict b,
                std::size_t n, T lr, T mu, T one_minus_tau, T lambda,
                bool nesterov, bool first) {
  if (b == nullptr && lambda == T(0)) {
    // Plain SGD: p -= lr g
    for (std::size_t j = 0; j < n; ++j) p[j] -= lr * g[j];
    return;
  }
  if (b == nullptr) {
    // L2 decay folded into the gradient: p -= lr (g + lambda p)
    for (std::size_t j = 0; j < n; ++j) p[j] -= lr * (g[j] + lambda * p[j]);
    return;
  }
  for (std::size_t j = 0; j < n; ++j) {
    const T gj = g[j] + lambda * p[j];
    // b = g at the first step (no dampening), mu b + (1 - tau) g after
    b[j] = first ? gj : mu * b[j] + one_minus_tau * gj;
    p[j] -= lr * (nesterov ? gj + mu * b[j] : b[j]);
  }
}

}  // namespace

template <class T>
void Sgd<T>::step() {
  const T lr = T(this->lr_);
  const T mu = T(options_.momentum);
  const T one_minus_tau = T(1.0 - options_.dampening);
  const T lambda = T(options_.weight_decay);
  const bool use_momentum = options_.momentum != 0.0;
  const bool first = use_momentum && this->ensure_buffers();

  for (std::size_t i = 0; i < this->params_.size(); ++i) {
    Parameter<T>& param = *this->params_[i].param;
    Tensor<T>& p = param.value;
    T* b = use_momentum ? this->buffers_[0][i].data() : nullptr;
    if (!param.grad_is_rank_one()) {
      sgd_update(p.data(), param.grad().data(), b, p.size(), lr, mu,
                 one_minus_tau, lambda, options_.nesterov, first);
      continue;
    }
    // The gradient u v^T of one sample, never written whole: row r is
    // u[r] v (1 x cols), built in a row buffer that stays in L1 cache and
    // updated by the same loop, so the result is the same to the bit. This
    // saves writing the gradient in backward and reading it here.
    const Tensor<T>& u = param.rank_one_rows();
    const Tensor<T>& v = param.rank_one_cols();
    const std::size_t cols = p.cols();
    row_.resize(1, int(cols));
    for (int r = 0; r < p.rows(); ++r) {
      T* __restrict g = row_.data();
      const T ur = u[r];
      for (std::size_t j = 0; j < cols; ++j) g[j] = ur * v[j];
      const std::size_t at = std::size_t(r) * cols;
      sgd_update(p.data() + at, g, b ? b + at : nullptr, cols, lr, mu,
                 one_minus_tau, lambda, options_.nesterov, first);
    }
  }
  ++this->step_;
}

template <class T>
std::vector<std::pair<std::string, double>> Sgd<T>::extra_hyperparameters()
    const {
  return {{"momentum", options_.momentum},
          {"dampening", options_.dampening},
          {"nesterov", options_.nesterov ? 1.0 : 0.0},
          {"weight_decay", options_.weight_decay}};
}

template <class T>
void Sgd<T>::check_hyperparameters(
    const std::vector<std::pair<std::string, double>>& values) const {
  SgdOptions o;
  o.lr = this->find_hyperparameter(values, "lr", "sgd");
  o.momentum = this->find_hyperparameter(values, "momentum", "sgd");
  o.dampening = this->find_hyperparameter(values, "dampening", "sgd");
  o.nesterov = this->find_hyperparameter(values, "nesterov", "sgd") != 0.0;
  o.weight_decay = this->find_hyperparameter(values, "weight_decay", "sgd");
  validate(o);
  // Whether buffers exist depends on momentum; changing it between zero and
  // non-zero would leave the saved buffers meaningless.
  if ((o.momentum != 0.0) != (options_.momentum != 0.0)) {
    std::ostringstream os;
    os << "sgd state: momentum " << o.momentum
       << " does not match this optimizer's " << options_.momentum
       << "; expected both zero or both non-zero";
    throw std::invalid_argument(os.str());
  }
}

template <class T>
void Sgd<T>::adopt_hyperparameters(
    const std::vector<std::pair<std::string, double>>& values) {
  options_.momentum = this->find_hyperparameter(values, "momentum", "sgd");
  options_.dampening = this->find_hyperparameter(values, "dampening", "sgd");
  options_.nesterov =
      this->find_hyperparameter(values, "nesterov", "sgd") != 0.0;
  options_.weight_decay =
      this->find_hyperparameter(values, "weight_decay", "sgd");
}

template <class T>
std::vector<std::string> Sgd<T>::buffer_names() const {
  if (options_.momentum == 0.0) return {};
  return {"momentum_buffer"};
}

template class Sgd<float>;
template class Sgd<double>;

}  // namespace losslab
