/**
 * What distinguishes LSTM, GRU and tanh-RNN cells inside a recurrent layer: the
 * per-step recurrence (forward) and its adjoint (backward). Everything shared —
 * the window-wide input projection, state carry, resets, masked steps, lanes,
 * and the weight-gradient products — lives in recurrent.ts.
 *
 * Dimension legend: B streams, H hidden (cells), R recurrent state (the projection P for
 * LSTMP, else H), G gates (4H LSTM, 3H GRU, H RNN), L lanes.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";

/** The recurrent cell: LSTM (forget gate, optional peepholes), GRU, or a simple RNN. */
export type CellType = "lstm" | "gru" | "rnn";

/**
 * Which gradient the LSTM's backward step computes: the exact ("full") gradient, or the
 * truncated one of Hochreiter & Schmidhuber 1997 (docs/gradient-1997.md), in which an
 * error that reaches a gate or the cell input stops there (it still changes that unit's
 * incoming weights) and only the cell state carries error back in time.
 */
export type GradientMode = "full" | "truncated-1997";

/** Offsets of one direction's tensors in the model's flat parameter array. */
export interface CellParams {
  weightIh: number; // (G, I)
  weightHh: number; // (G, R)
  biasIh: number; // (G)
  biasHh: number; // (G)
  peep: number; // (3, H): p_i, p_f, p_o, or −1 without peepholes (LSTM only)
  weightHr: number; // (P, H): the recurrent projection (LSTMP), or −1 without one
}

/** One direction's step buffers, slot-indexed (see tape.ts). */
export interface CellBuffers {
  /** S·B·G: input projection, then pre-activations, then activations (in place). */
  gates: FloatArray;
  /** S·B·G, GRU only: W_hh h_prev + b_hh, which the candidate n needs in backward. */
  recurrent: FloatArray | null;
  /** S·B·R: the recurrent state entering each step (h, or r for LSTMP). */
  hIn: FloatArray;
  /** S·B·R: the recurrent state leaving each step: the direction's output. */
  h: FloatArray;
  /** S·B·H, LSTMP only: the cell output m = o ⊙ tanh(c) before the projection r = W_hr m. */
  m: FloatArray | null;
  /** S·B·H, LSTM only: cell entering and leaving each step. */
  cIn: FloatArray | null;
  c: FloatArray | null;
  /** S·L·B·G: ∂L/∂(input projection) per lane; for GRU also ∂L/∂(recurrent) in dRecurrent. */
  dGates: FloatArray;
  dRecurrent: FloatArray | null;
  /** L·B·R: ∂L/∂h_t (output plus future) and ∂L/∂h_{t−1}; L·B·H: ∂L/∂c carried down the sweep. */
  dhTotal: FloatArray;
  dhNext: FloatArray;
  dcNext: FloatArray | null;
  /** LSTMP only: S·L·B·P, ∂L/∂r per slot and lane (for ∂W_hr); L·B·H, ∂L/∂m of the current step. */
  dProj: FloatArray | null;
  dm: FloatArray | null;
}

export interface CellContext {
  backend: Backend;
  streams: number;
  lanes: number;
  hidden: number;
  /** R: the width of the recurrent state (P with a projection, else H). */
  state: number;
  /** G: gate pre-activations per stream (gateMultiple · H). */
  gates: number;
  gradient: GradientMode;
  params: FloatArray;
  grads: FloatArray;
  p: CellParams;
  buf: CellBuffers;
}

export interface CellKernel {
  readonly type: CellType;
  /** G / H. */
  readonly gateMultiple: number;
  /**
   * Step at slot s: in, gates[s] holds W_ih x + b_ih and hIn[s] (cIn[s]) the entering state;
   * out, h[s] (c[s]) and whatever backward needs.
   */
  forwardStep(ctx: CellContext, slot: number): void;
  /**
   * Adjoint of step s for all lanes: in, dhTotal = ∂L/∂h_s per lane and dcNext = ∂L/∂c_s;
   * out, dGates[s] (and dRecurrent[s]), dhNext = ∂L/∂h_{s−1} and dcNext = ∂L/∂c_{s−1},
   * both through this step only. Accumulates peephole gradients.
   */
  backwardStep(ctx: CellContext, slot: number): void;
}
