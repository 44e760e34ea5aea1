// The two explanatory experiments of the binary comparison, computed with
// the engine and the registered losses (not with closed forms):
//
//   loss_curves: BCE, MSE and L1 on one sigmoid output as functions of the
//     predicted probability p, with d loss / d p from the tape.
//   best_constant: the constant probability each loss settles on for labels
//     with a given positive rate, found by gradient descent.
//
// The losses compared are kBinaryLosses: "bce", "mse:link=sigmoid" and
// "l1:link=sigmoid", all with one output for K = 2.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace losslab {

struct BinaryLossSpec {
  const char* column;  // short name, used as a CSV column
  const char* spec;    // registry spec
};
extern const BinaryLossSpec kBinaryLosses[3];

struct CurvePoint {
  int target = 0;   // y, 0 or 1
  double prob = 0;  // p
  // One entry per kBinaryLosses loss: the loss at p and d loss / d p.
  std::vector<double> value, grad;
};

// For every p in `probs` (each in (0, 1)) and each target 0 and 1, in that
// order. p is a leaf and z = log p - log(1 - p) the logit given to the
// loss, so the gradient reaches p through the losses' own backward rules.
// Throws std::invalid_argument for p outside (0, 1).
std::vector<CurvePoint> loss_curves(std::span<const double> probs);

// curves.csv: target,prob,bce,bce_grad,mse,mse_grad,l1,l1_grad.
std::string curves_csv(const std::vector<CurvePoint>& points);

struct ConstantFit {
  std::string loss;        // column name
  double found = 0;        // the fitted constant probability
  double closed_form = 0;  // the mean (bce, mse) or the median (l1)
};

// Fits one logit theta (prediction p = s(theta) for every sample) to
// `samples` labels of which round(rate * samples) are positive, under each
// binary loss, with Adam and a cosine-decayed rate for `steps` steps.
// Throws std::invalid_argument unless 0 <= rate <= 1 and samples, steps
// are positive.
std::vector<ConstantFit> best_constant(double rate, int samples, int steps);

}  // namespace losslab
