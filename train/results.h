// JSON forms of a run's configuration and results, as written to run.json
// and to study results. Every number a run prints is also recorded here.
#pragma once

#include <nlohmann/json.hpp>

#include "train/setup.h"
#include "train/trainer.h"

namespace losslab {

nlohmann::json to_json(const TrainConfig& config);
nlohmann::json to_json(const DataConfig& config);
nlohmann::json to_json(const EpochRecord& record);
// {"model", "num_parameters", "epochs": [...], "final": {...},
//  "best_test_accuracy", "best_epoch", "seconds"}
nlohmann::json to_json(const TrainResult& result);

}  // namespace losslab
