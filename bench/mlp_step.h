// The training step that the benchmarks, the allocation check and the
// libtorch comparison all measure, defined once.
//
// MlpStep is one SGD step of the reference model, a 784-256-128-10
// ReLU MLP, with softmax cross-entropy (mean over the batch) and plain SGD:
//   tape.clear(); logits = mlp(X); l = ce(logits, y);
//   zero_grad(); backward(l); sgd.step()
// exactly as train() runs it, on a fixed random batch (X uniform in [0, 1],
// labels uniform in [0, 10)).
//
// GemmStep makes the same eight sgemm calls as that step, raw, on buffers
// of the same shapes: the time of the step's matrix products alone, which
// the "within 1.10x of GEMM" target divides by.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "autograd/tape.h"
#include "autograd/tensor.h"
#include "losses/loss.h"
#include "nn/mlp.h"
#include "nn/sgd.h"

namespace losslab::bench {

// The reference model's layer widths and its parameter count
// (784*256+256 + 256*128+128 + 128*10+10 = 235,146).
inline constexpr int kWidths[] = {784, 256, 128, 10};
inline constexpr double kMlpParameters = 235146;
inline constexpr const char* kMlpSpec = "784-256-128-10";

// Floating-point operations per step by the usual 6 x parameters x batch
// rule (2 forward, 4 backward per weight and sample).
inline double step_flops(int batch) { return 6.0 * kMlpParameters * batch; }

class MlpStep {
 public:
  // Builds the model (seed 1), the loss, SGD (lr 0.01) and a batch of
  // `batch` samples (seed 2). Throws std::invalid_argument for batch < 1.
  explicit MlpStep(int batch);
  // One full training step; returns the loss before the update.
  float run();
  Mlp<float>& model() { return model_; }

 private:
  Mlp<float> model_;
  std::unique_ptr<Loss> loss_;
  Sgd<float> sgd_;
  Tape<float> tape_;
  Tensor<float> x_;
  std::vector<int> y_;
};

class GemmStep {
 public:
  explicit GemmStep(int batch);
  // Forward: H1 = X W1, H2 = H1 W2, Y = H2 W3. Backward: dW3 = H2^T dY,
  // dH2 = dY W3^T, dW2 = H1^T dH2, dH1 = dH2 W2^T, dW1 = X^T dH1.
  void run();

 private:
  int batch_;
  // act[l]: input of layer l (B x widths[l]); dact the same for gradients.
  std::vector<std::vector<float>> act_, dact_, w_, dw_;
};

}  // namespace losslab::bench
