// The main() every benchmark program shares.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

namespace losslab::bench {

// Re-executes once with the better OpenBLAS kernel when OpenBLAS fell back
// to a generic one (blas::reexec_for_better_kernel), parses Google
// Benchmark's flags, records the OpenBLAS kernel and thread count and each
// (key, value) of `context` in the report's context, and runs the
// registered benchmarks. Returns main's exit code. Benchmarks registered
// before the call run too.
int run_benchmarks(
    int argc, char** argv,
    std::initializer_list<std::pair<const char*, std::string>> context = {});

}  // namespace losslab::bench
