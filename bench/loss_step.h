// One loss's forward plus backward on a fixed batch of logits, shared by
// the loss benchmark and the allocation check.
//
// LossStep builds the registered loss `name` with its defaults for K = 10
// classes (every class present unevenly, so losses weighting by frequency
// have counts), or for K = 2 when the loss accepts binary tasks only. The
// logits (N x outputs) are uniform in [-3, 3], the targets uniform in
// [0, K). run() records the loss with mean reduction on the step's own
// tape, zeroes the logits' gradient and runs backward.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "autograd/tape.h"
#include "autograd/tensor.h"
#include "losses/loss.h"

namespace losslab::bench {

class LossStep {
 public:
  // Throws std::invalid_argument when the loss accepts neither K = 10 nor
  // K = 2 with its defaults.
  LossStep(const std::string& name, int samples);
  void run();
  int classes() const { return classes_; }
  const Tensor<float>& logits_grad() const { return logits_.grad(); }

 private:
  int classes_ = 10;
  std::unique_ptr<Loss> loss_;
  Parameter<float> logits_;
  std::vector<int> targets_;
  Tape<float> tape_;
};

}  // namespace losslab::bench
