// A training program written against the losslab C++ API: an MLP on
// Fashion-MNIST under any registered loss. Usage:
//   train_fashion_mnist [EPOCHS] [LOSS_SPEC]      e.g. 5 focal:gamma=2
#include <cstdio>
#include <string>

#include "autograd/blas.h"
#include "autograd/denormal.h"
#include "autograd/ops.h"
#include "datasets/batch_loader.h"
#include "datasets/idx.h"
#include "losses/registry.h"
#include "metrics/evaluation.h"
#include "nn/adam.h"
#include "nn/mlp.h"

int main(int argc, char** argv) {
  using namespace losslab;
  // OpenBLAS older than the CPU falls back to slow generic kernels; this
  // restarts the program once with the kernel that fits (see blas.h).
  blas::reexec_for_better_kernel(argv);
  // Subnormal floats to zero on this thread: Adam's decaying moments are
  // otherwise slow to compute (see denormal.h).
  FlushDenormals flush;
  const int epochs = argc > 1 ? std::stoi(argv[1]) : 5;
  const std::string spec = argc > 2 ? argv[2] : "ce";

  TrainTest data = load_fashion_mnist();  // $LOSSLAB_DATA or Debian's copy
  auto loss = make_loss(spec, {.num_classes = 10});
  Mlp<float> model(
      {.spec = "784-256-128-" + std::to_string(loss->num_outputs(10))},
      /*seed=*/42);
  Adam<float> adam(model.named_parameters(), {.lr = 1e-3});
  BatchLoader batches(data.train, {.batch_size = 128, .seed = 42});

  Tape<float> tape;
  Tensor<float> x;
  std::vector<int> y;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    batches.start_epoch(epoch);
    while (batches.next(x, y)) {
      tape.clear();  // reuses the previous step's memory
      Var<float> logits = model.forward(tape, tape.constant_ref(x));
      Var<float> l = loss->forward(logits, y, {}, Reduction::kMean);
      adam.zero_grad();
      tape.backward(l);
      adam.step();
    }
    // Evaluate on the whole test set without recording gradients.
    NoGradGuard<float> no_grad(tape);
    tape.clear();
    std::vector<int> all(data.test.size());
    for (int i = 0; i < data.test.size(); ++i) all[i] = i;
    data.test.fill_batch(all, x, y);
    Var<float> logits = model.forward(tape, tape.constant_ref(x));
    Evaluation e = evaluate(loss->probabilities(logits.value(), 10), y, 10);
    std::printf("epoch %d: test accuracy %.2f%%, cross-entropy %.4f\n",
                epoch + 1, 100 * e.accuracy, e.cross_entropy);
  }
}
