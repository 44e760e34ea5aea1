#include "autograd/tape.h"

#include <cmath>
#include <stdexcept>

#include "autograd/check.h"

namespace losslab {

template <class T>
Tensor<T>& Node<T>::grad_accumulator(bool* fresh) {
  LOSSLAB_CHECK(grad != nullptr, "op " << op << " has no gradient buffer");
  if (param != nullptr) return param->grad_for_backward(fresh);
  if (is_leaf || grad_written) {
    if (fresh) *fresh = false;
    return *grad;
  }
  // First contribution in this pass to an intermediate gradient.
  grad_written = true;
  own_grad.resize(value->rows(), value->cols());
  if (fresh) {
    *fresh = true;
  } else {
    own_grad.fill(T(0));
  }
  return own_grad;
}

template <class T>
const Tensor<T>& Var<T>::grad() const {
  const Node<T>& n = *node_;
  if (!n.requires_grad || (!n.is_leaf && !n.grad_written)) {
    throw std::logic_error(std::string("Var::grad: the ") + n.op +
                           " value of shape " + n.value->shape_str() +
                           " has no gradient (it does not require one, or "
                           "backward() has not reached it)");
  }
  if (n.param != nullptr) return n.param->grad();
  return *n.grad;
}

template <class T>
Node<T>& Tape<T>::next_node() {
  if (size_ == nodes_.size()) nodes_.push_back(std::make_unique<Node<T>>());
  Node<T>& n = *nodes_[size_];
  n.index = size_++;
  n.tape = this;
  n.value = &n.own_value;
  n.grad = nullptr;
  n.param = nullptr;
  n.requires_grad = false;
  n.is_leaf = true;
  n.grad_written = false;
  n.in = {};
  n.num_in = 0;
  n.backward = nullptr;
  n.s0 = n.s1 = 0;
  return n;
}

template <class T>
Node<T>& Tape<T>::leaf(const char* op, bool requires_grad) {
  Node<T>& n = next_node();
  n.op = op;
  n.requires_grad = requires_grad && grad_enabled_;
  return n;
}

template <class T>
Var<T> Tape<T>::param(Parameter<T>& p) {
  Node<T>& n = leaf("parameter", true);
  n.value = &p.value;
  if (n.requires_grad) {
    n.grad = p.grad_buffer();
    n.param = &p;
  }
  return Var<T>(&n);
}

template <class T>
Var<T> Tape<T>::variable(const Tensor<T>& value, bool requires_grad) {
  Node<T>& n = leaf("variable", requires_grad);
  n.own_value = value;
  if (n.requires_grad) {
    n.own_grad.resize(value.rows(), value.cols());
    n.own_grad.fill(T(0));
    n.grad = &n.own_grad;
  }
  return Var<T>(&n);
}

template <class T>
Var<T> Tape<T>::constant(const Tensor<T>& value) {
  Node<T>& n = leaf("constant", false);
  n.own_value.resize(value.rows(), value.cols());
  std::copy(value.data(), value.data() + value.size(), n.own_value.data());
  return Var<T>(&n);
}

template <class T>
Var<T> Tape<T>::constant_ref(const Tensor<T>& value) {
  Node<T>& n = leaf("constant", false);
  n.value = &value;
  return Var<T>(&n);
}

template <class T>
Node<T>& Tape<T>::push(const char* op, std::initializer_list<Var<T>> inputs,
                       BackwardFn<T> backward) {
  LOSSLAB_CHECK(inputs.size() <= 3, "op " << op << " has too many inputs");
  bool any_grad = false;
  for (const Var<T>& v : inputs) {
    if (!v.valid() || v.node()->tape != this) {
      throw std::invalid_argument(
          std::string(op) +
          ": an input was recorded on another tape (or is "
          "empty); every input of an op must come from the same tape");
    }
    any_grad = any_grad || v.node()->requires_grad;
  }
  Node<T>& n = next_node();
  n.op = op;
  n.is_leaf = false;
  for (const Var<T>& v : inputs) n.in[n.num_in++] = v.node();
  if (any_grad && grad_enabled_) {
    n.requires_grad = true;
    n.grad = &n.own_grad;
    n.backward = backward;
  }
  return n;
}

template <class T>
void Tape<T>::check_anomaly(const Node<T>& node, const Tensor<T>& t,
                            const char* what) const {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i])) {
      int r = t.cols() ? int(i / t.cols()) : 0;
      int c = t.cols() ? int(i % t.cols()) : 0;
      throw std::runtime_error(
          std::string("anomaly: op ") + node.op + " produced a non-finite " +
          what + " (" + std::to_string(double(t[i])) + " at row " +
          std::to_string(r) + ", column " + std::to_string(c) +
          ") in its output of shape " + node.value->shape_str());
    }
  }
}

template <class T>
Var<T> Tape<T>::finish(Node<T>& node) {
  if (detect_anomaly_) check_anomaly(node, *node.value, "value");
  return Var<T>(&node);
}

template <class T>
void Tape<T>::backward(Var<T> loss) {
  if (loss.valid() && (loss.rows() != 1 || loss.cols() != 1)) {
    throw std::invalid_argument(
        "Tape::backward: expected a 1x1 loss, got " + loss.value().shape_str() +
        "; reduce it with sum() or mean(), or pass an output gradient");
  }
  const T one = T(1);
  run_backward(loss, &one);
}

template <class T>
void Tape<T>::backward(Var<T> output, const Tensor<T>& output_grad) {
  if (output.valid() && !output_grad.same_shape(output.value())) {
    throw std::invalid_argument(
        "Tape::backward: output gradient shape " + output_grad.shape_str() +
        " does not match the output shape " + output.value().shape_str());
  }
  run_backward(output, output_grad.data());
}

template <class T>
void Tape<T>::run_backward(Var<T> output, const T* seed) {
  if (!output.valid() || output.node()->tape != this ||
      output.node()->index >= size_ ||
      nodes_[output.node()->index].get() != output.node()) {
    throw std::invalid_argument(
        "Tape::backward: the output was not recorded on this tape, or the "
        "tape was cleared since");
  }
  Node<T>& out = *output.node();
  if (!out.requires_grad) {
    throw std::invalid_argument(
        std::string("Tape::backward: the output (op ") + out.op +
        ") does not require a gradient; did it depend on any parameter or "
        "variable, and was it recorded outside a NoGradGuard?");
  }
  // Intermediate gradients from an earlier pass are stale.
  for (std::size_t i = 0; i < size_; ++i) nodes_[i]->grad_written = false;

  // Seed d output / d output.
  Tensor<T>& dout = out.grad_accumulator();
  for (std::size_t i = 0; i < dout.size(); ++i) dout[i] += seed[i];

  // Replay in reverse: node i only feeds nodes after it, so its gradient is
  // complete when the walk reaches it.
  for (std::size_t i = out.index + 1; i-- > 0;) {
    Node<T>& n = *nodes_[i];
    if (n.is_leaf || !n.grad_written || n.backward == nullptr) continue;
    if (detect_anomaly_) check_anomaly(n, *n.grad, "gradient");
    n.backward(n);
    if (detect_anomaly_) {
      for (int k = 0; k < n.num_in; ++k) {
        Node<T>& in = *n.in[k];
        if (in.requires_grad && (in.is_leaf || in.grad_written)) {
          // A parameter's gradient may still be held as factors.
          check_anomaly(n, in.param ? in.param->grad() : *in.grad,
                        "input gradient");
        }
      }
    }
  }
}

template <class T>
void Tape<T>::zero_grad() {
  for (std::size_t i = 0; i < size_; ++i) {
    Node<T>& n = *nodes_[i];
    if (n.is_leaf && n.grad == &n.own_grad) n.own_grad.fill(T(0));
  }
}

template <class T>
void Tape<T>::clear() {
  size_ = 0;
}

template <class T>
std::size_t Tape<T>::capacity_bytes() const {
  std::size_t bytes = 0;
  for (const auto& n : nodes_) {
    bytes += sizeof(Node<T>);
    bytes += (n->own_value.capacity() + n->own_grad.capacity() +
              n->saved.capacity()) *
             sizeof(T);
    bytes += n->ints.capacity() * sizeof(int);
  }
  return bytes;
}

template struct Node<float>;
template struct Node<double>;
template class Var<float>;
template class Var<double>;
template class Tape<float>;
template class Tape<double>;

}  // namespace losslab
