// gemm on CBLAS. The Backend contract (src/core/backend.ts) differs from BLAS in two corners,
// handled here before the call:
//   - beta = 0 must overwrite C even where it holds NaN: C is zeroed first, so the result does not
//     depend on how the BLAS treats 0 · NaN;
//   - empty products (m or n = 0) do nothing and k = 0 only scales C, without calling the BLAS,
//     whose argument checks would reject the leading dimensions that empty matrices may carry.
// One row or one column of C (a single stream's recurrent product, m = 1) goes to gemv, which
// OpenBLAS runs without gemm's packing.
//
// Threads: the BLAS always runs on one thread; a product big enough to share is cut into blocks
// of rows or columns of C that the backend's WorkPool (pool.h, which says why) hands out to its
// threads. The cut depends on the shape and the thread count only, and each block is one
// single-threaded BLAS call, so the result is the same bits whichever thread runs which block.
#include "gemm.h"

#include <algorithm>
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

/** One BLAS call: C = alpha · op(A) · op(B) + beta · C with m, n, k ≥ 1. */
static void product(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
                    const float* b, int ldb, float beta, float* c, int ldc) {
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

namespace {

// A block is worth a thread from about two million flops on (about 20 µs on one core; a sleeping
// worker takes about as long to wake). With one million, A16's step products (16×560×166, 3
// million flops) were cut in two and A16 on 2 threads ran at 0.82× of 1 thread; with two million
// they stay whole, 0.97× (docs/notes/bench.md). Blocks are cut at multiples of 16 rows or columns
// (whole vectors of the BLAS kernels), at most BLOCKS_PER_THREAD per thread, so that a thread
// that falls behind (descheduled on a busy machine) holds back little: the others take its share.
constexpr double MIN_BLOCK_FLOPS = 1 << 21;
constexpr int BLOCKS_PER_THREAD = 2;
constexpr int ALIGN = 16;

struct Product {
  bool transA, transB;
  int m, n, k;
  float alpha;
  const float* a;
  int lda;
  const float* b;
  int ldb;
  float beta;
  float* c;
  int ldc;
  bool byRows;  // blocks of rows of C (else of columns)
  int per;      // rows or columns per block
};

void productBlock(const void* job, int block) {
  const Product& p = *static_cast<const Product*>(job);
  const int from = block * p.per;
  if (p.byRows) {
    const int rows = std::min(p.per, p.m - from);
    const float* a = p.a + (p.transA ? static_cast<size_t>(from) : static_cast<size_t>(from) * p.lda);
    product(p.transA, p.transB, rows, p.n, p.k, p.alpha, a, p.lda, p.b, p.ldb, p.beta,
            p.c + static_cast<size_t>(from) * p.ldc, p.ldc);
  } else {
    const int cols = std::min(p.per, p.n - from);
    const float* b = p.b + (p.transB ? static_cast<size_t>(from) * p.ldb : static_cast<size_t>(from));
    product(p.transA, p.transB, p.m, cols, p.k, p.alpha, p.a, p.lda, b, p.ldb, p.beta, p.c + from, p.ldc);
  }
}

}  // namespace

void gemm(WorkPool* pool, bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc) {
  if (m <= 0 || n <= 0) return;
  if (beta == 0.0f || k <= 0 || alpha == 0.0f) {
    scaleRows(m, n, beta, c, ldc);
    if (k <= 0 || alpha == 0.0f) return;
    beta = 0.0f;
  }
  const int threads = pool ? pool->threads() : 1;
  if (threads < 2) {
    product(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const bool byRows = m > n;
  const int dim = byRows ? m : n;
  const double flops = 2.0 * m * n * k;
  const int blocks = static_cast<int>(
      std::min({static_cast<double>(threads * BLOCKS_PER_THREAD), flops / MIN_BLOCK_FLOPS,
                static_cast<double>(dim / ALIGN)}));
  if (blocks < 2) {
    product(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const int per = ((dim + blocks - 1) / blocks + ALIGN - 1) / ALIGN * ALIGN;
  const Product job{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, byRows, per};
  pool->run((dim + per - 1) / per, productBlock, &job);
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
