// Linear: the affine layer Y = X W + b.
//
// Shapes (N batch, I inputs, O outputs):
//   X (N x I) . W (I x O) + b (1 x O, repeated over rows) -> Y (N x O).
// W is stored inputs x outputs, the transpose of PyTorch's (O x I) layout,
// so the forward product needs no transpose. N may be 0: Y is then 0 x O and
// the gradients of W and b are zero.
//
// Initialisation (draws W row-major, then b, from the given Rng):
//   kKaimingUniform (default, PyTorch's nn.Linear): W and b ~ U(-k, k) with
//     k = 1 / sqrt(I). This is Kaiming-uniform with negative slope
//     a = sqrt(5): gain sqrt(2 / (1 + a^2)) = sqrt(1/3), bound
//     gain * sqrt(3 / I) = 1 / sqrt(I).
//   kXavierUniform (Glorot and Bengio, 2010): W ~ U(-k, k) with
//     k = sqrt(6 / (I + O)); b = 0.
#pragma once

#include <string>
#include <vector>

#include "nn/module.h"
#include "nn/random.h"

namespace losslab {

enum class LinearInit { kKaimingUniform, kXavierUniform };

// "kaiming_uniform" or "xavier_uniform" to LinearInit; throws
// std::invalid_argument naming the known names otherwise.
LinearInit parse_linear_init(const std::string& name);
std::string to_string(LinearInit init);

template <class T>
class Linear : public Module<T> {
 public:
  // Throws std::invalid_argument when in or out is below 1.
  Linear(int in, int out, Rng& rng,
         LinearInit init = LinearInit::kKaimingUniform);

  Var<T> forward(Tape<T>& tape, Var<T> x) override;
  std::string describe() const override;
  void collect_parameters(const std::string& prefix,
                          std::vector<NamedParameter<T>>& out) override;

  int in_features() const { return weight.value.rows(); }
  int out_features() const { return weight.value.cols(); }

  Parameter<T> weight;  // I x O
  Parameter<T> bias;    // 1 x O
};

extern template class Linear<float>;
extern template class Linear<double>;

}  // namespace losslab
