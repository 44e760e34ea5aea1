// `losslab study` runs a study file's runs (resumable, shardable) and
// writes its results and report; `losslab merge` combines shard outputs.
// The formats are described in train/study.h and train/report.h.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/progress.h"
#include "autograd/blas.h"
#include "train/report.h"
#include "train/study.h"

namespace losslab::app {
namespace {

struct StudyCliOptions {
  std::string file;
  std::string out;
  int jobs = 1;
  int threads = 0;  // 0: 1 when jobs > 1, else OpenBLAS's default
  std::string shard = "1/1";
  bool no_plots = false;
  bool quiet = false;
  bool check = false;
};

// "K/N" with 1 <= K <= N, as (K - 1, N).
std::pair<int, int> parse_shard(const std::string& text) {
  int k = 0, n = 0;
  char slash = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &k, &slash, &n, &extra) != 3 ||
      slash != '/' || n < 1 || k < 1 || k > n) {
    throw std::invalid_argument(
        "--shard: expected K/N with 1 <= K <= N, "
        "such as 2/4, got '" +
        text + "'");
  }
  return {k - 1, n};
}

std::string run_label(const StudyRun& r) {
  return r.loss + " | " + r.imbalance + " | " + r.noise + " | seed " +
         std::to_string(r.seed);
}

// Prints study progress: on a terminal one line redrawn in place (runs
// done of total, the running ones with their progress, ETA) plus a line
// per ended run; otherwise only the line per ended run.
class StudyPrinter {
 public:
  explicit StudyPrinter(bool live) : live_(live) {}

  void operator()(const StudyProgress& p) {
    const int done = p.skipped + p.done + p.failed;
    if (p.ended != nullptr) {
      std::string what =
          p.ended_status == "finished"
              ? fmt_accuracy(p.ended_test_accuracy, p.ended_seconds)
              : p.ended_status + ": " + p.ended_error;
      std::printf("%s[%d/%d] %s | %s | ETA %s\n", live_ ? "\r\033[K" : "", done,
                  p.total, run_label(*p.ended).c_str(), what.c_str(),
                  format_duration(p.eta_seconds).c_str());
    }
    if (live_) {
      std::string running;
      for (const auto& r : p.running) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " %.0f%%", 100 * r.fraction);
        running += (running.empty() ? "" : ", ") + r.run->loss + "/" +
                   r.run->noise + "/" + r.run->imbalance + "/s" +
                   std::to_string(r.run->seed) + buf;
      }
      std::printf("\r\033[Kruns %d/%d | running %zu: %s | %s elapsed | ETA %s",
                  done, p.total, p.running.size(), running.c_str(),
                  format_duration(p.elapsed_seconds).c_str(),
                  format_duration(p.eta_seconds).c_str());
    }
    std::fflush(stdout);
  }

 private:
  static std::string fmt_accuracy(double accuracy, double seconds) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "test acc %6.2f%% | %6.1f s", 100 * accuracy,
                  seconds);
    return buf;
  }

  bool live_;
};

int run_study_command(const StudyCliOptions& o) {
  auto [shard_index, shard_count] = parse_shard(o.shard);
  if (o.jobs < 1) {
    throw std::invalid_argument("--jobs: expected >= 1, got " +
                                std::to_string(o.jobs));
  }
  Study study = load_study(o.file);
  std::vector<StudyRun> runs = expand_runs(study);
  validate_study(study, runs);
  const std::string out = o.out.empty() ? "runs/" + study.name : o.out;
  if (o.check) {
    for (const StudyRun& r : runs) {
      std::printf("%4d %s  %s\n", r.index, r.key.c_str(), run_label(r).c_str());
    }
    std::printf("%s: %zu runs, all specs valid\n", o.file.c_str(), runs.size());
    return 0;
  }

  // Each run owns one thread; BLAS threads would only compete with them.
  if (o.threads > 0) {
    blas::set_num_threads(o.threads);
  } else if (o.jobs > 1) {
    blas::set_num_threads(1);
  }
  int mine = 0;
  for (const StudyRun& r : runs) mine += r.index % shard_count == shard_index;
  if (!o.quiet) {
    std::printf(
        "losslab %s | study %s | %zu runs, shard %d/%d: %d | %d "
        "jobs | out %s\n",
        LOSSLAB_VERSION, study.name.c_str(), runs.size(), shard_index + 1,
        shard_count, mine, o.jobs, out.c_str());
    std::fflush(stdout);
  }

  StudyOptions options;
  options.out_dir = out;
  options.jobs = o.jobs;
  options.shard_index = shard_index;
  options.shard_count = shard_count;
  auto printer = std::make_shared<StudyPrinter>(isatty(fileno(stdout)) == 1);
  if (!o.quiet)
    options.progress = [printer](const StudyProgress& p) { (*printer)(p); };
  StudySummary summary = run_study(study, runs, options);

  int reported = write_study_outputs(out, !o.no_plots);
  if (!o.quiet) {
    std::printf(
        "%sdone: %d runs in this shard, %d already on disk, %d "
        "finished, %d diverged, %zu failed\nwrote %s/results.csv, "
        "epochs.csv and report.md (%d runs)\n",
        isatty(fileno(stdout)) ? "\r\033[K" : "", summary.total,
        summary.skipped, summary.finished, summary.diverged,
        summary.errors.size(), out.c_str(), reported);
  }
  for (const std::string& e : summary.errors) {
    std::fprintf(stderr, "losslab: run failed: %s\n", e.c_str());
  }
  return summary.errors.empty() ? 0 : 1;
}

}  // namespace

Command add_study_command(CLI::App& app) {
  auto o = std::make_shared<StudyCliOptions>();
  app.add_option("file", o->file, "study file (TOML), e.g. studies/quick.toml")
      ->required();
  app.add_option("--out", o->out,
                 "output directory (default: runs/<study name>)");
  app.add_option("--jobs", o->jobs, "runs trained at once, one thread each")
      ->capture_default_str();
  app.add_option("--threads", o->threads,
                 "OpenBLAS threads (default: 1 with --jobs > 1)")
      ->check(positive_count());
  app.add_option("--shard", o->shard,
                 "run only the K-th of N disjoint parts (run index modulo "
                 "N), e.g. 2/4; combine them with `losslab merge`")
      ->capture_default_str();
  app.add_flag("--no-plots", o->no_plots, "write the report without plots");
  app.add_flag("--quiet", o->quiet, "print nothing but errors");
  app.add_flag("--check", o->check,
               "validate the study and list its runs without running them");
  return [o] { return run_study_command(*o); };
}

Command add_merge_command(CLI::App& app) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto no_plots = std::make_shared<bool>(false);
  app.add_option("dirs", *dirs, "output directories of shards of one study")
      ->required();
  app.add_option("--out", *out, "merged output directory")->required();
  app.add_flag("--no-plots", *no_plots, "write the report without plots");
  return [dirs, out, no_plots] {
    int n = merge_study_dirs(*dirs, *out, !*no_plots);
    std::printf(
        "merged %zu directories: %d runs; wrote %s/results.csv, "
        "epochs.csv and report.md\n",
        dirs->size(), n, out->c_str());
    return 0;
  };
}

}  // namespace losslab::app
