// Mlp: a multilayer perceptron built from a spec string.
//
// The spec lists layer widths from input to output, separated by '-':
// "784-256-128-10" is 784 inputs, hidden layers of 256 and 128 units and 10
// outputs. Each hidden layer is Linear, then the activation, then Dropout
// when dropout > 0; the output layer is a bare Linear (the model emits
// logits). Parameter names are those of the underlying Sequential:
//   "784-256-10", relu:        0.weight 0.bias 2.weight 2.bias
//   "784-256-10", relu, p 0.5: 0.weight 0.bias 3.weight 3.bias
//
// Seeding: the weights come from stream_seed(seed, kInit) in layer order;
// the dropout layer after hidden layer h uses stream_seed(seed, kDropout, h).
// The same config and seed give bit-identical weights.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/linear.h"
#include "nn/sequential.h"

namespace losslab {

struct MlpConfig {
  std::string spec;                 // e.g. "784-256-128-10"
  std::string activation = "relu";  // see activation_names()
  double dropout = 0.0;             // after each hidden activation
  LinearInit init = LinearInit::kKaimingUniform;
};

// The widths in `spec`. Throws std::invalid_argument quoting the spec and
// the bad part for an empty spec, fewer than two widths, an empty or
// non-numeric field, or a width outside [1, 2^24].
std::vector<int> parse_mlp_spec(const std::string& spec);

// The activation names make_activation accepts: relu, leaky_relu (slope
// 0.01), tanh, sigmoid, gelu.
const std::vector<std::string>& activation_names();

// A new activation module; throws std::invalid_argument listing the known
// names for any other name.
template <class T>
std::unique_ptr<Module<T>> make_activation(const std::string& name);

template <class T>
class Mlp : public Module<T> {
 public:
  // Throws std::invalid_argument for a bad spec, activation or dropout
  // (outside [0, 1)).
  Mlp(const MlpConfig& config, std::uint64_t seed);

  // X (N x sizes.front()) -> logits (N x sizes.back()).
  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override;
  void collect_parameters(const std::string& prefix,
                          std::vector<NamedParameter<T>>& out) override;
  void set_training(bool training) override;

  // The config with its spec in canonical form ("784-256-10").
  const MlpConfig& config() const { return config_; }
  const std::vector<int>& sizes() const { return sizes_; }
  int in_features() const { return sizes_.front(); }
  int out_features() const { return sizes_.back(); }
  Sequential<T>& layers() { return layers_; }

 private:
  MlpConfig config_;
  std::vector<int> sizes_;
  Sequential<T> layers_;
};

extern template class Mlp<float>;
extern template class Mlp<double>;

}  // namespace losslab
