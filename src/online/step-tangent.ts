/**
 * Forward mode through one recurrent step: how the state leaving a step moves when the
 * state entering it, the step's input and (optionally) the parameters move.
 *
 * For one stream, a direction's step is s_t = F(s_{t−1}, x_t; θ) with s = h (or r for
 * LSTMP) and, for LSTM, c. Given K tangent directions as matrices (rows × K, row-major),
 *
 *   Ṡ_t = ∂F/∂s_{t−1} · Ṡ_{t−1} + ∂F/∂x_t · Ẋ_t [+ ∂F/∂θ]
 *
 * The bracketed term is the step's own dependence on the parameters, with column k
 * standing for parameter k of the model's flat array: with it, Ṡ_t = ds_t/dθ is the
 * sensitivity matrix of real-time recurrent learning (Williams & Zipser 1989, eq. 8-10:
 * p_t = F'_s p_{t−1} + F'_θ); without it and K = 1 it is the tangent ∂F/∂s · s̃ that UORO
 * carries (Tallec & Ollivier 2017, Algorithm 1, "tangent forward"). Ṡ_{t−1} = null means
 * zero: the step entered the constant s_0 (a reset).
 *
 * The step's forward values are read from the direction's buffers at row `row` (slot·B +
 * stream), as recurrent.ts left them: activations in `gates`, the entering state in hIn
 * (cIn), the new state in h (c, m). The matrix products use the backend's gemm, so every
 * array handed in must come from backend.alloc; the pointwise parts are plain loops over
 * the K columns (tangent.ts, one function per cell).
 *
 * Dimension legend: I inputs, H hidden, R recurrent state (P for LSTMP, else H), G gates,
 * K tangent columns, Kx the columns of Ẋ (the layer below has fewer parameters).
 */
import type { FloatArray } from "../core/types.js";
import type { RecurrentDirection } from "../nn/recurrent.js";
import type { StepAt } from "./stack.js";

export interface StepTangent extends StepAt {
  /** K: tangent columns of Ṡ (for RTRL, the parameters up to this layer's last). */
  cols: number;
  /** Add ∂F/∂θ, column k for parameter k (RTRL); false for UORO's ∂F/∂s · s̃. */
  immediate: boolean;
  /** Ṡ_{t−1}: R × K (h or r) and H × K (c, LSTM only); null: zero (a reset). */
  prevH: FloatArray | null;
  prevC: FloatArray | null;
  /** Ẋ_t: I × dxCols (the layer below's new Ṡ_h), or null (the model's input: zero). */
  dx: FloatArray | null;
  dxCols: number;
  /** Out: Ṡ_t, R × K and H × K (LSTM). */
  outH: FloatArray;
  outC: FloatArray | null;
  /** At least scratchSize(dir, K) values. */
  scratch: FloatArray;
}

/** Scratch values tangentStep needs for a direction and K columns. */
export function scratchSize(dir: RecurrentDirection, cols: number): number {
  return (2 * dir.gates + dir.spec.hiddenSize) * cols;
}

/**
 * dA (G × K at dA[off…]) += W_ih · Ẋ_t, plus with `immediate` the direct terms of the
 * input projection: ∂(W_ih x + b_ih)_g / ∂W_ih[g, k] = x_k and ∂/∂b_ih[g] = 1.
 */
export function addInputTangent(t: StepTangent, dA: FloatArray, off: number): void {
  const { backend, params, dir, cols: K } = t;
  const { p } = dir;
  const G = dir.gates;
  const I = dir.spec.inputSize;
  if (t.dx)
    backend.gemm(false, false, G, t.dxCols, I, 1, params, p.weightIh, I, t.dx, 0, t.dxCols, 1, dA, off, K);
  if (!t.immediate) return;
  for (let g = 0; g < G; g++) {
    const at = off + g * K;
    const w = at + p.weightIh + g * I;
    for (let k = 0; k < I; k++) dA[w + k] += t.x[t.xOff + k] as number;
    dA[at + p.biasIh + g] += 1;
  }
}

/**
 * dA (G × K at dA[off…]) += W_hh · Ṡ_{t−1}, plus with `immediate` the direct terms of the
 * recurrent projection: ∂(W_hh h_{t−1} + b_hh)_g / ∂W_hh[g, k] = h_{t−1,k}, ∂/∂b_hh[g] = 1.
 */
export function addRecurrentTangent(t: StepTangent, dA: FloatArray, off: number): void {
  const { backend, params, dir, cols: K, row } = t;
  const { p } = dir;
  const G = dir.gates;
  const R = dir.stateWidth;
  if (t.prevH) backend.gemm(false, false, G, K, R, 1, params, p.weightHh, R, t.prevH, 0, K, 1, dA, off, K);
  if (!t.immediate) return;
  const hIn = dir.buffers.hIn;
  for (let g = 0; g < G; g++) {
    const at = off + g * K;
    const w = at + p.weightHh + g * R;
    for (let k = 0; k < R; k++) dA[w + k] += hIn[row * R + k] as number;
    dA[at + p.biasHh + g] += 1;
  }
}
