/**
 * The weight gradients of one direction over a run of slots, once its backward sweep has
 * filled ∂A (and ∂Aₕ for GRU, ∂r for LSTMP) for every slot and lane: each is one matrix
 * product over the whole run (cuDNN's structure; see recurrent.ts),
 *   ∂W_ih += ∂Aᵀ X,  ∂b_ih += Σ ∂A,  ∂W_hh += ∂Aₕᵀ H_in,  ∂b_hh += Σ ∂Aₕ,  ∂W_hr += ∂rᵀ M,
 * and ∂X += ∂A W_ih for the layer below, lane by lane. With several lanes (per-loss
 * truncation) the weight gradients take the lane sums first: every lane saw the same inputs.
 * For symbols (one-hot inputs, input.ts) ∂W_ih is a scatter-add into W_ih's columns.
 *
 * Dimension legend: S slots, B streams, L lanes, I inputs, H hidden, G gates, R the
 * recurrent state's width (P for LSTMP, else H).
 */
import type { FloatArray } from "../core/types.js";
import type { CellContext } from "./cell.js";
import { accumulateInputGradient, assertDenseForGradient, type LayerInput } from "./input.js";
import type { SlotRun } from "./tape.js";

/** S·B·G (S·B·R) scratch for the lane sums, when L > 1. */
export interface LaneSums {
  dGates: FloatArray | null;
  dRecurrent: FloatArray | null;
  dProj: FloatArray | null;
}

export function accumulateWeightGradients(
  ctx: CellContext,
  I: number,
  sums: LaneSums,
  run: SlotRun,
  x: LayerInput,
  dX: FloatArray | null,
): void {
  assertDenseForGradient(x, dX);
  const { backend, streams: B, lanes: L, hidden: H, state: R, params, grads, buf, p } = ctx;
  const G = ctx.gates;
  const { first, count } = run;
  const rows = count * B;
  let dA = buf.dGates;
  let dR = buf.dRecurrent ?? buf.dGates;
  const aOff = first * B * G;
  if (L > 1) {
    // Weight gradients need Σ over lanes of ∂A; every lane saw the same inputs.
    sumLanes(buf.dGates, sums.dGates!, first, count, L, B * G);
    dA = sums.dGates!;
    dR = dA;
    if (buf.dRecurrent) {
      sumLanes(buf.dRecurrent, sums.dRecurrent!, first, count, L, B * G);
      dR = sums.dRecurrent!;
    }
  }
  // ∂W_ih += ∂Aᵀ X,  ∂b_ih += Σ ∂A
  accumulateInputGradient(backend, rows, I, G, x, first * B, dA, aOff, grads, p.weightIh);
  backend.sumRows(rows, G, dA, aOff, grads, p.biasIh);
  // ∂W_hh += ∂Aₕᵀ H_in,  ∂b_hh += Σ ∂Aₕ  (Aₕ = A for LSTM and RNN; the recurrent part W_hh h + b_hh for GRU)
  backend.gemm(true, false, G, R, rows, 1, dR, aOff, G, buf.hIn, first * B * R, R, 1, grads, p.weightHh, R);
  backend.sumRows(rows, G, dR, aOff, grads, p.biasHh);
  // ∂W_hr += ∂rᵀ M (LSTMP: ∂r = ∂L/∂r per step, M the cell outputs m)
  if (buf.dProj) {
    let dP = buf.dProj;
    if (L > 1) {
      sumLanes(buf.dProj, sums.dProj!, first, count, L, B * R);
      dP = sums.dProj!;
    }
    backend.gemm(
      true,
      false,
      R,
      H,
      rows,
      1,
      dP,
      first * B * R,
      R,
      buf.m!,
      first * B * H,
      H,
      1,
      grads,
      p.weightHr,
      H,
    );
  }
  // ∂X += ∂A W_ih, per lane (the layer below keeps its lanes apart)
  if (dX) {
    backend.gemm(
      false,
      false,
      count * L * B,
      I,
      G,
      1,
      buf.dGates,
      first * L * B * G,
      G,
      params,
      p.weightIh,
      I,
      1,
      dX,
      first * L * B * I,
      I,
    );
  }
}

/** out[s] = Σ_λ inp[s, λ] for slots [first, first + count), each block `width` long. */
function sumLanes(
  inp: FloatArray,
  out: FloatArray,
  first: number,
  count: number,
  lanes: number,
  width: number,
): void {
  for (let s = first; s < first + count; s++) {
    const o = s * width;
    for (let i = 0; i < width; i++) {
      let sum = 0;
      for (let lane = 0; lane < lanes; lane++) sum += inp[(s * lanes + lane) * width + i];
      out[o + i] = sum;
    }
  }
}
