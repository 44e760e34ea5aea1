// MSE on probabilities, composed from autograd ops: no backward to write.
#include "losses/mse.h"

#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

template <class T>
Var<T> squared_error(Var<T> pred, Var<T> target) {
  // Checked here because sub() would broadcast N x 1 against 1 x N into an
  // N x N matrix and return a plausible, wrong number (C10).
  if (!pred.value().same_shape(target.value())) {
    throw std::invalid_argument(
        "squared_error: prediction " + pred.value().shape_str() +
        " and target " + target.value().shape_str() +
        " differ in shape; expected equal shapes (no broadcasting)");
  }
  // d = pred - target (N x O)
  Var<T> d = pred - target;
  // l_i = mean_j d_ij^2 (N x 1)
  return row_mean(d * d);
}

template <class T>
PerSample<T> MseLoss::per_sample(Var<T> logits,
                                 std::span<const int> targets) const {
  // p (N x O): softmax over the row, or one sigmoid per output.
  Var<T> p = output_probabilities(logits, link_);
  // y (N x O): one-hot rows, or the 0/1 label column for one output.
  Var<T> y = target_matrix(logits.tape(), targets, logits.cols());
  // l_i = (1/O) sum_j (p_ij - y_ij)^2 (N x 1)
  return squared_error(p, y);
}

std::string MseLoss::spec() const {
  return std::string("mse:link=") + link_name(link_);
}

LossEntry MseLoss::entry() {
  return {
      {"mse",
       "mean squared error between class probabilities and the one-hot "
       "target",
       {{"link", "softmax",
         "softmax over K outputs, or sigmoid (1 output when K = 2)"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        return std::make_unique<MseLoss>(
            parse_link(args.loss_name(), args.text("link")));
      }};
}

template Var<float> squared_error(Var<float>, Var<float>);
template Var<double> squared_error(Var<double>, Var<double>);
LOSSLAB_INSTANTIATE_LOSS(MseLoss);

}  // namespace losslab
