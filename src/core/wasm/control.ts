/**
 * Layout of the gemm worker pool's control block in shared memory (Int32 slots; alpha and beta
 * travel as float32 bits). Shared by threads.ts (the caller) and worker.ts (the workers). Each
 * worker gets a block of C (some rows, or some columns) and the addresses where its A, B and C
 * parts start.
 */
export const CTL = {
  generation: 0,
  done: 1,
  quit: 2,
  transA: 3,
  transB: 4,
  k: 5,
  alpha: 6,
  lda: 7,
  ldb: 8,
  beta: 9,
  ldc: 10,
  /** Worker w's block at jobs + JOB·w: rows, columns, then the A, B and C addresses of its block. */
  jobs: 16,
} as const;

/** Slots per worker block. */
export const JOB = 5;
