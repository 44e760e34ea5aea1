// The training loop on small synthetic data: it learns, it is
// deterministic, and it rejects impossible settings up front.
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "autograd/blas.h"
#include "autograd/denormal.h"
#include "datasets/noise.h"
#include "datasets/synthetic.h"
#include "tests/test_util.h"
#include "train/results.h"
#include "train/setup.h"

namespace losslab {
namespace {

PreparedData blobs() {
  DataConfig d;
  d.dataset = "synthetic:blobs";
  d.synthetic_samples = 400;
  return prepare_data(d);
}

TrainConfig small_config() {
  TrainConfig c;
  c.hidden = "16";
  c.epochs = 3;
  c.batch_size = 32;
  c.optimizer.lr = 0.01;
  return c;
}

TEST(TrainerTest, LearnsSeparableBlobs) {
  PreparedData data = blobs();
  TrainResult r = train(small_config(), data.train, data.test);
  ASSERT_EQ(r.epochs.size(), 3u);
  EXPECT_GT(r.final_test.accuracy, 0.9);
  EXPECT_LT(r.epochs.back().train_loss, r.epochs.front().train_loss);
}

// The bits of FLT_MIN / 2 computed at run time: those of 2^-127 under IEEE
// rules, of 0 when flushed. Bits, because under DAZ a float comparison
// would read 2^-127 as 0.
std::uint32_t half_of_min() {
  volatile float min = FLT_MIN;
  return std::bit_cast<std::uint32_t>(min * 0.5f);
}
constexpr std::uint32_t kZeroBits = 0, kHalfMinBits = 0x00400000;

TEST(TrainerTest, FlushesSubnormalsWhileTraining) {
  if (!FlushDenormals::supported()) GTEST_SKIP() << "no FTZ on this CPU";
  PreparedData data = blobs();
  std::uint32_t seen = 1;
  train(small_config(), data.train, data.test,
        [&](const Progress&) { seen = half_of_min(); });
  EXPECT_EQ(seen, kZeroBits);
}

TEST(TrainerTest, KeepsSubnormalsWhenAsked) {
  PreparedData data = blobs();
  TrainConfig c = small_config();
  c.flush_denormals = false;
  std::uint32_t seen = 1;
  train(c, data.train, data.test,
        [&](const Progress&) { seen = half_of_min(); });
  EXPECT_EQ(seen, kHalfMinBits);
}

TEST(TrainerTest, LeavesTheCallersFloatModeAsFound) {
  PreparedData data = blobs();
  train(small_config(), data.train, data.test);
  EXPECT_EQ(half_of_min(), kHalfMinBits);
}

TEST(TrainerTest, RunConfigRecordsTheSubnormalMode) {
  TrainConfig c = small_config();
  c.flush_denormals = false;
  EXPECT_EQ(to_json(c).at("flush_denormals"), false);
}

TEST(TrainerTest, SameSeedGivesBitIdenticalRun) {
  blas::set_num_threads(1);
  PreparedData data = blobs();
  TrainResult a = train(small_config(), data.train, data.test);
  TrainResult b = train(small_config(), data.train, data.test);
  for (std::size_t e = 0; e < a.epochs.size(); ++e) {
    EXPECT_EQ(std::memcmp(&a.epochs[e].train_loss, &b.epochs[e].train_loss,
                          sizeof(double)),
              0)
        << "epoch " << e + 1;
  }
  EXPECT_EQ(a.final_test.cross_entropy, b.final_test.cross_entropy);
}

TEST(TrainerTest, OtherSeedGivesOtherRun) {
  PreparedData data = blobs();
  TrainConfig c = small_config();
  TrainResult a = train(c, data.train, data.test);
  c.seed = 1;
  TrainResult b = train(c, data.train, data.test);
  EXPECT_NE(a.epochs[0].train_loss, b.epochs[0].train_loss);
}

TEST(TrainerTest, ModelSpecFollowsDataAndLoss) {
  // Blobs: 2 features, 3 classes; ce needs 3 outputs.
  PreparedData data = blobs();
  TrainResult r = train(small_config(), data.train, data.test);
  EXPECT_EQ(r.model_spec, "2-16-3");
}

TEST(TrainerTest, RejectsZeroBatchSize) {
  PreparedData data = blobs();
  TrainConfig c = small_config();
  c.batch_size = 0;
  EXPECT_THROW(train(c, data.train, data.test), std::invalid_argument);
}

TEST(TrainerTest, RejectsZeroEpochs) {
  PreparedData data = blobs();
  TrainConfig c = small_config();
  c.epochs = 0;
  EXPECT_THROW(train(c, data.train, data.test), std::invalid_argument);
}

TEST(TrainerTest, RejectsMomentumForAdam) {
  PreparedData data = blobs();
  TrainConfig c = small_config();
  c.optimizer.kind = "adam";
  c.optimizer.momentum = 0.9;
  const std::string m = testing::message_of<std::invalid_argument>(
      [&] { train(c, data.train, data.test); });
  EXPECT_NE(m.find("optimizer adam: momentum 0.9"), std::string::npos) << m;
}

TEST(TrainerTest, RejectsUnknownLoss) {
  PreparedData data = blobs();
  TrainConfig c = small_config();
  c.loss = "no_such_loss";
  EXPECT_THROW(train(c, data.train, data.test), std::invalid_argument);
}

TEST(TrainerTest, DivergenceStopsWithEpochStepAndLoss) {
  // A huge learning rate sends the logits to inf within the first epoch.
  PreparedData data = blobs();
  TrainConfig c = small_config();
  c.optimizer.kind = "sgd";
  c.optimizer.lr = 1e30;
  try {
    train(c, data.train, data.test);
    FAIL() << "expected TrainingDiverged";
  } catch (const TrainingDiverged& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("epoch"), std::string::npos) << what;
    EXPECT_NE(what.find("step"), std::string::npos) << what;
    EXPECT_NE(what.find("ce"), std::string::npos) << what;
  }
}

TEST(TrainerTest, MeasuresMemorisationOnlyWithNoise) {
  PreparedData clean = blobs();
  TrainResult r = train(small_config(), clean.train, clean.test);
  EXPECT_TRUE(std::isnan(r.epochs[0].noisy_fit));
}

TEST(TrainerTest, NoisyGradientShareIsAFraction) {
  DataConfig d;
  d.dataset = "synthetic:blobs";
  d.synthetic_samples = 400;
  d.noise = "symmetric:0.4";
  PreparedData data = prepare_data(d);
  TrainResult r = train(small_config(), data.train, data.test);
  for (const EpochRecord& e : r.epochs) {
    EXPECT_GE(e.noisy_grad_share, 0.0);
    EXPECT_LE(e.noisy_grad_share, 1.0);
    EXPECT_GE(e.noisy_fit, 0.0);
    EXPECT_LE(e.noisy_fit, 1.0);
  }
}

TEST(SetupTest, NoiseTouchesTrainingLabelsOnly) {
  DataConfig d;
  d.dataset = "synthetic:blobs";
  d.synthetic_samples = 500;
  d.noise = "symmetric:0.2";
  PreparedData data = prepare_data(d);
  // 400 training samples: exactly round(0.2 * 400) = 80 flipped.
  EXPECT_EQ(data.train.num_noisy(), 80);
  EXPECT_EQ(data.test.num_noisy(), 0);
}

TEST(SetupTest, RejectsMalformedNoiseSpec) {
  DataConfig d;
  d.dataset = "synthetic:blobs";
  d.noise = "symmetric:1.5";
  EXPECT_THROW(prepare_data(d), std::invalid_argument);
}

TEST(SetupTest, RejectsMalformedImbalanceSpec) {
  EXPECT_THROW(check_imbalance_spec("binary:6:0"), std::invalid_argument);
}

// The message of the std::invalid_argument that check_imbalance_spec
// throws for `spec`.
std::string imbalance_error(const std::string& spec) {
  return testing::message_of<std::invalid_argument>(
      [&] { check_imbalance_spec(spec); });
}

TEST(SetupTest, RejectsInfiniteImbalanceRatio) {
  EXPECT_EQ(imbalance_error("binary:1:0:inf"),
            "imbalance 'binary:1:0:inf': expected a ratio from 1 to 1e+06, "
            "got inf");
}

TEST(SetupTest, RejectsImbalanceRatioAboveAMillion) {
  EXPECT_EQ(imbalance_error("step:1e9"),
            "imbalance 'step:1e9': expected a ratio from 1 to 1e+06, got "
            "1e+09");
}

TEST(SetupTest, AcceptsImbalanceRatioOfAMillion) {
  EXPECT_EQ(imbalance_error("longtail:1e6"), "<no throw>");
}

TEST(SetupTest, BinaryImbalanceKeepsTestSetBalanced) {
  // Blobs: 3 classes of about 133 training samples; binary 0 vs 1 at 1:10
  // keeps 13 positives for 133 negatives, while the test set keeps both
  // classes whole.
  DataConfig d;
  d.dataset = "synthetic:blobs";
  d.synthetic_samples = 600;
  d.imbalance = "binary:0:1:10";
  PreparedData data = prepare_data(d);
  std::vector<int> train_counts = data.train.class_counts();
  std::vector<int> test_counts = data.test.class_counts();
  EXPECT_EQ(train_counts[0] / 10, train_counts[1]);
  EXPECT_EQ(test_counts[0], test_counts[1]);
}

TEST(SetupTest, IdxWithoutADirectoryIsRejected) {
  // "idx:" alone used to load the default Fashion-MNIST.
  DataConfig d;
  d.dataset = "idx:";
  const std::string m =
      testing::message_of<std::invalid_argument>([&] { prepare_data(d); });
  EXPECT_NE(m.find("expected idx:DIR"), std::string::npos) << m;
}

TEST(SetupTest, UnknownDatasetIsRejected) {
  DataConfig d;
  d.dataset = "imagenet";
  EXPECT_THROW(prepare_data(d), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
