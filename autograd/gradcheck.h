// gradcheck: compares the tape's gradients with central finite differences.
//
// For a function f of several double-precision inputs, gradcheck records f
// on a fresh tape, reduces its output to a scalar with fixed pseudo-random
// weights (so every output element is checked, not only their sum), runs
// backward, and compares each input element's gradient with
//   (F(x + h e) - F(x - h e)) / 2h.
// An element passes when |analytic - numeric| <= atol + rtol * |numeric|.
// The result names the worst element, so a failure says where to look.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "autograd/tape.h"

namespace losslab {

struct GradcheckOptions {
  double step = 1e-6;  // h
  double atol = 1e-6;
  double rtol = 1e-4;
};

struct GradcheckResult {
  bool ok = true;
  // The worst element, by error relative to its tolerance.
  int input = -1, row = -1, col = -1;
  double analytic = 0, numeric = 0;
  // One line for a test failure message.
  std::string message;
};

using GradcheckFn =
    std::function<Var<double>(Tape<double>&, const std::vector<Var<double>>&)>;

// Checks d f / d inputs. f must be deterministic and differentiable at the
// inputs (away from kinks such as relu at 0). Throws std::invalid_argument
// when f's output is not finite at the inputs.
GradcheckResult gradcheck(const GradcheckFn& f,
                          const std::vector<Tensor<double>>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace losslab
