// Regression tests for crashes and undefined behaviour found by the fuzz
// targets in fuzz/, kept here while the owning folders are in flux. Each
// input is the minimised one; run them in the ASan/UBSan build
// (scripts/test) to see the original failure.
#include <gtest/gtest.h>

#include <stdexcept>

#include "train/setup.h"

namespace losslab {
namespace {

// fuzz/data_spec_fuzzer: setup.cc converted the class index to int before
// checking its range, which is undefined for 1e10 (UBSan:
// float-cast-overflow).
TEST(FuzzRegressionTest, ImbalanceClassAboveIntIsRejected) {
  EXPECT_THROW(check_imbalance_spec("binary:6:1e10:2"), std::invalid_argument);
}

TEST(FuzzRegressionTest, ImbalanceClassBelowIntIsRejected) {
  EXPECT_THROW(check_imbalance_spec("binary:-1e10:0:2"), std::invalid_argument);
}

TEST(FuzzRegressionTest, ImbalanceClassNaNIsRejected) {
  EXPECT_THROW(check_imbalance_spec("binary:nan:0:2"), std::invalid_argument);
}

}  // namespace
}  // namespace losslab
