// Tests of checkpoint files: round trip, resumption, and the errors for a
// different architecture, a truncated file and a flipped bit.
#include "nn/checkpoint.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "nn/adam.h"
#include "nn/sgd.h"
#include "tests/test_util/temp_dir.h"

namespace losslab {
namespace {

namespace fs = std::filesystem;

class CheckpointTest : public ::testing::Test {
 protected:
  std::string path(const char* name) const { return dir_.file(name); }

  // One Adam step on fixed gradients, so the optimizer holds moments.
  static void train_one_step(Mlp<float>& model, Optimizer<float>& opt) {
    float g = 0.01f;
    for (auto& p : model.named_parameters()) {
      for (std::size_t i = 0; i < p.param->grad().size(); ++i) {
        p.param->grad()[i] = (g += 0.01f);
      }
    }
    opt.step();
  }

  static std::string read_bytes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in),
            std::istreambuf_iterator<char>()};
  }
  static void write_bytes(const std::string& file, const std::string& b) {
    std::ofstream(file, std::ios::binary) << b;
  }

  // Expects load_checkpoint to throw std::runtime_error whose message holds
  // `fragment` and the path, and `model` to keep its first weight.
  static void expect_load_error(const std::string& file, Mlp<float>& model,
                                Optimizer<float>* opt,
                                const std::string& fragment) {
    const float before = model.named_parameters()[0].param->value[0];
    try {
      load_checkpoint(file, model, opt);
      ADD_FAILURE() << "no exception for " << fragment;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(model.named_parameters()[0].param->value[0], before);
  }

  testing::TempDir dir_{"ckpt"};
};

TEST_F(CheckpointTest, RoundTripRestoresParametersStateAndEpoch) {
  Mlp<float> model({"4-5-3", "relu"}, 1);
  AdamW<float> opt(model.named_parameters(), {});
  train_one_step(model, opt);
  save_checkpoint(path("a.ckpt"), model, &opt, 7);

  Mlp<float> other({"4-5-3", "relu"}, 2);
  AdamW<float> other_opt(other.named_parameters(), {});
  EXPECT_EQ(load_checkpoint(path("a.ckpt"), other, &other_opt), 7);

  auto pa = model.named_parameters(), pb = other.named_parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    const Tensor<float>& a = pa[i].param->value;
    const Tensor<float>& b = pb[i].param->value;
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0)
        << pa[i].name;
  }
  EXPECT_EQ(other_opt.step_count(), 1);
  EXPECT_EQ(other_opt.state().buffers.size(), opt.state().buffers.size());
}

TEST_F(CheckpointTest, ResumedRunTakesTheSameNextStep) {
  Mlp<float> model({"3-4-2", "tanh"}, 3);
  Adam<float> opt(model.named_parameters(), {});
  train_one_step(model, opt);
  save_checkpoint(path("b.ckpt"), model, &opt, 1);

  Mlp<float> resumed({"3-4-2", "tanh"}, 4);
  Adam<float> resumed_opt(resumed.named_parameters(), {});
  load_checkpoint(path("b.ckpt"), resumed, &resumed_opt);
  train_one_step(model, opt);
  train_one_step(resumed, resumed_opt);
  auto pa = model.named_parameters(), pb = resumed.named_parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(std::memcmp(pa[i].param->value.data(), pb[i].param->value.data(),
                          pa[i].param->value.size() * sizeof(float)),
              0)
        << pa[i].name;
  }
}

TEST_F(CheckpointTest, DoubleFileLoadsIntoFloatModel) {
  Mlp<double> model({"2-3-1", "relu"}, 1);
  save_checkpoint<double>(path("d.ckpt"), model, nullptr, 0);
  Mlp<float> small({"2-3-1", "relu"}, 9);
  load_checkpoint<float>(path("d.ckpt"), small, nullptr);
  EXPECT_EQ(small.named_parameters()[0].param->value[0],
            float(model.named_parameters()[0].param->value[0]));
}

TEST_F(CheckpointTest, SaveLeavesNoTemporaryFiles) {
  Mlp<float> model({"2-2", "relu"}, 1);
  save_checkpoint(path("c.ckpt"), model, nullptr, 0);
  save_checkpoint(path("c.ckpt"), model, nullptr, 1);  // overwrite
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "c.ckpt");
  }
  EXPECT_EQ(files, 1);
}

TEST_F(CheckpointTest, SaveIntoMissingDirectoryNamesThePath) {
  Mlp<float> model({"2-2", "relu"}, 1);
  const std::string file = path("no/such/dir/x.ckpt");
  try {
    save_checkpoint(file, model, nullptr, 0);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/dir"), std::string::npos)
        << e.what();
  }
}

TEST_F(CheckpointTest, DifferentArchitectureIsRejected) {
  Mlp<float> model({"4-5-3", "relu"}, 1);
  save_checkpoint(path("e.ckpt"), model, nullptr, 0);
  Mlp<float> wider({"4-6-3", "relu"}, 1);
  expect_load_error(path("e.ckpt"), wider, nullptr,
                    "expected 4-6-3 relu (the model), found 4-5-3 relu");
  Mlp<float> other_activation({"4-5-3", "tanh"}, 1);
  expect_load_error(path("e.ckpt"), other_activation, nullptr,
                    "architecture differs");
}

TEST_F(CheckpointTest, DifferentOptimizerIsRejectedAndModelUntouched) {
  Mlp<float> model({"4-5-3", "relu"}, 1);
  Adam<float> adam(model.named_parameters(), {});
  train_one_step(model, adam);
  save_checkpoint(path("f.ckpt"), model, &adam, 0);

  Mlp<float> target({"4-5-3", "relu"}, 2);
  Sgd<float> sgd(target.named_parameters(), {});
  expect_load_error(path("f.ckpt"), target, &sgd, "expected 'sgd', got 'adam'");
}

TEST_F(CheckpointTest, MissingOptimizerStateIsRejected) {
  Mlp<float> model({"4-5-3", "relu"}, 1);
  save_checkpoint(path("g.ckpt"), model, nullptr, 0);
  Mlp<float> target({"4-5-3", "relu"}, 2);
  Adam<float> adam(target.named_parameters(), {});
  expect_load_error(path("g.ckpt"), target, &adam, "no optimizer state");
}

TEST_F(CheckpointTest, TruncatedFileIsRejected) {
  Mlp<float> model({"4-5-3", "relu"}, 1);
  save_checkpoint(path("h.ckpt"), model, nullptr, 0);
  std::string bytes = read_bytes(path("h.ckpt"));
  write_bytes(path("h.ckpt"), bytes.substr(0, bytes.size() - 10));
  Mlp<float> target({"4-5-3", "relu"}, 2);
  expect_load_error(path("h.ckpt"), target, nullptr,
                    "truncated: expected " + std::to_string(bytes.size()));
  write_bytes(path("h.ckpt"), bytes.substr(0, 5));
  expect_load_error(path("h.ckpt"), target, nullptr, "truncated");
}

TEST_F(CheckpointTest, FlippedBitIsCaughtByTheChecksum) {
  Mlp<float> model({"4-5-3", "relu"}, 1);
  save_checkpoint(path("i.ckpt"), model, nullptr, 0);
  std::string bytes = read_bytes(path("i.ckpt"));
  bytes[bytes.size() / 2] ^= 0x10;  // inside the parameter values
  write_bytes(path("i.ckpt"), bytes);
  Mlp<float> target({"4-5-3", "relu"}, 2);
  expect_load_error(path("i.ckpt"), target, nullptr, "checksum mismatch");
}

// Cut points and flipped bytes: the header fields' edges (magic 0-7, version
// 8-11, size 12-19, width 20), then every 37th byte and the last one. Each
// case writes a file, so a full sweep would be slow on some file systems.
std::vector<std::size_t> probe_offsets(std::size_t size) {
  std::vector<std::size_t> out = {0, 7, 8, 11, 12, 19, 20, 21};
  for (std::size_t i = 22; i < size; i += 37) out.push_back(i);
  out.push_back(size - 1);
  return out;
}

TEST_F(CheckpointTest, TruncationAnywhereIsRejected) {
  Mlp<float> model({"2-2", "relu"}, 1);
  Adam<float> adam(model.named_parameters(), {});
  train_one_step(model, adam);
  save_checkpoint(path("t.ckpt"), model, &adam, 0);
  const std::string bytes = read_bytes(path("t.ckpt"));
  for (std::size_t n : probe_offsets(bytes.size())) {
    write_bytes(path("t.ckpt"), bytes.substr(0, n));
    EXPECT_THROW(read_checkpoint<float>(path("t.ckpt")), std::runtime_error)
        << "first " << n << " bytes";
  }
}

TEST_F(CheckpointTest, FlippedByteAnywhereIsRejected) {
  Mlp<float> model({"2-2", "relu"}, 1);
  Adam<float> adam(model.named_parameters(), {});
  train_one_step(model, adam);
  save_checkpoint(path("u.ckpt"), model, &adam, 0);
  const std::string bytes = read_bytes(path("u.ckpt"));
  for (std::size_t i : probe_offsets(bytes.size())) {
    std::string corrupt = bytes;
    corrupt[i] ^= 0x01;
    write_bytes(path("u.ckpt"), corrupt);
    EXPECT_THROW(read_checkpoint<float>(path("u.ckpt")), std::runtime_error)
        << "byte " << i;
  }
}

TEST_F(CheckpointTest, ForeignFileIsRejectedByMagic) {
  write_bytes(path("j.ckpt"), std::string(64, 'x'));
  Mlp<float> target({"4-5-3", "relu"}, 2);
  expect_load_error(path("j.ckpt"), target, nullptr,
                    "not a losslab checkpoint");
}

TEST_F(CheckpointTest, NewerVersionIsRejected) {
  Mlp<float> model({"2-2", "relu"}, 1);
  save_checkpoint(path("k.ckpt"), model, nullptr, 0);
  std::string bytes = read_bytes(path("k.ckpt"));
  bytes[8] = 2;  // version field, little-endian u32 at offset 8
  write_bytes(path("k.ckpt"), bytes);
  Mlp<float> target({"2-2", "relu"}, 2);
  expect_load_error(path("k.ckpt"), target, nullptr, "expected 1, found 2");
}

TEST_F(CheckpointTest, SpecThatDisagreesWithTheStoredWeightsIsRejected) {
  // A file whose spec names two layers of 2^24 units but which stores the
  // 2-2 model's 6 values: a caller building Mlp(c.model) from it would
  // ask for 2^48 weights (found while writing fuzz/checkpoint_fuzzer).
  Mlp<float> model({"2-2", "relu"}, 1);
  Checkpoint<float> c = capture_checkpoint(model, nullptr, 0);
  c.model.spec = "16777216-16777216";
  write_checkpoint(path("l.ckpt"), c);
  try {
    read_checkpoint<float>(path("l.ckpt"));
    ADD_FAILURE() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("16777216-16777216"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(CheckpointTest, MalformedSpecIsRejectedAsACorruptFile) {
  Mlp<float> model({"2-2", "relu"}, 1);
  Checkpoint<float> c = capture_checkpoint(model, nullptr, 0);
  c.model.spec = "2-x";
  write_checkpoint(path("m.ckpt"), c);
  EXPECT_THROW(read_checkpoint<float>(path("m.ckpt")), std::runtime_error);
}

TEST_F(CheckpointTest, MissingFileNamesThePath) {
  Mlp<float> target({"2-2", "relu"}, 2);
  expect_load_error(path("absent.ckpt"), target, nullptr, "cannot open");
}

}  // namespace
}  // namespace losslab
