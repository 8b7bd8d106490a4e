// The register-blocked micro-kernel of the matrix product (asm/gemm.ts): C += Ã·B̃ on a 5 × 8
// tile, ten f32x4 accumulators, the k loop not unrolled; variants for a last panel of 1-4 rows.

import { MR, NR } from "./blocking";
import { madd } from "./math";

/**
 * C[0..mr, 0..nr] += Ã·B̃ over kc, Ã an MR-row packed panel (alpha folded in), B̃ eight columns
 * advancing `bStep` bytes per p (32 when packed, the row stride when read in place).
 */
export function kernel5x8(
  kc: i32, ap: usize, bp: usize, bStep: usize, c: usize, ldcB: usize, mr: i32, nr: i32, tmp: usize,
): void {
  kernelRows(5, kc, ap, bp, bStep, c, ldcB, mr, nr, tmp);
}

/** The micro-kernel for a panel of `mr` rows: kernel5x8 when full, kernelTail otherwise. */
// @ts-ignore: decorator
@inline export function tile(
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
