#include "metrics/json.h"

namespace losslab {

void to_json(nlohmann::json& j, const ConfusionMatrix& cm) {
  j = nlohmann::json::array();
  for (int t = 0; t < cm.num_classes; ++t) {
    nlohmann::json row = nlohmann::json::array();
    for (int p = 0; p < cm.num_classes; ++p) row.push_back(cm.at(t, p));
    j.push_back(std::move(row));
  }
}

void to_json(nlohmann::json& j, const ReliabilityBin& bin) {
  j = nlohmann::json{{"lower", bin.lower},
                     {"upper", bin.upper},
                     {"count", bin.count},
                     {"mean_confidence", bin.mean_confidence},
                     {"accuracy", bin.accuracy}};
}

void to_json(nlohmann::json& j, const Evaluation& e) {
  j = nlohmann::json{
      {"num_samples", e.num_samples},
      {"num_classes", e.num_classes},
      {"accuracy", e.accuracy},
      {"balanced_accuracy", e.balanced_accuracy},
      {"macro_f1", e.macro_f1},
      {"weighted_f1", e.weighted_f1},
      {"precision", e.precision},
      {"recall", e.recall},
      {"f1", e.f1},
      {"support", e.support},
      {"confusion", e.confusion},
      {"roc_auc", e.roc_auc},
      {"roc_auc_per_class", e.roc_auc_per_class},
      {"roc_auc_undefined_classes", e.roc_auc_undefined_classes},
      {"average_precision", e.average_precision},
      {"average_precision_per_class", e.average_precision_per_class},
      {"average_precision_undefined_classes",
       e.average_precision_undefined_classes},
      {"cross_entropy", e.cross_entropy},
      {"brier_score", e.brier_score},
      {"mean_entropy", e.mean_entropy},
      {"ece", e.ece},
      {"reliability", e.reliability},
  };
}

}  // namespace losslab
