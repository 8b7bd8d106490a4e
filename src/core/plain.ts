/**
 * The plain TypeScript backend: the specification every faster backend must match.
 * Works for float32 and float64 alike. See backend.ts for the kernels' contracts.
 */
import type { Backend } from "./backend.js";
import { allocFloat, type DType, type FloatArray } from "./types.js";

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The plain TypeScript backend in float32 (default) or float64: slow, exact, the specification. */
export function createPlainBackend(dtype: DType = "float32"): Backend {
  return {
    name: "plain",
    dtype,
    alloc: (length) => allocFloat(dtype, length),
    // the garbage collector frees plain arrays
    free: () => {},
    dispose: async () => {},
    gemm,
    gatherColumns,
    scatterAddColumns,
    addRowBroadcast,
    sumRows,
    tanhForward,
    tanhBackward,
    lstmForward,
    lstmBackward,
    gruForward,
    gruBackward,
  };
}

export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOff: number,
  lda: number,
  b: FloatArray,
  bOff: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
): void {
  // Scale (or clear) C first, so the accumulation loops below only add.
  for (let i = 0; i < m; i++) {
    const row = cOff + i * ldc;
    if (beta === 0) c.fill(0, row, row + n);
    else if (beta !== 1) for (let j = 0; j < n; j++) c[row + j] *= beta;
  }
  if (k === 0 || alpha === 0) return;
  // op(A)[i, p] = transA ? a[p * lda + i] : a[i * lda + p]
  // op(B)[p, j] = transB ? b[j * ldb + p] : b[p * ldb + j]
  if (!transB) {
    // i-p-j order: the inner loop runs along contiguous rows of B and C.
    for (let i = 0; i < m; i++) {
      const cRow = cOff + i * ldc;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
        if (aip === 0) continue;
        const bRow = bOff + p * ldb;
        for (let j = 0; j < n; j++) c[cRow + j] += aip * b[bRow + j];
      }
    }
  } else {
    // Row of op(A) against row of B (both contiguous when A is untransposed): dot products.
    for (let i = 0; i < m; i++) {
      const cRow = cOff + i * ldc;
      for (let j = 0; j < n; j++) {
        const bRow = bOff + j * ldb;
        let sum = 0;
        if (transA) for (let p = 0; p < k; p++) sum += a[aOff + p * lda + i] * b[bRow + p];
        else {
          const aRow = aOff + i * lda;
          for (let p = 0; p < k; p++) sum += a[aRow + p] * b[bRow + p];
        }
        c[cRow + j] += alpha * sum;
      }
    }
  }
}

/** Throws unless ids[idsOff … idsOff + rows) are integers in [−1, V) (backend.ts: gatherColumns). */
export function checkIds(
  what: string,
  rows: number,
  vocabulary: number,
  ids: Int32Array,
  idsOff: number,
): void {
  if (rows > 0 && (idsOff < 0 || idsOff + rows > ids.length))
    throw new Error(`${what}: ids needs elements [${idsOff}, ${idsOff + rows}), array has ${ids.length}`);
  for (let r = 0; r < rows; r++) {
    const v = ids[idsOff + r] as number;
    if (v < -1 || v >= vocabulary)
      throw new Error(`${what}: ids[${idsOff + r}] is ${v}, expected −1 or a symbol in [0, ${vocabulary})`);
  }
}

function gatherColumns(
  rows: number,
  n: number,
  vocabulary: number,
  ids: Int32Array,
  idsOff: number,
  w: FloatArray,
  wOff: number,
  ldw: number,
  c: FloatArray,
  cOff: number,
  ldc: number,
): void {
  checkIds("gatherColumns", rows, vocabulary, ids, idsOff);
  for (let r = 0; r < rows; r++) {
    const v = ids[idsOff + r] as number;
    const row = cOff + r * ldc;
    if (v < 0) c.fill(0, row, row + n);
    else for (let j = 0; j < n; j++) c[row + j] = w[wOff + j * ldw + v] as number;
  }
}

function scatterAddColumns(
  rows: number,
  n: number,
  vocabulary: number,
  ids: Int32Array,
  idsOff: number,
  d: FloatArray,
  dOff: number,
  ldd: number,
  w: FloatArray,
  wOff: number,
  ldw: number,
): void {
  checkIds("scatterAddColumns", rows, vocabulary, ids, idsOff);
  for (let r = 0; r < rows; r++) {
    const v = ids[idsOff + r] as number;
    if (v < 0) continue;
    const row = dOff + r * ldd;
    for (let j = 0; j < n; j++) w[wOff + j * ldw + v] += d[row + j] as number;
  }
}

function addRowBroadcast(
  rows: number,
  cols: number,
  bias: FloatArray,
  biasOff: number,
  c: FloatArray,
  cOff: number,
): void {
  for (let r = 0; r < rows; r++) {
    const row = cOff + r * cols;
    for (let j = 0; j < cols; j++) c[row + j] += bias[biasOff + j];
  }
}

function sumRows(
  rows: number,
  cols: number,
  a: FloatArray,
  aOff: number,
  out: FloatArray,
  outOff: number,
): void {
  for (let r = 0; r < rows; r++) {
    const row = aOff + r * cols;
    for (let j = 0; j < cols; j++) out[outOff + j] += a[row + j];
  }
}

function tanhForward(n: number, x: FloatArray, xOff: number, y: FloatArray, yOff: number): void {
  for (let i = 0; i < n; i++) y[yOff + i] = Math.tanh(x[xOff + i]);
}

function tanhBackward(
  n: number,
  y: FloatArray,
  yOff: number,
  dy: FloatArray,
  dyOff: number,
  dx: FloatArray,
  dxOff: number,
): void {
  for (let i = 0; i < n; i++) {
    const yi = y[yOff + i];
    dx[dxOff + i] = dy[dyOff + i] * (1 - yi * yi);
  }
}

function lstmForward(
  rows: number,
  hidden: number,
  gates: FloatArray,
  gOff: number,
  cPrev: FloatArray,
  cpOff: number,
  peep: FloatArray | null,
  peepOff: number,
  c: FloatArray,
  cOff: number,
  h: FloatArray,
  hOff: number,
): void {
  const H = hidden;
  for (let r = 0; r < rows; r++) {
    const g0 = gOff + r * 4 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const cp = cPrev[cpOff + s0 + j];
      const i = sigmoid(gates[g0 + j] + (peep ? peep[peepOff + j] * cp : 0));
      const f = sigmoid(gates[g0 + H + j] + (peep ? peep[peepOff + H + j] * cp : 0));
      const g = Math.tanh(gates[g0 + 2 * H + j]);
      const cell = f * cp + i * g;
      const o = sigmoid(gates[g0 + 3 * H + j] + (peep ? peep[peepOff + 2 * H + j] * cell : 0));
      gates[g0 + j] = i;
      gates[g0 + H + j] = f;
      gates[g0 + 2 * H + j] = g;
      gates[g0 + 3 * H + j] = o;
      c[cOff + s0 + j] = cell;
      h[hOff + s0 + j] = o * Math.tanh(cell);
    }
  }
}

function lstmBackward(
  rows: number,
  hidden: number,
  gates: FloatArray,
  gOff: number,
  cPrev: FloatArray,
  cpOff: number,
  c: FloatArray,
  cOff: number,
  peep: FloatArray | null,
  peepOff: number,
  dh: FloatArray,
  dhOff: number,
  dc: FloatArray,
  dcOff: number,
  dGates: FloatArray,
  dgOff: number,
  dcPrev: FloatArray,
  dcpOff: number,
  dPeep: FloatArray | null,
  dPeepOff: number,
): void {
  const H = hidden;
  for (let r = 0; r < rows; r++) {
    const g0 = gOff + r * 4 * H;
    const d0 = dgOff + r * 4 * H;
    const s0 = r * H;
    for (let j = 0; j < H; j++) {
      const i = gates[g0 + j];
      const f = gates[g0 + H + j];
      const g = gates[g0 + 2 * H + j];
      const o = gates[g0 + 3 * H + j];
      const cell = c[cOff + s0 + j];
      const cp = cPrev[cpOff + s0 + j];
      const tc = Math.tanh(cell);
      const dhj = dh[dhOff + s0 + j];
      // h = o ⊙ tanh(c): ∂/∂o and ∂/∂c
      const dAo = dhj * tc * o * (1 - o);
      let dCell = dc[dcOff + s0 + j] + dhj * o * (1 - tc * tc);
      // o's peephole reads the new cell: o = σ(a_o + p_o ⊙ c)
      if (peep) dCell += dAo * peep[peepOff + 2 * H + j];
      // c = f ⊙ c_prev + i ⊙ g
      const dAi = dCell * g * i * (1 - i);
      const dAf = dCell * cp * f * (1 - f);
      const dAg = dCell * i * (1 - g * g);
      let dcp = dCell * f;
      if (peep) {
        // i and f peepholes read the previous cell
        dcp += dAi * peep[peepOff + j] + dAf * peep[peepOff + H + j];
        if (dPeep) {
          dPeep[dPeepOff + j] += dAi * cp;
          dPeep[dPeepOff + H + j] += dAf * cp;
          dPeep[dPeepOff + 2 * H + j] += dAo * cell;
        }
      }
      dGates[d0 + j] = dAi;
      dGates[d0 + H + j] = dAf;
      dGates[d0 + 2 * H + j] = dAg;
      dGates[d0 + 3 * H + j] = dAo;
      dcPrev[dcpOff + s0 + j] = dcp;
    }
  }
}

function gruForward(
  rows: number,
  hidden: number,
  gi: FloatArray,
  giOff: number,
  gh: FloatArray,
  ghOff: number,
  hPrev: FloatArray,
  hpOff: number,
  act: FloatArray,
  actOff: number,
  h: FloatArray,
  hOff: number,
): void {
  const H = hidden;
  for (let row = 0; row < rows; row++) {
    const i0 = giOff + row * 3 * H;
    const h0 = ghOff + row * 3 * H;
    const a0 = actOff + row * 3 * H;
    const s0 = row * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gi[i0 + j] + gh[h0 + j]);
      const z = sigmoid(gi[i0 + H + j] + gh[h0 + H + j]);
      const n = Math.tanh(gi[i0 + 2 * H + j] + r * gh[h0 + 2 * H + j]);
      act[a0 + j] = r;
      act[a0 + H + j] = z;
      act[a0 + 2 * H + j] = n;
      h[hOff + s0 + j] = (1 - z) * n + z * hPrev[hpOff + s0 + j];
    }
  }
}

function gruBackward(
  rows: number,
  hidden: number,
  act: FloatArray,
  actOff: number,
  gh: FloatArray,
  ghOff: number,
  hPrev: FloatArray,
  hpOff: number,
  dh: FloatArray,
  dhOff: number,
  dGi: FloatArray,
  dgiOff: number,
  dGh: FloatArray,
  dghOff: number,
  dhPrev: FloatArray,
  dhpOff: number,
): void {
  const H = hidden;
  for (let row = 0; row < rows; row++) {
    const a0 = actOff + row * 3 * H;
    const h0 = ghOff + row * 3 * H;
    const di0 = dgiOff + row * 3 * H;
    const dh0 = dghOff + row * 3 * H;
    const s0 = row * H;
    for (let j = 0; j < H; j++) {
      const r = act[a0 + j];
      const z = act[a0 + H + j];
      const n = act[a0 + 2 * H + j];
      const hp = hPrev[hpOff + s0 + j];
      const d = dh[dhOff + s0 + j];
      // h = (1 − z) ⊙ n + z ⊙ h_prev
      const dAn = d * (1 - z) * (1 - n * n); // through n = tanh(gi_n + r ⊙ gh_n)
      const dAz = d * (hp - n) * z * (1 - z);
      const dAr = dAn * gh[h0 + 2 * H + j] * r * (1 - r); // r scales gh_n
      dGi[di0 + j] = dAr;
      dGi[di0 + H + j] = dAz;
      dGi[di0 + 2 * H + j] = dAn;
      dGh[dh0 + j] = dAr;
      dGh[dh0 + H + j] = dAz;
      dGh[dh0 + 2 * H + j] = dAn * r;
      dhPrev[dhpOff + s0 + j] = d * z;
    }
  }
}
