#include "nn/linear.h"

#include <cmath>
#include <stdexcept>

#include "autograd/ops.h"

namespace losslab {
namespace {

template <class T>
void fill_uniform(Tensor<T>& t, double bound, Rng& rng) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    t[i] = T(rng.uniform(-bound, bound));
  }
}

}  // namespace

LinearInit parse_linear_init(const std::string& name) {
  if (name == "kaiming_uniform") return LinearInit::kKaimingUniform;
  if (name == "xavier_uniform") return LinearInit::kXavierUniform;
  throw std::invalid_argument(
      "parse_linear_init: unknown initialisation '" + name +
      "'; expected one of: kaiming_uniform, xavier_uniform");
}

std::string to_string(LinearInit init) {
  return init == LinearInit::kKaimingUniform ? "kaiming_uniform"
                                             : "xavier_uniform";
}

template <class T>
Linear<T>::Linear(int in, int out, Rng& rng, LinearInit init) {
  if (in < 1 || out < 1) {
    throw std::invalid_argument(
        "Linear: sizes must be >= 1; got in = " + std::to_string(in) +
        ", out = " + std::to_string(out));
  }
  weight = Parameter<T>(Tensor<T>(in, out));
  bias = Parameter<T>(Tensor<T>(1, out));
  if (init == LinearInit::kKaimingUniform) {
    const double bound = 1.0 / std::sqrt(double(in));
    fill_uniform(weight.value, bound, rng);
    fill_uniform(bias.value, bound, rng);
  } else {
    fill_uniform(weight.value, std::sqrt(6.0 / double(in + out)), rng);
  }
}

template <class T>
Var<T> Linear<T>::forward(Tape<T>& tape, Var<T> x) {
  if (x.cols() != in_features()) {
    throw std::invalid_argument(describe() + ": input has shape " +
                                x.value().shape_str() + "; expected N x " +
                                std::to_string(in_features()));
  }
  return linear(x, tape.param(weight), tape.param(bias));
}

template <class T>
std::string Linear<T>::describe() const {
  return "Linear(" + std::to_string(in_features()) + ", " +
         std::to_string(out_features()) + ")";
}

template <class T>
void Linear<T>::collect_parameters(const std::string& prefix,
                                   std::vector<NamedParameter<T>>& out) {
  out.push_back({prefix + "weight", &weight});
  out.push_back({prefix + "bias", &bias});
}

template class Linear<float>;
template class Linear<double>;

}  // namespace losslab
