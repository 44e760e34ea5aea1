#include "train/results.h"

#include <cmath>

#include "metrics/json.h"

namespace losslab {
namespace {

// JSON has no NaN: undefined values (no noisy samples, say) become null.
nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const TrainConfig& c) {
  return {{"hidden", c.hidden},
          {"activation", c.activation},
          {"dropout", c.dropout},
          {"loss", c.loss},
          {"optimizer",
           {{"kind", c.optimizer.kind},
            {"lr", c.optimizer.lr},
            {"momentum", c.optimizer.momentum},
            {"nesterov", c.optimizer.nesterov},
            {"weight_decay", c.optimizer.weight_decay},
            {"beta1", c.optimizer.beta1},
            {"beta2", c.optimizer.beta2},
            {"eps", c.optimizer.eps}}},
          {"schedule", c.schedule},
          {"warmup_epochs", c.warmup_epochs},
          {"clip_norm", c.clip_norm},
          {"epochs", c.epochs},
          {"batch_size", c.batch_size},
          {"drop_last", c.drop_last},
          {"seed", c.seed},
          {"detect_anomaly", c.detect_anomaly},
          {"flush_denormals", c.flush_denormals}};
}

nlohmann::json to_json(const DataConfig& c) {
  return {{"dataset", c.dataset},
          {"data_dir", c.data_dir},
          {"label_column", c.label_column},
          {"synthetic_samples", c.synthetic_samples},
          {"train_subset", c.train_subset},
          {"imbalance", c.imbalance},
          {"noise", c.noise},
          {"seed", c.seed}};
}

nlohmann::json to_json(const EpochRecord& r) {
  nlohmann::json test;
  to_json(test, r.test);
  return {{"epoch", r.epoch},
          {"train_loss", number(r.train_loss)},
          {"lr", r.lr},
          {"seconds", r.seconds},
          {"samples_per_second", r.samples_per_second},
          {"noisy_fit", number(r.noisy_fit)},
          {"noisy_grad_share", number(r.noisy_grad_share)},
          {"test", test}};
}

nlohmann::json to_json(const TrainResult& r) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochRecord& e : r.epochs) epochs.push_back(to_json(e));
  nlohmann::json final_test;
  if (!r.epochs.empty()) to_json(final_test, r.final_test);
  return {{"model", r.model_spec},
          {"num_parameters", r.num_parameters},
          {"epochs", epochs},
          {"final", final_test},
          {"best_test_accuracy", r.best_test_accuracy},
          {"best_epoch", r.best_epoch},
          {"seconds", r.seconds}};
}

}  // namespace losslab
