// Differentiable ops on Vars. Each op computes its value now and, when an
// input requires a gradient, records its backward rule on the inputs' tape.
//
// Shapes: every value is a 2-D rows x cols tensor (a scalar is 1x1). All
// inputs of an op must come from the same tape. A shape that does not fit
// throws std::invalid_argument naming the op and both shapes.
//
// Broadcasting (add, sub, mul, div): along each dimension the two sizes must
// be equal or one of them 1; the size-1 side is repeated. That covers a bias
// row (1 x C) added to a batch (N x C), a per-row column (N x 1), and a 1x1
// scalar. The gradient of a repeated input is summed over the repeats.
//
// Numerical conventions, relied upon by the losses:
//   * sigmoid, tanh, softplus and log_sigmoid are finite and exact at
//     +-1000; log_sigmoid never takes the log of a rounded sigmoid.
//   * softmax, log_softmax and logsumexp subtract the row max before exp.
//     Their backward rules never divide by a softmax value. A row whose
//     entries are all -inf ("fully masked") is defined as softmax 0,
//     log_softmax -inf, logsumexp -inf, with zero gradient, so one masked
//     row cannot put NaN into the others or into any gradient.
//   * abs has gradient 0 at 0 (sign(0) = 0), relu has gradient 0 at 0, and
//     clamp passes the gradient where lo <= x <= hi.
//   * pow(x, p) adds no gradient where the incoming gradient is 0, so a
//     zero-weighted 0^p with p < 1 cannot produce 0 * inf = NaN.
#pragma once

#include <span>
#include <vector>

#include "autograd/tape.h"

namespace losslab {

// Product of a (N x K) and b (K x M) -> N x M, through BLAS. The backward
// pass hands the transposes to BLAS instead of copying them.
template <class T>
Var<T> matmul(Var<T> a, Var<T> b);

// Y = X W + b: x (N x I) times w (I x O), plus the bias row b (1 x O) added
// to every row; N x O. One node instead of matmul then add: the bias is
// written before the product is accumulated onto it, and its gradient is
// the column sums of dY. Throws std::invalid_argument when the shapes do
// not fit.
template <class T>
Var<T> linear(Var<T> x, Var<T> w, Var<T> b);

// Element-wise with broadcasting (see above).
template <class T>
Var<T> add(Var<T> a, Var<T> b);
template <class T>
Var<T> sub(Var<T> a, Var<T> b);
template <class T>
Var<T> mul(Var<T> a, Var<T> b);
template <class T>
Var<T> div(Var<T> a, Var<T> b);

template <class T>
Var<T> neg(Var<T> x);
template <class T>
Var<T> add_scalar(Var<T> x, double c);
template <class T>
Var<T> mul_scalar(Var<T> x, double c);

template <class T>
Var<T> exp(Var<T> x);
// Natural log; log(0) = -inf with an infinite gradient.
template <class T>
Var<T> log(Var<T> x);
template <class T>
Var<T> sqrt(Var<T> x);
// x^p for a constant exponent p.
template <class T>
Var<T> pow(Var<T> x, double p);
template <class T>
Var<T> abs(Var<T> x);
// min(max(x, lo), hi); throws when lo > hi.
template <class T>
Var<T> clamp(Var<T> x, double lo, double hi);

template <class T>
Var<T> relu(Var<T> x);
// x for x > 0, slope * x otherwise.
template <class T>
Var<T> leaky_relu(Var<T> x, double slope);
// x * Phi(x), the exact (erf) form of GELU.
template <class T>
Var<T> gelu(Var<T> x);
template <class T>
Var<T> sigmoid(Var<T> x);
template <class T>
Var<T> tanh(Var<T> x);
// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
template <class T>
Var<T> softplus(Var<T> x);
// log sigmoid(x) = -softplus(-x).
template <class T>
Var<T> log_sigmoid(Var<T> x);

// Row-wise softmax and its log: N x K -> N x K.
template <class T>
Var<T> softmax(Var<T> x);
template <class T>
Var<T> log_softmax(Var<T> x);
// Row-wise log(sum(exp(x))): N x K -> N x 1.
template <class T>
Var<T> logsumexp(Var<T> x);

// Reductions. sum/mean: -> 1x1; row_*: one value per row, N x K -> N x 1;
// col_*: one value per column, N x K -> 1 x K. The mean of zero elements is
// NaN (0/0), as in PyTorch; the sum of zero elements is 0.
template <class T>
Var<T> sum(Var<T> x);
template <class T>
Var<T> mean(Var<T> x);
template <class T>
Var<T> row_sum(Var<T> x);
template <class T>
Var<T> row_mean(Var<T> x);
template <class T>
Var<T> col_sum(Var<T> x);
template <class T>
Var<T> col_mean(Var<T> x);
// Row-wise maximum, N x K -> N x 1 (K >= 1). Ties: the whole gradient goes
// to the first (lowest-column) maximal entry, so it is a valid subgradient
// and sums to the incoming gradient.
template <class T>
Var<T> row_max(Var<T> x);

// out(i) = x(i, index[i]): N x K -> N x 1, e.g. the target class's log
// probability. Throws when |index| != N or an index is outside [0, K).
template <class T>
Var<T> gather(Var<T> x, std::span<const int> index);
// A constant N x K one-hot matrix; throws for an index outside [0, K).
template <class T>
Var<T> one_hot(Tape<T>& tape, std::span<const int> index, int num_classes);

template <class T>
Var<T> transpose(Var<T> x);
// The same value, cut off from the graph: no gradient flows through it.
template <class T>
Var<T> detach(Var<T> x);

// Operator sugar for the element-wise ops and scalars.
template <class T>
Var<T> operator+(Var<T> a, Var<T> b) {
  return add(a, b);
}
template <class T>
Var<T> operator-(Var<T> a, Var<T> b) {
  return sub(a, b);
}
template <class T>
Var<T> operator*(Var<T> a, Var<T> b) {
  return mul(a, b);
}
template <class T>
Var<T> operator/(Var<T> a, Var<T> b) {
  return div(a, b);
}
template <class T>
Var<T> operator-(Var<T> x) {
  return neg(x);
}
template <class T>
Var<T> operator+(Var<T> x, double c) {
  return add_scalar(x, c);
}
template <class T>
Var<T> operator+(double c, Var<T> x) {
  return add_scalar(x, c);
}
template <class T>
Var<T> operator-(Var<T> x, double c) {
  return add_scalar(x, -c);
}
template <class T>
Var<T> operator-(double c, Var<T> x) {
  return add_scalar(neg(x), c);
}
template <class T>
Var<T> operator*(Var<T> x, double c) {
  return mul_scalar(x, c);
}
template <class T>
Var<T> operator*(double c, Var<T> x) {
  return mul_scalar(x, c);
}
template <class T>
Var<T> operator/(Var<T> x, double c) {
  return mul_scalar(x, 1.0 / c);
}

}  // namespace losslab
