// L1 on probabilities, composed from autograd ops: no backward to write.
#include "losses/l1.h"

#include <stdexcept>

#include "losses/registry.h"

namespace losslab {

template <class T>
Var<T> absolute_error(Var<T> pred, Var<T> target) {
  // Checked here: sub() would broadcast N x 1 against 1 x N (C10).
  if (!pred.value().same_shape(target.value())) {
    throw std::invalid_argument(
        "absolute_error: prediction " + pred.value().shape_str() +
        " and target " + target.value().shape_str() +
        " differ in shape; expected equal shapes (no broadcasting)");
  }
  // l_i = mean_j |pred_ij - target_ij| (N x 1). The abs op gives the
  // subgradient 0 where pred equals target, so this loss and abs agree.
  return row_mean(abs(pred - target));
}

template <class T>
PerSample<T> L1Loss::per_sample(Var<T> logits,
                                std::span<const int> targets) const {
  // p, y (N x O): probabilities and the one-hot (or 0/1) target.
  Var<T> p = output_probabilities(logits, link_);
  Var<T> y = target_matrix(logits.tape(), targets, logits.cols());
  // l_i = (1/O) sum_j |p_ij - y_ij| (N x 1)
  return absolute_error(p, y);
}

std::string L1Loss::spec() const {
  return std::string("l1:link=") + link_name(link_);
}

LossEntry L1Loss::entry() {
  return {
      {"l1",
       "mean absolute error between class probabilities and the one-hot "
       "target",
       {{"link", "softmax",
         "softmax over K outputs, or sigmoid (1 output when K = 2)"}}},
      [](const LossArgs& args, const LossContext&) -> std::unique_ptr<Loss> {
        return std::make_unique<L1Loss>(
            parse_link(args.loss_name(), args.text("link")));
      }};
}

template Var<float> absolute_error(Var<float>, Var<float>);
template Var<double> absolute_error(Var<double>, Var<double>);
LOSSLAB_INSTANTIATE_LOSS(L1Loss);

}  // namespace losslab
