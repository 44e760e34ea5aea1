// The loss interface, and how to add a loss.
//
// A Loss turns a model's raw outputs (logits, N x num_outputs) and integer
// class targets (N values in [0, K)) into a value on the autograd tape, so
// that Tape::backward gives the gradient. Each loss also says how many
// outputs it needs for K classes and how outputs become class
// probabilities, so that training, prediction and metrics agree.
//
// HOW TO ADD A LOSS (losses/mse.h and losses/mse.cc are the worked example)
//
// A new loss is one file pair, one test file and one registry line; no
// other edit (both CMakeLists.txt pick up new files by themselves).
//
//   1. Create losses/<name>.h with the class and its contract: formula,
//      logits and target shapes, parameters and their ranges, what throws.
//        class MyLoss : public LossBase<MyLoss> {
//         public:
//          explicit MyLoss(double p = 1);  // validates p, throws
//          std::string spec() const override;        // "my:p=1"
//          OutputKind output_kind() const override;  // only if sigmoid
//          template <class T>
//          PerSample<T> per_sample(Var<T> logits,
//                                  std::span<const int> targets) const;
//          static LossEntry entry();
//        };
//   2. In losses/<name>.cc write per_sample once for float and double: the
//      loss of each sample, N x 1, before per-sample weights and
//      reduction. LossBase has already checked the inputs (one target per
//      row, each in range; weights finite and >= 0) and applies weights
//      and the reduction afterwards. Build the loss from autograd ops
//      (autograd/ops.h; helpers below: target_matrix,
//      output_probabilities) so that its backward comes for free. End the
//      file with LOSSLAB_INSTANTIATE_LOSS(MyLoss);
//   3. Only when composing ops is unstable (the log of a rounded
//      probability, 0 * log 0, a division by a softmax), write a fused node
//      with Tape::push: forward and backward next to each other in the
//      same file, the backward comment quoting the forward expression
//      (see soft_target_cross_entropy in losses/cross_entropy.cc). Prefer
//      building factors from log-probabilities (log_softmax, log_sigmoid,
//      logsumexp) and exp, as focal.cc does, to writing a node.
//   4. entry() returns {{name, one-line description, {{param, default,
//      help}, ...}}, factory}; the factory reads LossArgs::number / text /
//      numbers (losses/registry.h), so defaults are written once and
//      listed by the CLI; those already reject a number that does not fit
//      float, and the constructor bounds a parameter that multiplies a
//      loss term by kMaxLossScale (see "Parameter ranges" below).
//      Register it with one line in the table in losses/registry.cc,
//      `MyLoss::entry(),` (plus its #include). No switch, no enum.
//   5. Write tests/losses/<name>_test.cc with at least: a value computed by
//      hand (arithmetic in a comment), gradients against finite
//      differences for every reduction (expect_gradcheck_all_reductions in
//      tests/losses/loss_test_util.h), bad input (EXPECT_THROW with
//      std::invalid_argument), and one numerically hard case (large
//      logits, a probability that rounds to 0 or 1). The registry test
//      builds every listed loss from its defaults and checks that spec()
//      reads back to the same loss.
//
// Conventions shared by every loss:
//   * Shapes: N samples, K classes, O = num_outputs(K) logit columns.
//   * Reduction kNone returns N x 1 (w_i l_i); kSum and kMean return 1x1.
//   * Per-sample weights w (empty, or N values, finite and >= 0):
//       none = w_i l_i,  sum = sum_i w_i l_i,
//       mean = sum_i w_i l_i / sum_i w_i d_i,
//     where d_i is 1 unless the loss weights classes itself (weighted_ce:
//     d_i = the target class's weight), PyTorch's convention (case C07).
//   * Empty batch (N = 0): none gives 0 x 1, sum 0, mean NaN (0/0, as in
//     PyTorch; case C16). A zero total weight also gives a NaN mean.
//   * Targets are class indices. For a sigmoid loss with one output
//     (binary), the target of row i is y_i in {0, 1}; with O >= 2 sigmoid
//     outputs, the target row is one-hot. Logits may hold -inf (a masked
//     class), never NaN.
//   * Parameters are double but every loss computes in float, so each
//     must keep its meaning in float (see "Parameter ranges" below): the
//     registry rejects any spec number that does not fit float, and a
//     parameter that scales the loss's terms is at most kMaxLossScale.
//   * Errors: std::invalid_argument "<loss>: what is wrong; expected X,
//     got Y" for a caller mistake; no loss prints or logs.
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/ops.h"
#include "autograd/tape.h"
#include "autograd/tensor.h"

namespace losslab {

enum class Reduction { kNone, kMean, kSum };

// How raw outputs become class probabilities.
//   kSoftmax: O = K outputs, p = softmax over the row.
//   kSigmoid: O = 1 output for K = 2 (p = [1 - s(x), s(x)]), or O = K
//             independent sigmoids for K > 2.
enum class OutputKind { kSoftmax, kSigmoid };

// "none", "mean", "sum".
const char* reduction_name(Reduction r);

struct LossEntry;

class Loss {
 public:
  virtual ~Loss() = default;

  // The registry spec that rebuilds this loss with every parameter spelt
  // out, e.g. "focal:gamma=2,alpha=-1,link=sigmoid".
  virtual std::string spec() const = 0;
  // The name part of spec(), e.g. "focal"; used in error messages.
  std::string name() const;

  virtual OutputKind output_kind() const { return OutputKind::kSoftmax; }
  // Logit columns for K classes: K, or 1 for a sigmoid loss with K = 2.
  virtual int num_outputs(int num_classes) const;

  // Class probabilities, N x K, from raw outputs N x num_outputs(K):
  //   softmax: the row softmax;
  //   sigmoid, one output: [1 - s(x), s(x)], the first computed as s(-x);
  //   sigmoid, K outputs: the K sigmoids normalised to sum to 1,
  //     p_k = s(x_k) / sum_j s(x_j) (computed from log-sigmoids, so it is
  //     defined even when every s(x_j) underflows). The argmax is the
  //     argmax of the raw sigmoids; normalising makes every row a
  //     distribution for log-loss, calibration and AUC.
  // Throws std::invalid_argument when outputs has the wrong column count
  // or num_classes < 2.
  Tensor<float> probabilities(const Tensor<float>& outputs,
                              int num_classes) const;

  // logits: N x O; targets: N class indices; weights: empty or N values.
  // Returns N x 1 for kNone, 1x1 otherwise, recorded on logits' tape.
  // Throws std::invalid_argument for a bad shape, target or weight.
  virtual Var<float> forward(Var<float> logits, std::span<const int> targets,
                             std::span<const float> weights,
                             Reduction r) const = 0;
  // The same in double, for gradcheck.
  virtual Var<double> forward(Var<double> logits, std::span<const int> targets,
                              std::span<const float> weights,
                              Reduction r) const = 0;
  // Shorthand: no weights, mean reduction.
  template <class T>
  Var<T> operator()(Var<T> logits, std::span<const int> targets) const {
    return forward(logits, targets, {}, Reduction::kMean);
  }
};

// ---------------------------------------------------------------------------
// Helpers for writing a loss
// ---------------------------------------------------------------------------

// What per_sample returns: loss (N x 1) and, for losses that weight classes
// themselves, the per-sample denominator weights d_i of the mean as an
// N x 1 constant on the same tape (an empty Var: all 1). Converts
// implicitly from a Var, the common case.
template <class T>
struct PerSample {
  PerSample(Var<T> l) : loss(l) {}  // NOLINT: implicit on purpose
  PerSample(Var<T> l, Var<T> d) : loss(l), denominator(d) {}
  Var<T> loss;
  Var<T> denominator;
};

// Checks what every loss needs (see the conventions above): logits valid
// with at least one column (two for softmax), one target per row, each in
// [0, K) with K = cols (or 2 for one sigmoid output), weights empty or one
// per row, each finite and >= 0. Throws std::invalid_argument naming
// `loss`, the row and the value. Builds no string unless it throws, so a
// training step's check does not allocate.
template <class T>
void check_loss_inputs(const Loss& loss, const Tensor<T>& logits,
                       std::span<const int> targets,
                       std::span<const float> weights);

// The weights part of check_loss_inputs, for losses with other target
// kinds (soft targets): empty or one per row of `logits`, each finite and
// >= 0.
template <class T>
void check_sample_weights(const Loss& loss, const Tensor<T>& logits,
                          std::span<const float> weights);

// Applies per-sample weights and the reduction (see the conventions).
template <class T>
Var<T> reduce_loss(const PerSample<T>& per_sample,
                   std::span<const float> weights, Reduction r);

// The 0/1 target matrix as a constant N x O: with O = 1 the column of
// labels y_i; with O >= 2 the one-hot rows.
template <class T>
Var<T> target_matrix(Tape<T>& tape, std::span<const int> targets,
                     int num_outputs);

// Probabilities compared with target_matrix: softmax(logits) or
// sigmoid(logits), N x O.
template <class T>
Var<T> output_probabilities(Var<T> logits, OutputKind kind);

// "softmax" or "sigmoid", as in a spec's link= parameter.
const char* link_name(OutputKind kind);
// The inverse of link_name; throws std::invalid_argument naming
// `loss_name` for any other text.
OutputKind parse_link(const std::string& loss_name, const std::string& text);

// A number as written in a spec: the shortest text that reads back to the
// same double, e.g. "0.25", "2", "-4".
std::string spec_number(double x);

// ---------------------------------------------------------------------------
// Parameter ranges
// ---------------------------------------------------------------------------

// A parameter is checked in double but used in float, so it must fit
// float: be 0 or have a magnitude in [kFloatMin, kFloatMax]. Past
// kFloatMax it would become inf (and the conversion is undefined
// behaviour); below kFloatMin it is a subnormal, which train() flushes to
// 0 (FlushDenormals): class weights of 1e-40, positive in double, are all
// 0 in training, so every mean is 0/0; and gce's q = 1e-40 has 1/q = 1e40,
// inf in float.
// LossArgs::number and numbers (losses/registry.h) apply this to every
// spec number. The bounds are FLT_MIN rounded up and FLT_MAX rounded to 8
// digits (a value up to it still rounds to FLT_MAX), as error messages
// print them.
inline constexpr double kFloatMin = 1.1754944e-38;
inline constexpr double kFloatMax = 3.4028235e38;
// Whether x is 0 or has a magnitude in [kFloatMin, kFloatMax]; false for
// NaN and inf.
bool fits_float(double x);

// The largest value a loss accepts for a parameter that scales its terms:
// class weights, bce's pos_weight, focal's gamma, sce's alpha, beta and
// beta * -A. Fitting float is not enough, because the scaled term grows
// like |z| for a confidently wrong logit z (-log p_t is about |z|): bce
// multiplies it by pos_weight in the value, focal by gamma in the
// backward of exp(gamma log(1 - p_t)), and a batch then sums N of them in
// float. 1e30 leaves a factor of 3.4e8 below FLT_MAX for |z| times N, so
// that only logits far outside training's range overflow; pos_weight =
// 1e38 overflowed once a term passed 3.4.
inline constexpr double kMaxLossScale = 1e30;

// Implements both forward overloads of Loss through Derived::per_sample:
// check_loss_inputs, then per_sample, then reduce_loss.
template <class Derived>
class LossBase : public Loss {
 public:
  Var<float> forward(Var<float> logits, std::span<const int> targets,
                     std::span<const float> weights,
                     Reduction r) const override {
    return run(logits, targets, weights, r);
  }
  Var<double> forward(Var<double> logits, std::span<const int> targets,
                      std::span<const float> weights,
                      Reduction r) const override {
    return run(logits, targets, weights, r);
  }

 private:
  template <class T>
  Var<T> run(Var<T> logits, std::span<const int> targets,
             std::span<const float> weights, Reduction r) const {
    if (!logits.valid()) {
      throw std::invalid_argument(name() + ": logits is an empty Var");
    }
    check_loss_inputs(*this, logits.value(), targets, weights);
    PerSample<T> l =
        static_cast<const Derived&>(*this).per_sample(logits, targets);
    return reduce_loss(l, weights, r);
  }
};

}  // namespace losslab

// Put at the end of a loss's .cc file: compiles its per_sample template for
// float and double.
#define LOSSLAB_INSTANTIATE_LOSS(Class)                    \
  template ::losslab::PerSample<float> Class::per_sample(  \
      ::losslab::Var<float>, std::span<const int>) const;  \
  template ::losslab::PerSample<double> Class::per_sample( \
      ::losslab::Var<double>, std::span<const int>) const
