/**
 * The bidirectional wrapper (Schuster & Paliwal 1997; BLSTM as Graves & Schmidhuber
 * 2005): a forward-in-time and a reverse-in-time direction over the same input, their
 * outputs concatenated per frame [h_fwd, h_rev] (PyTorch's order and `_reverse` names;
 * for LSTMP the projections [r_fwd, r_rev]). Below, R is a direction's output width.
 *
 * The reverse direction needs the whole sequence before its first output, so a run
 * given to this layer must hold whole sequences that start (are reset) at the run's
 * first slot; the engine enforces k1 = k2 = Infinity for bidirectional models
 * (docs/schedule.md). Masked tails pass the reverse state s_0 through unchanged, so streams
 * of unequal length in one batch are exact.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import type { LayerInput } from "./input.js";
import type { SequenceLayer } from "./layer.js";
import type { RecurrentDirection } from "./recurrent.js";
import type { SlotRun, Tape } from "./tape.js";

export class BidirectionalLayer implements SequenceLayer {
  readonly directions: readonly RecurrentDirection[];
  output!: FloatArray;
  dOutput!: FloatArray;
  /** S·B·R each: the halves of dOutput, as each direction reads them (R = H, or P for LSTMP). */
  private dForward!: FloatArray;
  private dReverse!: FloatArray;
  private streams = 0;

  constructor(
    readonly forwardDirection: RecurrentDirection,
    readonly reverseDirection: RecurrentDirection,
  ) {
    if (!reverseDirection.spec.reverse || forwardDirection.spec.reverse) {
      throw new Error("BidirectionalLayer: expected a forward and a reverse direction");
    }
    this.directions = [forwardDirection, reverseDirection];
  }

  get inputSize(): number {
    return this.forwardDirection.spec.inputSize;
  }

  get outputSize(): number {
    return 2 * this.forwardDirection.stateWidth;
  }

  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void {
    if (tape.lanes !== 1)
      throw new Error("a bidirectional layer trains with one lane (window truncation) only");
    this.forwardDirection.allocate(backend, params, grads, tape);
    this.reverseDirection.allocate(backend, params, grads, tape);
    const R = this.forwardDirection.stateWidth;
    this.streams = tape.streams;
    const n = tape.capacity * tape.streams * R;
    // Buffers only grow (see RecurrentDirection.allocate).
    if (!this.output || this.output.length < 2 * n) {
      this.output = backend.alloc(2 * n);
      this.dOutput = backend.alloc(2 * n);
      this.dForward = backend.alloc(n);
      this.dReverse = backend.alloc(n);
    }
  }

  forward(run: SlotRun, x: LayerInput): void {
    this.forwardDirection.forward(run, x);
    this.reverseDirection.forward(run, x);
    const R = this.forwardDirection.stateWidth;
    const hF = this.forwardDirection.buffers.h;
    const hR = this.reverseDirection.buffers.h;
    // output[s, b] = [h_fwd[s, b], h_rev[s, b]]
    for (let row = run.first * this.streams; row < (run.first + run.count) * this.streams; row++) {
      for (let j = 0; j < R; j++) {
        this.output[row * 2 * R + j] = hF[row * R + j];
        this.output[row * 2 * R + R + j] = hR[row * R + j];
      }
    }
  }

  beginBackward(): void {
    this.forwardDirection.beginBackward();
    this.reverseDirection.beginBackward();
  }

  backward(run: SlotRun, x: LayerInput, dX: FloatArray | null): void {
    const R = this.forwardDirection.stateWidth;
    for (let row = run.first * this.streams; row < (run.first + run.count) * this.streams; row++) {
      for (let j = 0; j < R; j++) {
        this.dForward[row * R + j] = this.dOutput[row * 2 * R + j];
        this.dReverse[row * R + j] = this.dOutput[row * 2 * R + R + j];
      }
    }
    this.forwardDirection.backward(run, x, this.dForward, dX);
    this.reverseDirection.backward(run, x, this.dReverse, dX);
  }

  clearState(): void {
    this.forwardDirection.clearState();
    this.reverseDirection.clearState();
  }
}
