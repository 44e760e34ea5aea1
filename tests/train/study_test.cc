// Tests of the study runner: parsing and its errors, run keys, a tiny
// synthetic study, resuming after SIGKILL and merging shards. The last two
// fork/exec the built `losslab` program (LOSSLAB_BIN).
#include "train/study.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/test_util.h"
#include "tests/test_util/temp_dir.h"
#include "train/atomic_file.h"
#include "train/report.h"

namespace losslab {
namespace {

namespace fs = std::filesystem;

using testing::message_of;
using testing::TempDir;

// A small synthetic study: `losses` x 2 noise settings x 2 seeds.
std::string tiny_study(const std::string& losses = R"("ce", "mse")",
                       int epochs = 2, double lr = 0.01) {
  std::ostringstream s;
  s << "name = \"tiny\"\n"
       "[data]\n"
       "dataset = \"synthetic:blobs\"\n"
       "synthetic_samples = 300\n"
       "[model]\n"
       "hidden = \"8\"\n"
       "[optimizer]\n"
       "lr = "
    << lr
    << "\n"
       "[training]\n"
       "epochs = "
    << epochs
    << "\n"
       "batch_size = 32\n"
       "[[grid]]\n"
       "losses = ["
    << losses
    << "]\n"
       "noise = [\"none\", \"symmetric:0.2\"]\n"
       "seeds = [0, 1]\n";
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

TEST(StudyParseTest, ReadsSettingsAndGrid) {
  Study s = parse_study(tiny_study(), "tiny.toml");
  EXPECT_EQ(s.name, "tiny");
  EXPECT_EQ(s.data.dataset, "synthetic:blobs");
  EXPECT_EQ(s.data.synthetic_samples, 300);
  EXPECT_EQ(s.train.hidden, "8");
  EXPECT_DOUBLE_EQ(s.train.optimizer.lr, 0.01);
  EXPECT_EQ(s.train.epochs, 2);
  ASSERT_EQ(s.grids.size(), 1u);
  EXPECT_EQ(s.grids[0].losses.size(), 2u);
  EXPECT_EQ(s.grids[0].imbalance[0].spec, "none");  // the default
  EXPECT_EQ(s.grids[0].seeds, (std::vector<std::uint64_t>{0, 1}));
}

TEST(StudyParseTest, UnknownKeyNamesFileKeyAndLine) {
  std::string text = tiny_study() + "[[grid]]\nlosses = [\"ce\"]\nnoize = []\n";
  std::string m =
      message_of<std::invalid_argument>([&] { parse_study(text, "s.toml"); });
  // The study text has 15 lines; noize is on line 18.
  EXPECT_NE(m.find("s.toml:18: grid[1].noize: unknown key"), std::string::npos)
      << m;
}

TEST(StudyParseTest, NameThatLeavesTheRunsFolderIsAnError) {
  // runs/NAME is the default output: "../x" would write beside runs/.
  std::string text = tiny_study();
  text.replace(text.find("\"tiny\""), 6, "\"../x\"");
  std::string m =
      message_of<std::invalid_argument>([&] { parse_study(text, "s.toml"); });
  EXPECT_NE(m.find("s.toml:1: name: expected a name of letters"),
            std::string::npos)
      << m;
}

TEST(StudyParseTest, NameWithDotsInsideIsAccepted) {
  std::string text = tiny_study();
  text.replace(text.find("\"tiny\""), 6, "\"noise-v1.2_b\"");
  EXPECT_EQ(parse_study(text, "s.toml").name, "noise-v1.2_b");
}

TEST(StudyParseTest, WrongTypeNamesKeyAndLine) {
  std::string text = "name = \"x\"\n[training]\nepochs = \"ten\"\n";
  std::string m =
      message_of<std::invalid_argument>([&] { parse_study(text, "s.toml"); });
  EXPECT_NE(m.find("s.toml:3: training.epochs: expected an integer, got "
                   "string"),
            std::string::npos)
      << m;
}

TEST(StudyParseTest, OutOfRangeValueIsAnError) {
  std::string text = "name = \"x\"\n[training]\nbatch_size = 0\n";
  std::string m =
      message_of<std::invalid_argument>([&] { parse_study(text, "s.toml"); });
  EXPECT_NE(m.find("s.toml:3: training.batch_size: expected an integer >= "
                   "1, got 0"),
            std::string::npos)
      << m;
}

TEST(StudyParseTest, SyntaxErrorNamesLine) {
  std::string m = message_of<std::invalid_argument>(
      [&] { parse_study("name = \"x\"\n[data\n", "s.toml"); });
  EXPECT_NE(m.find("s.toml:2: invalid TOML"), std::string::npos) << m;
}

TEST(StudyParseTest, GridWithoutLossesIsAnError) {
  std::string text = "name = \"x\"\n[[grid]]\nseeds = [1]\n";
  std::string m =
      message_of<std::invalid_argument>([&] { parse_study(text, "s.toml"); });
  EXPECT_NE(m.find("missing key 'losses'"), std::string::npos) << m;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

TEST(StudyValidateTest, BadLossSpecNamesItsLine) {
  Study s = parse_study(tiny_study(R"("ce",
  "focal:gama=2")"),
                        "s.toml");
  std::string m = message_of<std::invalid_argument>(
      [&] { validate_study(s, expand_runs(s)); });
  // losses = ["ce", starts on line 13; the bad spec is on line 14.
  EXPECT_NE(m.find("s.toml:14: losses: 'focal:gama=2'"), std::string::npos)
      << m;
}

TEST(StudyValidateTest, BadNoiseSpecIsAnError) {
  std::string text = tiny_study();
  text.replace(text.find("symmetric:0.2"), 13, "symmetric:2");
  Study s = parse_study(text, "s.toml");
  std::string m = message_of<std::invalid_argument>(
      [&] { validate_study(s, expand_runs(s)); });
  EXPECT_NE(m.find("s.toml:14: noise: "), std::string::npos) << m;
}

TEST(StudyValidateTest, BinaryOnlyLossOnTenClassesIsAnError) {
  // weighted_bce needs K = 2; blobs without a binary task has 3 classes.
  Study s = parse_study(tiny_study(R"("weighted_bce")"), "s.toml");
  EXPECT_THROW(validate_study(s, expand_runs(s)), std::invalid_argument);
}

TEST(StudyValidateTest, ImbalanceClassTheDataLacksIsAnError) {
  // Blobs has classes 0 to 2: the spec is well formed, the data has no 5.
  std::string text = tiny_study();
  text += "imbalance = [\"binary:5:0:10\"]\n";
  Study s = parse_study(text, "s.toml");
  std::string m = message_of<std::invalid_argument>(
      [&] { validate_study(s, expand_runs(s)); });
  EXPECT_NE(m.find("s.toml: data (imbalance 'binary:5:0:10'"),
            std::string::npos)
      << m;
}

TEST(StudyValidateTest, BatchLargerThanTheSetWithDropLastIsAnError) {
  // 300 blob points, 80% of them for training: no batch of 512 remains.
  std::string text = tiny_study();
  text.replace(text.find("batch_size = 32"), 15,
               "batch_size = 512\ndrop_last = true");
  Study s = parse_study(text, "s.toml");
  std::string m = message_of<std::invalid_argument>(
      [&] { validate_study(s, expand_runs(s)); });
  EXPECT_NE(m.find("drop_last"), std::string::npos) << m;
  EXPECT_NE(m.find("s.toml: data"), std::string::npos) << m;
}

TEST(StudyValidateTest, AcceptsAGoodStudy) {
  Study s = parse_study(tiny_study(), "s.toml");
  EXPECT_NO_THROW(validate_study(s, expand_runs(s)));
}

// ---------------------------------------------------------------------------
// Runs and keys
// ---------------------------------------------------------------------------

TEST(StudyRunsTest, ExpandsTheGridWithLossInnermost) {
  Study s = parse_study(tiny_study(), "s.toml");
  std::vector<StudyRun> runs = expand_runs(s);
  // 2 losses x 2 noise x 2 seeds.
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(runs[0].loss, "ce");
  EXPECT_EQ(runs[1].loss, "mse");
  EXPECT_EQ(runs[1].seed, 0u);
  EXPECT_EQ(runs[2].seed, 1u);
  EXPECT_EQ(runs[4].noise, "symmetric:0.2");
  EXPECT_EQ(runs[4].data.noise, "symmetric:0.2");
  EXPECT_EQ(runs[7].index, 7);
}

TEST(StudyRunsTest, KeysAreDistinct) {
  Study s = parse_study(tiny_study(), "s.toml");
  std::set<std::string> keys;
  for (const StudyRun& r : expand_runs(s)) keys.insert(r.key);
  EXPECT_EQ(keys.size(), 8u);
}

TEST(StudyRunsTest, KeysChangeWhenASettingChanges) {
  std::vector<StudyRun> a = expand_runs(parse_study(tiny_study(), "s.toml"));
  std::vector<StudyRun> b =
      expand_runs(parse_study(tiny_study(R"("ce", "mse")", 2, 0.02), "s.toml"));
  std::vector<StudyRun> c =
      expand_runs(parse_study(tiny_study(R"("ce", "mse")", 3), "s.toml"));
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_NE(a[i].key, b[i].key) << "run " << i << " (lr changed)";
    EXPECT_NE(a[i].key, c[i].key) << "run " << i << " (epochs changed)";
  }
}

TEST(StudyRunsTest, KeysOfUnchangedRunsSurviveAnAddedLoss) {
  std::vector<StudyRun> a = expand_runs(parse_study(tiny_study(), "s.toml"));
  std::vector<StudyRun> b =
      expand_runs(parse_study(tiny_study(R"("ce", "mse", "l1")"), "s.toml"));
  std::set<std::string> keys_b;
  for (const StudyRun& r : b) keys_b.insert(r.key);
  for (const StudyRun& r : a) EXPECT_TRUE(keys_b.count(r.key)) << r.index;
}

TEST(StudyRunsTest, SameCombinationWithOtherSettingsIsAnError) {
  std::string text = tiny_study() + "[[grid]]\nlosses = [\"ce\"]\nepochs = 5\n";
  Study s = parse_study(text, "s.toml");
  EXPECT_THROW(expand_runs(s), std::invalid_argument);
}

TEST(StudyRunsTest, RepeatedCombinationRunsOnce) {
  std::string text = tiny_study() + "[[grid]]\nlosses = [\"ce\"]\n";
  EXPECT_EQ(expand_runs(parse_study(text, "s.toml")).size(), 8u);
}

// ---------------------------------------------------------------------------
// Running in-process
// ---------------------------------------------------------------------------

TEST(StudyRunTest, TinySyntheticStudyWritesEveryRunAndTheResults) {
  TempDir tmp;
  Study s = parse_study(tiny_study(), "s.toml");
  std::vector<StudyRun> runs = expand_runs(s);
  StudyOptions o;
  o.out_dir = tmp / "out";
  o.jobs = 2;
  StudySummary summary = run_study(s, runs, o);
  EXPECT_EQ(summary.finished, 8);
  EXPECT_TRUE(summary.errors.empty());
  for (const StudyRun& r : runs) {
    EXPECT_TRUE(run_file_valid(o.out_dir + "/runs/" + r.key + ".json", r.key))
        << r.index;
  }
  EXPECT_EQ(write_study_outputs(o.out_dir, false), 8);
  // A header and one row per run; epochs.csv a row per run and epoch.
  EXPECT_EQ(lines_of(read_file(o.out_dir + "/results.csv")).size(), 9u);
  EXPECT_EQ(lines_of(read_file(o.out_dir + "/epochs.csv")).size(), 17u);
}

TEST(StudyRunTest, RerunSkipsFinishedRuns) {
  TempDir tmp;
  Study s = parse_study(tiny_study(R"("ce")"), "s.toml");
  std::vector<StudyRun> runs = expand_runs(s);
  StudyOptions o;
  o.out_dir = tmp / "out";
  run_study(s, runs, o);
  StudySummary again = run_study(s, runs, o);
  EXPECT_EQ(again.skipped, 4);
  EXPECT_EQ(again.finished, 0);
}

TEST(StudyRunTest, CorruptRunFileIsRunAgain) {
  TempDir tmp;
  Study s = parse_study(tiny_study(R"("ce")"), "s.toml");
  std::vector<StudyRun> runs = expand_runs(s);
  StudyOptions o;
  o.out_dir = tmp / "out";
  run_study(s, runs, o);
  const std::string path = o.out_dir + "/runs/" + runs[2].key + ".json";
  write_file_atomically(path, "{\"key\": ");
  EXPECT_FALSE(run_file_valid(path, runs[2].key));
  StudySummary again = run_study(s, runs, o);
  EXPECT_EQ(again.skipped, 3);
  EXPECT_EQ(again.finished, 1);
  EXPECT_TRUE(run_file_valid(path, runs[2].key));
}

TEST(StudyRunTest, ShardTakesRunsByIndexModulo) {
  TempDir tmp;
  Study s = parse_study(tiny_study(R"("ce")"), "s.toml");
  std::vector<StudyRun> runs = expand_runs(s);
  StudyOptions o;
  o.out_dir = tmp / "out";
  o.shard_index = 1;  // shard 2/2: runs 1 and 3
  o.shard_count = 2;
  EXPECT_EQ(run_study(s, runs, o).finished, 2);
  EXPECT_FALSE(fs::exists(o.out_dir + "/runs/" + runs[0].key + ".json"));
  EXPECT_TRUE(fs::exists(o.out_dir + "/runs/" + runs[1].key + ".json"));
}

TEST(StudyRunTest, MergeRejectsAnotherStudy) {
  TempDir tmp;
  for (double lr : {0.01, 0.02}) {
    Study s = parse_study(tiny_study(R"("ce")", 1, lr), "s.toml");
    StudyOptions o;
    o.out_dir = tmp / ("lr" + std::to_string(lr));
    o.shard_count = 4;  // only run 0: quick
    run_study(s, expand_runs(s), o);
  }
  EXPECT_THROW(merge_study_dirs({tmp / ("lr" + std::to_string(0.01)),
                                 tmp / ("lr" + std::to_string(0.02))},
                                tmp / "merged", false),
               std::invalid_argument);
}

// ---------------------------------------------------------------------------
// The losslab program: SIGKILL and resume, shards and merge
// ---------------------------------------------------------------------------

// Starts `losslab ARGS...` with stdout and stderr to `log`.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    std::string bin = LOSSLAB_BIN;
    argv.push_back(bin.data());
    for (const std::string& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run_losslab(const std::vector<std::string>& args, const std::string& log) {
  return wait_exit(spawn(args, log));
}

int count_run_files(const std::string& dir) {
  if (!fs::exists(dir)) return 0;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    n += e.path().extension() == ".json";
  }
  return n;
}

// results.csv without its last column (seconds).
std::string without_seconds(const std::string& csv) {
  std::string out;
  for (const std::string& line : lines_of(csv)) {
    out += line.substr(0, line.rfind(',')) + "\n";
  }
  return out;
}

TEST(StudyProgramTest, SigkillMidwayResumesWithNothingLostOrDuplicated) {
  TempDir tmp;
  // 3 losses x 2 noise x 2 seeds = 12 runs of 30 epochs, a few tens of
  // milliseconds each: long enough to be killed between runs.
  write_file_atomically(tmp / "s.toml", tiny_study(R"("ce", "mse", "l1")", 30));
  const std::string out = tmp / "out";
  pid_t pid = spawn({"study", tmp / "s.toml", "--out", out, "--no-plots"},
                    tmp / "log1");
  // Kill once two runs are on disk.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count_run_files(out + "/runs") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the study ended before the kill";

  // Every run file on disk is complete; keep them to compare.
  std::map<std::string, std::string> before;
  for (const auto& e : fs::directory_iterator(out + "/runs")) {
    std::string key = e.path().stem().string();
    if (e.path().extension() != ".json") continue;
    EXPECT_TRUE(run_file_valid(e.path().string(), key)) << key;
    before[key] = read_file(e.path().string());
  }
  ASSERT_GE(before.size(), 2u);
  ASSERT_LT(before.size(), 12u);

  EXPECT_EQ(run_losslab({"study", tmp / "s.toml", "--out", out, "--no-plots"},
                        tmp / "log2"),
            0)
      << read_file(tmp / "log2");
  EXPECT_EQ(count_run_files(out + "/runs"), 12);
  for (const auto& [key, text] : before) {
    EXPECT_EQ(read_file(out + "/runs/" + key + ".json"), text)
        << key << " was rewritten";
  }
  // One row per run, no key twice.
  std::vector<std::string> rows = lines_of(read_file(out + "/results.csv"));
  ASSERT_EQ(rows.size(), 13u);
  std::set<std::string> keys;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    std::vector<std::string> fields;
    std::istringstream in(rows[i]);
    for (std::string f; std::getline(in, f, ',');) fields.push_back(f);
    ASSERT_GT(fields.size(), 2u);
    keys.insert(fields[2]);
  }
  EXPECT_EQ(keys.size(), 12u);
}

TEST(StudyProgramTest, MergedShardsEqualTheSingleRun) {
  TempDir tmp;
  write_file_atomically(tmp / "s.toml", tiny_study(R"("ce", "mse")", 3));
  const std::string study = tmp / "s.toml";
  ASSERT_EQ(run_losslab({"study", study, "--out", tmp / "single", "--no-plots",
                         "--jobs", "2"},
                        tmp / "log"),
            0)
      << read_file(tmp / "log");
  ASSERT_EQ(run_losslab({"study", study, "--out", tmp / "a", "--shard", "1/2",
                         "--no-plots"},
                        tmp / "log"),
            0);
  ASSERT_EQ(run_losslab({"study", study, "--out", tmp / "b", "--shard", "2/2",
                         "--no-plots"},
                        tmp / "log"),
            0);
  EXPECT_EQ(count_run_files(tmp / "a/runs"), 4);
  ASSERT_EQ(run_losslab({"merge", tmp / "a", tmp / "b", "--out", tmp / "merged",
                         "--no-plots"},
                        tmp / "log"),
            0)
      << read_file(tmp / "log");
  std::string single = read_file(tmp / "single/results.csv");
  std::string merged = read_file(tmp / "merged/results.csv");
  EXPECT_EQ(lines_of(merged).size(), 9u);
  EXPECT_EQ(without_seconds(merged), without_seconds(single));
}

TEST(StudyProgramTest, BadStudyFileFailsBeforeRunning) {
  TempDir tmp;
  write_file_atomically(tmp / "s.toml", tiny_study(R"("ce", "nope")"));
  EXPECT_EQ(
      run_losslab({"study", tmp / "s.toml", "--out", tmp / "out"}, tmp / "log"),
      1);
  EXPECT_NE(read_file(tmp / "log").find("s.toml:13: losses: 'nope'"),
            std::string::npos)
      << read_file(tmp / "log");
  EXPECT_FALSE(fs::exists(tmp / "out"));
}

}  // namespace
}  // namespace losslab
