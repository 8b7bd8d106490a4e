/**
 * What the head reads from a bidirectional top layer when the output is one per
 * sequence (`output.per: "sequence"`, the label at the sequence's last step t):
 *
 *   r_t = [h_fwd(t), h_rev(t0)]     t0 = the first step of t's sequence (its reset)
 *
 * the forward direction's state after reading the sequence to its end and the reverse
 * direction's after reading it back to its start: what torch.nn.LSTM returns as h_n
 * (and Keras's Bidirectional layer without return_sequences). The per-frame output
 * [h_fwd(t), h_rev(t)] would give the reverse direction one frame only at the last step.
 *
 * Backward: ∂r_t splits into ∂h_fwd(t) and ∂h_rev(t0), added into the top layer's
 * output adjoint. A bidirectional model trains with whole sequences per run (the engine
 * enforces k1 = k2 = ∞), so t0 lies in the same run as t. Lanes are not needed (L = 1).
 *
 * Dimension legend: S slots, B streams, H each direction's output (hidden, or LSTMP's
 * projection), F = 2H.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import { copyRow } from "./recurrent.js";
import type { SlotRun, Tape } from "./tape.js";

export class SequenceEndReadout {
  /** S·B·F: r_t per slot and stream. */
  features!: FloatArray;
  /** S·B·F: ∂L/∂r_t, written by the head. */
  dFeatures!: FloatArray;
  /** S·B: the slot of t0 for each row (filled by gather). */
  private start = new Int32Array(0);
  private tape!: Tape;

  constructor(readonly hiddenSize: number) {}

  allocate(backend: Backend, tape: Tape): void {
    this.tape = tape;
    const n = tape.capacity * tape.streams * 2 * this.hiddenSize;
    // Buffers only grow (see RecurrentDirection.allocate).
    if (!this.features || this.features.length < n) {
      this.features = backend.alloc(n);
      this.dFeatures = backend.alloc(n);
    }
    if (this.start.length < tape.capacity * tape.streams)
      this.start = new Int32Array(tape.capacity * tape.streams);
  }

  /** r_t for every row of the run from the top layer's output [h_fwd, h_rev] (S·B·F). */
  gather(run: SlotRun, top: FloatArray): FloatArray {
    const { streams: B, reset } = this.tape;
    const H = this.hiddenSize;
    const F = 2 * H;
    for (let slot = run.first; slot < run.first + run.count; slot++) {
      for (let b = 0; b < B; b++) {
        const row = slot * B + b;
        const t0 = reset[row] === 1 || slot === run.first ? slot : (this.start[(slot - 1) * B + b] as number);
        this.start[row] = t0;
        copyRow(false, top, row * F, this.features, row * F, H);
        copyRow(false, top, (t0 * B + b) * F + H, this.features, row * F + H, H);
      }
    }
    return this.features;
  }

  /** Zeroes ∂r over a run (the head accumulates into it). */
  clear(run: SlotRun): void {
    const F = 2 * this.hiddenSize;
    const B = this.tape.streams;
    this.dFeatures.fill(0, run.first * B * F, (run.first + run.count) * B * F);
  }

  /** dTop += the split of ∂r over the run: ∂h_fwd(t) at t, ∂h_rev(t0) at t0. */
  scatter(run: SlotRun, dTop: FloatArray): void {
    const B = this.tape.streams;
    const H = this.hiddenSize;
    const F = 2 * H;
    for (let row = run.first * B; row < (run.first + run.count) * B; row++) {
      const t0Row = (this.start[row] as number) * B + (row % B);
      for (let j = 0; j < H; j++) {
        dTop[row * F + j] += this.dFeatures[row * F + j] as number;
        dTop[t0Row * F + H + j] += this.dFeatures[row * F + H + j] as number;
      }
    }
  }
}
