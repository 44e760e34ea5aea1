// Every op's backward rule against central finite differences in double,
// on a random shape, a 1x1 input and a zero-row input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "autograd/ops.h"
#include "tests/test_util.h"

namespace losslab {
namespace {

using testing::random_tensor;
using Vars = std::vector<Var<double>>;

struct OpCase {
  std::string name;
  GradcheckFn f;
  int arity = 1;
  double lo = -2.0, hi = 2.0;  // input range, away from kinks and poles
  // Means over zero rows are NaN by definition (0/0), so gradcheck, which
  // needs a finite function, skips them on empty input.
  bool finite_on_empty = true;
};

std::ostream& operator<<(std::ostream& os, const OpCase& c) {
  return os << c.name;
}

std::vector<OpCase> unary_cases() {
  return {
      {"neg", [](Tape<double>&, const Vars& v) { return neg(v[0]); }},
      {"add_scalar",
       [](Tape<double>&, const Vars& v) { return add_scalar(v[0], 1.5); }},
      {"mul_scalar",
       [](Tape<double>&, const Vars& v) { return mul_scalar(v[0], -3.0); }},
      {"exp", [](Tape<double>&, const Vars& v) { return exp(v[0]); }},
      {"log", [](Tape<double>&, const Vars& v) { return log(v[0]); }, 1, 0.1,
       3.0},
      {"sqrt", [](Tape<double>&, const Vars& v) { return sqrt(v[0]); }, 1, 0.1,
       3.0},
      {"pow", [](Tape<double>&, const Vars& v) { return pow(v[0], 2.5); }, 1,
       0.1, 3.0},
      {"pow_negative_exponent",
       [](Tape<double>&, const Vars& v) { return pow(v[0], -1.5); }, 1, 0.5,
       3.0},
      {"abs_positive", [](Tape<double>&, const Vars& v) { return abs(v[0]); },
       1, 0.1, 2.0},
      {"abs_negative", [](Tape<double>&, const Vars& v) { return abs(v[0]); },
       1, -2.0, -0.1},
      {"clamp_inside",
       [](Tape<double>&, const Vars& v) { return clamp(v[0], -5.0, 5.0); }},
      {"clamp_outside",
       [](Tape<double>&, const Vars& v) { return clamp(v[0], -5.0, -3.0); }, 1,
       0.0, 2.0},
      {"relu_positive", [](Tape<double>&, const Vars& v) { return relu(v[0]); },
       1, 0.1, 2.0},
      {"relu_negative", [](Tape<double>&, const Vars& v) { return relu(v[0]); },
       1, -2.0, -0.1},
      {"leaky_relu_negative",
       [](Tape<double>&, const Vars& v) { return leaky_relu(v[0], 0.01); }, 1,
       -2.0, -0.1},
      {"gelu", [](Tape<double>&, const Vars& v) { return gelu(v[0]); }},
      {"sigmoid", [](Tape<double>&, const Vars& v) { return sigmoid(v[0]); }},
      {"sigmoid_large",
       [](Tape<double>&, const Vars& v) { return sigmoid(v[0]); }, 1, 25.0,
       35.0},
      {"tanh", [](Tape<double>&, const Vars& v) { return tanh(v[0]); }},
      {"softplus", [](Tape<double>&, const Vars& v) { return softplus(v[0]); }},
      {"softplus_large",
       [](Tape<double>&, const Vars& v) { return softplus(v[0]); }, 1, 700.0,
       720.0},
      {"log_sigmoid",
       [](Tape<double>&, const Vars& v) { return log_sigmoid(v[0]); }},
      {"log_sigmoid_very_negative",
       [](Tape<double>&, const Vars& v) { return log_sigmoid(v[0]); }, 1,
       -720.0, -700.0},
      {"softmax", [](Tape<double>&, const Vars& v) { return softmax(v[0]); }},
      {"softmax_large",
       [](Tape<double>&, const Vars& v) { return softmax(v[0]); }, 1, 800.0,
       802.0},
      {"log_softmax",
       [](Tape<double>&, const Vars& v) { return log_softmax(v[0]); }},
      {"log_softmax_large",
       [](Tape<double>&, const Vars& v) { return log_softmax(v[0]); }, 1,
       -802.0, -800.0},
      {"logsumexp",
       [](Tape<double>&, const Vars& v) { return logsumexp(v[0]); }},
      {"logsumexp_large",
       [](Tape<double>&, const Vars& v) { return logsumexp(v[0]); }, 1, 1000.0,
       1002.0},
      {"sum", [](Tape<double>&, const Vars& v) { return sum(v[0]); }},
      {"mean_of_square",
       [](Tape<double>&, const Vars& v) { return mean(v[0] * v[0]); }, 1, -2.0,
       2.0, false},
      {"row_sum", [](Tape<double>&, const Vars& v) { return row_sum(v[0]); }},
      {"row_mean", [](Tape<double>&, const Vars& v) { return row_mean(v[0]); }},
      {"col_sum", [](Tape<double>&, const Vars& v) { return col_sum(v[0]); }},
      {"col_mean", [](Tape<double>&, const Vars& v) { return col_mean(v[0]); },
       1, -2.0, 2.0, false},
      {"row_max", [](Tape<double>&, const Vars& v) { return row_max(v[0]); }},
      {"gather_last_column",
       [](Tape<double>&, const Vars& v) {
         std::vector<int> index(v[0].rows(), v[0].cols() - 1);
         return gather(v[0], index);
       }},
      {"transpose",
       [](Tape<double>&, const Vars& v) { return transpose(v[0]); }},
  };
}

std::vector<OpCase> binary_cases() {
  return {
      {"add", [](Tape<double>&, const Vars& v) { return v[0] + v[1]; }, 2},
      {"sub", [](Tape<double>&, const Vars& v) { return v[0] - v[1]; }, 2},
      {"mul", [](Tape<double>&, const Vars& v) { return v[0] * v[1]; }, 2},
      {"div", [](Tape<double>&, const Vars& v) { return v[0] / v[1]; }, 2, 0.5,
       2.0},
  };
}

class UnaryOpGradcheckTest : public ::testing::TestWithParam<OpCase> {};

TEST_P(UnaryOpGradcheckTest, RandomShape) {
  EXPECT_GRADCHECK(GetParam().f,
                   {random_tensor(3, 4, 7, GetParam().lo, GetParam().hi)});
}

TEST_P(UnaryOpGradcheckTest, OneByOne) {
  EXPECT_GRADCHECK(GetParam().f,
                   {random_tensor(1, 1, 8, GetParam().lo, GetParam().hi)});
}

TEST_P(UnaryOpGradcheckTest, ZeroRows) {
  if (!GetParam().finite_on_empty) GTEST_SKIP() << "NaN on empty input";
  EXPECT_GRADCHECK(GetParam().f, {Tensor<double>(0, 4)});
}

INSTANTIATE_TEST_SUITE_P(Ops, UnaryOpGradcheckTest,
                         ::testing::ValuesIn(unary_cases()),
                         [](const auto& info) { return info.param.name; });

class BinaryOpGradcheckTest : public ::testing::TestWithParam<OpCase> {
 protected:
  void check(int ar, int ac, int br, int bc) {
    const OpCase& c = GetParam();
    EXPECT_GRADCHECK(c.f, {random_tensor(ar, ac, 1, c.lo, c.hi),
                           random_tensor(br, bc, 2, c.lo, c.hi)});
  }
};

TEST_P(BinaryOpGradcheckTest, SameShape) { check(3, 4, 3, 4); }
TEST_P(BinaryOpGradcheckTest, RowBroadcastRight) { check(3, 4, 1, 4); }
TEST_P(BinaryOpGradcheckTest, RowBroadcastLeft) { check(1, 4, 3, 4); }
TEST_P(BinaryOpGradcheckTest, ColumnBroadcast) { check(3, 4, 3, 1); }
TEST_P(BinaryOpGradcheckTest, ScalarBroadcast) { check(3, 4, 1, 1); }
TEST_P(BinaryOpGradcheckTest, OuterBroadcast) { check(3, 1, 1, 4); }
TEST_P(BinaryOpGradcheckTest, OneByOne) { check(1, 1, 1, 1); }
TEST_P(BinaryOpGradcheckTest, ZeroRowsWithBias) { check(0, 4, 1, 4); }

INSTANTIATE_TEST_SUITE_P(Ops, BinaryOpGradcheckTest,
                         ::testing::ValuesIn(binary_cases()),
                         [](const auto& info) { return info.param.name; });

GradcheckFn matmul_fn() {
  return [](Tape<double>&, const Vars& v) { return matmul(v[0], v[1]); };
}

TEST(MatmulGradcheckTest, RandomShape) {
  EXPECT_GRADCHECK(matmul_fn(),
                   {random_tensor(3, 5, 1), random_tensor(5, 2, 2)});
}

TEST(MatmulGradcheckTest, OneByOne) {
  EXPECT_GRADCHECK(matmul_fn(),
                   {random_tensor(1, 1, 1), random_tensor(1, 1, 2)});
}

TEST(MatmulGradcheckTest, ZeroRows) {
  EXPECT_GRADCHECK(matmul_fn(), {Tensor<double>(0, 3), random_tensor(3, 2, 2)});
}

TEST(MatmulGradcheckTest, VectorTimesMatrix) {
  EXPECT_GRADCHECK(matmul_fn(),
                   {random_tensor(1, 4, 1), random_tensor(4, 3, 2)});
}

GradcheckFn linear_fn() {
  return [](Tape<double>&, const Vars& v) { return linear(v[0], v[1], v[2]); };
}

TEST(LinearGradcheckTest, OneRowTakesTheVectorPath) {
  EXPECT_GRADCHECK(linear_fn(), {random_tensor(1, 4, 1), random_tensor(4, 3, 2),
                                 random_tensor(1, 3, 3)});
}

TEST(LinearGradcheckTest, ZeroRowsGiveZeroWeightAndBiasGradients) {
  EXPECT_GRADCHECK(linear_fn(), {Tensor<double>(0, 4), random_tensor(4, 3, 2),
                                 random_tensor(1, 3, 3)});
}

TEST(LinearGradcheckTest, InputUsedAsWeightSumsBothGradients) {
  // x (3 x 3) is both the input and the weight: dx = dY x^T + x^T dY.
  GradcheckFn f = [](Tape<double>&, const Vars& v) {
    return linear(v[0], v[0], v[1]);
  };
  EXPECT_GRADCHECK(f, {random_tensor(3, 3, 1), random_tensor(1, 3, 2)});
}

TEST(LinearTest, ValueIsXTimesWPlusBiasOnEveryRow) {
  // x = [[1, 2], [0, 1]], W = [[1, 0], [0, 1]] (identity), b = [10, 20].
  Tape<double> tape;
  Var<double> y = linear(tape.constant(Tensor<double>(2, 2, {1, 2, 0, 1})),
                         tape.constant(Tensor<double>(2, 2, {1, 0, 0, 1})),
                         tape.constant(Tensor<double>(1, 2, {10, 20})));
  EXPECT_EQ(y.value()(0, 0), 11.0);
  EXPECT_EQ(y.value()(0, 1), 22.0);
  EXPECT_EQ(y.value()(1, 0), 10.0);
  EXPECT_EQ(y.value()(1, 1), 21.0);
}

TEST(LinearTest, MisfittingBiasIsNamed) {
  Tape<double> tape;
  Var<double> x = tape.constant(Tensor<double>(2, 3));
  Var<double> w = tape.constant(Tensor<double>(3, 4));
  try {
    linear(x, w, tape.constant(Tensor<double>(1, 3)));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bias 1x3"), std::string::npos)
        << e.what();
  }
}

TEST(ComposedGradcheckTest, LinearLayerWithBiasAndSoftmaxCrossEntropy) {
  // -mean(gather(log_softmax(x W + b), y)): the path every classifier takes.
  GradcheckFn f = [](Tape<double>&, const Vars& v) {
    std::vector<int> y{0, 2, 1, 2};
    Var<double> logits = matmul(v[0], v[1]) + v[2];
    return -mean(gather(log_softmax(logits), y));
  };
  EXPECT_GRADCHECK(f, {random_tensor(4, 5, 1), random_tensor(5, 3, 2),
                       random_tensor(1, 3, 3)});
}

}  // namespace
}  // namespace losslab
