// Forward and backward of every op, side by side. Each backward rule starts
// with the forward expression it differentiates.
#include "autograd/ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "autograd/blas.h"

namespace losslab {
namespace {

template <class T>
constexpr T kInf = std::numeric_limits<T>::infinity();

template <class T>
Tape<T>& tape_of(const char* op, Var<T> x) {
  if (!x.valid()) {
    throw std::invalid_argument(std::string(op) + ": input is an empty Var");
  }
  return x.tape();
}

template <class T>
T sigmoid_of(T x) {
  // Two branches so that exp never overflows: e^-x for x >= 0, e^x below.
  if (x >= 0) return T(1) / (T(1) + std::exp(-x));
  T e = std::exp(x);
  return e / (T(1) + e);
}

// ---------------------------------------------------------------------------
// Element-wise unary ops
// ---------------------------------------------------------------------------

// y = f(x) element by element; records `backward` when needed.
template <class T, class F>
Var<T> unary(Var<T> x, const char* op, F f,
             std::type_identity_t<BackwardFn<T>> backward, double s0 = 0,
             double s1 = 0) {
  Tape<T>& tape = tape_of(op, x);
  Node<T>& n = tape.push(op, {x}, backward);
  n.s0 = s0;
  n.s1 = s1;
  const Tensor<T>& xv = x.value();
  n.own_value.resize(xv.rows(), xv.cols());
  for (std::size_t i = 0; i < xv.size(); ++i) n.own_value[i] = f(xv[i], n);
  return tape.finish(n);
}

// dx += g(x, y, dy, node) element by element; a gradient buffer nothing has
// written to yet in this pass is overwritten instead of zeroed and added to.
template <class T, class G>
void unary_backward(Node<T>& n, G g) {
  Node<T>& in = *n.in[0];
  if (!in.requires_grad) return;
  bool fresh = false;
  Tensor<T>& dx = in.grad_accumulator(&fresh);
  const Tensor<T>& x = *in.value;
  const Tensor<T>& y = *n.value;
  const Tensor<T>& dy = *n.grad;
  if (fresh) {
    for (std::size_t i = 0; i < x.size(); ++i) dx[i] = g(x[i], y[i], dy[i], n);
  } else {
    for (std::size_t i = 0; i < x.size(); ++i) dx[i] += g(x[i], y[i], dy[i], n);
  }
}

// ---------------------------------------------------------------------------
// Broadcasting binary ops
// ---------------------------------------------------------------------------

// Index arithmetic for out(i, j) = f(a(i', j'), b(i'', j'')) where a
// broadcast dimension has stride 0.
struct Broadcast {
  int rows, cols;
  int a_row, a_col, b_row, b_col;  // strides
};

template <class T>
Broadcast broadcast(const char* op, const Tensor<T>& a, const Tensor<T>& b) {
  auto fits = [](int x, int y) { return x == y || x == 1 || y == 1; };
  if (!fits(a.rows(), b.rows()) || !fits(a.cols(), b.cols())) {
    throw std::invalid_argument(
        std::string(op) + ": shapes " + a.shape_str() + " and " +
        b.shape_str() +
        " do not broadcast; expected equal sizes or 1 in each dimension");
  }
  auto out_dim = [](int x, int y) { return x == 1 ? y : x; };
  Broadcast s;
  s.rows = out_dim(a.rows(), b.rows());
  s.cols = out_dim(a.cols(), b.cols());
  s.a_row = a.rows() == 1 ? 0 : a.cols();
  s.a_col = a.cols() == 1 ? 0 : 1;
  s.b_row = b.rows() == 1 ? 0 : b.cols();
  s.b_col = b.cols() == 1 ? 0 : 1;
  return s;
}

template <class T, class F>
Var<T> binary(Var<T> a, Var<T> b, const char* op, F f,
              std::type_identity_t<BackwardFn<T>> backward) {
  Tape<T>& tape = tape_of(op, a);
  tape_of(op, b);
  const Tensor<T>& av = a.value();
  const Tensor<T>& bv = b.value();
  Broadcast s = broadcast(op, av, bv);
  Node<T>& n = tape.push(op, {a, b}, backward);
  n.own_value.resize(s.rows, s.cols);
  T* y = n.own_value.data();
  if (av.same_shape(bv)) {
    for (std::size_t i = 0; i < av.size(); ++i) y[i] = f(av[i], bv[i]);
  } else {
    for (int i = 0; i < s.rows; ++i) {
      for (int j = 0; j < s.cols; ++j) {
        *y++ = f(av[i * s.a_row + j * s.a_col], bv[i * s.b_row + j * s.b_col]);
      }
    }
  }
  return tape.finish(n);
}

// d += g(a, b, y, dy) over same-shaped buffers; overwrites a fresh d.
template <class T, class G>
void same_shape_backward(Node<T>& target, const Tensor<T>& a,
                         const Tensor<T>& b, const Tensor<T>& y,
                         const Tensor<T>& dy, G g) {
  bool fresh = false;
  Tensor<T>& d = target.grad_accumulator(&fresh);
  if (fresh) {
    for (std::size_t k = 0; k < y.size(); ++k)
      d[k] = g(a[k], b[k], y[k], dy[k]);
  } else {
    for (std::size_t k = 0; k < y.size(); ++k)
      d[k] += g(a[k], b[k], y[k], dy[k]);
  }
}

// da += ga(a, b, y, dy) and db += gb(a, b, y, dy), summing over the
// positions where an input was repeated.
template <class T, class GA, class GB>
void binary_backward(Node<T>& n, GA ga, GB gb) {
  Node<T>& na = *n.in[0];
  Node<T>& nb = *n.in[1];
  const Tensor<T>& a = *na.value;
  const Tensor<T>& b = *nb.value;
  const Tensor<T>& y = *n.value;
  const Tensor<T>& dy = *n.grad;
  // Equal shapes (the common case besides a bias): contiguous loops.
  if (a.same_shape(b)) {
    if (na.requires_grad) same_shape_backward(na, a, b, y, dy, ga);
    if (nb.requires_grad) same_shape_backward(nb, a, b, y, dy, gb);
    return;
  }
  Broadcast s = broadcast(n.op, a, b);
  Tensor<T>* da = na.requires_grad ? &na.grad_accumulator() : nullptr;
  Tensor<T>* db = nb.requires_grad ? &nb.grad_accumulator() : nullptr;
  for (int i = 0; i < s.rows; ++i) {
    const std::size_t ra = std::size_t(i) * s.a_row;
    const std::size_t rb = std::size_t(i) * s.b_row;
    const std::size_t ry = std::size_t(i) * s.cols;
    for (int j = 0; j < s.cols; ++j) {
      const std::size_t ia = ra + j * s.a_col, ib = rb + j * s.b_col;
      if (da) (*da)[ia] += ga(a[ia], b[ib], y[ry + j], dy[ry + j]);
      if (db) (*db)[ib] += gb(a[ia], b[ib], y[ry + j], dy[ry + j]);
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// matmul
// ---------------------------------------------------------------------------

namespace {

// The gradients of the product C = A B, with A = n.in[0] (N x K),
// B = n.in[1] (K x M) and dC = n.grad (N x M): dA = dC B^T (N x M . M x K)
// and dB = A^T dC (K x N . N x M), each only when its input needs one.
// Shared by matmul and linear.
template <class T>
void product_backward(Node<T>& n) {
  const Tensor<T>& A = *n.in[0]->value;
  const Tensor<T>& B = *n.in[1]->value;
  const Tensor<T>& dC = *n.grad;
  const int N = A.rows(), K = A.cols(), M = B.cols();
  bool fresh = false;
  if (n.in[0]->requires_grad) {
    Tensor<T>& dA = n.in[0]->grad_accumulator(&fresh);
    blas::gemm(blas::Trans::kNo, blas::Trans::kYes,  //
               N, K, M,                              //
               T(1), dC.data(), M,                   //
               B.data(), M,                          //
               fresh ? T(0) : T(1), dA.data(), K);
  }
  if (n.in[1]->requires_grad) {
    // One sample (N = 1): dB = a^T dc is an outer product, which a
    // parameter can hold as its two factors (see Parameter).
    Parameter<T>* p = n.in[1]->param;
    if (N == 1 && p != nullptr &&
        p->set_rank_one_grad(A.data(), 1, dC.data())) {
      return;
    }
    Tensor<T>& dB = n.in[1]->grad_accumulator(&fresh);
    blas::gemm(blas::Trans::kYes, blas::Trans::kNo,  //
               K, M, N,                              //
               T(1), A.data(), K,                    //
               dC.data(), M,                         //
               fresh ? T(0) : T(1), dB.data(), M);
  }
}

}  // namespace

template <class T>
Var<T> matmul(Var<T> a, Var<T> b) {
  Tape<T>& tape = tape_of("matmul", a);
  tape_of("matmul", b);
  const Tensor<T>& A = a.value();  // N x K
  const Tensor<T>& B = b.value();  // K x M
  if (A.cols() != B.rows()) {
    throw std::invalid_argument(
        "matmul: inner dimensions differ: " + A.shape_str() + " times " +
        B.shape_str() + "; expected a.cols == b.rows");
  }
  const int N = A.rows(), K = A.cols(), M = B.cols();
  Node<T>& n =
      tape.push("matmul", {a, b}, [](Node<T>& n) { product_backward(n); });
  // C (N x M) = A (N x K) . B (K x M)
  n.own_value.resize(N, M);
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo,  //
             N, M, K,                             //
             T(1), A.data(), K,                   //
             B.data(), M,                         //
             T(0), n.own_value.data(), M);
  return tape.finish(n);
}

// ---------------------------------------------------------------------------
// linear: matmul and bias in one node
// ---------------------------------------------------------------------------

template <class T>
Var<T> linear(Var<T> x, Var<T> w, Var<T> b) {
  Tape<T>& tape = tape_of("linear", x);
  tape_of("linear", w);
  tape_of("linear", b);
  const Tensor<T>& X = x.value();  // N x I
  const Tensor<T>& W = w.value();  // I x O
  const Tensor<T>& B = b.value();  // 1 x O
  if (X.cols() != W.rows() || B.rows() != 1 || B.cols() != W.cols()) {
    throw std::invalid_argument("linear: input " + X.shape_str() + ", weight " +
                                W.shape_str() + ", bias " + B.shape_str() +
                                " do not fit; expected N x I, I x O and 1 x O");
  }
  const int N = X.rows(), I = X.cols(), O = W.cols();
  Node<T>& n = tape.push("linear", {x, w, b}, [](Node<T>& n) {
    // Y = X W + 1 b: dX and dW as for the product X W, and db = 1^T dY,
    // the column sums of dY (1 x O).
    product_backward(n);
    if (n.in[2]->requires_grad) {
      const Tensor<T>& dY = *n.grad;
      const int N = dY.rows(), O = dY.cols();
      bool fresh = false;
      Tensor<T>& db = n.in[2]->grad_accumulator(&fresh);
      T* __restrict d = db.data();
      if (fresh) std::fill(d, d + O, T(0));
      // Row by row, so each pass is a contiguous, vectorisable add.
      for (int i = 0; i < N; ++i) {
        const T* __restrict row = dY.data() + std::size_t(i) * O;
        for (int j = 0; j < O; ++j) d[j] += row[j];
      }
    }
  });
  // Y (N x O): every row starts as b, then gemm adds X (N x I) . W (I x O).
  n.own_value.resize(N, O);
  T* __restrict y = n.own_value.data();
  for (int i = 0; i < N; ++i) {
    std::copy(B.data(), B.data() + O, y + std::size_t(i) * O);
  }
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo,  //
             N, O, I,                             //
             T(1), X.data(), I,                   //
             W.data(), O,                         //
             T(1), y, O);
  return tape.finish(n);
}

// ---------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------

template <class T>
Var<T> add(Var<T> a, Var<T> b) {
  return binary(
      a, b, "add", [](T x, T y) { return x + y; },
      [](Node<T>& n) {
        // y = a + b: da = dy, db = dy
        binary_backward(
            n, [](T, T, T, T dy) { return dy; },
            [](T, T, T, T dy) { return dy; });
      });
}

template <class T>
Var<T> sub(Var<T> a, Var<T> b) {
  return binary(
      a, b, "sub", [](T x, T y) { return x - y; },
      [](Node<T>& n) {
        // y = a - b: da = dy, db = -dy
        binary_backward(
            n, [](T, T, T, T dy) { return dy; },
            [](T, T, T, T dy) { return -dy; });
      });
}

template <class T>
Var<T> mul(Var<T> a, Var<T> b) {
  return binary(
      a, b, "mul", [](T x, T y) { return x * y; },
      [](Node<T>& n) {
        // y = a * b: da = dy * b, db = dy * a
        binary_backward(
            n, [](T, T b, T, T dy) { return dy * b; },
            [](T a, T, T, T dy) { return dy * a; });
      });
}

template <class T>
Var<T> div(Var<T> a, Var<T> b) {
  return binary(
      a, b, "div", [](T x, T y) { return x / y; },
      [](Node<T>& n) {
        // y = a / b: da = dy / b, db = -dy * a / b^2 = -dy * y / b
        binary_backward(
            n, [](T, T b, T, T dy) { return dy / b; },
            [](T, T b, T y, T dy) { return -dy * y / b; });
      });
}

template <class T>
Var<T> neg(Var<T> x) {
  return unary(
      x, "neg", [](T v, Node<T>&) { return -v; },
      [](Node<T>& n) {
        // y = -x: dx = -dy
        unary_backward(n, [](T, T, T dy, Node<T>&) { return -dy; });
      });
}

template <class T>
Var<T> add_scalar(Var<T> x, double c) {
  return unary(
      x, "add_scalar", [](T v, Node<T>& n) { return v + T(n.s0); },
      [](Node<T>& n) {
        // y = x + c: dx = dy
        unary_backward(n, [](T, T, T dy, Node<T>&) { return dy; });
      },
      c);
}

template <class T>
Var<T> mul_scalar(Var<T> x, double c) {
  return unary(
      x, "mul_scalar", [](T v, Node<T>& n) { return v * T(n.s0); },
      [](Node<T>& n) {
        // y = c x: dx = c dy
        unary_backward(n, [](T, T, T dy, Node<T>& n) { return dy * T(n.s0); });
      },
      c);
}

// ---------------------------------------------------------------------------
// Element-wise functions
// ---------------------------------------------------------------------------

template <class T>
Var<T> exp(Var<T> x) {
  return unary(
      x, "exp", [](T v, Node<T>&) { return std::exp(v); },
      [](Node<T>& n) {
        // y = e^x: dx = dy * y
        unary_backward(n, [](T, T y, T dy, Node<T>&) { return dy * y; });
      });
}

template <class T>
Var<T> log(Var<T> x) {
  return unary(
      x, "log", [](T v, Node<T>&) { return std::log(v); },
      [](Node<T>& n) {
        // y = log x: dx = dy / x
        unary_backward(n, [](T x, T, T dy, Node<T>&) { return dy / x; });
      });
}

template <class T>
Var<T> sqrt(Var<T> x) {
  return unary(
      x, "sqrt", [](T v, Node<T>&) { return std::sqrt(v); },
      [](Node<T>& n) {
        // y = sqrt(x): dx = dy / (2 y); nothing flows where dy = 0.
        unary_backward(n, [](T, T y, T dy, Node<T>&) {
          return dy == T(0) ? T(0) : dy / (T(2) * y);
        });
      });
}

template <class T>
Var<T> pow(Var<T> x, double p) {
  return unary(
      x, "pow", [](T v, Node<T>& n) { return T(std::pow(v, T(n.s0))); },
      [](Node<T>& n) {
        // y = x^p: dx = dy * p * x^(p-1). Where dy = 0 (or p = 0) the
        // product is 0 by definition, even where x^(p-1) is infinite.
        unary_backward(n, [](T x, T, T dy, Node<T>& n) {
          T p = T(n.s0);
          if (dy == T(0) || p == T(0)) return T(0);
          return dy * p * T(std::pow(x, p - T(1)));
        });
      },
      p);
}

template <class T>
Var<T> abs(Var<T> x) {
  return unary(
      x, "abs", [](T v, Node<T>&) { return std::abs(v); },
      [](Node<T>& n) {
        // y = |x|: dx = sign(x) dy, with sign(0) = 0.
        unary_backward(n, [](T x, T, T dy, Node<T>&) {
          return x > T(0) ? dy : x < T(0) ? -dy : T(0);
        });
      });
}

template <class T>
Var<T> clamp(Var<T> x, double lo, double hi) {
  if (!(lo <= hi)) {
    throw std::invalid_argument(
        "clamp: expected lo <= hi, got lo = " + std::to_string(lo) +
        ", hi = " + std::to_string(hi));
  }
  return unary(
      x, "clamp",
      [](T v, Node<T>& n) { return std::clamp(v, T(n.s0), T(n.s1)); },
      [](Node<T>& n) {
        // y = min(max(x, lo), hi): dx = dy inside [lo, hi], 0 outside.
        unary_backward(n, [](T x, T, T dy, Node<T>& n) {
          return x >= T(n.s0) && x <= T(n.s1) ? dy : T(0);
        });
      },
      lo, hi);
}

template <class T>
Var<T> relu(Var<T> x) {
  return unary(
      x, "relu", [](T v, Node<T>&) { return v > T(0) ? v : T(0); },
      [](Node<T>& n) {
        // y = max(x, 0): dx = dy where x > 0.
        unary_backward(
            n, [](T x, T, T dy, Node<T>&) { return x > T(0) ? dy : T(0); });
      });
}

template <class T>
Var<T> leaky_relu(Var<T> x, double slope) {
  return unary(
      x, "leaky_relu",
      [](T v, Node<T>& n) { return v > T(0) ? v : T(n.s0) * v; },
      [](Node<T>& n) {
        // y = x (x > 0), slope x otherwise.
        unary_backward(n, [](T x, T, T dy, Node<T>& n) {
          return x > T(0) ? dy : T(n.s0) * dy;
        });
      },
      slope);
}

template <class T>
Var<T> gelu(Var<T> x) {
  return unary(
      x, "gelu",
      [](T v, Node<T>&) {
        return T(0.5) * v * (T(1) + std::erf(v * T(M_SQRT1_2)));
      },
      [](Node<T>& n) {
        // y = x Phi(x): dx = dy (Phi(x) + x phi(x)), phi the normal pdf.
        unary_backward(n, [](T x, T, T dy, Node<T>&) {
          T cdf = T(0.5) * (T(1) + std::erf(x * T(M_SQRT1_2)));
          T pdf = std::exp(T(-0.5) * x * x) * T(0.5 * M_2_SQRTPI * M_SQRT1_2);
          return dy * (cdf + x * pdf);
        });
      });
}

template <class T>
Var<T> sigmoid(Var<T> x) {
  return unary(
      x, "sigmoid", [](T v, Node<T>&) { return sigmoid_of(v); },
      [](Node<T>& n) {
        // y = s(x): dx = dy s(x) s(-x). Not y (1 - y): for large x,
        // 1 - y has lost all its digits to rounding.
        unary_backward(n, [](T x, T, T dy, Node<T>&) {
          return dy * sigmoid_of(x) * sigmoid_of(-x);
        });
      });
}

template <class T>
Var<T> tanh(Var<T> x) {
  return unary(
      x, "tanh", [](T v, Node<T>&) { return std::tanh(v); },
      [](Node<T>& n) {
        // y = tanh x: dx = dy (1 - y^2)
        unary_backward(
            n, [](T, T y, T dy, Node<T>&) { return dy * (T(1) - y * y); });
      });
}

template <class T>
Var<T> softplus(Var<T> x) {
  return unary(
      x, "softplus",
      [](T v, Node<T>&) {
        // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): the exp never overflows.
        return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v)));
      },
      [](Node<T>& n) {
        // dx = dy s(x)
        unary_backward(
            n, [](T x, T, T dy, Node<T>&) { return dy * sigmoid_of(x); });
      });
}

template <class T>
Var<T> log_sigmoid(Var<T> x) {
  return unary(
      x, "log_sigmoid",
      [](T v, Node<T>&) {
        // log s(x) = -softplus(-x) = min(x, 0) - log1p(e^-|x|)
        return std::min(v, T(0)) - std::log1p(std::exp(-std::abs(v)));
      },
      [](Node<T>& n) {
        // dx = dy s(-x)
        unary_backward(
            n, [](T x, T, T dy, Node<T>&) { return dy * sigmoid_of(-x); });
      });
}

// ---------------------------------------------------------------------------
// Softmax family (row-wise)
// ---------------------------------------------------------------------------

namespace {

// The max of row r, or -inf for an empty or fully masked row.
template <class T>
T row_max_of(const T* row, int K) {
  T m = -kInf<T>;
  for (int j = 0; j < K; ++j) m = std::max(m, row[j]);
  return m;
}

// log(sum(exp(row))) shifted by the row max so exp stays <= 1; -inf for a
// fully masked row, whose shifted values would be (-inf) - (-inf) = NaN.
template <class T>
T row_lse(const T* row, int K) {
  T m = row_max_of(row, K);
  if (m == -kInf<T>) return -kInf<T>;
  if (m == kInf<T>) return kInf<T>;
  T s = 0;
  for (int j = 0; j < K; ++j) s += std::exp(row[j] - m);
  return m + std::log(s);
}

}  // namespace

template <class T>
Var<T> softmax(Var<T> x) {
  Tape<T>& tape = tape_of("softmax", x);
  Node<T>& n = tape.push("softmax", {x}, [](Node<T>& n) {
    // p = softmax(x): dx_j = p_j (dy_j - sum_k dy_k p_k), which needs no
    // division by p and is 0 wherever p_j = 0 (masked entries).
    Node<T>& in = *n.in[0];
    Tensor<T>& dx = in.grad_accumulator();
    const Tensor<T>& p = *n.value;
    const Tensor<T>& dy = *n.grad;
    const int N = p.rows(), K = p.cols();
    for (int i = 0; i < N; ++i) {
      const T* pi = p.data() + std::size_t(i) * K;
      const T* dyi = dy.data() + std::size_t(i) * K;
      T dot = 0;
      for (int j = 0; j < K; ++j) dot += pi[j] == T(0) ? T(0) : dyi[j] * pi[j];
      T* dxi = dx.data() + std::size_t(i) * K;
      for (int j = 0; j < K; ++j) {
        if (pi[j] != T(0)) dxi[j] += pi[j] * (dyi[j] - dot);
      }
    }
  });
  // p (N x K) = exp(x - max) / sum(exp(x - max)) per row.
  const Tensor<T>& xv = x.value();
  const int N = xv.rows(), K = xv.cols();
  n.own_value.resize(N, K);
  for (int i = 0; i < N; ++i) {
    const T* xi = xv.data() + std::size_t(i) * K;
    T* pi = n.own_value.data() + std::size_t(i) * K;
    T lse = row_lse(xi, K);
    for (int j = 0; j < K; ++j) {
      pi[j] = lse == -kInf<T> ? T(0) : std::exp(xi[j] - lse);
    }
  }
  return tape.finish(n);
}

template <class T>
Var<T> log_softmax(Var<T> x) {
  Tape<T>& tape = tape_of("log_softmax", x);
  Node<T>& n = tape.push("log_softmax", {x}, [](Node<T>& n) {
    // y = x - lse(x): dx_j = dy_j - p_j sum_k dy_k with p = e^y. Zero for a
    // fully masked row, where y is -inf everywhere.
    Node<T>& in = *n.in[0];
    Tensor<T>& dx = in.grad_accumulator();
    const Tensor<T>& y = *n.value;
    const Tensor<T>& dy = *n.grad;
    const int N = y.rows(), K = y.cols();
    for (int i = 0; i < N; ++i) {
      const T* yi = y.data() + std::size_t(i) * K;
      const T* dyi = dy.data() + std::size_t(i) * K;
      if (row_max_of(yi, K) == -kInf<T>) continue;
      T total = 0;
      for (int j = 0; j < K; ++j) total += dyi[j];
      T* dxi = dx.data() + std::size_t(i) * K;
      for (int j = 0; j < K; ++j) dxi[j] += dyi[j] - std::exp(yi[j]) * total;
    }
  });
  // y (N x K) = x - lse(x) per row.
  const Tensor<T>& xv = x.value();
  const int N = xv.rows(), K = xv.cols();
  n.own_value.resize(N, K);
  for (int i = 0; i < N; ++i) {
    const T* xi = xv.data() + std::size_t(i) * K;
    T* yi = n.own_value.data() + std::size_t(i) * K;
    T lse = row_lse(xi, K);
    for (int j = 0; j < K; ++j) {
      yi[j] = lse == -kInf<T> ? -kInf<T> : xi[j] - lse;
    }
  }
  return tape.finish(n);
}

template <class T>
Var<T> logsumexp(Var<T> x) {
  Tape<T>& tape = tape_of("logsumexp", x);
  Node<T>& n = tape.push("logsumexp", {x}, [](Node<T>& n) {
    // y_i = log sum_j e^x_ij: dx_ij = dy_i e^(x_ij - y_i) = dy_i p_ij.
    Node<T>& in = *n.in[0];
    Tensor<T>& dx = in.grad_accumulator();
    const Tensor<T>& xv = *in.value;
    const int N = xv.rows(), K = xv.cols();
    for (int i = 0; i < N; ++i) {
      T y = (*n.value)[i];
      if (y == -kInf<T>) continue;
      T dy = (*n.grad)[i];
      for (int j = 0; j < K; ++j) {
        std::size_t k = std::size_t(i) * K + j;
        dx[k] += dy * std::exp(xv[k] - y);
      }
    }
  });
  // y (N x 1)
  const Tensor<T>& xv = x.value();
  n.own_value.resize(xv.rows(), 1);
  for (int i = 0; i < xv.rows(); ++i) {
    n.own_value[i] = row_lse(xv.data() + std::size_t(i) * xv.cols(), xv.cols());
  }
  return tape.finish(n);
}

// ---------------------------------------------------------------------------
// Reductions
// ---------------------------------------------------------------------------

namespace {

enum class Axis { kAll, kPerRow, kPerCol };

// y = scale * sum over `axis`; scale is 1 for sums and 1/count for means.
template <class T>
Var<T> reduce(Var<T> x, const char* op, Axis axis, bool is_mean) {
  Tape<T>& tape = tape_of(op, x);
  Node<T>& n = tape.push(op, {x}, [](Node<T>& n) {
    // y = s * sum(x over the axis): dx = s * dy, repeated over the axis.
    Node<T>& in = *n.in[0];
    Tensor<T>& dx = in.grad_accumulator();
    const Tensor<T>& dy = *n.grad;
    const T scale = T(n.s1);
    const int N = in.value->rows(), K = in.value->cols();
    const Axis axis = Axis(int(n.s0));
    for (int i = 0; i < N; ++i) {
      for (int j = 0; j < K; ++j) {
        T g = axis == Axis::kAll      ? dy[0]
              : axis == Axis::kPerRow ? dy[i]
                                      : dy[j];
        dx[std::size_t(i) * K + j] += scale * g;
      }
    }
  });
  const Tensor<T>& xv = x.value();
  const int N = xv.rows(), K = xv.cols();
  n.s0 = double(int(axis));
  int count = axis == Axis::kAll ? N * K : axis == Axis::kPerRow ? K : N;
  // The mean of nothing is 0/0 = NaN, as in PyTorch.
  n.s1 = is_mean ? 1.0 / double(count) : 1.0;
  T mean_of_empty = std::numeric_limits<T>::quiet_NaN();
  switch (axis) {
    case Axis::kAll: {
      n.own_value.resize(1, 1);
      T s = 0;
      for (std::size_t k = 0; k < xv.size(); ++k) s += xv[k];
      n.own_value[0] = is_mean ? (count ? s / T(count) : mean_of_empty) : s;
      break;
    }
    case Axis::kPerRow: {
      n.own_value.resize(N, 1);
      for (int i = 0; i < N; ++i) {
        T s = 0;
        for (int j = 0; j < K; ++j) s += xv[std::size_t(i) * K + j];
        n.own_value[i] = is_mean ? (K ? s / T(K) : mean_of_empty) : s;
      }
      break;
    }
    case Axis::kPerCol: {
      n.own_value.resize(1, K);
      n.own_value.fill(T(0));
      for (int i = 0; i < N; ++i) {
        for (int j = 0; j < K; ++j) {
          n.own_value[j] += xv[std::size_t(i) * K + j];
        }
      }
      if (is_mean) {
        for (int j = 0; j < K; ++j) {
          n.own_value[j] = N ? n.own_value[j] / T(N) : mean_of_empty;
        }
      }
      break;
    }
  }
  return tape.finish(n);
}

}  // namespace

template <class T>
Var<T> sum(Var<T> x) {
  return reduce(x, "sum", Axis::kAll, false);
}
template <class T>
Var<T> mean(Var<T> x) {
  return reduce(x, "mean", Axis::kAll, true);
}
template <class T>
Var<T> row_sum(Var<T> x) {
  return reduce(x, "row_sum", Axis::kPerRow, false);
}
template <class T>
Var<T> row_mean(Var<T> x) {
  return reduce(x, "row_mean", Axis::kPerRow, true);
}
template <class T>
Var<T> col_sum(Var<T> x) {
  return reduce(x, "col_sum", Axis::kPerCol, false);
}
template <class T>
Var<T> col_mean(Var<T> x) {
  return reduce(x, "col_mean", Axis::kPerCol, true);
}

template <class T>
Var<T> row_max(Var<T> x) {
  Tape<T>& tape = tape_of("row_max", x);
  const Tensor<T>& xv = x.value();
  const int N = xv.rows(), K = xv.cols();
  if (K == 0) {
    throw std::invalid_argument("row_max: expected at least one column, got " +
                                xv.shape_str());
  }
  Node<T>& n = tape.push("row_max", {x}, [](Node<T>& n) {
    // y_i = x_i,a(i) with a(i) the first argmax: dx_i,a(i) = dy_i.
    Tensor<T>& dx = n.in[0]->grad_accumulator();
    const int K = n.in[0]->value->cols();
    for (std::size_t i = 0; i < n.ints.size(); ++i) {
      dx[i * K + n.ints[i]] += (*n.grad)[i];
    }
  });
  n.own_value.resize(N, 1);
  n.ints.resize(N);
  for (int i = 0; i < N; ++i) {
    const T* xi = xv.data() + std::size_t(i) * K;
    int best = 0;
    for (int j = 1; j < K; ++j) {
      if (xi[j] > xi[best]) best = j;
    }
    n.ints[i] = best;
    n.own_value[i] = xi[best];
  }
  return tape.finish(n);
}

// ---------------------------------------------------------------------------
// Indexing and layout
// ---------------------------------------------------------------------------

template <class T>
Var<T> gather(Var<T> x, std::span<const int> index) {
  Tape<T>& tape = tape_of("gather", x);
  const Tensor<T>& xv = x.value();
  const int N = xv.rows(), K = xv.cols();
  if (index.size() != std::size_t(N)) {
    throw std::invalid_argument("gather: expected one index per row of " +
                                xv.shape_str() + ", got " +
                                std::to_string(index.size()) + " indices");
  }
  for (int i = 0; i < N; ++i) {
    if (index[i] < 0 || index[i] >= K) {
      throw std::invalid_argument("gather: index " + std::to_string(index[i]) +
                                  " at row " + std::to_string(i) +
                                  " is outside [0, " + std::to_string(K) + ")");
    }
  }
  Node<T>& n = tape.push("gather", {x}, [](Node<T>& n) {
    // y_i = x_i,c(i): dx_i,c(i) += dy_i, zero elsewhere.
    Tensor<T>& dx = n.in[0]->grad_accumulator();
    const int K = n.in[0]->value->cols();
    for (std::size_t i = 0; i < n.ints.size(); ++i) {
      dx[i * K + n.ints[i]] += (*n.grad)[i];
    }
  });
  n.ints.assign(index.begin(), index.end());
  n.own_value.resize(N, 1);
  for (int i = 0; i < N; ++i)
    n.own_value[i] = xv[std::size_t(i) * K + index[i]];
  return tape.finish(n);
}

template <class T>
Var<T> one_hot(Tape<T>& tape, std::span<const int> index, int num_classes) {
  if (num_classes < 1) {
    throw std::invalid_argument("one_hot: expected num_classes >= 1, got " +
                                std::to_string(num_classes));
  }
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (index[i] < 0 || index[i] >= num_classes) {
      throw std::invalid_argument("one_hot: index " + std::to_string(index[i]) +
                                  " at position " + std::to_string(i) +
                                  " is outside [0, " +
                                  std::to_string(num_classes) + ")");
    }
  }
  Node<T>& n = tape.push("one_hot", {}, nullptr);
  n.own_value.resize(int(index.size()), num_classes);
  n.own_value.fill(T(0));
  for (std::size_t i = 0; i < index.size(); ++i) {
    n.own_value[i * num_classes + index[i]] = T(1);
  }
  return tape.finish(n);
}

template <class T>
Var<T> transpose(Var<T> x) {
  Tape<T>& tape = tape_of("transpose", x);
  Node<T>& n = tape.push("transpose", {x}, [](Node<T>& n) {
    // y = x^T: dx = dy^T
    Tensor<T>& dx = n.in[0]->grad_accumulator();
    const Tensor<T>& dy = *n.grad;  // K x N
    for (int i = 0; i < dy.rows(); ++i) {
      for (int j = 0; j < dy.cols(); ++j) dx(j, i) += dy(i, j);
    }
  });
  const Tensor<T>& xv = x.value();
  n.own_value.resize(xv.cols(), xv.rows());
  for (int i = 0; i < xv.rows(); ++i) {
    for (int j = 0; j < xv.cols(); ++j) n.own_value(j, i) = xv(i, j);
  }
  return tape.finish(n);
}

template <class T>
Var<T> detach(Var<T> x) {
  Tape<T>& tape = tape_of("detach", x);
  Node<T>& n = tape.push("detach", {}, nullptr);
  n.value = &x.value();  // values never change once computed: share them
  return tape.finish(n);
}

#define LOSSLAB_INSTANTIATE_OPS(T)                              \
  template Var<T> matmul(Var<T>, Var<T>);                       \
  template Var<T> add(Var<T>, Var<T>);                          \
  template Var<T> sub(Var<T>, Var<T>);                          \
  template Var<T> mul(Var<T>, Var<T>);                          \
  template Var<T> div(Var<T>, Var<T>);                          \
  template Var<T> linear(Var<T>, Var<T>, Var<T>);               \
  template Var<T> neg(Var<T>);                                  \
  template Var<T> add_scalar(Var<T>, double);                   \
  template Var<T> mul_scalar(Var<T>, double);                   \
  template Var<T> exp(Var<T>);                                  \
  template Var<T> log(Var<T>);                                  \
  template Var<T> sqrt(Var<T>);                                 \
  template Var<T> pow(Var<T>, double);                          \
  template Var<T> abs(Var<T>);                                  \
  template Var<T> clamp(Var<T>, double, double);                \
  template Var<T> relu(Var<T>);                                 \
  template Var<T> leaky_relu(Var<T>, double);                   \
  template Var<T> gelu(Var<T>);                                 \
  template Var<T> sigmoid(Var<T>);                              \
  template Var<T> tanh(Var<T>);                                 \
  template Var<T> softplus(Var<T>);                             \
  template Var<T> log_sigmoid(Var<T>);                          \
  template Var<T> softmax(Var<T>);                              \
  template Var<T> log_softmax(Var<T>);                          \
  template Var<T> logsumexp(Var<T>);                            \
  template Var<T> sum(Var<T>);                                  \
  template Var<T> mean(Var<T>);                                 \
  template Var<T> row_sum(Var<T>);                              \
  template Var<T> row_mean(Var<T>);                             \
  template Var<T> col_sum(Var<T>);                              \
  template Var<T> col_mean(Var<T>);                             \
  template Var<T> row_max(Var<T>);                              \
  template Var<T> gather(Var<T>, std::span<const int>);         \
  template Var<T> one_hot(Tape<T>&, std::span<const int>, int); \
  template Var<T> transpose(Var<T>);                            \
  template Var<T> detach(Var<T>);

LOSSLAB_INSTANTIATE_OPS(float)
LOSSLAB_INSTANTIATE_OPS(double)

}  // namespace losslab
