// JSON form of the metric results, for nlohmann::json (found by ADL):
//   nlohmann::json j = evaluate(probs, labels, K);
//
// Field names equal the struct member names. The confusion matrix becomes a
// K x K array of arrays (rows true, columns predicted). NaN (an undefined
// metric) is written by nlohmann::json as null, so readers must accept null
// wherever a number is expected; the *_undefined_classes counts say why.
#pragma once

#include <nlohmann/json.hpp>

#include "metrics/evaluation.h"

namespace losslab {

void to_json(nlohmann::json& j, const ConfusionMatrix& cm);
void to_json(nlohmann::json& j, const ReliabilityBin& bin);
void to_json(nlohmann::json& j, const Evaluation& e);

}  // namespace losslab
