// One-hot inputs read as a lookup: contracts in src/core/backend.ts (gatherColumns,
// scatterAddColumns); the specification is src/core/plain.ts. w is n × V with row stride ldw
// (elements); a one-hot row r selects column ids[r] (int32; −1: none), checked by the caller.
//
// Both kernels walk blocks of BLOCK consecutive j (rows of w), so a block's rows of w stay in
// cache while each row r touches BLOCK contiguous values of c or d; within a block the rows run
// in order, so every entry of w receives its additions in the plain kernel's order (the same
// bits on every backend). Column reads are strided, so there is nothing for SIMD to load at once.

const BLOCK = 16;

/** c[r, j] = w[j, ids[r]] (0 where ids[r] = −1) */
export function gatherColumns(rows: i32, n: i32, ids: usize, w: usize, ldw: i32, c: usize, ldc: i32): void {
  const wJ = <usize>ldw << 2;
  for (let j0 = 0; j0 < n; j0 += BLOCK) {
    const j1 = min(n, j0 + BLOCK);
    for (let r = 0; r < rows; r++) {
      const row = c + ((<usize>r * <usize>ldc) << 2);
      const v = load<i32>(ids + (<usize>r << 2));
      if (v < 0) {
        for (let j = j0; j < j1; j++) store<f32>(row + (<usize>j << 2), 0);
        continue;
      }
      let src = w + (<usize>v << 2) + <usize>j0 * wJ;
      for (let j = j0; j < j1; j++) {
        store<f32>(row + (<usize>j << 2), load<f32>(src));
        src += wJ;
      }
    }
  }
}

/** w[j, ids[r]] += d[r, j], rows in order (none where ids[r] = −1) */
export function scatterAddColumns(rows: i32, n: i32, ids: usize, d: usize, ldd: i32, w: usize, ldw: i32): void {
  const wJ = <usize>ldw << 2;
  for (let j0 = 0; j0 < n; j0 += BLOCK) {
    const j1 = min(n, j0 + BLOCK);
    for (let r = 0; r < rows; r++) {
      const v = load<i32>(ids + (<usize>r << 2));
      if (v < 0) continue;
      const row = d + ((<usize>r * <usize>ldd) << 2);
      let dst = w + (<usize>v << 2) + <usize>j0 * wJ;
      for (let j = j0; j < j1; j++) {
        store<f32>(dst, load<f32>(dst) + load<f32>(row + (<usize>j << 2)));
        dst += wJ;
      }
    }
  }
}
