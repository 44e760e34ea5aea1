#include "train/study.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "losses/registry.h"
#include "train/atomic_file.h"
#include "train/results.h"

namespace losslab {
namespace {

// Bumped when the run file layout or the meaning of a setting changes, so
// that old run files get new keys instead of being misread.
constexpr int kRunFormat = 1;

// ---------------------------------------------------------------------------
// Reading the TOML file
// ---------------------------------------------------------------------------

// Typed access to TOML values with errors that name the file, line and key.
class TomlReader {
 public:
  explicit TomlReader(const std::string& path) : path_(path) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& what) const {
    throw std::invalid_argument(path_ + ":" +
                                std::to_string(node.source().begin.line) +
                                ": " + key + ": " + what);
  }

  std::string type_name(const toml::node& node) const {
    std::ostringstream out;
    out << node.type();
    return out.str();
  }

  std::string string(const toml::node& node, const std::string& key) const {
    if (!node.is_string()) {
      fail(node, key, "expected a string, got " + type_name(node));
    }
    return node.as_string()->get();
  }

  double number(const toml::node& node, const std::string& key) const {
    if (node.is_integer()) return double(node.as_integer()->get());
    if (!node.is_floating_point()) {
      fail(node, key, "expected a number, got " + type_name(node));
    }
    return node.as_floating_point()->get();
  }

  std::int64_t integer(const toml::node& node, const std::string& key,
                       std::int64_t min) const {
    if (!node.is_integer()) {
      fail(node, key, "expected an integer, got " + type_name(node));
    }
    std::int64_t v = node.as_integer()->get();
    if (v < min || v > std::numeric_limits<int>::max()) {
      fail(node, key,
           "expected an integer >= " + std::to_string(min) + ", got " +
               std::to_string(v));
    }
    return v;
  }

  bool boolean(const toml::node& node, const std::string& key) const {
    if (!node.is_boolean()) {
      fail(node, key, "expected true or false, got " + type_name(node));
    }
    return node.as_boolean()->get();
  }

  const toml::table& table(const toml::node& node,
                           const std::string& key) const {
    if (!node.is_table()) {
      fail(node, key, "expected a table, got " + type_name(node));
    }
    return *node.as_table();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

using Setter = std::function<void(const toml::node&, const std::string&)>;

// Applies `setters` to every key of `table`; an unknown key is an error
// that lists the accepted ones.
void read_section(const TomlReader& r, const toml::table& table,
                  const std::string& section,
                  const std::map<std::string, Setter>& setters) {
  for (auto&& [k, node] : table) {
    std::string key = section.empty() ? std::string(k.str())
                                      : section + "." + std::string(k.str());
    auto it = setters.find(std::string(k.str()));
    if (it == setters.end()) {
      std::string known;
      for (auto& [name, _] : setters)
        known += (known.empty() ? "" : ", ") + name;
      r.fail(node, key, "unknown key; expected one of " + known);
    }
    it->second(node, key);
  }
}

Setter set_string(const TomlReader& r, std::string& out) {
  return [&r, &out](const toml::node& n, const std::string& key) {
    out = r.string(n, key);
  };
}

Setter set_number(const TomlReader& r, double& out, double min) {
  return [&r, &out, min](const toml::node& n, const std::string& key) {
    out = r.number(n, key);
    if (!(out >= min) || !std::isfinite(out)) {
      r.fail(n, key,
             "expected a finite number >= " + std::to_string(min) + ", got " +
                 std::to_string(out));
    }
  };
}

Setter set_int(const TomlReader& r, int& out, int min) {
  return [&r, &out, min](const toml::node& n, const std::string& key) {
    out = int(r.integer(n, key, min));
  };
}

Setter set_bool(const TomlReader& r, bool& out) {
  return [&r, &out](const toml::node& n, const std::string& key) {
    out = r.boolean(n, key);
  };
}

void read_data(const TomlReader& r, const toml::node& node, DataConfig& d) {
  read_section(r, r.table(node, "data"), "data",
               {{"dataset", set_string(r, d.dataset)},
                {"data_dir", set_string(r, d.data_dir)},
                {"label_column", set_string(r, d.label_column)},
                {"synthetic_samples", set_int(r, d.synthetic_samples, 1)},
                {"train_subset", set_int(r, d.train_subset, 0)}});
}

void read_model(const TomlReader& r, const toml::node& node, TrainConfig& t) {
  read_section(r, r.table(node, "model"), "model",
               {{"hidden", set_string(r, t.hidden)},
                {"activation", set_string(r, t.activation)},
                {"dropout", set_number(r, t.dropout, 0)}});
}

void read_optimizer(const TomlReader& r, const toml::node& node,
                    OptimizerConfig& o) {
  Setter kind = [&r, &o](const toml::node& n, const std::string& key) {
    o.kind = r.string(n, key);
    if (o.kind != "sgd" && o.kind != "adam" && o.kind != "adamw") {
      r.fail(n, key, "expected sgd, adam or adamw, got '" + o.kind + "'");
    }
  };
  read_section(r, r.table(node, "optimizer"), "optimizer",
               {{"kind", kind},
                {"lr", set_number(r, o.lr, 0)},
                {"momentum", set_number(r, o.momentum, 0)},
                {"nesterov", set_bool(r, o.nesterov)},
                {"weight_decay", set_number(r, o.weight_decay, 0)},
                {"beta1", set_number(r, o.beta1, 0)},
                {"beta2", set_number(r, o.beta2, 0)},
                {"eps", set_number(r, o.eps, 0)}});
}

void read_training(const TomlReader& r, const toml::node& node,
                   TrainConfig& t) {
  read_section(r, r.table(node, "training"), "training",
               {{"epochs", set_int(r, t.epochs, 1)},
                {"batch_size", set_int(r, t.batch_size, 1)},
                {"schedule", set_string(r, t.schedule)},
                {"warmup_epochs", set_number(r, t.warmup_epochs, 0)},
                {"clip_norm", set_number(r, t.clip_norm, 0)},
                {"drop_last", set_bool(r, t.drop_last)},
                {"track_noise", set_bool(r, t.track_noise)}});
}

// A non-empty array of strings, each with its line.
Setter set_specs(const TomlReader& r, std::vector<StudyGrid::Item>& out) {
  return [&r, &out](const toml::node& n, const std::string& key) {
    if (!n.is_array() || n.as_array()->empty()) {
      r.fail(n, key,
             "expected a non-empty array of strings, got " + r.type_name(n));
    }
    for (const toml::node& item : *n.as_array()) {
      out.push_back({r.string(item, key), int(item.source().begin.line)});
    }
  };
}

Setter set_seeds(const TomlReader& r, std::vector<std::uint64_t>& out) {
  return [&r, &out](const toml::node& n, const std::string& key) {
    if (!n.is_array() || n.as_array()->empty()) {
      r.fail(n, key,
             "expected a non-empty array of integers, got " + r.type_name(n));
    }
    for (const toml::node& item : *n.as_array()) {
      out.push_back(std::uint64_t(r.integer(item, key, 0)));
    }
  };
}

StudyGrid read_grid(const TomlReader& r, const toml::node& node,
                    const std::string& name) {
  StudyGrid g;
  g.line = int(node.source().begin.line);
  read_section(r, r.table(node, name), name,
               {{"losses", set_specs(r, g.losses)},
                {"imbalance", set_specs(r, g.imbalance)},
                {"noise", set_specs(r, g.noise)},
                {"seeds", set_seeds(r, g.seeds)},
                {"train_subset", set_int(r, g.train_subset, 0)},
                {"epochs", set_int(r, g.epochs, 1)}});
  if (g.losses.empty()) r.fail(node, name, "missing key 'losses'");
  if (g.imbalance.empty()) g.imbalance.push_back({"none", g.line});
  if (g.noise.empty()) g.noise.push_back({"none", g.line});
  if (g.seeds.empty()) g.seeds.push_back(0);
  return g;
}

void read_grids(const TomlReader& r, const toml::node& node,
                std::vector<StudyGrid>& grids) {
  if (!node.is_array_of_tables()) {
    r.fail(node, "grid", "expected [[grid]] tables, got " + r.type_name(node));
  }
  int i = 0;
  for (const toml::node& g : *node.as_array()) {
    grids.push_back(read_grid(r, g, "grid[" + std::to_string(i++) + "]"));
  }
}

// 64-bit FNV-1a: a simple, stable hash (std::hash is not stable across
// standard libraries), ample for telling a few thousand configs apart.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string where(const Study& study, int line) {
  return study.path + ":" + std::to_string(line);
}

}  // namespace

Study parse_study(std::string_view text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(
        path + ":" + std::to_string(e.source().begin.line) +
        ": invalid TOML: " + std::string(e.description()));
  }
  TomlReader r(path);
  Study s;
  s.path = path;
  bool has_name = false;
  read_section(
      r, root, "",
      {{"name",
        [&](const toml::node& n, const std::string& key) {
          s.name = r.string(n, key);
          has_name = true;
          // The name is the default output directory, runs/NAME: one plain
          // path component, so that it cannot point elsewhere.
          const bool plain = !s.name.empty() && s.name.front() != '.' &&
                             s.name.find_first_not_of(
                                 "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789_.-") == std::string::npos;
          if (!plain) {
            r.fail(n, key,
                   "expected a name of letters, digits, '_', '.' and '-', "
                   "not starting with '.', got \"" +
                       s.name + "\"");
          }
        }},
       {"description", set_string(r, s.description)},
       {"data", [&](const toml::node& n, auto&) { read_data(r, n, s.data); }},
       {"model",
        [&](const toml::node& n, auto&) { read_model(r, n, s.train); }},
       {"optimizer", [&](const toml::node& n,
                         auto&) { read_optimizer(r, n, s.train.optimizer); }},
       {"training",
        [&](const toml::node& n, auto&) { read_training(r, n, s.train); }},
       {"grid",
        [&](const toml::node& n, auto&) { read_grids(r, n, s.grids); }}});
  if (!has_name) {
    throw std::invalid_argument(path +
                                ":1: name: missing; expected a "
                                "study name such as name = \"quick\"");
  }
  if (s.grids.empty()) {
    throw std::invalid_argument(path +
                                ":1: grid: missing; expected at "
                                "least one [[grid]] with losses");
  }
  return s;
}

Study load_study(const std::string& path) {
  std::string text;
  try {
    text = read_file(path);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) +
                             "; HINT: pass a study file such as "
                             "studies/quick.toml");
  }
  return parse_study(text, path);
}

// ---------------------------------------------------------------------------
// Runs and keys
// ---------------------------------------------------------------------------

std::string run_key(const DataConfig& data, const TrainConfig& train) {
  nlohmann::json train_json = to_json(train);
  // Settings that change results but are not in to_json.
  train_json["track_noise"] = train.track_noise;
  nlohmann::json config = {
      {"format", kRunFormat}, {"data", to_json(data)}, {"train", train_json}};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(fnv1a(config.dump())));
  return buf;
}

std::vector<StudyRun> expand_runs(const Study& study) {
  std::vector<StudyRun> runs;
  // (loss, imbalance, noise, seed) -> index in runs.
  std::map<std::tuple<std::string, std::string, std::string, std::uint64_t>,
           int>
      seen;
  for (int g = 0; g < int(study.grids.size()); ++g) {
    const StudyGrid& grid = study.grids[g];
    for (const auto& imbalance : grid.imbalance) {
      for (const auto& noise : grid.noise) {
        for (std::uint64_t seed : grid.seeds) {
          for (const auto& loss : grid.losses) {
            StudyRun run;
            run.loss = loss.spec;
            run.imbalance = imbalance.spec;
            run.noise = noise.spec;
            run.seed = seed;
            run.grid = g;
            run.loss_line = loss.line;
            run.data = study.data;
            run.data.imbalance = imbalance.spec;
            run.data.noise = noise.spec;
            run.data.seed = seed;
            if (grid.train_subset >= 0) {
              run.data.train_subset = grid.train_subset;
            }
            run.train = study.train;
            run.train.loss = loss.spec;
            run.train.seed = seed;
            if (grid.epochs >= 1) run.train.epochs = grid.epochs;
            run.key = run_key(run.data, run.train);

            auto id = std::make_tuple(run.loss, run.imbalance, run.noise, seed);
            auto it = seen.find(id);
            if (it != seen.end()) {
              if (runs[it->second].key == run.key) continue;
              throw std::invalid_argument(
                  where(study, grid.line) + ": grid[" + std::to_string(g) +
                  "]: the run (" + run.loss + ", " + run.imbalance + ", " +
                  run.noise + ", seed " + std::to_string(seed) +
                  ") is also in grid[" + std::to_string(runs[it->second].grid) +
                  "] with other settings; expected each combination once");
            }
            run.index = int(runs.size());
            seen[id] = run.index;
            runs.push_back(std::move(run));
          }
        }
      }
    }
  }
  return runs;
}

nlohmann::json study_json(const Study& study,
                          const std::vector<StudyRun>& runs) {
  nlohmann::json list = nlohmann::json::array();
  for (const StudyRun& r : runs) {
    list.push_back({{"index", r.index},
                    {"key", r.key},
                    {"loss", r.loss},
                    {"imbalance", r.imbalance},
                    {"noise", r.noise},
                    {"seed", r.seed},
                    {"epochs", r.train.epochs},
                    {"train_subset", r.data.train_subset}});
  }
  nlohmann::json train = to_json(study.train);
  train.erase("loss");
  train.erase("seed");
  nlohmann::json data = to_json(study.data);
  for (const char* k : {"imbalance", "noise", "seed"}) data.erase(k);
  return {{"format", kRunFormat},
          {"name", study.name},
          {"description", study.description},
          {"data", data},
          {"train", train},
          {"runs", list}};
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

namespace {

bool is_binary_imbalance(const std::string& spec) {
  return spec.rfind("binary:", 0) == 0;
}

// A tiny separable K-class set (2 samples per class, 3 features) for the
// dry run.
Dataset tiny_set(int K) {
  std::vector<float> x;
  std::vector<int> y;
  for (int i = 0; i < 2 * K; ++i) {
    int k = i % K;
    x.insert(x.end(), {float(k), float(i % 2), 1.0f});
    y.push_back(k);
  }
  return Dataset::from_features(3, std::move(x), std::move(y), K);
}

}  // namespace

void validate_study(const Study& study, const std::vector<StudyRun>& runs) {
  for (const StudyGrid& g : study.grids) {
    for (const auto& item : g.imbalance) {
      try {
        check_imbalance_spec(item.spec);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where(study, item.line) +
                                    ": imbalance: " + e.what());
      }
    }
    for (const auto& item : g.noise) {
      try {
        check_noise_spec(item.spec);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(where(study, item.line) +
                                    ": noise: " + e.what());
      }
    }
  }

  // K of the untransformed dataset, loaded once.
  int base_classes = 0;
  auto classes_of = [&](const StudyRun& run) {
    if (is_binary_imbalance(run.imbalance)) return 2;
    if (base_classes == 0) {
      DataConfig d = study.data;
      d.imbalance = d.noise = "none";
      d.train_subset = 0;
      try {
        base_classes = prepare_data(d).train.num_classes();
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(study.path + ": data: " + e.what());
      }
    }
    return base_classes;
  };

  std::set<std::pair<std::string, int>> checked;
  for (const StudyRun& run : runs) {
    const int K = classes_of(run);
    if (!checked.insert({run.loss + "\n" + std::to_string(run.train.epochs), K})
             .second) {
      continue;
    }
    const std::string at = where(study, run.loss_line) + ": losses: '" +
                           run.loss + "' (K = " + std::to_string(K) + "): ";
    LossContext context;
    context.num_classes = K;
    context.class_counts.assign(K, 1);
    try {
      make_loss(run.loss, context);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(at + e.what());
    }
    // The dry run: one epoch of one batch, so every setting the trainer
    // reads (model, optimizer, schedule) is checked by the trainer itself.
    TrainConfig dry = run.train;
    dry.epochs = 1;
    dry.batch_size = 2 * K;
    dry.drop_last = false;
    dry.checkpoint_path.clear();
    Dataset tiny = tiny_set(K);
    try {
      train(dry, tiny, tiny);
    } catch (const TrainingDiverged&) {
      // Settings were accepted; divergence on 2K points says nothing.
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(at + e.what());
    }
  }

  // Each distinct training set, transforms applied. A spec can be well
  // formed and still not fit the data (a class the set does not have, a
  // ratio that empties a class, asymmetric noise on a set without its
  // class pairs), and the trainer's own checks need the real set (drop_last
  // with a batch larger than it). Seeds are left out of the grouping: they
  // change which samples are drawn, not whether a spec fits. One set is
  // held at a time.
  std::map<std::string, std::vector<const StudyRun*>> by_data;
  for (const StudyRun& run : runs) {
    DataConfig d = run.data;
    d.seed = 0;
    by_data[to_json(d).dump()].push_back(&run);
  }
  for (const auto& [key, group] : by_data) {
    const StudyRun& first = *group.front();
    const std::string at = study.path + ": data (imbalance '" +
                           first.imbalance + "', noise '" + first.noise +
                           "'): ";
    PreparedData data;
    try {
      data = prepare_data(first.data);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(at + e.what());
    }
    std::set<std::string> checked_train;
    for (const StudyRun* run : group) {
      if (!checked_train.insert(to_json(run->train).dump()).second) continue;
      try {
        validate(run->train, data.train, data.test);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(at + e.what());
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

bool run_file_valid(const std::string& path, const std::string& key) {
  if (!std::filesystem::exists(path)) return false;
  try {
    nlohmann::json j = nlohmann::json::parse(read_file(path));
    const std::string status = j.value("status", "");
    return j.value("key", "") == key &&
           (status == "finished" || status == "diverged") &&
           j.contains("result");
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

using Clock = std::chrono::steady_clock;
using DataPtr = std::shared_ptr<const PreparedData>;

// Prepared datasets shared by the runs that use the same DataConfig. The
// first run to ask loads it (outside the lock); the others wait on its
// future. It is dropped when the last run that needs it has taken it.
class DataCache {
 public:
  void expect(const DataConfig& config) { ++users_[key(config)]; }

  DataPtr acquire(const DataConfig& config) {
    const std::string k = key(config);
    std::shared_future<DataPtr> future;
    std::promise<DataPtr> promise;
    bool load = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = loaded_.find(k);
      if (it == loaded_.end()) {
        future = promise.get_future().share();
        loaded_[k] = future;
        load = true;
      } else {
        future = it->second;
      }
      if (--users_[k] == 0) loaded_.erase(k);
    }
    if (load) {
      try {
        promise.set_value(std::make_shared<PreparedData>(prepare_data(config)));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    return future.get();
  }

 private:
  static std::string key(const DataConfig& c) { return to_json(c).dump(); }

  std::mutex mutex_;
  std::map<std::string, int> users_;
  std::map<std::string, std::shared_future<DataPtr>> loaded_;
};

// The smallest class of the training set by clean labels (ties: the
// higher index); class 1 for a binary task.
int minority_class(const Dataset& train) {
  if (train.num_classes() == 2) return 1;
  std::vector<int> counts = train.clean_class_counts();
  int best = 0;
  for (int k = 1; k < int(counts.size()); ++k) {
    if (counts[k] <= counts[best]) best = k;
  }
  return best;
}

nlohmann::json run_record(const Study& study, const StudyRun& run,
                          const PreparedData& data) {
  nlohmann::json train = to_json(run.train);
  train["track_noise"] = run.train.track_noise;
  return {{"format", kRunFormat},
          {"version", LOSSLAB_VERSION},
          {"key", run.key},
          {"index", run.index},
          {"study", study.name},
          {"combination",
           {{"loss", run.loss},
            {"imbalance", run.imbalance},
            {"noise", run.noise},
            {"seed", run.seed}}},
          {"data", to_json(run.data)},
          {"train", train},
          {"data_report", data.report},
          {"minority_class", minority_class(data.train)},
          {"train_class_counts", data.train.clean_class_counts()}};
}

// Shared state of one run_study call.
class Runner {
 public:
  Runner(const Study& study, const StudyOptions& options,
         std::vector<const StudyRun*> todo, int skipped)
      : study_(study), options_(options), todo_(std::move(todo)) {
    summary_.total = int(todo_.size()) + skipped;
    summary_.skipped = skipped;
    for (const StudyRun* run : todo_) cache_.expect(run->data);
  }

  StudySummary run() {
    const int threads = std::max(1, std::min(options_.jobs, int(todo_.size())));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([this] { work(); });
    }
    for (std::thread& w : workers) w.join();
    return summary_;
  }

 private:
  void work() {
    for (;;) {
      int i = next_.fetch_add(1);
      if (i >= int(todo_.size())) return;
      run_one(*todo_[i]);
    }
  }

  void run_one(const StudyRun& run) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_[run.index] = {&run, 0.0};
      report(nullptr);
    }
    const std::string path = options_.out_dir + "/runs/" + run.key + ".json";
    std::string status = "failed", error;
    double accuracy = 0, seconds = 0;
    try {
      DataPtr data = cache_.acquire(run.data);
      nlohmann::json record = run_record(study_, run, *data);
      ProgressFn on_step = [this, &run](const Progress& p) {
        double steps = double(p.steps_per_epoch);
        double f = (p.epoch - 1 + (steps > 0 ? p.step / steps : 1.0)) /
                   std::max(1, p.epochs);
        std::lock_guard<std::mutex> lock(mutex_);
        running_[run.index].fraction = std::clamp(f, 0.0, 1.0);
        if (Clock::now() - last_report_ > std::chrono::milliseconds(100)) {
          report(nullptr);
        }
      };
      try {
        TrainResult result = train(run.train, data->train, data->test, on_step);
        record["status"] = status = "finished";
        record["error"] = nullptr;
        record["result"] = to_json(result);
        accuracy = result.final_test.accuracy;
        seconds = result.seconds;
      } catch (const TrainingDiverged& e) {
        record["status"] = status = "diverged";
        record["error"] = error = e.what();
        record["result"] = to_json(e.partial());
        seconds = e.partial().seconds;
      }
      write_file_atomically(path, record.dump(1) + "\n");
    } catch (const std::exception& e) {
      status = "failed";
      error = e.what();
    }

    std::lock_guard<std::mutex> lock(mutex_);
    running_.erase(run.index);
    if (status == "finished") ++summary_.finished;
    if (status == "diverged") ++summary_.diverged;
    if (status == "failed") {
      summary_.errors.push_back("run " + std::to_string(run.index) + " (" +
                                run.loss + ", " + run.imbalance + ", " +
                                run.noise + ", seed " +
                                std::to_string(run.seed) + "): " + error);
    }
    ++ended_;
    ended_status_ = status;
    ended_error_ = error;
    ended_accuracy_ = accuracy;
    ended_seconds_ = seconds;
    report(&run);
  }

  // Called with mutex_ held.
  void report(const StudyRun* ended) {
    last_report_ = Clock::now();
    if (!options_.progress) return;
    StudyProgress p;
    p.total = summary_.total;
    p.skipped = summary_.skipped;
    p.done = summary_.finished + summary_.diverged;
    p.failed = int(summary_.errors.size());
    double work = ended_;
    for (auto& [index, r] : running_) {
      p.running.push_back({r.run, r.fraction});
      work += r.fraction;
    }
    p.elapsed_seconds =
        std::chrono::duration<double>(Clock::now() - start_).count();
    // Work is counted in runs; the rate so far predicts the rest.
    if (work > 0) {
      p.eta_seconds = p.elapsed_seconds * (int(todo_.size()) - work) / work;
    }
    if (ended != nullptr) {
      p.ended = ended;
      p.ended_status = ended_status_;
      p.ended_error = ended_error_;
      p.ended_test_accuracy = ended_accuracy_;
      p.ended_seconds = ended_seconds_;
    }
    options_.progress(p);
  }

  struct Running {
    const StudyRun* run;
    double fraction;
  };

  const Study& study_;
  const StudyOptions& options_;
  std::vector<const StudyRun*> todo_;
  DataCache cache_;
  std::atomic<int> next_{0};
  std::mutex mutex_;
  std::map<int, Running> running_;
  StudySummary summary_;
  int ended_ = 0;
  std::string ended_status_, ended_error_;
  double ended_accuracy_ = 0, ended_seconds_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_report_{};
};

}  // namespace

StudySummary run_study(const Study& study, const std::vector<StudyRun>& runs,
                       const StudyOptions& options) {
  if (options.jobs < 1) {
    throw std::invalid_argument("study: expected jobs >= 1, got " +
                                std::to_string(options.jobs));
  }
  if (options.shard_count < 1 || options.shard_index < 0 ||
      options.shard_index >= options.shard_count) {
    throw std::invalid_argument(
        "study: expected a shard K/N with 1 <= K <= N, got " +
        std::to_string(options.shard_index + 1) + "/" +
        std::to_string(options.shard_count));
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(options.out_dir) / "runs", ec);
  if (ec) {
    throw std::runtime_error("study: cannot create " + options.out_dir +
                             "/runs: " + ec.message());
  }
  write_file_atomically(options.out_dir + "/study.json",
                        study_json(study, runs).dump(1) + "\n");

  std::vector<const StudyRun*> todo;
  int skipped = 0;
  for (const StudyRun& run : runs) {
    if (run.index % options.shard_count != options.shard_index) continue;
    if (run_file_valid(options.out_dir + "/runs/" + run.key + ".json",
                       run.key)) {
      ++skipped;
    } else {
      todo.push_back(&run);
    }
  }
  Runner runner(study, options, std::move(todo), skipped);
  return runner.run();
}

}  // namespace losslab
