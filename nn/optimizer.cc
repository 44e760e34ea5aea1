#include "nn/optimizer.h"

#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>

namespace losslab {
namespace {

void check_lr(const char* where, double lr) {
  if (!(std::isfinite(lr) && lr >= 0.0)) {
    std::ostringstream os;
    os << where << ": learning rate must be finite and >= 0; got " << lr;
    throw std::invalid_argument(os.str());
  }
}

}  // namespace

template <class T>
Optimizer<T>::Optimizer(std::vector<NamedParameter<T>> params, double lr)
    : params_(std::move(params)), lr_(lr) {
  check_lr("Optimizer", lr);
  std::set<std::string> seen;
  for (const NamedParameter<T>& p : params_) {
    if (p.param == nullptr) {
      throw std::invalid_argument("Optimizer: parameter '" + p.name +
                                  "' is null");
    }
    if (!seen.insert(p.name).second) {
      throw std::invalid_argument("Optimizer: parameter name '" + p.name +
                                  "' appears twice; expected unique names");
    }
  }
}

template <class T>
void Optimizer<T>::zero_grad() {
  for (NamedParameter<T>& p : params_) p.param->zero_grad();
}

template <class T>
void Optimizer<T>::set_lr(double lr) {
  check_lr("Optimizer::set_lr", lr);
  lr_ = lr;
}

template <class T>
bool Optimizer<T>::ensure_buffers() {
  if (!buffers_.empty()) return false;
  const std::size_t num_buffers = buffer_names().size();
  buffers_.resize(num_buffers);
  for (std::vector<Tensor<T>>& per_param : buffers_) {
    per_param.reserve(params_.size());
    for (const NamedParameter<T>& p : params_) {
      per_param.emplace_back(p.param->value.rows(), p.param->value.cols());
    }
  }
  return true;
}

template <class T>
double Optimizer<T>::find_hyperparameter(
    const std::vector<std::pair<std::string, double>>& values,
    const std::string& name, const std::string& kind) {
  for (const auto& [key, value] : values) {
    if (key == name) return value;
  }
  throw std::invalid_argument(kind + ": state lacks hyperparameter '" + name +
                              "'");
}

template <class T>
OptimizerState<T> Optimizer<T>::state() const {
  OptimizerState<T> s;
  s.kind = kind();
  s.step = step_;
  s.hyperparameters.emplace_back("lr", lr_);
  for (auto& h : extra_hyperparameters()) s.hyperparameters.push_back(h);
  const std::vector<std::string> names = buffer_names();
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      s.buffers.push_back({params_[i].name + "." + names[b], buffers_[b][i]});
    }
  }
  return s;
}

template <class T>
void Optimizer<T>::check_state(const OptimizerState<T>& s) const {
  const std::string where = kind() + " state";
  if (s.kind != kind()) {
    throw std::invalid_argument(where + ": optimizer kind differs; expected '" +
                                kind() + "', got '" + s.kind + "'");
  }
  if (s.step < 0) {
    throw std::invalid_argument(where + ": step count must be >= 0; got " +
                                std::to_string(s.step));
  }
  check_lr(where.c_str(), find_hyperparameter(s.hyperparameters, "lr", where));
  check_hyperparameters(s.hyperparameters);
  if (s.buffers.empty()) return;

  // Buffers are stored buffer-major: all of buffer 0, then all of buffer 1.
  const std::vector<std::string> names = buffer_names();
  const std::size_t expected = names.size() * params_.size();
  if (s.buffers.size() != expected) {
    throw std::invalid_argument(where + ": wrong number of buffers; expected " +
                                std::to_string(expected) + ", got " +
                                std::to_string(s.buffers.size()));
  }
  for (std::size_t b = 0; b < names.size(); ++b) {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const NamedTensor<T>& got = s.buffers[b * params_.size() + i];
      const std::string name = params_[i].name + "." + names[b];
      const Tensor<T>& value = params_[i].param->value;
      if (got.name != name) {
        throw std::invalid_argument(where +
                                    ": buffer name differs; expected '" + name +
                                    "', got '" + got.name + "'");
      }
      if (!got.value.same_shape(value)) {
        throw std::invalid_argument(where + ": buffer '" + name +
                                    "' has shape " + got.value.shape_str() +
                                    "; expected " + value.shape_str());
      }
    }
  }
}

template <class T>
void Optimizer<T>::load_state(const OptimizerState<T>& s) {
  check_state(s);
  adopt_hyperparameters(s.hyperparameters);
  lr_ = find_hyperparameter(s.hyperparameters, "lr", kind());
  step_ = s.step;
  buffers_.clear();
  if (s.buffers.empty()) return;
  ensure_buffers();
  for (std::size_t b = 0; b < buffers_.size(); ++b) {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      buffers_[b][i] = s.buffers[b * params_.size() + i].value;
    }
  }
}

template <class T>
double clip_grad_norm(const std::vector<NamedParameter<T>>& params,
                      double max_norm) {
  if (!(max_norm > 0.0)) {
    std::ostringstream os;
    os << "clip_grad_norm: max_norm must be > 0; got " << max_norm;
    throw std::invalid_argument(os.str());
  }
  // norm = sqrt(sum over all gradient elements of g^2), accumulated in
  // double so that float gradients of large models keep their precision.
  double sum_sq = 0.0;
  // A gradient still marked zero adds nothing and needs no scaling.
  for (const NamedParameter<T>& p : params) {
    if (p.param->grad_is_lazy_zero()) continue;
    const Tensor<T>& g = p.param->grad();
    for (std::size_t i = 0; i < g.size(); ++i) sum_sq += double(g[i]) * g[i];
  }
  const double norm = std::sqrt(sum_sq);
  if (!std::isfinite(norm)) return norm;

  // The 1e-6 keeps the factor finite for a zero norm, as in PyTorch.
  const double factor = max_norm / (norm + 1e-6);
  if (factor >= 1.0) return norm;
  for (const NamedParameter<T>& p : params) {
    if (p.param->grad_is_lazy_zero()) continue;
    Tensor<T>& g = p.param->grad();
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = T(g[i] * factor);
  }
  return norm;
}

template class Optimizer<float>;
template class Optimizer<double>;
template double clip_grad_norm(const std::vector<NamedParameter<float>>&,
                               double);
template double clip_grad_norm(const std::vector<NamedParameter<double>>&,
                               double);

}  // namespace losslab
