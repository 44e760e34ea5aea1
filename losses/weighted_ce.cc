// Class weights from counts, and the weighted_ce registry entry.
#include "losses/weighted_ce.h"

#include <cmath>
#include <stdexcept>

#include "losses/registry.h"

namespace losslab {
namespace {

// Every count must be positive: a class never seen in training would get
// an infinite weight.
void check_counts(const char* where, std::span<const std::int64_t> counts) {
  if (counts.empty()) {
    throw std::invalid_argument(std::string(where) +
                                ": no class counts; expected one per class");
  }
  for (std::size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] <= 0) {
      throw std::invalid_argument(
          std::string(where) + ": class " + std::to_string(c) + " has " +
          std::to_string(counts[c]) +
          " training samples; expected at least 1 per class");
    }
  }
}

// The weights, checked under weighted_ce's name before the base class
// checks them again as ce's.
std::vector<double> checked_weights(std::vector<double> w) {
  if (w.empty()) {
    throw std::invalid_argument(
        "weighted_ce: no class weights; expected one per class");
  }
  check_class_weights("weighted_ce", w);
  return w;
}

std::string join_weights(const std::vector<double>& w) {
  std::string out;
  for (double x : w) {
    if (!out.empty()) out += ';';
    out += spec_number(x);
  }
  return out;
}

// Weights for `ctx` from the parsed spec (see the table in the header).
std::vector<double> weights_for(const LossArgs& args, const LossContext& ctx,
                                std::string* spec_params) {
  const std::vector<double> given = args.numbers("weights");
  const std::string mode = args.has("mode") || given.empty()
                               ? args.text("mode")
                               : std::string("given");
  const int K = ctx.num_classes;
  if (mode == "given") {
    if (given.empty() || (K > 0 && given.size() != std::size_t(K))) {
      throw std::invalid_argument(
          "weighted_ce: " + std::to_string(given.size()) +
          " weights given for " + std::to_string(K) +
          " classes; expected weights=w0;w1;... with one per class");
    }
    return given;
  }
  if (!given.empty()) {
    throw std::invalid_argument("weighted_ce: weights= given with mode=" +
                                mode + "; expected mode=given or no mode");
  }
  if (mode != "inverse" && mode != "effective") {
    throw std::invalid_argument("weighted_ce: mode '" + mode +
                                "' is unknown; expected given, inverse or "
                                "effective");
  }
  if (ctx.class_counts.size() != std::size_t(K)) {
    throw std::invalid_argument(
        "weighted_ce: mode=" + mode + " needs training counts for " +
        std::to_string(K) + " classes, got " +
        std::to_string(ctx.class_counts.size()) + " counts");
  }
  *spec_params = "mode=" + mode;
  if (mode == "inverse") return inverse_frequency_weights(ctx.class_counts);
  const double beta = args.number("beta");
  *spec_params += ",beta=" + spec_number(beta);
  return effective_number_weights(ctx.class_counts, beta);
}

}  // namespace

std::vector<double> inverse_frequency_weights(
    std::span<const std::int64_t> counts) {
  check_counts("inverse_frequency_weights", counts);
  double n = 0;
  for (std::int64_t c : counts) n += double(c);
  const double K = double(counts.size());
  std::vector<double> w;
  for (std::int64_t c : counts) w.push_back(n / (K * double(c)));
  return w;
}

std::vector<double> effective_number_weights(
    std::span<const std::int64_t> counts, double beta) {
  check_counts("effective_number_weights", counts);
  if (!(beta >= 0 && beta < 1)) {
    throw std::invalid_argument("effective_number_weights: beta " +
                                spec_number(beta) +
                                " is outside [0, 1); expected e.g. 0.999");
  }
  // 1 / E_c = (1 - beta) / (1 - beta^n_c); 1 - beta^n = -expm1(n log beta)
  // keeps its digits when beta^n is close to 1.
  std::vector<double> w;
  double total = 0;
  for (std::int64_t c : counts) {
    double one_minus_pow =
        beta == 0 ? 1.0 : -std::expm1(double(c) * std::log(beta));
    w.push_back((1 - beta) / one_minus_pow);
    total += w.back();
  }
  const double K = double(counts.size());
  for (double& x : w) x *= K / total;
  return w;
}

WeightedCrossEntropy::WeightedCrossEntropy(std::vector<double> class_weights,
                                           std::string spec_params)
    : SoftmaxCrossEntropy({0.0, checked_weights(class_weights)}),
      spec_params_(spec_params.empty()
                       ? "weights=" + join_weights(class_weights)
                       : std::move(spec_params)) {}

std::string WeightedCrossEntropy::spec() const {
  return "weighted_ce:" + spec_params_;
}

LossEntry WeightedCrossEntropy::entry() {
  return {{"weighted_ce",
           "class-weighted softmax cross-entropy; mean divides by the sum "
           "of target weights",
           {{"weights", "",
             "class weights w0;w1;..., each in [0, 1e30] (sets mode=given)"},
            {"mode", "inverse",
             "given | inverse (n / (K n_c)) | effective (Cui et al. 2019)"},
            {"beta", "0.999", "beta of the effective number, in [0, 1)"}}},
          [](const LossArgs& args,
             const LossContext& ctx) -> std::unique_ptr<Loss> {
            std::string spec_params;
            std::vector<double> w = weights_for(args, ctx, &spec_params);
            return std::make_unique<WeightedCrossEntropy>(std::move(w),
                                                          spec_params);
          }};
}

}  // namespace losslab
