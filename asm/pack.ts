// Packing for the matrix product (asm/gemm.ts): op(B) into KC × NR panels and alpha·op(A) into
// MR × KC panels, p-major inside a panel, zero-padded at the edges (BLIS, Van Zee & van de Geijn
// 2015). Byte strides: aI/aP of op(A) along i and p, bP/bJ of op(B) along p and j.

import { MR, NR } from "./blocking";

/** Packs kc × nc of op(B) into NR-column panels, p-major inside a panel, zero-padding the last. */
export function packB(kc: i32, nc: i32, src: usize, bP: usize, bJ: usize, dst: usize): void {
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
export function packA(mc: i32, kc: i32, alpha: f32, src: usize, aI: usize, aP: usize, dst: usize): void {
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
