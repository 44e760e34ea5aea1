// The BLAS wrapper on the shapes raw cblas gets wrong or rejects (case C35).
#include "autograd/blas.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "autograd/ops.h"

namespace losslab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(BlasTest, BetaZeroOverwritesNaNOutput) {
  // C35 (a): [[1,2],[3,4]] . I = [[1,2],[3,4]] whatever C held.
  std::vector<double> A{1, 2, 3, 4}, B{1, 0, 0, 1}, C(4, kNaN);
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo, 2, 2, 2, 1.0, A.data(), 2,
             B.data(), 2, 0.0, C.data(), 2);
  EXPECT_EQ(C, (std::vector<double>{1, 2, 3, 4}));
}

TEST(BlasTest, EmptyInnerDimensionGivesZeros) {
  // C35 (b): (2x0) . (0x3) is a sum over nothing: zeros(2x3).
  std::vector<float> C(6, std::numeric_limits<float>::quiet_NaN());
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo, 2, 3, 0, 1.0f, nullptr, 0,
             nullptr, 3, 0.0f, C.data(), 3);
  EXPECT_EQ(C, std::vector<float>(6, 0.0f));
}

TEST(BlasTest, EmptyInnerDimensionScalesByBeta) {
  std::vector<double> C{1, 2};
  blas::gemm(blas::Trans::kNo, blas::Trans::kNo, 1, 2, 0, 1.0, nullptr, 0,
             nullptr, 2, 3.0, C.data(), 2);
  EXPECT_EQ(C, (std::vector<double>{3, 6}));
}

// C = alpha op(A) op(B) + beta C by the definition, for comparison.
std::vector<double> naive_gemm(bool ta, bool tb, int M, int N, int K,
                               double alpha, const std::vector<double>& A,
                               const std::vector<double>& B, double beta,
                               std::vector<double> C) {
  for (int i = 0; i < M; ++i) {
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int k = 0; k < K; ++k) {
        double a = ta ? A[k * M + i] : A[i * K + k];
        double b = tb ? B[j * K + k] : B[k * N + j];
        s += a * b;
      }
      C[i * N + j] = alpha * s + beta * C[i * N + j];
    }
  }
  return C;
}

std::vector<double> ramp(int n, double start) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = start + 0.25 * i - 0.01 * i * i;
  return v;
}

// Every transpose combination of one shape, with beta 0 (output starts as
// NaN) and beta 0.5, against the definition. Covers the gemv (M or N = 1)
// and ger (K = 1) paths as well as gemm.
void expect_gemm_matches_definition(int M, int N, int K) {
  for (int ta = 0; ta < 2; ++ta) {
    for (int tb = 0; tb < 2; ++tb) {
      for (double beta : {0.0, 0.5}) {
        std::vector<double> A = ramp(M * K, -1.0), B = ramp(K * N, 0.5);
        std::vector<double> C0 =
            beta == 0 ? std::vector<double>(M * N, kNaN) : ramp(M * N, 2.0);
        std::vector<double> expected =
            naive_gemm(ta, tb, M, N, K, 1.5, A, B, beta,
                       beta == 0 ? std::vector<double>(M * N, 0.0) : C0);
        std::vector<double> C = C0;
        blas::gemm(ta ? blas::Trans::kYes : blas::Trans::kNo,
                   tb ? blas::Trans::kYes : blas::Trans::kNo, M, N, K, 1.5,
                   A.data(), ta ? M : K, B.data(), tb ? K : N, beta, C.data(),
                   N);
        for (int i = 0; i < M * N; ++i) {
          EXPECT_NEAR(C[i], expected[i], 1e-12)
              << "M=" << M << " N=" << N << " K=" << K << " ta=" << ta
              << " tb=" << tb << " beta=" << beta << " element " << i;
        }
      }
    }
  }
}

TEST(BlasTest, GeneralShapeMatchesDefinition) {
  expect_gemm_matches_definition(3, 4, 5);
}

TEST(BlasTest, SingleRowOutputMatchesDefinition) {
  expect_gemm_matches_definition(1, 4, 5);
}

TEST(BlasTest, SingleColumnOutputMatchesDefinition) {
  expect_gemm_matches_definition(3, 1, 5);
}

TEST(BlasTest, RankOneUpdateMatchesDefinition) {
  expect_gemm_matches_definition(3, 4, 1);
}

TEST(BlasTest, OneByOneMatchesDefinition) {
  expect_gemm_matches_definition(1, 1, 1);
}

TEST(BlasTest, MatmulWithZeroRowsIsEmpty) {
  // C35 (c): (0x4) . (4x3) -> 0x3 without calling BLAS with lda = 0.
  Tape<double> tape;
  Var<double> a = tape.variable(Tensor<double>(0, 4));
  Var<double> b = tape.variable(Tensor<double>(4, 3, 1.0));
  Var<double> c = matmul(a, b);
  EXPECT_EQ(c.rows(), 0);
  EXPECT_EQ(c.cols(), 3);
}

TEST(BlasTest, MatmulBackwardWithZeroRowsGivesZeroWeightGradient) {
  // C16/C35: W.grad = X^T G with X of zero rows is zeros(4x3), even when
  // the gradient buffer starts out holding NaN.
  Tape<double> tape;
  Parameter<double> w(Tensor<double>(4, 3, 0.5));
  w.grad().fill(kNaN);
  w.zero_grad();
  Var<double> x = tape.constant(Tensor<double>(0, 4));
  Var<double> loss = sum(matmul(x, tape.param(w)));
  EXPECT_EQ(loss.value().item(), 0.0);
  tape.backward(loss);
  for (std::size_t i = 0; i < w.grad().size(); ++i) EXPECT_EQ(w.grad()[i], 0.0);
}

TEST(BlasKernelTest, KernelNameIsReported) {
  EXPECT_FALSE(blas::kernel_name().empty());
}

TEST(BlasKernelTest, UserChosenCoretypeIsNeverOverridden) {
  // With OPENBLAS_CORETYPE set, whatever OpenBLAS chose stands.
  const char* old = std::getenv("OPENBLAS_CORETYPE");
  const std::string saved = old ? old : "";
  ::setenv("OPENBLAS_CORETYPE", "Haswell", 1);
  EXPECT_EQ(blas::better_kernel(), "");
  if (old) {
    ::setenv("OPENBLAS_CORETYPE", saved.c_str(), 1);
  } else {
    ::unsetenv("OPENBLAS_CORETYPE");
  }
}

}  // namespace
}  // namespace losslab
