// Fuzzes the loss-spec parser (losses/registry.h). The input is a spec
// such as "focal:gamma=2,alpha=0.25"; every loss it builds is also run
// forward and backward on a fixed small batch, so out-of-range parameters
// that the parser lets through show up as UB or a crash in the loss.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "autograd/tape.h"
#include "fuzz/fuzz_util.h"
#include "losses/registry.h"

namespace {

// One pass for K classes: logits N x O with moderate values, labels cycling
// through the classes.
void exercise(const losslab::Loss& loss, int K) {
  using namespace losslab;
  const int N = 4;
  const int O = loss.num_outputs(K);
  Tensor<float> x(N, O);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(int(i % 7) - 3);
  std::vector<int> y(N);
  for (int i = 0; i < N; ++i) y[i] = i % K;

  Tape<float> tape;
  Var<float> logits = tape.variable(x);
  Var<float> value = loss(logits, y);
  tape.backward(value);
  loss.probabilities(x, K);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace losslab;
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  for (int K : {2, 3}) {
    LossContext ctx;
    ctx.num_classes = K;
    for (int k = 0; k < K; ++k) ctx.class_counts.push_back(10 - 3 * k);
    fuzz::expect_clean_rejection([&] {
      std::unique_ptr<Loss> loss = make_loss(spec, ctx);
      // The canonical spec must build the same loss again.
      std::unique_ptr<Loss> again = make_loss(loss->spec(), ctx);
      if (again->spec() != loss->spec()) __builtin_trap();
      exercise(*loss, K);
    });
  }
  return 0;
}
