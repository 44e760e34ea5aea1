// The benchmarked training step and its GEMM-only twin (see mlp_step.h).
#include "bench/mlp_step.h"

#include <cblas.h>

#include <random>
#include <stdexcept>
#include <string>

#include "losses/registry.h"

namespace losslab::bench {
namespace {

MlpConfig reference_config() {
  MlpConfig config;
  config.spec = kMlpSpec;
  config.activation = "relu";
  return config;
}

std::vector<NamedParameter<float>> params_of(Mlp<float>& model) {
  return model.named_parameters();
}

LossContext ten_classes() {
  LossContext context;
  context.num_classes = kWidths[3];
  return context;
}

}  // namespace

MlpStep::MlpStep(int batch)
    : model_(reference_config(), 1),
      loss_(make_loss("ce", ten_classes())),
      sgd_(params_of(model_), SgdOptions{.lr = 0.01}),
      x_(batch < 1 ? 0 : batch, kWidths[0]),
      y_(batch < 1 ? 0 : batch) {
  if (batch < 1) {
    throw std::invalid_argument("MlpStep: expected batch >= 1, got " +
                                std::to_string(batch));
  }
  std::mt19937 gen(2);
  std::uniform_real_distribution<float> pixel(0.0f, 1.0f);
  std::uniform_int_distribution<int> label(0, kWidths[3] - 1);
  for (std::size_t i = 0; i < x_.size(); ++i) x_[i] = pixel(gen);
  for (int& v : y_) v = label(gen);
}

float MlpStep::run() {
  // X (B x 784) -> logits (B x 10) -> mean cross-entropy (1 x 1).
  tape_.clear();
  Var<float> logits = model_.forward(tape_, tape_.constant_ref(x_));
  Var<float> l = loss_->forward(logits, y_, {}, Reduction::kMean);
  const float value = l.value().item();

  // Gradients of every parameter, then the SGD update.
  sgd_.zero_grad();
  tape_.backward(l);
  sgd_.step();
  return value;
}

GemmStep::GemmStep(int batch) : batch_(batch) {
  constexpr int L = 3;
  for (int l = 0; l <= L; ++l) {
    act_.emplace_back(std::size_t(batch) * kWidths[l], 0.5f);
    dact_.emplace_back(std::size_t(batch) * kWidths[l], 0.01f);
  }
  for (int l = 0; l < L; ++l) {
    const std::size_t n = std::size_t(kWidths[l]) * kWidths[l + 1];
    w_.emplace_back(n, 0.01f);
    dw_.emplace_back(n, 0.0f);
  }
}

void GemmStep::run() {
  const int B = batch_;
  // Forward, layer l: act[l+1] (B x O) = act[l] (B x I) . W[l] (I x O).
  for (int l = 0; l < 3; ++l) {
    const int I = kWidths[l], O = kWidths[l + 1];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,  //
                B, O, I,                                    //
                1.0f, act_[l].data(), I,                    //
                w_[l].data(), O,                            //
                0.0f, act_[l + 1].data(), O);
  }
  // Backward, layer l from the top: dW[l] (I x O) = act[l]^T dact[l+1], and
  // for l > 0 (the input needs no gradient) dact[l] = dact[l+1] W[l]^T.
  for (int l = 2; l >= 0; --l) {
    const int I = kWidths[l], O = kWidths[l + 1];
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,  //
                I, O, B,                                  //
                1.0f, act_[l].data(), I,                  //
                dact_[l + 1].data(), O,                   //
                0.0f, dw_[l].data(), O);
    if (l == 0) break;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,  //
                B, I, O,                                  //
                1.0f, dact_[l + 1].data(), O,             //
                w_[l].data(), O,                          //
                0.0f, dact_[l].data(), I);
  }
}

}  // namespace losslab::bench
