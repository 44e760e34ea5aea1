#include "train/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "train/atomic_file.h"
#include "train/plot.h"
#include "train/study.h"

namespace losslab {
namespace {

using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------
// Reading values out of run files
// ---------------------------------------------------------------------------

// A JSON number, or NaN for null / missing (JSON has no NaN).
double num(const json& j, const char* key) {
  if (!j.is_object()) return kNaN;
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : kNaN;
}

std::string combination(const json& run, const char* key) {
  return run.at("combination").at(key).get<std::string>();
}

bool finished(const json& run) { return run.value("status", "") == "finished"; }

// The number after the last ':' of a spec, or `none_value` for "none".
double spec_number(const std::string& spec, double none_value) {
  if (spec == "none" || spec.empty()) return none_value;
  std::size_t colon = spec.rfind(':');
  try {
    return std::stod(spec.substr(colon + 1));
  } catch (const std::exception&) {
    return kNaN;
  }
}

double noise_rate(const std::string& spec) { return spec_number(spec, 0); }
double imbalance_ratio(const std::string& spec) { return spec_number(spec, 1); }

const json& final_test(const json& run) { return run.at("result").at("final"); }

double minority_recall(const json& run, const json& evaluation) {
  int c = run.value("minority_class", -1);
  if (!evaluation.is_object() || !evaluation.contains("recall")) return kNaN;
  const json& recall = evaluation.at("recall");
  if (c < 0 || c >= int(recall.size()) || !recall[c].is_number()) return kNaN;
  return recall[c].get<double>();
}

double last_epoch(const json& run, const char* key) {
  const json& epochs = run.at("result").at("epochs");
  return epochs.empty() ? kNaN : num(epochs.back(), key);
}

// One metric of a run as shown in results.csv and the tables; NaN when
// the run did not finish.
struct Metric {
  const char* column;  // results.csv
  const char* title;   // report.md
  double scale;        // 100 for percentages
  int decimals;
  double (*get)(const json& run);
};

const Metric kMetrics[] = {
    {"test_accuracy", "test acc %", 100, 2,
     [](const json& r) { return num(final_test(r), "accuracy"); }},
    {"balanced_accuracy", "balanced acc %", 100, 2,
     [](const json& r) { return num(final_test(r), "balanced_accuracy"); }},
    {"macro_f1", "macro F1", 1, 4,
     [](const json& r) { return num(final_test(r), "macro_f1"); }},
    {"minority_recall", "minority recall", 1, 4,
     [](const json& r) { return minority_recall(r, final_test(r)); }},
    {"auc", "AUC", 1, 4,
     [](const json& r) { return num(final_test(r), "roc_auc"); }},
    {"nll", "NLL", 1, 4,
     [](const json& r) { return num(final_test(r), "cross_entropy"); }},
    {"ece", "ECE", 1, 4,
     [](const json& r) { return num(final_test(r), "ece"); }},
    {"brier", "Brier", 1, 4,
     [](const json& r) { return num(final_test(r), "brier_score"); }},
    {"best_test_accuracy", "best acc %", 100, 2,
     [](const json& r) { return num(r.at("result"), "best_test_accuracy"); }},
};
const Metric kNoisyFit = {"noisy_fit", "noisy fit", 1, 3, [](const json& r) {
                            return last_epoch(r, "noisy_fit");
                          }};
const Metric kNoisyGradShare = {
    "noisy_grad_share", "noisy grad share", 1, 3,
    [](const json& r) { return last_epoch(r, "noisy_grad_share"); }};

double metric(const Metric& m, const json& run) {
  return finished(run) ? m.get(run) : kNaN;
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

// A CSV field, quoted (RFC 4180) only when it holds a separator, a quote
// or a line break: loss specs such as focal:gamma=2,alpha=0.25 do.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Shortest text that reads back as the same double; empty for NaN.
std::string number(double v) {
  return std::isfinite(v) ? fmt::format("{}", v) : std::string();
}

std::string join(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    line += (i ? "," : "") + fields[i];
  }
  return line + "\n";
}

}  // namespace

StudyDir load_study_dir(const std::string& dir) {
  const std::string path = dir + "/study.json";
  StudyDir s;
  try {
    s.study = json::parse(read_file(path));
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": not a study file (" + e.what() +
                             "); HINT: was it written by `losslab study`?");
  }
  for (const json& entry : s.study.at("runs")) {
    const std::string key = entry.at("key").get<std::string>();
    const std::string run_path = dir + "/runs/" + key + ".json";
    if (run_file_valid(run_path, key)) {
      s.runs.push_back(json::parse(read_file(run_path)));
    } else {
      ++s.missing;
    }
  }
  return s;
}

std::string results_csv(const StudyDir& s) {
  std::vector<std::string> header = {"study",
                                     "index",
                                     "key",
                                     "loss",
                                     "imbalance",
                                     "noise",
                                     "seed",
                                     "status",
                                     "epochs",
                                     "train_subset",
                                     "noise_rate",
                                     "imbalance_ratio",
                                     "test_accuracy",
                                     "balanced_accuracy",
                                     "macro_f1",
                                     "minority_class",
                                     "minority_recall",
                                     "auc",
                                     "nll",
                                     "ece",
                                     "brier",
                                     "best_test_accuracy",
                                     "best_epoch",
                                     "noisy_fit",
                                     "noisy_grad_share",
                                     "seconds"};
  std::string out = join(header);
  const std::string study = s.study.value("name", "");
  for (const json& r : s.runs) {
    const std::string noise = combination(r, "noise");
    const std::string imbalance = combination(r, "imbalance");
    const bool ok = finished(r);
    auto m = [&](const char* column) {
      for (const Metric& x : kMetrics) {
        if (std::string(x.column) == column) return number(metric(x, r));
      }
      return std::string();
    };
    out += join({field(study),
                 std::to_string(r.at("index").get<int>()),
                 r.at("key").get<std::string>(),
                 field(combination(r, "loss")),
                 field(imbalance),
                 field(noise),
                 std::to_string(r.at("combination").at("seed").get<long>()),
                 r.at("status").get<std::string>(),
                 std::to_string(r.at("train").at("epochs").get<int>()),
                 std::to_string(r.at("data").at("train_subset").get<int>()),
                 number(noise_rate(noise)),
                 number(imbalance_ratio(imbalance)),
                 m("test_accuracy"),
                 m("balanced_accuracy"),
                 m("macro_f1"),
                 std::to_string(r.value("minority_class", -1)),
                 m("minority_recall"),
                 m("auc"),
                 m("nll"),
                 m("ece"),
                 m("brier"),
                 m("best_test_accuracy"),
                 ok ? std::to_string(r.at("result").value("best_epoch", 0))
                    : std::string(),
                 number(metric(kNoisyFit, r)),
                 number(metric(kNoisyGradShare, r)),
                 number(num(r.at("result"), "seconds"))});
  }
  return out;
}

std::string epochs_csv(const StudyDir& s) {
  std::string out =
      join({"key", "loss", "imbalance", "noise", "seed", "epoch", "train_loss",
            "lr", "test_accuracy", "test_balanced_accuracy",
            "test_minority_recall", "test_nll", "test_ece", "test_auc",
            "noisy_fit", "noisy_grad_share", "seconds"});
  for (const json& r : s.runs) {
    for (const json& e : r.at("result").at("epochs")) {
      const json& t = e.at("test");
      out += join(
          {r.at("key").get<std::string>(), field(combination(r, "loss")),
           field(combination(r, "imbalance")), field(combination(r, "noise")),
           std::to_string(r.at("combination").at("seed").get<long>()),
           std::to_string(e.at("epoch").get<int>()),
           number(num(e, "train_loss")), number(num(e, "lr")),
           number(num(t, "accuracy")), number(num(t, "balanced_accuracy")),
           number(minority_recall(r, t)), number(num(t, "cross_entropy")),
           number(num(t, "ece")), number(num(t, "roc_auc")),
           number(num(e, "noisy_fit")), number(num(e, "noisy_grad_share")),
           number(num(e, "seconds"))});
    }
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------
// Grouping and statistics
// ---------------------------------------------------------------------------

struct Stats {
  int n = 0;
  double mean = kNaN, std = kNaN;  // sample std, n >= 2
};

Stats stats(const std::vector<double>& values) {
  Stats s;
  double sum = 0;
  for (double v : values) {
    if (std::isfinite(v)) {
      ++s.n;
      sum += v;
    }
  }
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n >= 2) {
    double ss = 0;
    for (double v : values) {
      if (std::isfinite(v)) ss += (v - s.mean) * (v - s.mean);
    }
    s.std = std::sqrt(ss / (s.n - 1));
  }
  return s;
}

// The runs of one (imbalance, noise, loss), over seeds.
struct Group {
  std::string imbalance, noise, loss;
  std::vector<const json*> runs;  // finished only
  int diverged = 0;
};

struct Condition {
  std::string imbalance, noise;
  std::vector<Group> groups;  // one per loss, in order of appearance
};

std::vector<Condition> group_runs(const StudyDir& s) {
  std::vector<Condition> out;
  for (const json& r : s.runs) {
    const std::string imb = combination(r, "imbalance");
    const std::string noise = combination(r, "noise");
    const std::string loss = combination(r, "loss");
    auto c = std::find_if(out.begin(), out.end(), [&](const Condition& x) {
      return x.imbalance == imb && x.noise == noise;
    });
    if (c == out.end()) {
      out.push_back({imb, noise, {}});
      c = out.end() - 1;
    }
    auto g = std::find_if(c->groups.begin(), c->groups.end(),
                          [&](const Group& x) { return x.loss == loss; });
    if (g == c->groups.end()) {
      c->groups.push_back({imb, noise, loss, {}, 0});
      g = c->groups.end() - 1;
    }
    if (finished(r)) {
      g->runs.push_back(&r);
    } else {
      ++g->diverged;
    }
  }
  return out;
}

Stats group_stats(const Group& g, double (*get)(const json&)) {
  std::vector<double> v;
  for (const json* r : g.runs) v.push_back(get(*r));
  return stats(v);
}

std::string cell(const Stats& s, double scale, int decimals) {
  if (s.n == 0) return "–";
  std::string out = fmt::format("{:.{}f}", s.mean * scale, decimals);
  if (s.n >= 2) out += fmt::format(" ± {:.{}f}", s.std * scale, decimals);
  return out;
}

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' ? c : '-';
  }
  return out;
}

// ---------------------------------------------------------------------------
// Plots
// ---------------------------------------------------------------------------

struct Series {
  std::string title;
  std::vector<std::array<double, 3>> points;  // x, y, error (or width)
};

struct Panel {
  Panel(std::string t, std::string x, std::string y,
        std::string s = "linespoints")
      : title(std::move(t)),
        xlabel(std::move(x)),
        ylabel(std::move(y)),
        style(std::move(s)) {}
  std::string title, xlabel, ylabel;
  std::string style;       // yerrorlines, boxes or linespoints
  std::string settings;    // extra gnuplot commands
  std::string extra_plot;  // appended to the plot command
  std::vector<Series> series;
};

// Draws `panels` in a grid with `cols` columns into DIR/plots/NAME.png,
// their data in NAME.dat. Returns the PNG's path relative to DIR, or ""
// when there is nothing to draw.
std::string draw(const std::string& dir, const std::string& name,
                 std::vector<Panel> panels, int cols) {
  // Drop empty series and panels: gnuplot fails on an empty data block.
  for (Panel& p : panels) {
    std::erase_if(p.series, [](Series& s) {
      std::erase_if(s.points, [](const std::array<double, 3>& q) {
        return !std::isfinite(q[0]) || !std::isfinite(q[1]);
      });
      return s.points.empty();
    });
  }
  std::erase_if(panels, [](const Panel& p) { return p.series.empty(); });
  if (panels.empty()) return "";

  std::filesystem::create_directories(dir + "/plots");
  const std::string dat = dir + "/plots/" + name + ".dat";
  const std::string png = dir + "/plots/" + name + ".png";
  cols = std::min(cols, int(panels.size()));
  const int rows = (int(panels.size()) + cols - 1) / cols;
  std::string data,
      script = fmt::format(
          "set terminal pngcairo noenhanced size {},{} font ',9'\n"
          "set output {}\nset grid\nset key top right font ',8'\n"
          "set multiplot layout {},{}\n",
          440 * cols, 330 * rows, gnuplot_quote(png), rows, cols);
  int index = 0;
  for (const Panel& p : panels) {
    script +=
        "unset logscale\nset autoscale\nset offsets 0,0,0,0\n"
        "set key top right font ',8'\n";
    script += "set title " + gnuplot_quote(p.title) + "\n";
    script += "set xlabel " + gnuplot_quote(p.xlabel) + "\n";
    script += "set ylabel " + gnuplot_quote(p.ylabel) + "\n";
    script += p.settings;
    std::string plot = "plot ";
    for (const Series& s : p.series) {
      data += "# " + s.title + "\n";
      for (const auto& q : s.points) {
        data += fmt::format("{} {} {}\n", q[0], q[1],
                            std::isfinite(q[2]) ? q[2] : 0.0);
      }
      data += "\n\n";
      std::string using_cols = p.style == "linespoints" ? "1:2" : "1:2:3";
      plot += (plot == "plot " ? "" : ", ") + gnuplot_quote(dat) +
              fmt::format(" index {} using {} with {} title ", index++,
                          using_cols, p.style) +
              gnuplot_quote(s.title);
      if (p.style == "boxes") plot += " fill solid 0.5";
    }
    if (!p.extra_plot.empty()) plot += ", " + p.extra_plot;
    script += plot + "\n";
  }
  script += "unset multiplot\n";
  write_file_atomically(dat, data);
  run_gnuplot(script);
  return "plots/" + name + ".png";
}

std::string condition_title(const std::string& imbalance,
                            const std::string& noise) {
  return "imbalance " + imbalance + ", noise " + noise;
}

// Final and best-epoch test accuracy vs symmetric noise rate, per loss,
// one file per imbalance spec with at least two noise rates.
std::vector<std::string> plot_noise(const std::string& dir,
                                    const std::vector<Condition>& conds) {
  std::vector<std::string> files;
  std::vector<std::string> imbalances;
  for (const Condition& c : conds) {
    if (std::find(imbalances.begin(), imbalances.end(), c.imbalance) ==
        imbalances.end()) {
      imbalances.push_back(c.imbalance);
    }
  }
  for (const std::string& imb : imbalances) {
    std::set<double> rates;
    Panel last{"final test accuracy, " + imb + " (mean ± std over seeds)",
               "symmetric noise rate", "test accuracy %", "yerrorlines"};
    Panel best{"best-epoch test accuracy, " + imb, "symmetric noise rate",
               "test accuracy %", "yerrorlines"};
    std::map<std::string, std::pair<Series, Series>> by_loss;
    std::vector<std::string> order;
    for (const Condition& c : conds) {
      bool symmetric = c.noise == "none" || c.noise.rfind("symmetric:", 0) == 0;
      if (c.imbalance != imb || !symmetric) continue;
      const double rate = noise_rate(c.noise);
      rates.insert(rate);
      for (const Group& g : c.groups) {
        if (!by_loss.count(g.loss)) order.push_back(g.loss);
        auto& [a, b] = by_loss[g.loss];
        a.title = b.title = g.loss;
        Stats s = group_stats(g, kMetrics[0].get);
        a.points.push_back({rate, 100 * s.mean, 100 * s.std});
        Stats t = group_stats(g, kMetrics[8].get);
        b.points.push_back({rate, 100 * t.mean, 100 * t.std});
      }
    }
    if (rates.size() < 2) continue;
    for (const std::string& loss : order) {
      auto& [a, b] = by_loss[loss];
      std::sort(a.points.begin(), a.points.end());
      std::sort(b.points.begin(), b.points.end());
      last.series.push_back(a);
      best.series.push_back(b);
    }
    std::string name =
        imb == "none" ? "accuracy_vs_noise" : "accuracy_vs_noise_" + slug(imb);
    std::string f = draw(dir, name, {last, best}, 2);
    if (!f.empty()) files.push_back(f);
  }
  return files;
}

// `key` (noisy_fit or noisy_grad_share) vs epoch per loss, a panel per
// condition with label noise; the mean over seeds at each epoch.
std::string plot_per_epoch(const std::string& dir,
                           const std::vector<Condition>& conds, const char* key,
                           const std::string& name, const std::string& ylabel) {
  std::vector<Panel> panels;
  for (const Condition& c : conds) {
    if (c.noise == "none") continue;
    Panel p{condition_title(c.imbalance, c.noise), "epoch", ylabel};
    p.settings = "set yrange [0:1]\n";
    for (const Group& g : c.groups) {
      std::map<int, std::vector<double>> per_epoch;
      for (const json* r : g.runs) {
        for (const json& e : r->at("result").at("epochs")) {
          per_epoch[e.at("epoch").get<int>()].push_back(num(e, key));
        }
      }
      Series s{g.loss, {}};
      for (auto& [epoch, values] : per_epoch) {
        s.points.push_back({double(epoch), stats(values).mean, 0});
      }
      p.series.push_back(s);
    }
    panels.push_back(p);
  }
  return draw(dir, name, panels, 3);
}

// Minority recall and AUC vs imbalance ratio per loss on clean labels, a
// row per family of imbalance specs (the spec without its ratio).
std::string plot_imbalance(const std::string& dir,
                           const std::vector<Condition>& conds) {
  std::vector<std::string> families;
  std::map<std::string, std::set<double>> ratios;
  for (const Condition& c : conds) {
    if (c.noise != "none" || c.imbalance == "none") continue;
    std::string family = c.imbalance.substr(0, c.imbalance.rfind(':'));
    if (!ratios.count(family)) families.push_back(family);
    ratios[family].insert(imbalance_ratio(c.imbalance));
  }
  std::vector<Panel> panels;
  for (const std::string& family : families) {
    if (ratios[family].size() < 2) continue;
    Panel recall{family + ": minority-class recall", "imbalance ratio",
                 "recall", "yerrorlines"};
    Panel auc{family + ": ROC AUC", "imbalance ratio", "AUC", "yerrorlines"};
    recall.settings = auc.settings =
        "set logscale x\nset offsets graph 0.05, graph 0.05, 0, 0\n"
        "set yrange [0:1.05]\n";
    std::map<std::string, std::pair<Series, Series>> by_loss;
    std::vector<std::string> order;
    for (const Condition& c : conds) {
      if (c.noise != "none" || c.imbalance == "none" ||
          c.imbalance.substr(0, c.imbalance.rfind(':')) != family) {
        continue;
      }
      const double ratio = imbalance_ratio(c.imbalance);
      for (const Group& g : c.groups) {
        if (!by_loss.count(g.loss)) order.push_back(g.loss);
        auto& [a, b] = by_loss[g.loss];
        a.title = b.title = g.loss;
        Stats s = group_stats(g, kMetrics[3].get);
        a.points.push_back({ratio, s.mean, s.std});
        Stats t = group_stats(g, kMetrics[4].get);
        b.points.push_back({ratio, t.mean, t.std});
      }
    }
    for (const std::string& loss : order) {
      auto& [a, b] = by_loss[loss];
      std::sort(a.points.begin(), a.points.end());
      std::sort(b.points.begin(), b.points.end());
      recall.series.push_back(a);
      auc.series.push_back(b);
    }
    panels.push_back(recall);
    panels.push_back(auc);
  }
  return draw(dir, "imbalance", panels, 2);
}

// Reliability diagram per loss for one condition: per confidence bin,
// accuracy of the pooled seeds' test predictions (bar) and the diagonal.
std::string plot_reliability(const std::string& dir, const Condition& c) {
  std::vector<Panel> panels;
  for (const Group& g : c.groups) {
    // Pool the bins: counts add, means weight by counts.
    std::map<std::pair<double, double>, std::array<double, 2>> bins;
    for (const json* r : g.runs) {
      for (const json& b : final_test(*r).value("reliability", json::array())) {
        double n = num(b, "count");
        if (!(n > 0)) continue;
        auto& acc = bins[{num(b, "lower"), num(b, "upper")}];
        acc[0] += n;
        acc[1] += n * num(b, "accuracy");
      }
    }
    Panel p{g.loss, "confidence", "accuracy", "boxes"};
    p.settings = "set xrange [0:1]\nset yrange [0:1]\nset key top left\n";
    p.extra_plot = "x with lines dt 2 lc rgb 'gray40' title 'calibrated'";
    Series s{"accuracy in bin", {}};
    for (auto& [range, acc] : bins) {
      s.points.push_back({(range.first + range.second) / 2, acc[1] / acc[0],
                          range.second - range.first});
    }
    p.series.push_back(s);
    panels.push_back(p);
  }
  std::string name = "reliability_" + slug(c.imbalance) + "_" + slug(c.noise);
  return draw(dir, name, panels, 3);
}

// ---------------------------------------------------------------------------
// report.md
// ---------------------------------------------------------------------------

std::string settings_text(const StudyDir& s) {
  const json& d = s.study.at("data");
  const json& t = s.study.at("train");
  const json& o = t.at("optimizer");
  std::string out = fmt::format(
      "- dataset: {}{}\n- model: MLP, hidden {}, {}, dropout {}\n"
      "- optimizer: {} lr {} weight decay {}; schedule {}; batch size {}; "
      "{} epochs\n",
      d.value("dataset", ""),
      d.value("train_subset", 0) > 0
          ? fmt::format(" (stratified training subset of {})",
                        d.value("train_subset", 0))
          : std::string(),
      t.value("hidden", ""), t.value("activation", ""), t.value("dropout", 0.0),
      o.value("kind", ""), o.value("lr", 0.0), o.value("weight_decay", 0.0),
      t.value("schedule", ""), t.value("batch_size", 0), t.value("epochs", 0));
  std::set<std::string> overrides;
  for (const json& r : s.study.at("runs")) {
    if (r.value("epochs", 0) != t.value("epochs", 0) ||
        r.value("train_subset", 0) != d.value("train_subset", 0)) {
      overrides.insert(fmt::format("{} / {}: {} epochs, train_subset {}",
                                   r.value("imbalance", ""),
                                   r.value("noise", ""), r.value("epochs", 0),
                                   r.value("train_subset", 0)));
    }
  }
  for (const std::string& line : overrides) {
    out += "- per-grid setting: " + line + "\n";
  }
  return out;
}

std::string condition_table(const Condition& c, bool noisy) {
  std::vector<const Metric*> columns;
  // With balanced classes the "smallest" class is an arbitrary tie.
  for (const Metric& m : kMetrics) {
    if (&m == &kMetrics[3] && c.imbalance == "none") continue;
    columns.push_back(&m);
  }
  if (noisy) {
    columns.push_back(&kNoisyFit);
    columns.push_back(&kNoisyGradShare);
  }
  std::string out = "| loss | runs |";
  std::string rule = "|---|---|";
  for (const Metric* m : columns) {
    out += std::string(" ") + m->title + " |";
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  for (const Group& g : c.groups) {
    std::string runs = std::to_string(g.runs.size());
    if (g.diverged > 0) runs += fmt::format(" (+{} diverged)", g.diverged);
    out += "| `" + g.loss + "` | " + runs + " |";
    for (const Metric* m : columns) {
      out += " " + cell(group_stats(g, m->get), m->scale, m->decimals) + " |";
    }
    out += "\n";
  }
  return out;
}

std::string report_md(const StudyDir& s, const std::vector<Condition>& conds,
                      const std::vector<std::string>& plots,
                      const std::string& plot_error) {
  int diverged = 0;
  for (const json& r : s.runs) diverged += !finished(r);
  std::string out = "# Study `" + s.study.value("name", "") + "`\n\n";
  const std::string description = s.study.value("description", "");
  if (!description.empty()) out += description + "\n\n";
  out += settings_text(s);
  out += fmt::format(
      "- runs: {} listed, {} finished, {} diverged, {} missing\n\n",
      s.study.at("runs").size(), s.runs.size() - diverged, diverged, s.missing);
  out +=
      "Each cell is the mean ± sample standard deviation over seeds of "
      "the final-epoch test metric (\"best acc\" is the best epoch's). "
      "Minority recall is the test recall of the smallest training "
      "class (class 1 in a binary task), shown for imbalanced sets only. "
      "Noisy fit is the fraction of "
      "mislabelled training samples predicted as their wrong label; "
      "noisy grad share is their share of the summed per-sample "
      "gradient norm w.r.t. the logits; both at the last epoch.\n\n";
  for (const Condition& c : conds) {
    out += "## " + condition_title(c.imbalance, c.noise) + "\n\n";
    out += condition_table(c, c.noise != "none") + "\n";
  }
  if (!plot_error.empty()) {
    out += "Some plots were not drawn: " + plot_error + "\n\n";
  }
  if (!plots.empty()) {
    out += "## Plots\n\n";
    for (const std::string& p : plots) {
      std::string stem = std::filesystem::path(p).stem().string();
      out += "![" + stem + "](" + p + ")\n\n";
    }
  }
  return out;
}

}  // namespace

int write_study_outputs(const std::string& dir, bool plots) {
  StudyDir s = load_study_dir(dir);
  write_file_atomically(dir + "/results.csv", results_csv(s));
  write_file_atomically(dir + "/epochs.csv", epochs_csv(s));
  std::vector<Condition> conds = group_runs(s);

  std::vector<std::string> files;
  std::string plot_error;
  // One failed figure (gnuplot missing, say) costs only that figure.
  auto attempt = [&](auto&& draw_figures) {
    try {
      for (const std::string& f : draw_figures()) {
        if (!f.empty()) files.push_back(f);
      }
    } catch (const std::runtime_error& e) {
      if (plot_error.find(e.what()) == std::string::npos) {
        plot_error += std::string(plot_error.empty() ? "" : "; ") + e.what();
      }
    }
  };
  using Files = std::vector<std::string>;
  if (plots) {
    attempt([&] { return plot_noise(dir, conds); });
    attempt([&] {
      return Files{plot_per_epoch(dir, conds, "noisy_fit", "memorisation",
                                  "noisy samples fitted to their wrong label")};
    });
    attempt([&] {
      return Files{plot_per_epoch(dir, conds, "noisy_grad_share",
                                  "noisy_grad_share",
                                  "share of gradient norm from noisy samples")};
    });
    attempt([&] { return Files{plot_imbalance(dir, conds)}; });
    for (const Condition& c : conds) {
      attempt([&] { return Files{plot_reliability(dir, c)}; });
    }
  }
  write_file_atomically(dir + "/report.md",
                        report_md(s, conds, files, plot_error));
  return int(s.runs.size());
}

int merge_study_dirs(const std::vector<std::string>& dirs,
                     const std::string& out, bool plots) {
  if (dirs.empty()) {
    throw std::invalid_argument("merge: expected at least one directory");
  }
  std::vector<json> studies;
  for (const std::string& d : dirs) {
    studies.push_back(load_study_dir(d).study);
    if (studies.back() != studies.front()) {
      throw std::invalid_argument(
          "merge: " + d + "/study.json describes another study than " +
          dirs.front() + "/study.json; expected shards of one study file");
    }
  }
  std::filesystem::create_directories(out + "/runs");
  write_file_atomically(out + "/study.json", studies[0].dump(1) + "\n");
  for (const json& entry : studies[0].at("runs")) {
    const std::string name = entry.at("key").get<std::string>() + ".json";
    const std::string target = out + "/runs/" + name;
    for (const std::string& d : dirs) {
      const std::string source = d + "/runs/" + name;
      if (!run_file_valid(source, entry.at("key"))) continue;
      if (std::filesystem::exists(target) &&
          std::filesystem::equivalent(source, target)) {
        break;
      }
      write_file_atomically(target, read_file(source));
      break;
    }
  }
  return write_study_outputs(out, plots);
}

}  // namespace losslab
