#include "autograd/gradcheck.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "autograd/ops.h"

namespace losslab {
namespace {

// Fixed weights in [0.5, 1.5) from a small linear congruential sequence:
// reproducible, and unequal so that errors cannot cancel between elements.
Tensor<double> reduction_weights(int rows, int cols) {
  Tensor<double> w(rows, cols);
  unsigned state = 12345u;
  for (std::size_t i = 0; i < w.size(); ++i) {
    state = state * 1103515245u + 12345u;
    w[i] = 0.5 + double((state >> 16) & 0x7fff) / 32768.0;
  }
  return w;
}

// F(inputs) = sum(w * f(inputs)), recorded on `tape`.
Var<double> scalar_objective(const GradcheckFn& f,
                             const std::vector<Tensor<double>>& inputs,
                             Tape<double>& tape,
                             std::vector<Var<double>>& vars) {
  vars.clear();
  for (const Tensor<double>& x : inputs) vars.push_back(tape.variable(x));
  Var<double> out = f(tape, vars);
  Var<double> w = tape.constant(reduction_weights(out.rows(), out.cols()));
  return sum(mul(out, w));
}

double evaluate(const GradcheckFn& f,
                const std::vector<Tensor<double>>& inputs) {
  Tape<double> tape;
  std::vector<Var<double>> vars;
  return scalar_objective(f, inputs, tape, vars).value().item();
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFn& f,
                          const std::vector<Tensor<double>>& inputs,
                          const GradcheckOptions& options) {
  // Analytic gradients from one backward pass.
  Tape<double> tape;
  std::vector<Var<double>> vars;
  Var<double> objective = scalar_objective(f, inputs, tape, vars);
  if (!std::isfinite(objective.value().item())) {
    throw std::invalid_argument(
        "gradcheck: the function is not finite at the given inputs");
  }
  GradcheckResult result;
  if (!objective.requires_grad()) return result;  // no input reaches it
  tape.backward(objective);

  // Numeric gradients, one element at a time.
  std::vector<Tensor<double>> probe = inputs;
  double worst_ratio = -1;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    const Tensor<double>& grad = vars[k].node()->own_grad;
    for (std::size_t i = 0; i < inputs[k].size(); ++i) {
      const double x = inputs[k][i];
      probe[k][i] = x + options.step;
      const double up = evaluate(f, probe);
      probe[k][i] = x - options.step;
      const double down = evaluate(f, probe);
      probe[k][i] = x;
      const double numeric = (up - down) / (2 * options.step);
      const double analytic = grad[i];
      const double tolerance = options.atol + options.rtol * std::abs(numeric);
      double ratio = std::abs(analytic - numeric) / tolerance;
      if (std::isnan(ratio)) ratio = INFINITY;
      if (ratio > worst_ratio) {
        worst_ratio = ratio;
        result.input = int(k);
        result.row = inputs[k].cols() ? int(i / inputs[k].cols()) : 0;
        result.col = inputs[k].cols() ? int(i % inputs[k].cols()) : 0;
        result.analytic = analytic;
        result.numeric = numeric;
      }
    }
  }
  result.ok = worst_ratio <= 1.0;
  std::ostringstream os;
  os.precision(10);
  os << "gradcheck " << (result.ok ? "passed" : "FAILED")
     << "; worst element: input " << result.input << " (" << result.row << ", "
     << result.col << ") analytic " << result.analytic << " numeric "
     << result.numeric;
  result.message = os.str();
  return result;
}

}  // namespace losslab
