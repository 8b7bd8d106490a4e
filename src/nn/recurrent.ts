/**
 * One direction of one recurrent layer over the tape: what every cell shares.
 *
 * Forward over a run of T slots (cuDNN's structure, and char-rnn's "evaluate the
 * input sums at once"): the input projections of all T steps are one product
 * X·W_ihᵀ before the recurrence; only the recurrent product stays per step.
 * Backward (BPTT, Werbos 1990; Williams & Peng 1990 for the truncated sweep) runs the
 * recurrence in reverse per step, then the weight gradients of all T steps are one
 * product each: ∂W_ih += ∂Aᵀ·X, ∂W_hh += ∂Aᵀ·H_in, and ∂X += ∂A·W_ih for the layer below
 * (weight-gradients.ts). One-hot inputs given as symbols (input.ts) make X·W_ihᵀ a lookup of
 * W_ih's columns and ∂W_ih a scatter-add into them.
 *
 * The sweep honours the tape: no gradient crosses a reset (the entering state was
 * the constant s_0) or a stop flag (a window's start); a masked step passes its
 * state, and its adjoint, through unchanged. Lanes are independent adjoints over the
 * same stored activations (per-loss truncation); their weight gradients add up.
 *
 * LSTMP (lstm-cell.ts) adds one more product per run: ∂W_hr += ∂rᵀ·M.
 *
 * Dimension legend: S slots, B streams, L lanes, I inputs, H hidden, G gates,
 * R the recurrent state's width (the projection P for LSTMP, else H).
 */
import type { Backend } from "../core/backend.js";
import type { ParamLayout } from "../core/params.js";
import type { FloatArray } from "../core/types.js";
import type { CellBuffers, CellContext, CellKernel, CellParams, CellType, GradientMode } from "./cell.js";
import { gruCell } from "./gru-cell.js";
import { type LayerInput, projectInput } from "./input.js";
import { lstmCell } from "./lstm-cell.js";
import { rnnCell, sigmoidRnnCell } from "./rnn-cell.js";
import type { SlotRun, Tape } from "./tape.js";
import { accumulateWeightGradients, type LaneSums } from "./weight-gradients.js";

const CELLS: Record<CellType, CellKernel> = { lstm: lstmCell, gru: gruCell, rnn: rnnCell };

/** The simple RNN's nonlinearity. */
export type Nonlinearity = "tanh" | "sigmoid";

export interface DirectionSpec {
  cell: CellType;
  inputSize: number;
  hiddenSize: number;
  peepholes: boolean;
  /** rnn only: the hidden units' nonlinearity, "tanh" (default, as torch.nn.RNN) or "sigmoid" (Elman 1990, rnnlm). */
  nonlinearity?: Nonlinearity;
  /** LSTM only: the width P of the recurrent projection (Sak et al. 2014); 0 or absent: none. */
  projSize?: number;
  /** LSTM only: "full" (default) or Hochreiter & Schmidhuber 1997's truncated gradient. */
  gradient?: GradientMode;
  /** Runs from the last step to the first (the backward half of a bidirectional layer). */
  reverse: boolean;
  /** PyTorch's names: `${prefix}weight_ih_l${layer}${reverse ? "_reverse" : ""}`. */
  prefix: string;
  layer: number;
}

/** Sees ∂L/∂h at `slot` during a backward pass: L·B·R values, row (lane · B + stream) · R. */
export type AdjointProbe = (slot: number, dh: FloatArray) => void;

export class RecurrentDirection {
  readonly cell: CellKernel;
  readonly gates: number;
  /** R: the width of the recurrent state and of the direction's output (P for LSTMP, else H). */
  readonly stateWidth: number;
  readonly p: CellParams;
  readonly names: {
    weightIh: string;
    weightHh: string;
    biasIh: string;
    biasHh: string;
    weightHr: string | null;
    peep: string[];
  };
  private ctx!: CellContext;
  private tape!: Tape;
  /** B·R (and B·H): the state leaving the last step forwarded (what the next step enters with). */
  hCarry: FloatArray = new Float64Array(0);
  cCarry: FloatArray | null = null;
  /** L·B·R (L·B·H) scratch: adjoints of masked rows, passed around the cell. */
  private passH: FloatArray | null = null;
  private passC: FloatArray | null = null;
  /** Scratch for the lane sums of ∂A (and ∂Aₕ, ∂r), when L > 1. */
  private laneSums: LaneSums = { dGates: null, dRecurrent: null, dProj: null };
  /**
   * When set, called at every step of a backward pass with ∂L/∂h of that step (the
   * output's and the future's, per lane: L·B·R values, lane-major). For measuring, not
   * training: src/gradient/lag-profile.ts reads how the adjoint decays with the lag.
   */
  adjointProbe: AdjointProbe | null = null;

  constructor(
    readonly spec: DirectionSpec,
    layout: ParamLayout,
  ) {
    this.cell = spec.cell === "rnn" && spec.nonlinearity === "sigmoid" ? sigmoidRnnCell : CELLS[spec.cell];
    if (!this.cell) throw new Error(`unknown cell ${spec.cell}; expected lstm, gru or rnn`);
    if ((spec.nonlinearity ?? "tanh") !== "tanh" && spec.cell !== "rnn")
      throw new Error(`nonlinearity ${spec.nonlinearity} exists only for the rnn cell, not ${spec.cell}`);
    if (spec.peepholes && spec.cell !== "lstm")
      throw new Error(`peepholes exist only for the lstm cell, not ${spec.cell}`);
    const P = spec.projSize ?? 0;
    if (P !== 0 && spec.cell !== "lstm")
      throw new Error(`a recurrent projection exists only for the lstm cell, not ${spec.cell}`);
    if (!Number.isInteger(P) || P < 0 || P >= spec.hiddenSize)
      throw new Error(
        `projSize must be an integer with 0 ≤ projSize < hiddenSize ${spec.hiddenSize}, got ${P}`,
      );
    if ((spec.gradient ?? "full") !== "full" && spec.cell !== "lstm")
      throw new Error(`the ${spec.gradient} gradient exists only for the lstm cell, not ${spec.cell}`);
    const H = spec.hiddenSize;
    const R = P > 0 ? P : H;
    this.stateWidth = R;
    const G = this.cell.gateMultiple * H;
    this.gates = G;
    const suffix = `_l${spec.layer}${spec.reverse ? "_reverse" : ""}`;
    const n = (what: string) => `${spec.prefix}${what}${suffix}`;
    this.names = {
      weightIh: n("weight_ih"),
      weightHh: n("weight_hh"),
      biasIh: n("bias_ih"),
      biasHh: n("bias_hh"),
      weightHr: P > 0 ? n("weight_hr") : null,
      peep: spec.peepholes ? [n("weight_ci"), n("weight_cf"), n("weight_co")] : [],
    };
    const weightIh = layout.add(this.names.weightIh, [G, spec.inputSize]);
    const weightHh = layout.add(this.names.weightHh, [G, R]);
    const biasIh = layout.add(this.names.biasIh, [G]);
    const biasHh = layout.add(this.names.biasHh, [G]);
    // PyTorch's order: weight_ih, weight_hh, bias_ih, bias_hh, weight_hr.
    const weightHr = this.names.weightHr ? layout.add(this.names.weightHr, [R, H]) : -1;
    // The three peephole vectors are added back to back, so the kernels read them as one (3, H) block.
    let peep = -1;
    for (const name of this.names.peep) {
      const off = layout.add(name, [H]);
      if (peep < 0) peep = off;
    }
    this.p = { weightIh, weightHh, biasIh, biasHh, peep, weightHr };
  }

  /**
   * Sizes every buffer for a tape; called when the engine sizes its ring. Buffers only
   * grow (a backend's allocator may never free, as the wasm arena does not), so switching
   * between training and evaluation shapes reuses them.
   */
  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void {
    const { capacity: S, streams: B, lanes: L } = tape;
    const H = this.spec.hiddenSize;
    const R = this.stateWidth;
    const G = this.gates;
    const lstm = this.spec.cell === "lstm";
    const gru = this.spec.cell === "gru";
    const proj = this.p.weightHr >= 0;
    const old = this.ctx?.buf;
    const grow = (current: FloatArray | null | undefined, n: number): FloatArray =>
      current && current.length >= n ? current : backend.alloc(n);
    const buf: CellBuffers = {
      gates: grow(old?.gates, S * B * G),
      recurrent: gru ? grow(old?.recurrent, S * B * G) : null,
      hIn: grow(old?.hIn, S * B * R),
      h: grow(old?.h, S * B * R),
      m: proj ? grow(old?.m, S * B * H) : null,
      cIn: lstm ? grow(old?.cIn, S * B * H) : null,
      c: lstm ? grow(old?.c, S * B * H) : null,
      dGates: grow(old?.dGates, S * L * B * G),
      dRecurrent: gru ? grow(old?.dRecurrent, S * L * B * G) : null,
      dhTotal: grow(old?.dhTotal, L * B * R),
      dhNext: grow(old?.dhNext, L * B * R),
      dcNext: lstm ? grow(old?.dcNext, L * B * H) : null,
      dProj: proj ? grow(old?.dProj, S * L * B * R) : null,
      dm: proj ? grow(old?.dm, L * B * H) : null,
    };
    const gradient = this.spec.gradient ?? "full";
    this.ctx = {
      backend,
      streams: B,
      lanes: L,
      hidden: H,
      state: R,
      gates: G,
      gradient,
      params,
      grads,
      p: this.p,
      buf,
    };
    this.tape = tape;
    this.hCarry = grow(this.hCarry, B * R);
    this.cCarry = lstm ? grow(this.cCarry, B * H) : null;
    this.passH = grow(this.passH, L * B * R);
    this.passC = lstm ? grow(this.passC, L * B * H) : null;
    const sums = this.laneSums;
    if (L > 1) sums.dGates = grow(sums.dGates, S * B * G);
    if (L > 1 && gru) sums.dRecurrent = grow(sums.dRecurrent, S * B * G);
    if (L > 1 && proj) sums.dProj = grow(sums.dProj, S * B * R);
  }

  /** Values in the carried state: h or r (R), and c (H) for LSTM, per stream. */
  get stateSize(): number {
    return this.ctx.streams * (this.stateWidth + (this.spec.cell === "lstm" ? this.spec.hiddenSize : 0));
  }

  get buffers(): CellBuffers {
    return this.ctx.buf;
  }

  /** Sets the carried state to s_0 = 0 (a fresh start). */
  clearState(): void {
    const B = this.ctx.streams;
    this.hCarry.fill(0, 0, B * this.stateWidth);
    this.cCarry?.fill(0, 0, B * this.spec.hiddenSize);
  }

  /**
   * Forward over a run. `x` holds the layer's input, slot-indexed: S·B·I features, or S·B
   * symbols of one-hot inputs (input.ts). A forward direction continues from the carried
   * state; a reverse one starts from s_0 at the run's end, so its run must be whole
   * sequences (see bidirectional.ts).
   */
  forward(run: SlotRun, x: LayerInput): void {
    const { backend, streams: B, hidden: H, state: R, params, buf } = this.ctx;
    const G = this.gates;
    const I = this.spec.inputSize;
    const { first, count } = run;
    // Input projections of the whole run: A = X·W_ihᵀ + b_ih
    projectInput(backend, count * B, I, G, x, first * B, params, this.p.weightIh, buf.gates, first * B * G);
    backend.addRowBroadcast(count * B, G, params, this.p.biasIh, buf.gates, first * B * G);
    if (this.spec.reverse) this.clearState();
    const { reset, active } = this.tape;
    // The state entering a step is the carried state for the run's first step, then the state
    // the previous slot left (the carry is written once, after the run's last step).
    let hFrom = this.hCarry;
    let cFrom = this.cCarry;
    let prev = -1;
    for (let k = 0; k < count; k++) {
      const slot = this.spec.reverse ? first + count - 1 - k : first + k;
      const sOff = slot * B * R;
      const cOff = slot * B * H;
      const hPrev = prev < 0 ? 0 : prev * B * R;
      const cPrev = prev < 0 ? 0 : prev * B * H;
      let fresh = false;
      if (!this.spec.reverse) for (let b = 0; b < B && !fresh; b++) fresh = reset[slot * B + b] === 1;
      if (!fresh) {
        copyBlock(hFrom, hPrev, buf.hIn, sOff, B * R);
        if (buf.cIn) copyBlock(cFrom!, cPrev, buf.cIn, cOff, B * H);
      } else
        for (let b = 0; b < B; b++) {
          const zero = reset[slot * B + b] === 1;
          copyRow(zero, hFrom, hPrev + b * R, buf.hIn, sOff + b * R, R);
          if (buf.cIn) copyRow(zero, cFrom!, cPrev + b * H, buf.cIn, cOff + b * H, H);
        }
      this.cell.forwardStep(this.ctx, slot);
      for (let b = 0; b < B; b++) {
        if (active[slot * B + b] === 0) {
          // A masked step leaves the state as it was.
          copyRow(false, buf.hIn, sOff + b * R, buf.h, sOff + b * R, R);
          if (buf.c) copyRow(false, buf.cIn!, cOff + b * H, buf.c, cOff + b * H, H);
        }
      }
      hFrom = buf.h;
      cFrom = buf.c;
      prev = slot;
    }
    if (prev >= 0) {
      copyBlock(buf.h, prev * B * R, this.hCarry, 0, B * R);
      if (buf.c) copyBlock(buf.c, prev * B * H, this.cCarry!, 0, B * H);
    }
  }

  /** Clears the adjoints carried down the sweep; call once before the first run of a backward pass. */
  beginBackward(): void {
    const rows = this.ctx.lanes * this.ctx.streams;
    this.ctx.buf.dhNext.fill(0, 0, rows * this.stateWidth);
    this.ctx.buf.dcNext?.fill(0, 0, rows * this.spec.hiddenSize);
  }

  /**
   * Backward over a run (the runs of one pass in reverse time order for a forward
   * direction). `dOut` is ∂L/∂h per slot and lane, S·L·B·R; `dX`, when given, receives
   * += ∂L/∂x per slot and lane (S·L·B·I; never for symbols). Parameter gradients accumulate
   * into grads.
   */
  backward(run: SlotRun, x: LayerInput, dOut: FloatArray, dX: FloatArray | null): void {
    const { streams: B, lanes: L, hidden: H, state: R, buf } = this.ctx;
    const { first, count } = run;
    const { reset, active, stop } = this.tape;
    for (let k = 0; k < count; k++) {
      const slot = this.spec.reverse ? first + k : first + count - 1 - k;
      // ∂L/∂h_t = from the output at t + from step t+1 (or t−1 when reversed)
      const dOutOff = slot * L * B * R;
      for (let i = 0; i < L * B * R; i++) buf.dhTotal[i] = dOut[dOutOff + i] + buf.dhNext[i];
      this.adjointProbe?.(slot, buf.dhTotal);
      let masked = false;
      for (let b = 0; b < B; b++) {
        if (active[slot * B + b] === 1) continue;
        masked = true;
        for (let lane = 0; lane < L; lane++) {
          const row = (lane * B + b) * R;
          const cRow = (lane * B + b) * H;
          // Keep the adjoint to pass around the step; a zero adjoint yields zero ∂A.
          copyRow(false, buf.dhTotal, row, this.passH!, row, R);
          buf.dhTotal.fill(0, row, row + R);
          if (buf.dcNext) {
            copyRow(false, buf.dcNext, cRow, this.passC!, cRow, H);
            buf.dcNext.fill(0, cRow, cRow + H);
          }
        }
      }
      this.cell.backwardStep(this.ctx, slot);
      for (let b = 0; b < B; b++) {
        const wasMasked = masked && active[slot * B + b] === 0;
        const fresh = !this.spec.reverse && reset[slot * B + b] === 1;
        for (let lane = 0; lane < L; lane++) {
          const row = (lane * B + b) * R;
          const cRow = (lane * B + b) * H;
          if (wasMasked) {
            copyRow(false, this.passH!, row, buf.dhNext, row, R);
            if (buf.dcNext) copyRow(false, this.passC!, cRow, buf.dcNext, cRow, H);
          }
          // No gradient crosses a reset or a window's start. A window's start is a forward
          // direction's: the reverse one (k1 = k2 = ∞, whole sequences) runs back from the
          // sequence's end and its adjoint must reach every later step, so it ignores stops.
          const cut = !this.spec.reverse && stop[(slot * L + lane) * B + b] === 1;
          if (fresh || cut) {
            buf.dhNext.fill(0, row, row + R);
            buf.dcNext?.fill(0, cRow, cRow + H);
          }
        }
      }
    }
    accumulateWeightGradients(this.ctx, this.spec.inputSize, this.laneSums, run, x, dX);
  }
}

/**
 * dst[dOff..dOff+n) = src[sOff..sOff+n) for a whole step's block (B rows): one copy through a
 * view, which for thousands of values costs less than the view (the B-row state copies of a
 * step were 4 % of char-rnn's time as loops, docs/benchmarks.md).
 */
function copyBlock(src: FloatArray, sOff: number, dst: FloatArray, dOff: number, n: number): void {
  dst.set(src.subarray(sOff, sOff + n), dOff);
}

/** dst[dOff..dOff+n) = zero ? 0 : src[sOff..sOff+n); a loop, so no view is allocated per step. */
export function copyRow(
  zero: boolean,
  src: FloatArray,
  sOff: number,
  dst: FloatArray,
  dOff: number,
  n: number,
): void {
  if (zero) dst.fill(0, dOff, dOff + n);
  else for (let i = 0; i < n; i++) dst[dOff + i] = src[sOff + i];
}
