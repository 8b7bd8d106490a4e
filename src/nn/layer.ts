/**
 * A layer of the recurrent stack, as the model sees it: forward over a run of slots,
 * backward over the runs of a pass, with an output and an output adjoint it owns.
 * Implemented by a single direction (here) and by the bidirectional wrapper.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import type { LayerInput } from "./input.js";
import type { RecurrentDirection } from "./recurrent.js";
import type { SlotRun, Tape } from "./tape.js";

export interface SequenceLayer {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly directions: readonly RecurrentDirection[];
  /** S·B·outputSize, slot-indexed: the layer's output h_t (the next layer's input). */
  readonly output: FloatArray;
  /** S·L·B·outputSize: ∂L/∂output, filled by the layer above (or the output layer). */
  readonly dOutput: FloatArray;
  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void;
  /** `x`: the layer's input over the tape, S·B·I features or S·B symbols (input.ts). */
  forward(run: SlotRun, x: LayerInput): void;
  beginBackward(): void;
  /** Called for the runs of one pass, newest first. `dX` (never for symbols): += ∂L/∂x. */
  backward(run: SlotRun, x: LayerInput, dX: FloatArray | null): void;
  clearState(): void;
}

/** A unidirectional layer: one forward-in-time direction. */
export class UnidirectionalLayer implements SequenceLayer {
  readonly directions: readonly RecurrentDirection[];
  dOutput!: FloatArray;

  constructor(readonly direction: RecurrentDirection) {
    this.directions = [direction];
  }

  get inputSize(): number {
    return this.direction.spec.inputSize;
  }

  get outputSize(): number {
    return this.direction.stateWidth;
  }

  get output(): FloatArray {
    return this.direction.buffers.h;
  }

  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void {
    this.direction.allocate(backend, params, grads, tape);
    const n = tape.capacity * tape.lanes * tape.streams * this.outputSize;
    if (!this.dOutput || this.dOutput.length < n) this.dOutput = backend.alloc(n);
  }

  forward(run: SlotRun, x: LayerInput): void {
    this.direction.forward(run, x);
  }

  beginBackward(): void {
    this.direction.beginBackward();
  }

  backward(run: SlotRun, x: LayerInput, dX: FloatArray | null): void {
    this.direction.backward(run, x, this.dOutput, dX);
  }

  clearState(): void {
    this.direction.clearState();
  }
}
