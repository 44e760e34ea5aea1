// The small explanatory commands: `losses`, `curves` and `constant`. Each
// computes its figures with the engine and the registered losses, so what
// they show is what training uses.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "app/commands.h"
#include "train/plot.h"
#include "autograd/ops.h"
#include "losses/registry.h"
#include "nn/adam.h"
#include "nn/schedule.h"
#include "train/atomic_file.h"

namespace losslab::app {
namespace {

// The binary losses compared by `curves` and `constant`, each on one
// sigmoid output p = s(z).
struct BinaryLoss {
  const char* column;
  const char* spec;
};
constexpr BinaryLoss kBinaryLosses[] = {
    {"bce", "bce"}, {"mse", "mse:link=sigmoid"}, {"l1", "l1:link=sigmoid"}};

std::unique_ptr<Loss> binary_loss(const char* spec) {
  LossContext context;
  context.num_classes = 2;
  return make_loss(spec, context);
}

// ---------------------------------------------------------------------------
// curves
// ---------------------------------------------------------------------------

struct CurvePoint {
  int target;
  double prob;
  std::vector<double> value, grad;  // one per kBinaryLosses entry
};

// Loss and d loss / d p for every p in `probs` (P x 1) at one target. p is
// a leaf; z = log p - log(1 - p) turns it into the logit the loss expects,
// so the gradient reaches p through the loss's own backward rules.
void evaluate_curves(const std::vector<double>& probs, int target,
                     std::vector<CurvePoint>& out) {
  const int P = int(probs.size());
  std::vector<int> targets(P, target);
  std::size_t first = out.size();
  for (int i = 0; i < P; ++i) out.push_back({target, probs[i], {}, {}});
  for (const BinaryLoss& b : kBinaryLosses) {
    std::unique_ptr<Loss> loss = binary_loss(b.spec);
    Tape<double> tape;
    Var<double> p = tape.variable(Tensor<double>(P, 1, probs));
    Var<double> z = log(p) - log(1.0 - p);
    Var<double> l = loss->forward(z, targets, {}, Reduction::kNone);  // P x 1
    tape.backward(l, Tensor<double>(P, 1, 1.0));
    for (int i = 0; i < P; ++i) {
      out[first + i].value.push_back(l.value()[i]);
      out[first + i].grad.push_back(p.grad()[i]);
    }
  }
}

int run_curves(const std::string& dir, bool plot) {
  // p = 0.01, 0.02, ..., 0.99: i / 100 is exactly the double nearest each,
  // so p = 0.9 is on the grid.
  std::vector<double> probs;
  for (int i = 1; i <= 99; ++i) probs.push_back(i / 100.0);
  std::vector<CurvePoint> points;
  evaluate_curves(probs, 0, points);
  evaluate_curves(probs, 1, points);

  std::string csv = "target,prob";
  for (const BinaryLoss& b : kBinaryLosses) {
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
  std::filesystem::create_directories(dir);
  write_file_atomically(dir + "/curves.csv", csv);

  // The worked example: a confident wrong prediction, y = 0 and p = 0.9.
  const CurvePoint& ex = points[89];
  std::printf("A confidently wrong prediction: target y = 0, p = %.1f\n",
              ex.prob);
  for (std::size_t k = 0; k < ex.value.size(); ++k) {
    std::printf("  %-4s loss %7.4f   d loss / d p %8.4f\n",
                kBinaryLosses[k].column, ex.value[k], ex.grad[k]);
  }
  std::printf("BCE pushes %.1fx harder than MSE here.\n",
              ex.grad[0] / ex.grad[1]);
  std::printf("wrote %s/curves.csv\n", dir.c_str());
  if (plot) {
    plot_curves(dir + "/curves.csv", dir + "/loss_vs_prob.png", false);
    plot_curves(dir + "/curves.csv", dir + "/grad_vs_prob.png", true);
    std::printf("wrote %s/loss_vs_prob.png and %s/grad_vs_prob.png\n",
                dir.c_str(), dir.c_str());
  }
  return 0;
}

// ---------------------------------------------------------------------------
// constant
// ---------------------------------------------------------------------------

// Fits one logit theta, predicting p = s(theta) for every sample, to N
// labels with the given positive rate, by Adam with a cosine-decayed rate.
double fit_constant(const Loss& loss, const std::vector<int>& labels,
                    int steps) {
  const int N = int(labels.size());
  Parameter<double> theta(Tensor<double>(1, 1, 0.0));
  Adam<double> adam({{"theta", &theta}}, AdamOptions{.lr = 0.1});
  CosineLr schedule(0.1, steps);
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
  double t = theta.value[0];
  return t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t));
}

int run_constant(double rate, int samples, int steps) {
  if (!(rate >= 0 && rate <= 1)) {
    throw std::invalid_argument(
        fmt::format("constant: expected a positive rate in [0, 1], got {}",
                    rate));
  }
  const int positives = int(std::lround(rate * samples));
  std::vector<int> labels(samples, 0);
  for (int i = 0; i < positives; ++i) labels[i] = 1;
  const double mean = double(positives) / samples;
  const double median = positives * 2 > samples ? 1.0 : 0.0;

  std::printf("Labels: %d of %d positive (rate %.4f). The best constant "
              "probability p:\n",
              positives, samples, mean);
  std::printf("  %-4s %-12s %-12s %s\n", "loss", "found", "closed form",
              "what it is");
  const char* what[] = {"the mean", "the mean", "the median"};
  const double closed[] = {mean, mean, median};
  for (int k = 0; k < 3; ++k) {
    std::unique_ptr<Loss> loss = binary_loss(kBinaryLosses[k].spec);
    double p = fit_constant(*loss, labels, steps);
    std::printf("  %-4s %-12.6f %-12.6f %s\n", kBinaryLosses[k].column, p,
                closed[k], what[k]);
  }
  std::printf("L1 predicts the majority class for every sample: accuracy "
              "%.1f%%, minority recall 0.\n",
              100.0 * (1 - mean));
  return 0;
}

}  // namespace

Command add_losses_command(CLI::App& app) {
  return [] {
    std::cout << describe_losses();
    return 0;
  };
}

Command add_curves_command(CLI::App& app) {
  auto dir = std::make_shared<std::string>("runs/curves");
  auto no_plot = std::make_shared<bool>(false);
  app.add_option("--out", *dir, "output directory")->capture_default_str();
  app.add_flag("--no-plot", *no_plot, "write the CSV only (no gnuplot)");
  return [dir, no_plot] { return run_curves(*dir, !*no_plot); };
}

Command add_constant_command(CLI::App& app) {
  auto rate = std::make_shared<double>(0.01);
  auto samples = std::make_shared<int>(1000);
  auto steps = std::make_shared<int>(3000);
  app.add_option("--positive-rate", *rate, "fraction of positive labels")
      ->capture_default_str();
  app.add_option("--samples", *samples, "number of labels")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--steps", *steps, "gradient steps")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  return [=] { return run_constant(*rate, *samples, *steps); };
}

}  // namespace losslab::app
