// The matrix product of the native backend, C = alpha · op(A) · op(B) + beta · C, row-major, on
// the BLAS the addon was built against (OpenBLAS through CBLAS on Linux, Accelerate on macOS).
#pragma once

#include "pool.h"

/** `pool`: the threads to share a big product among (null: the calling thread alone). */
void gemm(WorkPool* pool, bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda,
          const float* b, int ldb, float beta, float* c, int ldc);

/** Threads the BLAS may use for the next products (a process-wide setting of the BLAS). */
void blasSetThreads(int threads);
int blasThreads();
/** What the BLAS says it is, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Cooperlake". */
const char* blasDescription();
