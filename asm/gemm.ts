// Single-precision matrix product C = alpha·op(A)·op(B) + beta·C, row-major, SIMD128.
// Contract: src/core/backend.ts (`gemm`); specification: src/core/plain.ts.
//
// Dimension legend: M rows of C, N columns of C, K the shared dimension; MR × NR the register
// block (5 × 8), KC the depth of a packed panel, MC and NC the rows and columns packed at once.
// The loop order and packing follow BLIS (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly
// Instantiating BLAS Functionality", ACM TOMS 41(3), 2015): B is packed into KC × NR panels and A
// into MR × KC panels (reading A in place instead halved the speed), and a 5 × 8 micro-kernel keeps ten f32x4 accumulators in registers (V8
// keeps one of the sixteen vector registers for itself, so 6 × 8 would spill; see
// /work/shared/notes/wasm-sgemm-facts.md). The k loop is deliberately not unrolled.
// Small problems skip packing B: m = 1 has its own 1 × 32 row kernel (op(B) = B) and a dot-product
// kernel (op(B) = Bᵀ); 2 ≤ m ≤ 16 reads B in place, with the 5 × 8 kernel when op(B) = B and with
// a 2 × 4 dot-product kernel when op(B) = Bᵀ and op(A) = A (an RNN step: H_{t−1}·W_hhᵀ).
//
// Files: blocking.ts (block sizes), pack.ts (packing), microkernel.ts (the 5 × 8 kernel and its
// edge variants), small.ts (the unpacked small-m kernels); this file dispatches between them.
// Pointers are byte addresses; lda/ldb/ldc are row strides in elements of the stored matrices.
// `scratch` points at scratchBytes() bytes owned by the caller (one region per thread).


import { KC, MC, MR, NC, NR, PACK_A_BYTES, PACK_B_BYTES, SMALL_M, TMP_BYTES } from "./blocking";
import { tile } from "./microkernel";
import { packA, packB } from "./pack";
import { dotRows, dots1, row1, smallRows } from "./small";

/** Bytes of scratch one gemm call needs (packed A, packed B, an edge tile). */
export function scratchBytes(): i32 {
  return <i32>(PACK_A_BYTES + PACK_B_BYTES + TMP_BYTES);
}

/** Largest m for which gemm does not take the packed path when op(B) = B. */
export function smallM(): i32 {
  return SMALL_M;
}

/** True when gemm takes the packed path for these arguments (threads split only those). */
export function packedPath(transA: bool, transB: bool, m: i32): bool {
  return m > SMALL_M || (m > 1 && transA && transB);
}

export function gemm(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f32, c: usize, ldc: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (!packedPath(transA, transB, m)) {
    scaleC(m, n, beta, c, ldc);
    if (k <= 0 || alpha == 0) return;
    // byte strides of op(A) along i and p, and of op(B) along p and j
    const aI: usize = transA ? 4 : <usize>lda << 2;
    const aP: usize = transA ? <usize>lda << 2 : 4;
    const bP: usize = transB ? 4 : <usize>ldb << 2;
    const bJ: usize = transB ? <usize>ldb << 2 : 4;
    if (m == 1 && !transB) row1(n, k, alpha, a, aP, b, bP, c);
    else if (m == 1) dots1(n, k, alpha, a, aP, b, bJ, c, scratch);
    else if (transB) dotRows(m, n, k, alpha, a, aI, b, bJ, c, <usize>ldc << 2);
    else smallRows(m, n, k, alpha, a, aI, aP, b, bP, c, <usize>ldc << 2, scratch);
    return;
  }
  gemmPacked(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
}

/**
 * The packed (BLIS) path for any m. Threads call it directly on their own rows, so a split
 * product is bit-identical to the one-thread product (gemm takes this path for the same shapes).
 */
export function gemmPacked(
  transA: bool, transB: bool, m: i32, n: i32, k: i32, alpha: f32, a: usize, lda: i32, b: usize, ldb: i32,
  beta: f32, c: usize, ldc: i32, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  scaleC(m, n, beta, c, ldc);
  if (k <= 0 || alpha == 0) return;
  const aI: usize = transA ? 4 : <usize>lda << 2;
  const aP: usize = transA ? <usize>lda << 2 : 4;
  const bP: usize = transB ? 4 : <usize>ldb << 2;
  const bJ: usize = transB ? <usize>ldb << 2 : 4;
  const ldcB = <usize>ldc << 2;
  const pa = scratch;
  const pb = scratch + PACK_A_BYTES;
  const tmp = pb + PACK_B_BYTES;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + <usize>pc * bP + <usize>jc * bJ, bP, bJ, pb);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(mc, kc, alpha, a + <usize>ic * aI + <usize>pc * aP, aI, aP, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = pb + ((<usize>jr * <usize>kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cTile = c + <usize>(ic + ir) * ldcB + (<usize>(jc + jr) << 2);
            tile(kc, pa + ((<usize>ir * <usize>kc) << 2), bPanel, NR * 4, cTile, ldcB, mr, nr, tmp);
          }
        }
      }
    }
  }
}

/** C = beta·C over m × n; beta = 0 writes zeros (ignoring NaN in C), beta = 1 leaves C alone. */
function scaleC(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  if (beta == 1) return;
  const rowBytes = <usize>n << 2;
  const vb = f32x4.splat(beta);
  for (let i = 0; i < m; i++) {
    const row = c + ((<usize>i * <usize>ldc) << 2);
    if (beta == 0) {
      memory.fill(row, 0, rowBytes);
      continue;
    }
    let j = 0;
    for (; j + 4 <= n; j += 4) v128.store(row + (<usize>j << 2), f32x4.mul(v128.load(row + (<usize>j << 2)), vb));
    for (; j < n; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) * beta);
  }
}
