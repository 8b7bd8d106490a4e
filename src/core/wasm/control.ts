/**
 * Layout of the gemm worker pool's control block in shared memory (Int32 slots; alpha and beta
 * travel as float32 bits). Shared by threads.ts (the caller) and worker.ts (the workers).
 */
export const CTL = {
  generation: 0,
  done: 1,
  quit: 2,
  transA: 3,
  transB: 4,
  n: 5,
  k: 6,
  alpha: 7,
  b: 8,
  ldb: 9,
  lda: 10,
  beta: 11,
  ldc: 12,
  /** Per worker w: rows, A address, C address at jobs + 3w. */
  jobs: 16,
} as const;
