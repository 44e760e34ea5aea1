// The table of losses, spec parsing and listing.
#include "losses/registry.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "autograd/check.h"
#include "losses/bce.h"
#include "losses/bce_prob.h"
#include "losses/cross_entropy.h"
#include "losses/focal.h"
#include "losses/generalized_ce.h"
#include "losses/l1.h"
#include "losses/mse.h"
#include "losses/symmetric_ce.h"
#include "losses/weighted_bce.h"
#include "losses/weighted_ce.h"

namespace losslab {
namespace {

// The registry: one line per loss.
const std::vector<LossEntry>& entries() {
  static const std::vector<LossEntry> table = [] {
    std::vector<LossEntry> t = {
        SoftmaxCrossEntropy::entry(),
        BceWithLogits::entry(),
        BceOnProbabilities::entry(),
        MseLoss::entry(),
        L1Loss::entry(),
        WeightedCrossEntropy::entry(),
        WeightedBce::entry(),
        FocalLoss::entry(),
        GeneralizedCrossEntropy::entry(),
        SymmetricCrossEntropy::entry(),
    };
    std::sort(t.begin(), t.end(), [](const LossEntry& a, const LossEntry& b) {
      return a.info.name < b.info.name;
    });
    for (std::size_t i = 1; i < t.size(); ++i) {
      LOSSLAB_CHECK(t[i - 1].info.name != t[i].info.name,
                    << "loss registered twice: " << t[i].info.name);
    }
    return t;
  }();
  return table;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::string loss_names() {
  std::string out;
  for (const LossEntry& e : entries()) {
    if (!out.empty()) out += ", ";
    out += e.info.name;
  }
  return out;
}

std::string param_names(const LossInfo& info) {
  if (info.params.empty()) return "none (it takes no parameters)";
  std::string out;
  for (const LossParam& p : info.params) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

// Splits "k=v,k=v" into pairs; `spec` is only for messages.
std::vector<std::pair<std::string, std::string>> parse_params(
    std::string_view text, std::string_view spec) {
  std::vector<std::pair<std::string, std::string>> out;
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    std::size_t eq = item.find('=');
    std::string_view key = trim(item.substr(0, eq));
    if (eq == std::string_view::npos || key.empty()) {
      throw std::invalid_argument("make_loss: parameter '" + std::string(item) +
                                  "' in spec '" + std::string(spec) +
                                  "' is not key=value");
    }
    out.emplace_back(std::string(key), std::string(trim(item.substr(eq + 1))));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// A spec number: a finite decimal that fits float (fits_float in
// losses/loss.h), since every loss computes in float. Checked here, where
// every loss's parameters pass, so no loss can forget it; each loss then
// checks its own range.
double parse_number(std::string_view text, const std::string& where) {
  std::string_view t = trim(text);
  double x = 0;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), x);
  // from_chars reports a decimal past the range of double (1e400, 1e-400)
  // as out of range but still consumes it: a range error, not a syntax one.
  const bool out_of_double = ec == std::errc::result_out_of_range;
  if (t.empty() || (ec != std::errc() && !out_of_double) ||
      end != t.data() + t.size() || std::isnan(x) || std::isinf(x)) {
    throw std::invalid_argument(where + "='" + std::string(text) +
                                "' is not a number; expected a finite "
                                "decimal such as 0.25");
  }
  if (out_of_double || !fits_float(x)) {
    throw std::invalid_argument(
        where + "='" + std::string(text) +
        "' is outside the float range; expected 0 or a magnitude in [" +
        spec_number(kFloatMin) + ", " + spec_number(kFloatMax) +
        "] (losses compute in float)");
  }
  return x;
}

}  // namespace

// ---------------------------------------------------------------------------
// LossArgs
// ---------------------------------------------------------------------------

LossArgs::LossArgs(const LossInfo& info,
                   std::vector<std::pair<std::string, std::string>> given)
    : info_(&info), given_(std::move(given)) {
  for (std::size_t i = 0; i < given_.size(); ++i) {
    const std::string& key = given_[i].first;
    bool declared =
        std::any_of(info.params.begin(), info.params.end(),
                    [&](const LossParam& p) { return p.name == key; });
    if (!declared) {
      throw std::invalid_argument("make_loss: " + info.name +
                                  " has no parameter '" + key +
                                  "'; expected one of: " + param_names(info));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (given_[j].first == key) {
        throw std::invalid_argument("make_loss: " + info.name +
                                    ": parameter '" + key +
                                    "' is given twice; expected it once");
      }
    }
  }
}

const LossParam& LossArgs::param(std::string_view key) const {
  for (const LossParam& p : info_->params) {
    if (p.name == key) return p;
  }
  LOSSLAB_CHECK(false, << info_->name << " reads undeclared parameter " << key);
  throw;  // unreachable: check_failed aborts
}

bool LossArgs::has(std::string_view key) const {
  param(key);
  return std::any_of(given_.begin(), given_.end(),
                     [&](const auto& kv) { return kv.first == key; });
}

const std::string& LossArgs::text(std::string_view key) const {
  const LossParam& p = param(key);
  for (const auto& kv : given_) {
    if (kv.first == key) return kv.second;
  }
  return p.default_value;
}

double LossArgs::number(std::string_view key) const {
  return parse_number(text(key),
                      info_->name + ": parameter " + std::string(key));
}

std::vector<double> LossArgs::numbers(std::string_view key) const {
  std::string_view t = trim(text(key));
  std::vector<double> out;
  if (t.empty()) return out;
  const std::string where = info_->name + ": parameter " + std::string(key);
  while (true) {
    std::size_t semi = t.find(';');
    out.push_back(parse_number(t.substr(0, semi),
                               where + " item " + std::to_string(out.size())));
    if (semi == std::string_view::npos) break;
    t.remove_prefix(semi + 1);
  }
  return out;
}

// ---------------------------------------------------------------------------
// make_loss and listing
// ---------------------------------------------------------------------------

std::unique_ptr<Loss> make_loss(std::string_view spec, const LossContext& ctx) {
  std::size_t colon = spec.find(':');
  std::string name(trim(spec.substr(0, colon)));
  if (name.empty()) {
    throw std::invalid_argument(
        "make_loss: spec '" + std::string(spec) +
        "' names no loss; expected one of: " + loss_names());
  }
  const std::vector<LossEntry>& table = entries();
  auto it = std::find_if(table.begin(), table.end(), [&](const LossEntry& e) {
    return e.info.name == name;
  });
  if (it == table.end()) {
    throw std::invalid_argument("make_loss: unknown loss '" + name +
                                "' in spec '" + std::string(spec) +
                                "'; expected one of: " + loss_names());
  }
  std::vector<std::pair<std::string, std::string>> given;
  if (colon != std::string_view::npos) {
    given = parse_params(spec.substr(colon + 1), spec);
  }
  LossArgs args(it->info, std::move(given));
  return it->make(args, ctx);
}

std::vector<LossInfo> list_losses() {
  std::vector<LossInfo> out;
  for (const LossEntry& e : entries()) out.push_back(e.info);
  return out;
}

std::string describe_losses() {
  std::string out;
  for (const LossEntry& e : entries()) {
    std::string head = e.info.name;
    head.resize(std::max<std::size_t>(head.size() + 1, 13), ' ');
    out += head + e.info.help + "\n";
    for (const LossParam& p : e.info.params) {
      std::string item = "  " + p.name + "=" + p.default_value;
      item.resize(std::max<std::size_t>(item.size() + 1, 26), ' ');
      out += "             " + item + p.help + "\n";
    }
  }
  return out;
}

}  // namespace losslab
