// The loss registry: building from specs, listing, and parse errors.
#include "losses/registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "tests/test_util.h"

namespace losslab {
namespace {

// A binary task with counts, so that every loss can be built.
const LossContext kCtx{2, {30, 10}};

// The message of the std::invalid_argument that make_loss(spec) throws.
std::string error_of(const std::string& spec) {
  try {
    make_loss(spec, kCtx);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument for spec " << spec;
  return "";
}

TEST(LossRegistryTest, ListsEveryRequiredLoss) {
  std::vector<std::string> names;
  for (const LossInfo& info : list_losses()) names.push_back(info.name);
  for (const char* name : {"bce", "bce_prob", "ce", "focal", "gce", "l1", "mse",
                           "sce", "weighted_bce", "weighted_ce"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(LossRegistryTest, EveryLossBuildsWithDefaultsAndRoundTrips) {
  for (const LossInfo& info : list_losses()) {
    auto loss = make_loss(info.name, kCtx);
    ASSERT_NE(loss, nullptr) << info.name;
    EXPECT_EQ(loss->name(), info.name);
    EXPECT_EQ(make_loss(loss->spec(), kCtx)->spec(), loss->spec()) << info.name;
  }
}

TEST(LossRegistryTest, ParsesParametersWithSpaces) {
  auto loss = make_loss(" focal : gamma = 0.5 , alpha=0.25", kCtx);
  EXPECT_EQ(loss->spec(), "focal:gamma=0.5,alpha=0.25,link=sigmoid");
}

TEST(LossRegistryTest, DescribeShowsParametersAndDefaults) {
  std::string text = describe_losses();
  EXPECT_NE(text.find("gamma=2"), std::string::npos);
  EXPECT_NE(text.find("smoothing=0"), std::string::npos);
  EXPECT_NE(text.find("A=-4"), std::string::npos);
}

TEST(LossRegistryTest, UnknownNameListsWhatExists) {
  std::string e = error_of("hinge:margin=1");
  EXPECT_NE(e.find("unknown loss 'hinge'"), std::string::npos) << e;
  EXPECT_NE(e.find("bce, bce_prob, ce, focal"), std::string::npos) << e;
}

TEST(LossRegistryTest, UnknownParameterListsParameters) {
  EXPECT_EQ(error_of("focal:gama=2"),
            "make_loss: focal has no parameter 'gama'; expected one of: "
            "gamma, alpha, link");
  EXPECT_NE(error_of("bce_prob:x=1").find("takes no parameters"),
            std::string::npos);
}

TEST(LossRegistryTest, RejectsMalformedSpecs) {
  for (const char* spec : {"", ":gamma=2", "ce:", "ce:smoothing", "ce:=0.1",
                           "ce:smoothing=", "ce:smoothing=abc",
                           "ce:smoothing=0.1x", "ce:smoothing=nan",
                           "ce:smoothing=0.1,smoothing=0.2", "mse:link=tanh"}) {
    EXPECT_THROW(make_loss(spec, kCtx), std::invalid_argument) << spec;
  }
}

TEST(LossRegistryTest, RejectsOutOfRangeValues) {
  EXPECT_THROW(make_loss("ce:smoothing=1", kCtx), std::invalid_argument);
  EXPECT_THROW(make_loss("gce:q=0", kCtx), std::invalid_argument);
  EXPECT_THROW(make_loss("sce:A=1", kCtx), std::invalid_argument);
  EXPECT_THROW(make_loss("bce:pos_weight=-2", kCtx), std::invalid_argument);
}

TEST(LossRegistryTest, NumberErrorNamesParameterAndText) {
  EXPECT_EQ(error_of("focal:gamma=two"),
            "focal: parameter gamma='two' is not a number; expected a finite "
            "decimal such as 0.25");
}

// No loss produces an inf or NaN on ordinary inputs, in any intermediate
// value or gradient: the tape's anomaly mode would throw.
TEST(LossRegistryTest, EveryLossPassesAnomalyMode) {
  std::vector<std::string> specs;
  for (const LossInfo& info : list_losses()) specs.push_back(info.name);
  specs.push_back("focal:link=softmax");
  specs.push_back("mse:link=sigmoid");
  for (const std::string& spec : specs) {
    auto loss = make_loss(spec, kCtx);
    const int O = loss->num_outputs(2);
    Tape<float> tape;
    tape.set_detect_anomaly(true);
    Var<float> z =
        tape.variable(testing::random_tensor(3, O, 5, -50, 50).cast<float>());
    std::vector<int> y = {0, 1, 1};
    EXPECT_NO_THROW(tape.backward(loss->forward(z, y, {}, Reduction::kMean)))
        << spec;
  }
}

}  // namespace
}  // namespace losslab
