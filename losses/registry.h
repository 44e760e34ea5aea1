// The loss registry: builds any loss from a spec string, and lists them.
//
// A spec is a name, optionally followed by ':' and comma-separated
// key=value parameters:
//   "ce"   "ce:smoothing=0.1"   "focal:gamma=2,alpha=0.25"
//   "weighted_ce:weights=1;2;3"   "weighted_ce:mode=effective,beta=0.999"
// Spaces around names, keys and values are ignored. A list value is
// ';'-separated. A parameter left out takes its default; list_losses()
// shows every loss with its parameters and defaults.
//
// Each loss registers itself by one line in the table in registry.cc,
// `MyLoss::entry(),` (see "how to add a loss" in losses/loss.h). There is
// no other list of losses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "losses/loss.h"

namespace losslab {

// What a loss may need to know about the task when it is built.
struct LossContext {
  // K, the number of classes; 0 when unknown (losses that need it throw).
  int num_classes = 0;
  // Training samples per class, K values; empty when not supplied. Used by
  // losses whose weights derive from class frequencies.
  std::vector<std::int64_t> class_counts;
};

struct LossParam {
  std::string name;
  std::string default_value;  // as written in a spec; "" = not set
  std::string help;
};

struct LossInfo {
  std::string name;
  std::string help;  // one line
  std::vector<LossParam> params;
};

// The parameters of one spec, checked against the loss's LossInfo: every
// key is a declared parameter, none is given twice.
class LossArgs {
 public:
  // Throws std::invalid_argument for an undeclared or repeated key.
  LossArgs(const LossInfo& info,
           std::vector<std::pair<std::string, std::string>> given);

  const std::string& loss_name() const { return info_->name; }
  // Whether the spec set `key` explicitly.
  bool has(std::string_view key) const;
  // The value given for `key`, or its default.
  const std::string& text(std::string_view key) const;
  // text(key) as a number that fits float: 0 or a magnitude in
  // [kFloatMin, kFloatMax] (losses/loss.h), since losses compute in float.
  // Throws std::invalid_argument for text that is not a finite decimal,
  // and for a value outside that range, naming the loss, the parameter,
  // the text and the range.
  double number(std::string_view key) const;
  // text(key) as a ';'-separated list of such numbers ("" gives {}); an
  // error names the item's index.
  std::vector<double> numbers(std::string_view key) const;

 private:
  const LossParam& param(std::string_view key) const;

  const LossInfo* info_;
  std::vector<std::pair<std::string, std::string>> given_;
};

// Builds a loss from parsed parameters; throws std::invalid_argument for
// a bad value.
using LossFactory = std::unique_ptr<Loss> (*)(const LossArgs& args,
                                              const LossContext& ctx);

struct LossEntry {
  LossInfo info;
  LossFactory make = nullptr;
};

// Builds the loss named by `spec`. Throws std::invalid_argument for a
// malformed spec, an unknown name (the message lists every loss), an
// unknown parameter (the message lists the loss's parameters), a number
// that does not fit float, or a value outside the loss's range.
std::unique_ptr<Loss> make_loss(std::string_view spec, const LossContext& ctx);

// Every registered loss, sorted by name, with its parameters and defaults.
std::vector<LossInfo> list_losses();

// list_losses() as text for a terminal, one block per loss:
//   focal      focal loss (Lin et al. 2017) ...
//                gamma=2       focusing exponent, >= 0
std::string describe_losses();

}  // namespace losslab
