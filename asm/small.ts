// The unpacked kernels of the matrix product for small m (asm/gemm.ts): m = 1 (a 1 × 32 row
// kernel, or dot products when op(B) = Bᵀ) and 2 ≤ m ≤ 16 (the micro-kernel over B in place, or a
// 2 × 4 dot-product kernel when op(B) = Bᵀ). alpha is applied to the sums at the end.

import { KC, MR, NR, PACK_A_BYTES, PACK_B_BYTES } from "./blocking";
import { madd } from "./math";
import { tile } from "./microkernel";
import { packA, packB } from "./pack";

/** 2 ≤ m ≤ 16, op(B) = B: A packed (tiny), B read in place; the last n mod 8 columns packed. */
export function smallRows(
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
export function row1(n: i32, k: i32, alpha: f32, a: usize, aP: usize, b: usize, bP: usize, c: usize): void {
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
export function dots1(n: i32, k: i32, alpha: f32, a: usize, aP: usize, b: usize, bJ: usize, c: usize, scratch: usize): void {
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
export function dotRows(m: i32, n: i32, k: i32, alpha: f32, a: usize, aI: usize, b: usize, bJ: usize, c: usize, ldcB: usize): void {
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
