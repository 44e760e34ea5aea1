#include "train/explain.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "autograd/ops.h"
#include "losses/registry.h"
#include "nn/adam.h"
#include "nn/schedule.h"

namespace losslab {

const BinaryLossSpec kBinaryLosses[3] = {
    {"bce", "bce"}, {"mse", "mse:link=sigmoid"}, {"l1", "l1:link=sigmoid"}};

namespace {

std::unique_ptr<Loss> binary_loss(const char* spec) {
  LossContext context;
  context.num_classes = 2;
  return make_loss(spec, context);
}

void add_curves(std::span<const double> probs, int target,
                std::vector<CurvePoint>& out) {
  const int P = int(probs.size());
  const std::vector<int> targets(P, target);
  const std::size_t first = out.size();
  for (int i = 0; i < P; ++i) out.push_back({target, probs[i], {}, {}});
  for (const BinaryLossSpec& b : kBinaryLosses) {
    std::unique_ptr<Loss> loss = binary_loss(b.spec);
    // p (P x 1) -> z = logit(p) (P x 1) -> per-sample loss (P x 1).
    Tape<double> tape;
    Var<double> p = tape.variable(
        Tensor<double>(P, 1, std::vector<double>(probs.begin(), probs.end())));
    Var<double> z = log(p) - log(1.0 - p);
    Var<double> l = loss->forward(z, targets, {}, Reduction::kNone);
    // Rows are independent, so a seed of ones gives each row's d l / d p.
    tape.backward(l, Tensor<double>(P, 1, 1.0));
    for (int i = 0; i < P; ++i) {
      out[first + i].value.push_back(l.value()[i]);
      out[first + i].grad.push_back(p.grad()[i]);
    }
  }
}

double sigmoid(double t) {
  return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t));
}

double fit_constant(const Loss& loss, const std::vector<int>& labels,
                    int steps) {
  const int N = int(labels.size());
  constexpr double kLr = 0.1;
  Parameter<double> theta(Tensor<double>(1, 1, 0.0));
  // beta2 = 0.99 forgets the large early gradients sooner than the default
  // 0.999, so the steps do not shrink long before the optimum.
  Adam<double> adam({{"theta", &theta}}, AdamOptions{.lr = kLr, .beta2 = 0.99});
  CosineLr schedule(kLr, steps);
  Tensor<double> ones(N, 1, 1.0);
  Tape<double> tape;
  for (int step = 0; step < steps; ++step) {
    // logits (N x 1) = ones (N x 1) . theta (1 x 1)
    tape.clear();
    Var<double> logits = matmul(tape.constant_ref(ones), tape.param(theta));
    adam.zero_grad();
    tape.backward(loss.forward(logits, labels, {}, Reduction::kMean));
    adam.set_lr(schedule.lr(step));
    adam.step();
  }
  return sigmoid(theta.value[0]);
}

}  // namespace

std::vector<CurvePoint> loss_curves(std::span<const double> probs) {
  for (double p : probs) {
    if (!(p > 0 && p < 1)) {
      throw std::invalid_argument(fmt::format(
          "loss_curves: expected probabilities in (0, 1), got {}", p));
    }
  }
  std::vector<CurvePoint> points;
  add_curves(probs, 0, points);
  add_curves(probs, 1, points);
  return points;
}

std::string curves_csv(const std::vector<CurvePoint>& points) {
  std::string csv = "target,prob";
  for (const BinaryLossSpec& b : kBinaryLosses) {
    csv += fmt::format(",{0},{0}_grad", b.column);
  }
  csv += "\n";
  for (const CurvePoint& pt : points) {
    csv += fmt::format("{},{}", pt.target, pt.prob);
    for (std::size_t k = 0; k < pt.value.size(); ++k) {
      csv += fmt::format(",{:.9g},{:.9g}", pt.value[k], pt.grad[k]);
    }
    csv += "\n";
  }
  return csv;
}

std::vector<ConstantFit> best_constant(double rate, int samples, int steps) {
  if (!(rate >= 0 && rate <= 1) || samples < 1 || steps < 1) {
    throw std::invalid_argument(fmt::format(
        "best_constant: expected 0 <= rate <= 1 and positive samples and "
        "steps, got rate {}, samples {}, steps {}",
        rate, samples, steps));
  }
  const int positives = int(std::lround(rate * samples));
  std::vector<int> labels(samples, 0);
  for (int i = 0; i < positives; ++i) labels[i] = 1;
  const double mean = double(positives) / samples;
  // The median of 0/1 labels: 1 when most are positive, 0 when most are
  // negative (any value in [0, 1] minimises L1 at exactly half).
  const double median = positives * 2 > samples ? 1.0 : 0.0;
  const double closed[] = {mean, mean, median};
  std::vector<ConstantFit> fits;
  for (int k = 0; k < 3; ++k) {
    std::unique_ptr<Loss> loss = binary_loss(kBinaryLosses[k].spec);
    fits.push_back({kBinaryLosses[k].column, fit_constant(*loss, labels, steps),
                    closed[k]});
  }
  return fits;
}

}  // namespace losslab
