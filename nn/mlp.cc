#include "nn/mlp.h"

#include <stdexcept>

#include "nn/activations.h"
#include "nn/random.h"

namespace losslab {
namespace {

constexpr long kMaxWidth = 1L << 24;

std::string join_names() {
  std::string s;
  for (const std::string& n : activation_names()) {
    s += s.empty() ? n : ", " + n;
  }
  return s;
}

[[noreturn]] void bad_spec(const std::string& spec, const std::string& what) {
  throw std::invalid_argument(
      "parse_mlp_spec: " + what + " in spec '" + spec +
      "'; expected two or more positive widths separated by '-', e.g. "
      "784-256-10");
}

// One width field: decimal digits only, value in [1, kMaxWidth].
int parse_width(const std::string& spec, const std::string& field,
                std::size_t index) {
  const std::string where = "field " + std::to_string(index + 1);
  if (field.empty()) bad_spec(spec, where + " is empty");
  long value = 0;
  for (char c : field) {
    if (c < '0' || c > '9') {
      bad_spec(spec, where + " '" + field + "' is not a positive integer");
    }
    value = value * 10 + (c - '0');
    if (value > kMaxWidth) break;
  }
  if (value < 1 || value > kMaxWidth) {
    bad_spec(spec, where + " '" + field + "' is outside [1, " +
                       std::to_string(kMaxWidth) + "]");
  }
  return int(value);
}

}  // namespace

std::vector<int> parse_mlp_spec(const std::string& spec) {
  if (spec.empty()) bad_spec(spec, "no widths");
  std::vector<int> sizes;
  std::size_t start = 0;
  while (true) {
    const std::size_t dash = spec.find('-', start);
    const std::string field = spec.substr(start, dash - start);
    sizes.push_back(parse_width(spec, field, sizes.size()));
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  if (sizes.size() < 2) {
    bad_spec(spec, "only one width (" + std::to_string(sizes[0]) + ")");
  }
  return sizes;
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"relu", "leaky_relu", "tanh",
                                                 "sigmoid", "gelu"};
  return names;
}

template <class T>
std::unique_ptr<Module<T>> make_activation(const std::string& name) {
  if (name == "relu") return std::make_unique<ReLU<T>>();
  if (name == "leaky_relu") return std::make_unique<LeakyReLU<T>>(0.01);
  if (name == "tanh") return std::make_unique<Tanh<T>>();
  if (name == "sigmoid") return std::make_unique<Sigmoid<T>>();
  if (name == "gelu") return std::make_unique<GELU<T>>();
  throw std::invalid_argument("make_activation: unknown activation '" + name +
                              "'; expected one of: " + join_names());
}

template <class T>
Mlp<T>::Mlp(const MlpConfig& config, std::uint64_t seed)
    : config_(config), sizes_(parse_mlp_spec(config.spec)) {
  if (!(config.dropout >= 0.0 && config.dropout < 1.0)) {
    throw std::invalid_argument("Mlp: dropout must be in [0, 1); got " +
                                std::to_string(config.dropout));
  }
  // Validate the activation before drawing any weights.
  make_activation<T>(config.activation);

  config_.spec.clear();
  for (int width : sizes_) {
    if (!config_.spec.empty()) config_.spec += '-';
    config_.spec += std::to_string(width);
  }

  Rng init_rng(stream_seed(seed, SeedStream::kInit));
  const std::size_t num_layers = sizes_.size() - 1;
  for (std::size_t h = 0; h < num_layers; ++h) {
    layers_.template emplace<Linear<T>>(sizes_[h], sizes_[h + 1], init_rng,
                                        config.init);
    if (h + 1 == num_layers) break;  // the output layer emits logits
    layers_.add(make_activation<T>(config.activation));
    if (config.dropout > 0.0) {
      layers_.template emplace<Dropout<T>>(
          config.dropout, stream_seed(seed, SeedStream::kDropout, h));
    }
  }
}

template <class T>
Var<T> Mlp<T>::forward(Tape<T>& tape, Var<T> x) {
  if (x.cols() != in_features()) {
    throw std::invalid_argument(describe() + ": input has shape " +
                                x.value().shape_str() + "; expected N x " +
                                std::to_string(in_features()));
  }
  return layers_.forward(tape, x);
}

template <class T>
std::string Mlp<T>::describe() const {
  std::string s = "Mlp(" + config_.spec + ", " + config_.activation;
  if (config_.dropout > 0.0) {
    s += ", dropout " + std::to_string(config_.dropout);
  }
  return s + ")";
}

template <class T>
void Mlp<T>::collect_parameters(const std::string& prefix,
                                std::vector<NamedParameter<T>>& out) {
  layers_.collect_parameters(prefix, out);
}

template <class T>
void Mlp<T>::set_training(bool training) {
  this->training_ = training;
  layers_.set_training(training);
}

template std::unique_ptr<Module<float>> make_activation(const std::string&);
template std::unique_ptr<Module<double>> make_activation(const std::string&);
template class Mlp<float>;
template class Mlp<double>;

}  // namespace losslab
