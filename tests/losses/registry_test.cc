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

// ---------------------------------------------------------------------------
// Numbers that do not fit float (losses compute in float)
// ---------------------------------------------------------------------------

// What follows `<loss>: parameter <key>='<text>` in the message for a
// number outside the float range: FLT_MIN rounded up, FLT_MAX to 8 digits.
const std::string kOutsideFloat =
    "' is outside the float range; expected 0 or a magnitude in "
    "[1.1754944e-38, 3.4028235e+38] (losses compute in float)";

TEST(LossRegistryTest, RejectsNumberPastFloatMax) {
  // 1e308 is finite in double but inf in float (max 3.4e38).
  EXPECT_EQ(error_of("focal:gamma=1e308"),
            "focal: parameter gamma='1e308" + kOutsideFloat);
}

TEST(LossRegistryTest, RejectsNumberJustPastThePrintedFloatMax) {
  // 3.4028236e38 lies past FLT_MAX + half an ulp (3.40282357e38), so it
  // rounds to inf in float. alpha < 0 is otherwise accepted.
  EXPECT_EQ(error_of("focal:alpha=-3.4028236e38"),
            "focal: parameter alpha='-3.4028236e38" + kOutsideFloat);
}

TEST(LossRegistryTest, RejectsNumberPastDoubleAsOutOfRange) {
  // 1e400 is spelt correctly; it was reported as "not a number".
  EXPECT_EQ(error_of("bce:pos_weight=1e400"),
            "bce: parameter pos_weight='1e400" + kOutsideFloat);
}

TEST(LossRegistryTest, RejectsSubnormalNumber) {
  // 1e-40 < FLT_MIN: a subnormal in float (0 in training); for gce,
  // 1/q = 1e40 was inf in float and the loss NaN.
  EXPECT_EQ(error_of("gce:q=1e-40"), "gce: parameter q='1e-40" + kOutsideFloat);
}

TEST(LossRegistryTest, RejectsListItemPastFloatMax) {
  EXPECT_EQ(error_of("weighted_ce:weights=1;1e39"),
            "weighted_ce: parameter weights item 1='1e39" + kOutsideFloat);
}

TEST(LossRegistryTest, AcceptsTheEndsOfTheFloatRangeAndZero) {
  EXPECT_NO_THROW(make_loss("focal:alpha=-3.4028235e+38", kCtx));
  EXPECT_NO_THROW(make_loss("focal:gamma=1.1754944e-38", kCtx));
  EXPECT_NO_THROW(make_loss("bce:pos_weight=0", kCtx));
}

// ---------------------------------------------------------------------------
// Parameters that scale a loss term: at most kMaxLossScale = 1e30
// ---------------------------------------------------------------------------

TEST(LossRegistryTest, FocalGammaPastScaleNamesTheRange) {
  EXPECT_EQ(error_of("focal:gamma=1e38"),
            "focal: gamma 1e+38 is invalid; expected a value in [0, 1e+30] "
            "(a larger gamma overflows float)");
}

TEST(LossRegistryTest, PosWeightPastScaleNamesTheRange) {
  // 1e38 fits float, but 1e38 times a term of 4 does not.
  EXPECT_EQ(error_of("bce:pos_weight=1e38"),
            "bce: pos_weight 1e+38 is invalid; expected a value in [0, 1e+30] "
            "(a larger weight overflows float)");
}

TEST(LossRegistryTest, ClassWeightPastScaleNamesWeightedCe) {
  // The spec says weighted_ce, so the message does too, not its base ce.
  EXPECT_EQ(error_of("weighted_ce:weights=1;1e38"),
            "weighted_ce: class weight 1e+38 of class 1 is invalid; expected "
            "0 or a value in [1.1754944e-38, 1e+30] (outside it, weighted "
            "terms vanish or overflow in float)");
}

TEST(LossRegistryTest, SceBetaTimesMinusAPastScaleNamesTheProduct) {
  // Each is within 1e30, but the reverse-CE term reaches 1e20 * 1e20.
  EXPECT_EQ(error_of("sce:beta=1e20,A=-1e20"),
            "sce: beta 1e+20 times -A 1e+20 is 1e+40; expected at most 1e+30 "
            "(it is the largest reverse-CE term, which must stay finite in "
            "float)");
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
