// losslab against libtorch on the same training step, side by side.
//
// Both sides run one SGD step (forward, softmax cross-entropy with mean
// reduction, backward, update, lr 0.01) of a 784-256-128-10 ReLU MLP on a
// fixed random batch, on one thread (torch::set_num_threads(1); run with
// OPENBLAS_NUM_THREADS=1 for losslab, which scripts/bench-compare does).
// The step's eight raw sgemm calls (bench/mlp_step.h) are timed as well.
//
// Timing: for each batch size, `--rounds` rounds (default 5); in each round
// the three contestants run one after another, each repeating its step for
// at least `--round-seconds` (default 0.3) after warm-up steps, so that
// they share the machine's load. A step's time is thread CPU time (not
// wall time, which on a shared machine counts other processes' turns)
// divided by the steps run; the median over rounds is reported.
//
// Output: CSV on stdout, one row per (batch, impl):
//   batch,impl,us_per_step,steps_per_s,wall_us_per_step
// with impl one of losslab, libtorch, gemm_only.
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/blas.h"
#include "bench/mlp_step.h"

namespace {

using losslab::bench::kWidths;

// One libtorch training step on the reference model.
class TorchStep {
 public:
  explicit TorchStep(int batch)
      : model_(torch::nn::Linear(kWidths[0], kWidths[1]), torch::nn::ReLU(),
               torch::nn::Linear(kWidths[1], kWidths[2]), torch::nn::ReLU(),
               torch::nn::Linear(kWidths[2], kWidths[3])),
        sgd_(model_->parameters(), torch::optim::SGDOptions(0.01)),
        x_(torch::rand({batch, kWidths[0]})),
        y_(torch::randint(0, kWidths[3], {batch}, torch::kLong)) {}

  float run() {
    sgd_.zero_grad();
    torch::Tensor logits = model_->forward(x_);  // B x 10
    torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y_);
    loss.backward();
    sgd_.step();
    return loss.item<float>();
  }

 private:
  torch::nn::Sequential model_;
  torch::optim::SGD sgd_;
  torch::Tensor x_, y_;
};

double now(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Timing {
  double cpu_us = 0, wall_us = 0;
};

// Runs `step` for at least `seconds` of thread CPU time; per-step times.
Timing time_round(const std::function<void()>& step, double seconds) {
  for (int i = 0; i < 2; ++i) step();  // warm caches after the others ran
  const double cpu0 = now(CLOCK_THREAD_CPUTIME_ID);
  const double wall0 = now(CLOCK_MONOTONIC);
  long steps = 0;
  double cpu = 0;
  do {
    step();
    ++steps;
    cpu = now(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  } while (cpu < seconds);
  const double wall = now(CLOCK_MONOTONIC) - wall0;
  return {1e6 * cpu / double(steps), 1e6 * wall / double(steps)};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Options {
  int rounds = 5;
  double round_seconds = 0.3;
  std::vector<int> batches = {1, 8, 32, 128, 512};
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--rounds=", 0) == 0) {
      o.rounds = std::stoi(a.substr(9));
    } else if (a.rfind("--round-seconds=", 0) == 0) {
      o.round_seconds = std::stod(a.substr(16));
    } else if (a.rfind("--batches=", 0) == 0) {
      o.batches.clear();
      std::string list = a.substr(10);
      for (std::size_t p = 0; p < list.size();) {
        std::size_t q = list.find(',', p);
        if (q == std::string::npos) q = list.size();
        o.batches.push_back(std::stoi(list.substr(p, q - p)));
        p = q + 1;
      }
    } else {
      throw std::invalid_argument(
          "torch_compare: unknown argument '" + a +
          "'; expected --rounds=N, --round-seconds=S or --batches=1,8,...");
    }
  }
  if (o.rounds < 1 || !(o.round_seconds > 0) || o.batches.empty()) {
    throw std::invalid_argument(
        "torch_compare: expected rounds >= 1, round seconds > 0 and at "
        "least one batch size");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  losslab::blas::reexec_for_better_kernel(argv);
  Options options;
  try {
    options = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  torch::set_num_threads(1);
  torch::manual_seed(1);
  std::fprintf(stderr,
               "# openblas kernel %s, openblas threads %d, torch threads %d, "
               "torch %s\n",
               losslab::blas::kernel_name().c_str(),
               losslab::blas::num_threads(), torch::get_num_threads(),
               TORCH_VERSION);

  std::printf("batch,impl,us_per_step,steps_per_s,wall_us_per_step\n");
  for (int batch : options.batches) {
    losslab::bench::MlpStep ours(batch);
    TorchStep theirs(batch);
    losslab::bench::GemmStep gemm(batch);
    const char* names[] = {"losslab", "libtorch", "gemm_only"};
    const std::function<void()> steps[] = {
        [&] { ours.run(); }, [&] { theirs.run(); }, [&] { gemm.run(); }};
    std::vector<double> cpu[3], wall[3];
    for (int r = 0; r < options.rounds; ++r) {
      for (int k = 0; k < 3; ++k) {
        Timing t = time_round(steps[k], options.round_seconds);
        cpu[k].push_back(t.cpu_us);
        wall[k].push_back(t.wall_us);
      }
    }
    for (int k = 0; k < 3; ++k) {
      const double us = median(cpu[k]);
      std::printf("%d,%s,%.2f,%.1f,%.2f\n", batch, names[k], us, 1e6 / us,
                  median(wall[k]));
      std::fflush(stdout);
    }
  }
  return 0;
}
