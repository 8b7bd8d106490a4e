/**
 * The forward-mode derivative of each cell's step (step-tangent.ts says what is computed
 * and for whom): the linear parts through the backend's gemm, then the pointwise maths
 * differentiated by the chain rule, column by column. Each line names the derivative it
 * takes. The cells' forward maths is that of src/nn (rnn-cell.ts, rnn-sigmoid-cell.ts,
 * lstm-cell.ts with the backend's lstmForward, gru-cell.ts with gruForward).
 */
import type { FloatArray } from "../core/types.js";
import { addInputTangent, addRecurrentTangent, type StepTangent } from "./step-tangent.js";

/** Ṡ_t from Ṡ_{t−1} and Ẋ_t through the step at t.row. */
export function tangentStep(t: StepTangent): void {
  const cell = t.dir.spec.cell;
  if (cell === "lstm") lstmTangent(t);
  else if (cell === "gru") gruTangent(t);
  else rnnTangent(t);
}

/**
 * h = φ(a), a = W_ih x + b_ih + W_hh h_{t−1} + b_hh, φ = tanh (torch.nn.RNN) or the
 * logistic σ (Elman 1990):  ḣ = φ'(a) ȧ, φ' = 1 − h² or h (1 − h).
 */
function rnnTangent(t: StepTangent): void {
  const { dir, cols: K, row, scratch: dA } = t;
  const H = dir.spec.hiddenSize;
  dA.fill(0, 0, H * K);
  addInputTangent(t, dA, 0);
  addRecurrentTangent(t, dA, 0);
  const h = dir.buffers.h;
  const sigmoid = dir.spec.nonlinearity === "sigmoid";
  for (let j = 0; j < H; j++) {
    const y = h[row * H + j] as number;
    const slope = sigmoid ? y * (1 - y) : 1 - y * y;
    const at = j * K;
    for (let k = 0; k < K; k++) t.outH[at + k] = slope * (dA[at + k] as number);
  }
}

/**
 * LSTM, gate order i, f, g, o; peepholes p_i, p_f on c_{t−1} and p_o on c_t (Gers &
 * Schmidhuber 2000, Graves 2013 eq. 7-11); LSTMP's r = W_hr m (Sak et al. 2014):
 *   i = σ(a_i + p_i c_{t−1}), f = σ(a_f + p_f c_{t−1}), g = tanh(a_g),
 *   c = f c_{t−1} + i g,      o = σ(a_o + p_o c),       m = o tanh(c),   h = m or r.
 */
function lstmTangent(t: StepTangent): void {
  const { dir, params, cols: K, row, immediate, scratch } = t;
  const H = dir.spec.hiddenSize;
  const R = dir.stateWidth;
  const G = 4 * H;
  const { p } = dir;
  const buf = dir.buffers;
  const act = buf.gates;
  const cIn = buf.cIn as FloatArray;
  const c = buf.c as FloatArray;
  const dA = scratch;
  dA.fill(0, 0, G * K);
  addInputTangent(t, dA, 0);
  addRecurrentTangent(t, dA, 0);
  const proj = p.weightHr >= 0;
  const dm = proj ? scratch : t.outH;
  const dmOff = proj ? G * K : 0;
  const dc = t.outC as FloatArray;
  const dcPrev = t.prevC;
  const peep = p.peep >= 0;
  const gOff = row * G;
  const cOff = row * H;
  for (let j = 0; j < H; j++) {
    const i = act[gOff + j] as number;
    const f = act[gOff + H + j] as number;
    const g = act[gOff + 2 * H + j] as number;
    const o = act[gOff + 3 * H + j] as number;
    const cPrev = cIn[cOff + j] as number;
    const cj = c[cOff + j] as number;
    const tc = Math.tanh(cj);
    const ri = j * K;
    const rf = (H + j) * K;
    const rg = (2 * H + j) * K;
    const ro = (3 * H + j) * K;
    const pi = peep ? (params[p.peep + j] as number) : 0;
    const pf = peep ? (params[p.peep + H + j] as number) : 0;
    const po = peep ? (params[p.peep + 2 * H + j] as number) : 0;
    if (peep && immediate) {
      // ∂(p_i c_{t−1})/∂p_i = c_{t−1}, ∂(p_f c_{t−1})/∂p_f = c_{t−1}, ∂(p_o c_t)/∂p_o = c_t
      dA[ri + p.peep + j] += cPrev;
      dA[rf + p.peep + H + j] += cPrev;
      dA[ro + p.peep + 2 * H + j] += cj;
    }
    const si = i * (1 - i);
    const sf = f * (1 - f);
    const sg = 1 - g * g;
    const so = o * (1 - o);
    const sc = o * (1 - tc * tc);
    const at = j * K;
    for (let k = 0; k < K; k++) {
      const dcp = dcPrev ? (dcPrev[at + k] as number) : 0;
      // the gates: σ' and tanh' times their pre-activations' tangents (peepholes read c_{t−1})
      const di = si * ((dA[ri + k] as number) + pi * dcp);
      const df = sf * ((dA[rf + k] as number) + pf * dcp);
      const dg = sg * (dA[rg + k] as number);
      // ċ = f ċ_{t−1} + c_{t−1} ḟ + g i̇ + i ġ
      const dcj = f * dcp + cPrev * df + g * di + i * dg;
      dc[at + k] = dcj;
      // the output gate reads the new cell through p_o
      const dO = so * ((dA[ro + k] as number) + po * dcj);
      // ṁ = tanh(c) ȯ + o (1 − tanh²c) ċ
      dm[dmOff + at + k] = tc * dO + sc * dcj;
    }
  }
  if (!proj) return;
  // ṙ = W_hr ṁ, plus ∂(W_hr m)_q / ∂W_hr[q, k] = m_k
  const { backend } = t;
  backend.gemm(false, false, R, K, H, 1, params, p.weightHr, H, dm, dmOff, K, 0, t.outH, 0, K);
  if (!immediate) return;
  const m = buf.m as FloatArray;
  for (let q = 0; q < R; q++) {
    const w = q * K + p.weightHr + q * H;
    for (let k = 0; k < H; k++) t.outH[w + k] += m[cOff + k] as number;
  }
}

/**
 * GRU as torch.nn.GRU, gate order r, z, n, with gi = W_ih x + b_ih, gh = W_hh h_{t−1} + b_hh:
 *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r gh_n), h = (1 − z) n + z h_{t−1}.
 */
function gruTangent(t: StepTangent): void {
  const { dir, cols: K, row, scratch } = t;
  const H = dir.spec.hiddenSize;
  const G = 3 * H;
  const buf = dir.buffers;
  const act = buf.gates;
  const gh = buf.recurrent as FloatArray;
  const hIn = buf.hIn;
  // ġi and ġh apart: r multiplies gh_n only
  const dGi = scratch;
  const dGhOff = G * K;
  scratch.fill(0, 0, 2 * G * K);
  addInputTangent(t, scratch, 0);
  addRecurrentTangent(t, scratch, dGhOff);
  const gOff = row * G;
  const dhPrev = t.prevH;
  for (let j = 0; j < H; j++) {
    const r = act[gOff + j] as number;
    const z = act[gOff + H + j] as number;
    const n = act[gOff + 2 * H + j] as number;
    const ghn = gh[gOff + 2 * H + j] as number;
    const hp = hIn[row * H + j] as number;
    const sr = r * (1 - r);
    const sz = z * (1 - z);
    const sn = 1 - n * n;
    const rr = j * K;
    const rz = (H + j) * K;
    const rn = (2 * H + j) * K;
    const at = j * K;
    for (let k = 0; k < K; k++) {
      const dr = sr * ((dGi[rr + k] as number) + (scratch[dGhOff + rr + k] as number));
      const dz = sz * ((dGi[rz + k] as number) + (scratch[dGhOff + rz + k] as number));
      // ṅ = tanh' · (ġi_n + ṙ gh_n + r ġh_n)
      const dn = sn * ((dGi[rn + k] as number) + ghn * dr + r * (scratch[dGhOff + rn + k] as number));
      // ḣ = (1 − z) ṅ + (h_{t−1} − n) ż + z ḣ_{t−1}
      const dhp = dhPrev ? (dhPrev[at + k] as number) : 0;
      t.outH[at + k] = (1 - z) * dn + (hp - n) * dz + z * dhp;
    }
  }
}
