#include "bench/loss_step.h"

#include <random>
#include <stdexcept>

#include "losses/registry.h"

namespace losslab::bench {
namespace {

std::unique_ptr<Loss> build_loss(const std::string& name, int K) {
  LossContext context;
  context.num_classes = K;
  for (int k = 0; k < K; ++k) context.class_counts.push_back(100 + 10 * k);
  return make_loss(name, context);
}

}  // namespace

LossStep::LossStep(const std::string& name, int samples) {
  try {
    loss_ = build_loss(name, classes_);
  } catch (const std::invalid_argument&) {
    classes_ = 2;  // a binary-only loss; a second failure propagates
    loss_ = build_loss(name, classes_);
  }
  const int O = loss_->num_outputs(classes_);
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> logit(-3.0f, 3.0f);
  std::uniform_int_distribution<int> label(0, classes_ - 1);
  logits_ = Parameter<float>(Tensor<float>(samples, O));
  for (std::size_t i = 0; i < logits_.value.size(); ++i) {
    logits_.value[i] = logit(gen);
  }
  targets_.resize(samples);
  for (int& t : targets_) t = label(gen);
}

void LossStep::run() {
  tape_.clear();
  Var<float> l =
      loss_->forward(tape_.param(logits_), targets_, {}, Reduction::kMean);
  logits_.zero_grad();
  tape_.backward(l);
}

}  // namespace losslab::bench
