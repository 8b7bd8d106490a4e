// gemm on CBLAS. The Backend contract (src/core/backend.ts) differs from BLAS in two corners,
// handled here before the call:
//   - beta = 0 must overwrite C even where it holds NaN: C is zeroed first, so the result does not
//     depend on how the BLAS treats 0 · NaN;
//   - empty products (m or n = 0) do nothing and k = 0 only scales C, without calling the BLAS,
//     whose argument checks would reject the leading dimensions that empty matrices may carry.
// One row or one column of C (a single stream's recurrent product, m = 1) goes to gemv, which
// OpenBLAS runs without gemm's packing.
#include "gemm.h"

#include <cstring>
#include <string>

#ifdef __APPLE__
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
extern "C" {
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
#endif

static void scaleRows(int m, int n, float beta, float* c, int ldc) {
  for (int i = 0; i < m; i++) {
    float* row = c + static_cast<size_t>(i) * ldc;
    if (beta == 0.0f)
      std::memset(row, 0, n * sizeof(float));
    else if (beta != 1.0f)
      for (int j = 0; j < n; j++) row[j] *= beta;
  }
}

void gemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (beta == 0.0f || k <= 0 || alpha == 0.0f) {
    scaleRows(m, n, beta, c, ldc);
    if (k <= 0 || alpha == 0.0f) return;
    beta = 0.0f;
  }
  if (m == 1) {
    // c (1×n) = alpha · op(B)ᵀ-shaped product with the row a: y = alpha · op(B)ᵀ x + beta · y.
    // x is A's only row: contiguous, or (A stored k×1, transposed) one element per row of A.
    const int incx = transA ? lda : 1;
    if (transB)  // B stored n×k: y = B x
      cblas_sgemv(CblasRowMajor, CblasNoTrans, n, k, alpha, b, ldb, a, incx, beta, c, 1);
    else  // B stored k×n: y = Bᵀ x
      cblas_sgemv(CblasRowMajor, CblasTrans, k, n, alpha, b, ldb, a, incx, beta, c, 1);
    return;
  }
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
              alpha, a, lda, b, ldb, beta, c, ldc);
}

#ifdef __APPLE__
static int appleThreads = 1;
void blasSetThreads(int threads) { appleThreads = threads; }
int blasThreads() { return appleThreads; }
const char* blasDescription() { return "Accelerate"; }
#else
static int currentThreads = 0;
void blasSetThreads(int threads) {
  if (threads == currentThreads) return;
  openblas_set_num_threads(threads);
  currentThreads = threads;
}
int blasThreads() { return openblas_get_num_threads(); }
const char* blasDescription() {
  static std::string text;
  text = std::string(openblas_get_config()) + " (core " + openblas_get_corename() + ")";
  return text.c_str();
}
#endif
