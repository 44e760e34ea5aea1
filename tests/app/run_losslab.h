// Test helpers for end-to-end tests of the `losslab` program: run it with a
// command line and capture its exit status, stdout and stderr; a temporary
// directory for its inputs and outputs.
//
// The binary's path comes from the LOSSLAB_BINARY compile definition. The
// child runs with sanitizers set to abort on the first report, so that in
// the ASan/UBSan build a memory error or UB shows up as a signal rather
// than as an ordinary exit code of 1.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/test_util/temp_dir.h"

extern char** environ;

namespace losslab::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// How a run of the program ended.
struct RunResult {
  bool exited = false;  // false: killed by a signal (crash, abort)
  int code = -1;        // exit code when exited
  int signal = 0;       // signal number when not exited
  std::string out, err;
  std::string command;  // for failure messages
};

inline std::ostream& operator<<(std::ostream& os, const RunResult& r) {
  os << "`" << r.command << "` ";
  if (r.exited) {
    os << "exited with " << r.code;
  } else {
    os << "was killed by signal " << r.signal;
  }
  return os << "\n--- stderr ---\n" << r.err << "--- stdout ---\n" << r.out;
}

// Runs LOSSLAB_BINARY with `args` in directory `dir`, stdout and stderr
// going to files in `dir`.
inline RunResult run_losslab(const std::vector<std::string>& args,
                             const TempDir& dir) {
  RunResult r;
  std::vector<std::string> argv_s = {LOSSLAB_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) {
    r.command += (r.command.empty() ? "" : " ") + a;
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  std::vector<std::string> env_s = {
      "OPENBLAS_NUM_THREADS=1", "ASAN_OPTIONS=abort_on_error=1",
      "UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1",
      "LOSSLAB_DATA=" + dir.file("no-default-data")};
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (kv.rfind("PATH=", 0) == 0 || kv.rfind("HOME=", 0) == 0 ||
        kv.rfind("TMPDIR=", 0) == 0) {
      env_s.push_back(kv);
    }
  }
  std::vector<char*> envp;
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  const std::string out_path = dir.file("stdout.txt");
  const std::string err_path = dir.file("stderr.txt");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addchdir_np(&actions, dir.file("").c_str());
  pid_t pid = 0;
  const int rc =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("run_losslab: cannot start " + argv_s[0]);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exited = WIFEXITED(status);
  if (r.exited) r.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = read_file(out_path);
  r.err = read_file(err_path);
  return r;
}

// A clean failure: a normal exit with a non-zero code, no sanitizer report.
inline bool failed_cleanly(const RunResult& r) {
  return r.exited && r.code != 0 &&
         r.err.find("Sanitizer") == std::string::npos &&
         r.err.find("runtime error:") == std::string::npos;
}

}  // namespace losslab::testing
