// The small explanatory commands: `losses`, `curves` and `constant`. Each
// computes its figures with the engine and the registered losses, so what
// they show is what training uses.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "app/commands.h"
#include "losses/registry.h"
#include "train/atomic_file.h"
#include "train/explain.h"
#include "train/plot.h"

namespace losslab::app {
namespace {

int run_curves(const std::string& dir, bool plot) {
  // p = 0.01, 0.02, ..., 0.99: i / 100 is exactly the double nearest each,
  // so p = 0.9 is on the grid.
  std::vector<double> probs;
  for (int i = 1; i <= 99; ++i) probs.push_back(i / 100.0);
  std::vector<CurvePoint> points = loss_curves(probs);
  std::filesystem::create_directories(dir);
  write_file_atomically(dir + "/curves.csv", curves_csv(points));

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

int run_constant(double rate, int samples, int steps) {
  std::vector<ConstantFit> fits = best_constant(rate, samples, steps);
  const int positives = int(std::lround(rate * samples));
  std::printf(
      "Labels: %d of %d positive. The best constant probability "
      "p under each loss:\n",
      positives, samples);
  std::printf("  %-4s %-12s %-12s\n", "loss", "found", "closed form");
  for (const ConstantFit& f : fits) {
    const char* what = f.loss == "l1" ? "the median" : "the mean";
    std::printf("  %-4s %-12.6f %-12.6f %s\n", f.loss.c_str(), f.found,
                f.closed_form, what);
  }
  std::printf(
      "Under L1 every sample gets the majority class: accuracy "
      "%.1f%%, minority recall 0.\n",
      100.0 * std::max(positives, samples - positives) / samples);
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
  // Bounded: the fit keeps every label and prediction in memory, and two
  // billion of them exhaust the machine long before the answer differs
  // from that at ten million.
  app.add_option("--samples", *samples, "number of labels")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--steps", *steps, "gradient steps")
      ->capture_default_str()
      ->check(positive_count());
  return [=] { return run_constant(*rate, *samples, *steps); };
}

}  // namespace losslab::app
