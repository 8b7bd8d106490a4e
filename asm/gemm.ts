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
// Pointers are byte addresses; lda/ldb/ldc are row strides in elements of the stored matrices.
// `scratch` points at scratchBytes() bytes owned by the caller (one region per thread).

import { madd } from "./math";

const MR = 5;
const NR = 8;
const KC = 256;
const MC = 120;
const NC = 1024;
const SMALL_M = 16;
const PACK_A_BYTES: usize = MC * KC * 4;
const PACK_B_BYTES: usize = KC * NC * 4;
const TMP_BYTES: usize = MR * NR * 4;

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

/** Packs kc × nc of op(B) into NR-column panels, p-major inside a panel, zero-padding the last. */
function packB(kc: i32, nc: i32, src: usize, bP: usize, bJ: usize, dst: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const nr = min(NR, nc - jp);
    const d = dst + ((<usize>jp * <usize>kc) << 2);
    const s = src + <usize>jp * bJ;
    if (nr == NR && bJ == 4) {
      for (let p = 0; p < kc; p++) {
        const row = s + <usize>p * bP;
        v128.store(d + (<usize>p << 5), v128.load(row));
        v128.store(d + (<usize>p << 5), v128.load(row, 16), 16);
      }
      continue;
    }
    for (let q = 0; q < NR; q++) {
      const col = s + <usize>q * bJ;
      const dq = d + (<usize>q << 2);
      if (q < nr) for (let p = 0; p < kc; p++) store<f32>(dq + (<usize>p << 5), load<f32>(col + <usize>p * bP));
      else for (let p = 0; p < kc; p++) store<f32>(dq + (<usize>p << 5), 0);
    }
  }
}

/** Packs alpha · (mc × kc of op(A)) into MR-row panels, p-major inside a panel, zero-padding the last. */
function packA(mc: i32, kc: i32, alpha: f32, src: usize, aI: usize, aP: usize, dst: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const mr = min(MR, mc - ip);
    const d = dst + ((<usize>ip * <usize>kc) << 2);
    const s = src + <usize>ip * aI;
    if (aP == 4 && mr == MR) {
      // rows contiguous along p: four p at a time, a 4 × 4 transpose of rows 0-3 and row 4
      // threaded in, five full stores per 20 values
      const va = f32x4.splat(alpha);
      const k4 = kc & ~3;
      for (let p = 0; p < k4; p += 4) {
        const o = <usize>p << 2;
        const r0 = f32x4.mul(v128.load(s + o), va);
        const r1 = f32x4.mul(v128.load(s + aI + o), va);
        const r2 = f32x4.mul(v128.load(s + 2 * aI + o), va);
        const r3 = f32x4.mul(v128.load(s + 3 * aI + o), va);
        const r4 = f32x4.mul(v128.load(s + 4 * aI + o), va);
        const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const q0 = f32x4.shuffle(t0, t1, 0, 1, 4, 5); // rows 0-3 at p
        const q1 = f32x4.shuffle(t0, t1, 2, 3, 6, 7); // at p + 1
        const q2 = f32x4.shuffle(t2, t3, 0, 1, 4, 5);
        const q3 = f32x4.shuffle(t2, t3, 2, 3, 6, 7);
        const dp = d + <usize>p * MR * 4;
        v128.store(dp, q0);
        v128.store(dp, f32x4.shuffle(r4, q1, 0, 4, 5, 6), 16);
        v128.store(dp, f32x4.shuffle(f32x4.shuffle(q1, r4, 3, 5, 3, 5), q2, 0, 1, 4, 5), 32);
        v128.store(dp, f32x4.shuffle(f32x4.shuffle(q2, r4, 2, 3, 6, 6), q3, 0, 1, 2, 4), 48);
        v128.store(dp, f32x4.shuffle(q3, r4, 1, 2, 3, 7), 64);
      }
      for (let p = k4; p < kc; p++) {
        const dp = d + <usize>p * MR * 4;
        for (let r = 0; r < MR; r++) store<f32>(dp + (<usize>r << 2), alpha * load<f32>(s + <usize>r * aI + (<usize>p << 2)));
      }
    } else if (aP == 4) {
      // rows contiguous along p (a last, partial panel)
      for (let r = 0; r < MR; r++) {
        const row = s + <usize>r * aI;
        const dr = d + (<usize>r << 2);
        if (r < mr) for (let p = 0; p < kc; p++) store<f32>(dr + <usize>p * MR * 4, alpha * load<f32>(row + (<usize>p << 2)));
        else for (let p = 0; p < kc; p++) store<f32>(dr + <usize>p * MR * 4, 0);
      }
    } else if (mr == MR) {
      // op(A) = Aᵀ: columns of op(A) contiguous along i, four lanes and one
      const va = f32x4.splat(alpha);
      for (let p = 0; p < kc; p++) {
        const col = s + <usize>p * aP;
        const dp = d + <usize>p * MR * 4;
        v128.store(dp, f32x4.mul(v128.load(col), va));
        store<f32>(dp + 16, alpha * load<f32>(col + 16));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const col = s + <usize>p * aP;
        const dp = d + <usize>p * MR * 4;
        for (let r = 0; r < MR; r++) store<f32>(dp + (<usize>r << 2), r < mr ? alpha * load<f32>(col + (<usize>r << 2)) : 0);
      }
    }
  }
}

/**
 * C[0..mr, 0..nr] += Ã·B̃ over kc, Ã an MR-row packed panel (alpha folded in), B̃ eight columns
 * advancing `bStep` bytes per p (32 when packed, the row stride when read in place).
 */
function kernel5x8(
  kc: i32, ap: usize, bp: usize, bStep: usize, c: usize, ldcB: usize, mr: i32, nr: i32, tmp: usize,
): void {
  kernelRows(5, kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
}

/** The micro-kernel for a panel of `mr` rows: kernel5x8 when full, kernelTail otherwise. */
// @ts-ignore: decorator
@inline function tile(
  kc: i32, ap: usize, bp: usize, bStep: usize, c: usize, ldcB: usize, mr: i32, nr: i32, tmp: usize,
): void {
  if (mr == MR) kernel5x8(kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
  else kernelTail(kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
}

/**
 * A last panel of fewer than five rows: a kernel that skips the zero rows (m = 6 would waste 40%).
 * Kept apart from kernel5x8: with all variants in one function V8 halved the full kernel's speed.
 */
function kernelTail(
  kc: i32, ap: usize, bp: usize, bStep: usize, c: usize, ldcB: usize, mr: i32, nr: i32, tmp: usize,
): void {
  if (mr >= 4) kernelRows(4, kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
  else if (mr == 3) kernelRows(3, kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
  else if (mr == 2) kernelRows(2, kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
  else kernelRows(1, kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
}

/** The micro-kernel for the first `rows` rows of a panel (`rows` a constant at each call site). */
// @ts-ignore: decorator
@inline function kernelRows(
  rows: i32, kc: i32, ap: usize, bp: usize, bStep: usize, c: usize, ldcB: usize, mr: i32, nr: i32, tmp: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    if (rows > 1) {
      av = v128.load32_splat(ap, 4);
      c10 = madd(av, b0, c10);
      c11 = madd(av, b1, c11);
    }
    if (rows > 2) {
      av = v128.load32_splat(ap, 8);
      c20 = madd(av, b0, c20);
      c21 = madd(av, b1, c21);
    }
    if (rows > 3) {
      av = v128.load32_splat(ap, 12);
      c30 = madd(av, b0, c30);
      c31 = madd(av, b1, c31);
    }
    if (rows > 4) {
      av = v128.load32_splat(ap, 16);
      c40 = madd(av, b0, c40);
      c41 = madd(av, b1, c41);
    }
    ap += MR * 4;
    bp += bStep;
  }
  writeTile(c, ldcB, mr, nr, tmp, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41);
}

/** C[0..mr, 0..nr] += the 5 × 8 accumulators (all of them directly when the tile is full). */
// @ts-ignore: decorator
@inline function writeTile(
  c: usize, ldcB: usize, mr: i32, nr: i32, tmp: usize, c00: v128, c01: v128, c10: v128, c11: v128, c20: v128,
  c21: v128, c30: v128, c31: v128, c40: v128, c41: v128,
): void {
  if (mr == MR && nr == NR) {
    addTo(c, c00, c01);
    addTo(c + ldcB, c10, c11);
    addTo(c + 2 * ldcB, c20, c21);
    addTo(c + 3 * ldcB, c30, c31);
    addTo(c + 4 * ldcB, c40, c41);
    return;
  }
  v128.store(tmp, c00);
  v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32);
  v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64);
  v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96);
  v128.store(tmp, c31, 112);
  v128.store(tmp, c40, 128);
  v128.store(tmp, c41, 144);
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>r * ldcB;
    const t = tmp + <usize>r * NR * 4;
    for (let j = 0; j < nr; j++) store<f32>(row + (<usize>j << 2), load<f32>(row + (<usize>j << 2)) + load<f32>(t + (<usize>j << 2)));
  }
}

// @ts-ignore: decorator
@inline function addTo(row: usize, v0: v128, v1: v128): void {
  v128.store(row, f32x4.add(v128.load(row), v0));
  v128.store(row, f32x4.add(v128.load(row, 16), v1), 16);
}

/** 2 ≤ m ≤ 16, op(B) = B: A packed (tiny), B read in place; the last n mod 8 columns packed. */
function smallRows(
  m: i32, n: i32, k: i32, alpha: f32, a: usize, aI: usize, aP: usize, b: usize, bP: usize, c: usize, ldcB: usize,
  scratch: usize,
): void {
  const pa = scratch;
  const pb = scratch + PACK_A_BYTES;
  const tmp = pb + PACK_B_BYTES;
  const nFull = n & ~(NR - 1);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packA(m, kc, alpha, a + <usize>pc * aP, aI, aP, pa);
    const bRows = b + <usize>pc * bP;
    for (let jr = 0; jr < nFull; jr += NR) {
      for (let ir = 0; ir < m; ir += MR) {
        const cTile = c + <usize>ir * ldcB + (<usize>jr << 2);
        tile(kc, pa + ((<usize>ir * <usize>kc) << 2), bRows + (<usize>jr << 2), bP, cTile, ldcB, min(MR, m - ir), NR, tmp);
      }
    }
    if (nFull < n) {
      packB(kc, n - nFull, bRows + (<usize>nFull << 2), bP, 4, pb);
      for (let ir = 0; ir < m; ir += MR) {
        const cTile = c + <usize>ir * ldcB + (<usize>nFull << 2);
        tile(kc, pa + ((<usize>ir * <usize>kc) << 2), pb, NR * 4, cTile, ldcB, min(MR, m - ir), n - nFull, tmp);
      }
    }
  }
}

/** m = 1, op(B) = B: c[j] += alpha · Σ_p a[p]·B[p, j], 32 columns at a time, B in place. */
function row1(n: i32, k: i32, alpha: f32, a: usize, aP: usize, b: usize, bP: usize, c: usize): void {
  const va = f32x4.splat(alpha);
  let j = 0;
  for (; j + 32 <= n; j += 32) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
    let bp = b + (<usize>j << 2);
    let ap = a;
    for (let p = 0; p < k; p++) {
      const av = v128.load32_splat(ap);
      s0 = madd(av, v128.load(bp), s0);
      s1 = madd(av, v128.load(bp, 16), s1);
      s2 = madd(av, v128.load(bp, 32), s2);
      s3 = madd(av, v128.load(bp, 48), s3);
      s4 = madd(av, v128.load(bp, 64), s4);
      s5 = madd(av, v128.load(bp, 80), s5);
      s6 = madd(av, v128.load(bp, 96), s6);
      s7 = madd(av, v128.load(bp, 112), s7);
      ap += aP;
      bp += bP;
    }
    const cp = c + (<usize>j << 2);
    v128.store(cp, madd(va, s0, v128.load(cp)));
    v128.store(cp, madd(va, s1, v128.load(cp, 16)), 16);
    v128.store(cp, madd(va, s2, v128.load(cp, 32)), 32);
    v128.store(cp, madd(va, s3, v128.load(cp, 48)), 48);
    v128.store(cp, madd(va, s4, v128.load(cp, 64)), 64);
    v128.store(cp, madd(va, s5, v128.load(cp, 80)), 80);
    v128.store(cp, madd(va, s6, v128.load(cp, 96)), 96);
    v128.store(cp, madd(va, s7, v128.load(cp, 112)), 112);
  }
  for (; j + 4 <= n; j += 4) {
    let s = f32x4.splat(0);
    let bp = b + (<usize>j << 2);
    let ap = a;
    for (let p = 0; p < k; p++) {
      s = madd(v128.load32_splat(ap), v128.load(bp), s);
      ap += aP;
      bp += bP;
    }
    const cp = c + (<usize>j << 2);
    v128.store(cp, madd(va, s, v128.load(cp)));
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    let bp = b + (<usize>j << 2);
    let ap = a;
    for (let p = 0; p < k; p++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += aP;
      bp += bP;
    }
    const cp = c + (<usize>j << 2);
    store<f32>(cp, load<f32>(cp) + alpha * s);
  }
}

/**
 * m = 1, op(B) = Bᵀ: c[j] += alpha · ⟨a, row j of B⟩, four rows of B at a time. A strided op(A)
 * (transA with lda ≠ 1) is gathered into scratch first, in chunks.
 */
function dots1(n: i32, k: i32, alpha: f32, a: usize, aP: usize, b: usize, bJ: usize, c: usize, scratch: usize): void {
  if (aP == 4) {
    dots1Contiguous(n, k, alpha, a, b, bJ, c);
    return;
  }
  const chunk = <i32>(PACK_A_BYTES >> 2);
  for (let pc = 0; pc < k; pc += chunk) {
    const kc = min(chunk, k - pc);
    for (let p = 0; p < kc; p++) store<f32>(scratch + (<usize>p << 2), load<f32>(a + <usize>(pc + p) * aP));
    dots1Contiguous(n, kc, alpha, scratch, b + (<usize>pc << 2), bJ, c);
  }
}

function dots1Contiguous(n: i32, k: i32, alpha: f32, a: usize, b: usize, bJ: usize, c: usize): void {
  const k4 = k & ~3;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const b0 = b + <usize>j * bJ;
    const b1 = b0 + bJ;
    const b2 = b1 + bJ;
    const b3 = b2 + bJ;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let p = 0; p < k4; p += 4) {
      const o = <usize>p << 2;
      const av = v128.load(a + o);
      s0 = madd(av, v128.load(b0 + o), s0);
      s1 = madd(av, v128.load(b1 + o), s1);
      s2 = madd(av, v128.load(b2 + o), s2);
      s3 = madd(av, v128.load(b3 + o), s3);
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    for (let p = k4; p < k; p++) {
      const o = <usize>p << 2;
      const ap = load<f32>(a + o);
      t0 += ap * load<f32>(b0 + o);
      t1 += ap * load<f32>(b1 + o);
      t2 += ap * load<f32>(b2 + o);
      t3 += ap * load<f32>(b3 + o);
    }
    const cp = c + (<usize>j << 2);
    store<f32>(cp, load<f32>(cp) + alpha * t0);
    store<f32>(cp, load<f32>(cp, 4) + alpha * t1, 4);
    store<f32>(cp, load<f32>(cp, 8) + alpha * t2, 8);
    store<f32>(cp, load<f32>(cp, 12) + alpha * t3, 12);
  }
  for (; j < n; j++) {
    const b0 = b + <usize>j * bJ;
    let s0 = f32x4.splat(0);
    for (let p = 0; p < k4; p += 4) s0 = madd(v128.load(a + (<usize>p << 2)), v128.load(b0 + (<usize>p << 2)), s0);
    let t0 = hsum(s0);
    for (let p = k4; p < k; p++) t0 += load<f32>(a + (<usize>p << 2)) * load<f32>(b0 + (<usize>p << 2));
    const cp = c + (<usize>j << 2);
    store<f32>(cp, load<f32>(cp) + alpha * t0);
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * 2 ≤ m ≤ 16, op(A) = A, op(B) = Bᵀ: C[i, j] += alpha · ⟨row i of A, row j of B⟩, two rows of A
 * against four rows of B at a time (eight f32x4 accumulators), both read in place.
 */
function dotRows(m: i32, n: i32, k: i32, alpha: f32, a: usize, aI: usize, b: usize, bJ: usize, c: usize, ldcB: usize): void {
  const k4 = k & ~3;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>i * aI;
    const a1 = a0 + aI;
    const c0 = c + <usize>i * ldcB;
    const c1 = c0 + ldcB;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * bJ;
      const b1 = b0 + bJ;
      const b2 = b1 + bJ;
      const b3 = b2 + bJ;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = <usize>p << 2;
        const x0 = v128.load(a0 + o);
        const x1 = v128.load(a1 + o);
        let y = v128.load(b0 + o);
        s00 = madd(x0, y, s00);
        s10 = madd(x1, y, s10);
        y = v128.load(b1 + o);
        s01 = madd(x0, y, s01);
        s11 = madd(x1, y, s11);
        y = v128.load(b2 + o);
        s02 = madd(x0, y, s02);
        s12 = madd(x1, y, s12);
        y = v128.load(b3 + o);
        s03 = madd(x0, y, s03);
        s13 = madd(x1, y, s13);
      }
      const cj = <usize>j << 2;
      store<f32>(c0 + cj, load<f32>(c0 + cj) + alpha * (hsum(s00) + dotTail(a0, b0, k4, k)));
      store<f32>(c0 + cj, load<f32>(c0 + cj, 4) + alpha * (hsum(s01) + dotTail(a0, b1, k4, k)), 4);
      store<f32>(c0 + cj, load<f32>(c0 + cj, 8) + alpha * (hsum(s02) + dotTail(a0, b2, k4, k)), 8);
      store<f32>(c0 + cj, load<f32>(c0 + cj, 12) + alpha * (hsum(s03) + dotTail(a0, b3, k4, k)), 12);
      store<f32>(c1 + cj, load<f32>(c1 + cj) + alpha * (hsum(s10) + dotTail(a1, b0, k4, k)));
      store<f32>(c1 + cj, load<f32>(c1 + cj, 4) + alpha * (hsum(s11) + dotTail(a1, b1, k4, k)), 4);
      store<f32>(c1 + cj, load<f32>(c1 + cj, 8) + alpha * (hsum(s12) + dotTail(a1, b2, k4, k)), 8);
      store<f32>(c1 + cj, load<f32>(c1 + cj, 12) + alpha * (hsum(s13) + dotTail(a1, b3, k4, k)), 12);
    }
    for (; j < n; j++) {
      const b0 = b + <usize>j * bJ;
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = <usize>p << 2;
        const y = v128.load(b0 + o);
        s0 = madd(v128.load(a0 + o), y, s0);
        s1 = madd(v128.load(a1 + o), y, s1);
      }
      const cj = <usize>j << 2;
      store<f32>(c0 + cj, load<f32>(c0 + cj) + alpha * (hsum(s0) + dotTail(a0, b0, k4, k)));
      store<f32>(c1 + cj, load<f32>(c1 + cj) + alpha * (hsum(s1) + dotTail(a1, b0, k4, k)));
    }
  }
  // an odd last row
  if (i < m) dots1Contiguous(n, k, alpha, a + <usize>i * aI, b, bJ, c + <usize>i * ldcB);
}

/** Σ_{p = from}^{to − 1} x[p]·y[p], the k mod 4 tail of a dot product. */
// @ts-ignore: decorator
@inline function dotTail(x: usize, y: usize, from: i32, to: i32): f32 {
  let s: f32 = 0;
  for (let p = from; p < to; p++) s += load<f32>(x + (<usize>p << 2)) * load<f32>(y + (<usize>p << 2));
  return s;
}
