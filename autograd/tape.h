// The tape: reverse-mode automatic differentiation by recording.
//
// Every op applied to a Var appends a Node to the Var's Tape: the op's output
// value, pointers to its inputs, and a backward rule. Tape::backward(loss)
// walks the nodes in reverse order of recording, which is a topological
// order, so each node's gradient is complete before its rule runs.
//
// Gradient semantics follow PyTorch:
//   * A value used by several ops receives the sum of their contributions.
//   * Leaves (parameters and variables) accumulate gradients across backward
//     calls until zero_grad(); intermediate gradients are recomputed from
//     scratch by every backward call.
//   * Inside a NoGradGuard scope ops compute values but record no backward
//     rules, and nothing they produce requires a gradient.
//
// Memory: clear() forgets the recorded nodes but keeps their storage, so a
// training loop that records the same graph every step allocates only in its
// first step.
//
// Threads: a Tape and everything recorded on it belong to one thread at a
// time. Distinct tapes share nothing and may be used concurrently; a
// Parameter may be read by several tapes at once but written by one.
//
// Usage:
//   Tape<double> tape;
//   Var<double> x = tape.variable(Tensor<double>(1, 1, {3.0}));
//   Var<double> y = x * x + x;
//   tape.backward(y);        // x.grad() is now 7
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace losslab {

template <class T>
class Tape;
template <class T>
struct Node;

// A trainable tensor that outlives tapes: its value and the gradient that
// backward() accumulates into it.
//
// zero_grad() is lazy, like PyTorch's zero_grad(set_to_none=True) but
// invisible to readers: it marks the gradient as zero without touching the
// buffer, and the first backward write then overwrites the buffer instead
// of adding to it. A training step therefore makes no separate pass over
// its parameters to zero them. grad() always reads the true gradient: it
// writes the zeros first when the buffer is still marked, so even the const
// grad() counts as a write when threads share a Parameter.
//
// A weight's gradient from a batch of one sample is the outer product
// u v^T of the layer's input row and output gradient row. The tape may
// hold it as those two factors instead of writing the matrix
// (set_rank_one_grad); grad() writes the matrix on first read, exactly as
// the product would have. An optimizer that knows the form can update
// from the factors directly and skip a pass over the gradient in both the
// backward pass and the update.
template <class T>
class Parameter {
 public:
  Parameter() = default;
  explicit Parameter(Tensor<T> v)
      : value(std::move(v)), grad_(value.rows(), value.cols()) {}

  Tensor<T> value;

  // The accumulated gradient, shaped like `value`.
  const Tensor<T>& grad() const {
    materialize();
    return grad_;
  }
  Tensor<T>& grad() {
    materialize();
    return grad_;
  }
  // Sets the gradient to zero (lazily; see above).
  void zero_grad() {
    zero_ = true;
    rank_one_ = false;
  }
  // Whether the gradient is marked zero and its buffer not yet written.
  bool grad_is_lazy_zero() const { return zero_ && !rank_one_; }

  // Whether the gradient is exactly the outer product of
  // rank_one_rows() (rows x 1) and rank_one_cols() (1 x cols), element
  // (i, j) being the product rows[i] * cols[j] in T, with its buffer not
  // yet written.
  bool grad_is_rank_one() const { return rank_one_; }
  const Tensor<T>& rank_one_rows() const { return u_; }
  const Tensor<T>& rank_one_cols() const { return v_; }

  // For the tape: when the gradient is marked zero, records it as u v^T
  // (u: value.rows() elements at stride inc_u, v: value.cols() contiguous
  // elements), copying both, and returns true. Otherwise returns false and
  // changes nothing: the caller then writes the product itself.
  bool set_rank_one_grad(const T* u, int inc_u, const T* v) {
    ensure_shape();
    if (!zero_ || rank_one_) return false;
    u_.resize(value.rows(), 1);
    v_.resize(1, value.cols());
    for (int i = 0; i < value.rows(); ++i) u_[i] = u[std::size_t(i) * inc_u];
    std::copy(v, v + value.cols(), v_.data());
    rank_one_ = true;
    return true;
  }

  // For the tape: the buffer a backward rule adds its contribution to.
  // When the gradient is still marked zero and `fresh` is given, *fresh is
  // set to true and the buffer is returned unfilled: the caller must then
  // overwrite every element. Without `fresh` the zeros are written first.
  Tensor<T>& grad_for_backward(bool* fresh) {
    ensure_shape();
    write_rank_one();
    if (fresh) *fresh = zero_;
    if (zero_ && !fresh) grad_.fill(T(0));
    zero_ = false;
    return grad_;
  }

  // For the tape: the gradient buffer, shaped like `value`, without
  // writing the zeros; its contents are the gradient only when neither
  // grad_is_lazy_zero() nor grad_is_rank_one() is true.
  Tensor<T>* grad_buffer() {
    ensure_shape();
    return &grad_;
  }

 private:
  // A value reshaped since the last backward makes the old gradient void.
  void ensure_shape() const {
    if (!grad_.same_shape(value)) {
      grad_.resize(value.rows(), value.cols());
      zero_ = true;
      rank_one_ = false;
    }
  }
  // Writes a pending outer product into the buffer, in one pass.
  void write_rank_one() const {
    if (!rank_one_) return;
    const int cols = value.cols();
    for (int i = 0; i < value.rows(); ++i) {
      T* __restrict row = grad_.data() + std::size_t(i) * cols;
      const T* __restrict v = v_.data();
      const T ui = u_[i];
      for (int j = 0; j < cols; ++j) row[j] = ui * v[j];
    }
    rank_one_ = false;
    zero_ = false;
  }
  void materialize() const {
    ensure_shape();
    if (rank_one_) {
      write_rank_one();
    } else if (zero_) {
      grad_.fill(T(0));
      zero_ = false;
    }
  }

  mutable Tensor<T> grad_;
  mutable bool zero_ = true;
  // While rank_one_, the gradient is u_ v_^T and zero_ is still true.
  mutable bool rank_one_ = false;
  Tensor<T> u_, v_;
};

// The backward rule of a node: reads node.grad and node.in[k]->value, and
// adds the input gradients through Node::grad_accumulator().
template <class T>
using BackwardFn = void (*)(Node<T>& node);

// One recorded op. Ops are the only code that builds nodes; users hold Vars.
template <class T>
struct Node {
  Tape<T>* tape = nullptr;
  std::size_t index = 0;  // position on the tape
  const char* op = "";
  // The output value: points at own_value, or at a parameter or constant
  // outside the tape.
  const Tensor<T>* value = nullptr;
  Tensor<T> own_value;
  // The gradient of the output: points at own_grad, or at a parameter's
  // gradient. Null when the node does not require a gradient.
  Tensor<T>* grad = nullptr;
  // For a parameter leaf: the parameter, whose gradient may be lazily zero.
  Parameter<T>* param = nullptr;
  Tensor<T> own_grad;
  bool requires_grad = false;
  bool is_leaf = true;
  // For intermediate nodes: whether the current backward pass has written
  // into own_grad yet (it is never zero-filled ahead of time).
  bool grad_written = false;
  std::array<Node*, 3> in{};
  int num_in = 0;
  BackwardFn<T> backward = nullptr;
  // Op-specific saved state: scalars, an index list, a buffer.
  double s0 = 0, s1 = 0;
  std::vector<int> ints;
  Tensor<T> saved;

  // The gradient buffer of this node, ready for `+=`: a leaf's accumulated
  // gradient, or an intermediate gradient zero-filled on first use in this
  // pass. Ops that overwrite the whole buffer pass `fresh`, which is set to
  // true (and the buffer left unfilled) when nothing was written yet.
  Tensor<T>& grad_accumulator(bool* fresh = nullptr);
};

// A handle to a node on a tape; cheap to copy. Valid until the tape is
// cleared or destroyed.
template <class T>
class Var {
 public:
  Var() = default;
  explicit Var(Node<T>* node) : node_(node) {}

  const Tensor<T>& value() const { return *node_->value; }
  // The gradient after backward(). Throws std::logic_error for a Var that
  // does not require a gradient or that no backward pass has reached.
  const Tensor<T>& grad() const;
  int rows() const { return node_->value->rows(); }
  int cols() const { return node_->value->cols(); }
  bool requires_grad() const { return node_->requires_grad; }
  Tape<T>& tape() const { return *node_->tape; }
  Node<T>* node() const { return node_; }
  bool valid() const { return node_ != nullptr; }

 private:
  Node<T>* node_ = nullptr;
};

template <class T>
class Tape {
 public:
  Tape() = default;
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // A leaf that reads `p.value` and accumulates into `p.grad()` (no copy);
  // `p` must outlive the recorded graph.
  Var<T> param(Parameter<T>& p);
  // A leaf holding a copy of `value`, with its own gradient when
  // `requires_grad` is true.
  Var<T> variable(const Tensor<T>& value, bool requires_grad = true);
  // A leaf holding a copy of `value`, without gradient.
  Var<T> constant(const Tensor<T>& value);
  // A leaf that reads `value` in place without copying; `value` must outlive
  // the recorded graph and stay unchanged until backward() returns.
  Var<T> constant_ref(const Tensor<T>& value);
  // A rows x cols constant leaf set to `fill`, then handed to `init`
  // (called as init(Tensor<T>&)) to write its entries. Its storage is the
  // tape's own and is reused after clear(), so a loss can build target or
  // weight matrices every step without allocating.
  template <class Init>
  Var<T> constant(int rows, int cols, T fill, Init&& init) {
    Node<T>& n = leaf("constant", false);
    n.own_value.resize(rows, cols);
    n.own_value.fill(fill);
    init(n.own_value);
    return Var<T>(&n);
  }

  // Runs the backward pass from `loss`, which must be 1x1 and recorded on
  // this tape; seeds d loss = 1. Throws std::invalid_argument otherwise.
  void backward(Var<T> loss);
  // The same with an explicit output gradient of loss's shape.
  void backward(Var<T> output, const Tensor<T>& output_grad);

  // Zeroes the gradients of the variables recorded on this tape (parameter
  // gradients are zeroed by their owners, e.g. Module::zero_grad).
  void zero_grad();
  // Forgets every node; storage is kept for reuse.
  void clear();
  std::size_t size() const { return size_; }
  // Bytes held by node storage, recorded or pooled.
  std::size_t capacity_bytes() const;

  bool grad_enabled() const { return grad_enabled_; }
  void set_grad_enabled(bool enabled) { grad_enabled_ = enabled; }

  // Anomaly mode: every op checks its output, and backward checks every
  // gradient it computes, for NaN or infinity, and throws
  // std::runtime_error naming the first op that produced one and its shape.
  // Off by default: it costs one pass over each buffer.
  bool detect_anomaly() const { return detect_anomaly_; }
  void set_detect_anomaly(bool on) { detect_anomaly_ = on; }

  // For op implementations: a new node named `op` whose inputs are `inputs`.
  // It requires a gradient when gradients are enabled and any input does;
  // then `backward` is recorded. Throws std::invalid_argument when an
  // input belongs to another tape.
  Node<T>& push(const char* op, std::initializer_list<Var<T>> inputs,
                BackwardFn<T> backward);
  // For op implementations: called once the node's value is computed.
  Var<T> finish(Node<T>& node);

 private:
  void run_backward(Var<T> output, const T* seed);
  Node<T>& next_node();
  Node<T>& leaf(const char* op, bool requires_grad);
  void check_anomaly(const Node<T>& node, const Tensor<T>& t,
                     const char* what) const;

  std::vector<std::unique_ptr<Node<T>>> nodes_;
  std::size_t size_ = 0;
  bool grad_enabled_ = true;
  bool detect_anomaly_ = false;
};

// Disables gradient recording on one tape for the scope's lifetime.
template <class T>
class NoGradGuard {
 public:
  explicit NoGradGuard(Tape<T>& tape)
      : tape_(tape), previous_(tape.grad_enabled()) {
    tape_.set_grad_enabled(false);
  }
  ~NoGradGuard() { tape_.set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  Tape<T>& tape_;
  bool previous_;
};

extern template struct Node<float>;
extern template struct Node<double>;
extern template class Var<float>;
extern template class Var<double>;
extern template class Tape<float>;
extern template class Tape<double>;

}  // namespace losslab
