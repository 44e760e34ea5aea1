// Tests of the MLP builder: spec parsing, layout and names, gradients,
// seeding and modes.
#include "nn/mlp.h"

#include <gtest/gtest.h>

#include <cstring>

#include "autograd/ops.h"
#include "nn/activations.h"
#include "tests/test_util.h"

namespace losslab {
namespace {

TEST(MlpSpecTest, ParsesWidths) {
  EXPECT_EQ(parse_mlp_spec("784-256-128-10"),
            (std::vector<int>{784, 256, 128, 10}));
  EXPECT_EQ(parse_mlp_spec("2-1"), (std::vector<int>{2, 1}));
}

TEST(MlpSpecTest, RejectsMalformedSpecs) {
  for (const char* bad : {"", "10", "784--10", "784-abc-10", "4-0-2", "-4-2",
                          "4-2-", "4 - 2", "4-99999999999"}) {
    EXPECT_THROW(parse_mlp_spec(bad), std::invalid_argument) << bad;
  }
}

TEST(MlpSpecTest, ErrorQuotesSpecAndField) {
  try {
    parse_mlp_spec("784-abc-10");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'784-abc-10'"), std::string::npos) << what;
    EXPECT_NE(what.find("field 2 'abc'"), std::string::npos) << what;
  }
}

TEST(MlpTest, RejectsUnknownActivationListingKnownOnes) {
  try {
    Mlp<float>({"4-3-2", "swish"}, 1);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("relu, leaky_relu, tanh"),
              std::string::npos)
        << e.what();
  }
}

TEST(MlpTest, RejectsDropoutOfOne) {
  EXPECT_THROW(Mlp<float>({"4-3-2", "relu", 1.0}, 1), std::invalid_argument);
}

TEST(MlpTest, NamesParametersByLayerIndex) {
  Mlp<float> mlp({"4-8-8-3", "relu"}, 1);
  std::vector<std::string> names;
  for (auto& p : mlp.named_parameters()) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight",
                                             "2.bias", "4.weight", "4.bias"}));
  // 4*8 + 8 + 8*8 + 8 + 8*3 + 3 = 139
  EXPECT_EQ(mlp.num_parameters(), 139u);
}

TEST(MlpTest, DropoutFollowsEachHiddenActivation) {
  Mlp<float> mlp({"4-8-8-3", "gelu", 0.5}, 1);
  // Linear GELU Dropout Linear GELU Dropout Linear
  ASSERT_EQ(mlp.layers().size(), 7u);
  EXPECT_EQ(mlp.layers()[2].describe(), "Dropout(0.5)");
  EXPECT_EQ(mlp.named_parameters()[2].name, "3.weight");
}

TEST(MlpTest, CanonicalisesSpec) {
  Mlp<float> mlp({"04-3-2", "tanh"}, 1);
  EXPECT_EQ(mlp.config().spec, "4-3-2");
}

TEST(MlpTest, OutputHasBatchRowsAndOutputColumns) {
  Mlp<float> mlp({"5-7-3", "relu"}, 1);
  Tape<float> tape;
  Var<float> y = mlp.forward(tape, tape.constant(Tensor<float>(6, 5, 0.5f)));
  EXPECT_EQ(y.rows(), 6);
  EXPECT_EQ(y.cols(), 3);
}

TEST(MlpTest, RejectsInputOfWrongWidth) {
  Mlp<float> mlp({"5-7-3", "relu"}, 1);
  Tape<float> tape;
  EXPECT_THROW(mlp.forward(tape, tape.constant(Tensor<float>(6, 4))),
               std::invalid_argument);
}

// F(params) = sum(w * mlp(X)) with fixed weights w, so every output counts.
double objective(Mlp<double>& mlp, const Tensor<double>& x,
                 const Tensor<double>& w) {
  Tape<double> tape;
  Var<double> y = mlp.forward(tape, tape.constant(x));
  return sum(mul(y, tape.constant(w))).value().item();
}

TEST(MlpTest, ParameterGradientsMatchFiniteDifferences) {
  // Smooth activations only, so no finite difference straddles a kink.
  Mlp<double> mlp({"3-4-4-2", "tanh"}, 11);
  Tensor<double> x = testing::random_tensor(5, 3, 1);
  Tensor<double> w = testing::random_tensor(5, 2, 2);
  Tape<double> tape;
  Var<double> y = mlp.forward(tape, tape.constant(x));
  tape.backward(sum(mul(y, tape.constant(w))));

  const double h = 1e-6;
  for (auto& p : mlp.named_parameters()) {
    for (std::size_t i = 0; i < p.param->value.size(); ++i) {
      double& v = p.param->value[i];
      const double saved = v;
      v = saved + h;
      const double up = objective(mlp, x, w);
      v = saved - h;
      const double down = objective(mlp, x, w);
      v = saved;
      const double numeric = (up - down) / (2 * h);
      EXPECT_NEAR(p.param->grad()[i], numeric, 1e-6 + 1e-4 * std::abs(numeric))
          << p.name << " element " << i;
    }
  }
}

TEST(MlpTest, InputGradientMatchesFiniteDifferences) {
  auto mlp = std::make_shared<Mlp<double>>(MlpConfig{"3-5-2", "gelu"}, 12);
  GradcheckFn f = [mlp](Tape<double>& tape,
                        const std::vector<Var<double>>& in) {
    return mlp->forward(tape, in[0]);
  };
  EXPECT_GRADCHECK(f, {testing::random_tensor(4, 3, 3)});
}

TEST(MlpTest, SameSeedGivesBitIdenticalWeights) {
  Mlp<float> a({"6-5-4", "relu", 0.2}, 123), b({"6-5-4", "relu", 0.2}, 123);
  auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) {
    const Tensor<float>& va = pa[i].param->value;
    const Tensor<float>& vb = pb[i].param->value;
    ASSERT_TRUE(va.same_shape(vb));
    EXPECT_EQ(std::memcmp(va.data(), vb.data(), va.size() * sizeof(float)), 0)
        << pa[i].name;
  }
}

TEST(MlpTest, DifferentSeedsGiveDifferentWeights) {
  Mlp<float> a({"6-5-4", "relu"}, 1), b({"6-5-4", "relu"}, 2);
  EXPECT_NE(a.named_parameters()[0].param->value[0],
            b.named_parameters()[0].param->value[0]);
}

TEST(MlpTest, DropoutDoesNotChangeInitialWeights) {
  // Init and dropout draw from separate streams of the same seed.
  Mlp<float> a({"6-5-4", "relu"}, 5), b({"6-5-4", "relu", 0.5}, 5);
  auto pa = a.named_parameters(), pb = b.named_parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) {
    EXPECT_EQ(std::memcmp(pa[i].param->value.data(), pb[i].param->value.data(),
                          pa[i].param->value.size() * sizeof(float)),
              0)
        << pa[i].name;
  }
}

TEST(MlpTest, EvalModeReachesDropoutLayers) {
  Mlp<float> mlp({"4-6-2", "relu", 0.5}, 1);
  mlp.eval();
  EXPECT_FALSE(mlp.layers()[2].is_training());
  // In evaluation mode two forward passes agree.
  Tape<float> tape;
  Var<float> x = tape.constant(Tensor<float>(3, 4, 1.0f));
  Tensor<float> y1 = mlp.forward(tape, x).value();
  Tensor<float> y2 = mlp.forward(tape, x).value();
  for (std::size_t i = 0; i < y1.size(); ++i) EXPECT_EQ(y1[i], y2[i]);
  mlp.train();
  EXPECT_TRUE(mlp.layers()[2].is_training());
}

TEST(MlpTest, ZeroGradClearsEveryGradient) {
  Mlp<double> mlp({"2-3-1", "relu"}, 1);
  for (auto& p : mlp.named_parameters()) p.param->grad().fill(1.0);
  mlp.zero_grad();
  for (auto& p : mlp.named_parameters()) {
    for (std::size_t i = 0; i < p.param->grad().size(); ++i) {
      EXPECT_EQ(p.param->grad()[i], 0.0) << p.name;
    }
  }
}

}  // namespace
}  // namespace losslab
