/**
 * A head made of a Dense layer z = x Wᵀ + b (torch.nn.Linear, parameters `out.weight`
 * (C, F) and `out.bias` (C)) followed by a loss applied row by row: softmax
 * cross-entropy (softmax-xent.ts) or squared error (mse.ts). Backward: the row loss
 * gives ∂L/∂z; then ∂W += ∂zᵀ x, ∂b += Σ ∂z, and ∂x = ∂z W, each slot's ∂x into the
 * lane of the loss it carries (per-loss truncation, src/engine).
 *
 * Dimension legend: S slots, B streams, L lanes, F features in, C values out.
 */
import type { Backend } from "../core/backend.js";
import type { ParamLayout } from "../core/params.js";
import type { FloatArray } from "../core/types.js";
import { type DenseParams, denseBackward, denseForward } from "./dense.js";
import type { OutputConfig, OutputHead } from "./head.js";
import type { SlotRun, Tape } from "./tape.js";

/** The loss of a block of rows; row r's tape entries are at rowOff + r. */
export interface RowLoss {
  /** Real-valued targets per row this loss reads from tape.targets (0: class labels). */
  readonly targetSize: number;
  /** Turns z (C per row, in place) into the head's outputs; returns Σ L over the rows with a loss. */
  forward(rows: number, z: FloatArray, off: number, tape: Tape, rowOff: number): number;
  /** dZ = scale · ∂L/∂z on rows with a loss, 0 elsewhere (overwrites). `out` holds forward's outputs. */
  backward(
    rows: number,
    out: FloatArray,
    off: number,
    tape: Tape,
    rowOff: number,
    scale: number,
    dZ: FloatArray,
    dOff: number,
  ): void;
  /** One row's outputs in the data's units. */
  read(out: FloatArray, off: number, into: number[] | FloatArray, at: number): void;
}

export class AffineHead implements OutputHead {
  readonly p: DenseParams;
  readonly targetSize: number;
  output!: FloatArray;
  private dZ!: FloatArray;
  private backend!: Backend;
  private params!: FloatArray;
  private grads!: FloatArray;
  private tape!: Tape;

  constructor(
    readonly config: OutputConfig,
    readonly inputSize: number,
    readonly size: number,
    layout: ParamLayout,
    readonly loss: RowLoss,
  ) {
    this.p = {
      weight: layout.add("out.weight", [size, inputSize]),
      bias: layout.add("out.bias", [size]),
    };
    this.targetSize = loss.targetSize;
  }

  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void {
    Object.assign(this, { backend, params, grads, tape });
    const n = tape.capacity * tape.streams * this.size;
    // Buffers only grow: a backend's allocator may never free (the wasm arena does not).
    if (!this.output || this.output.length < n) this.output = backend.alloc(n);
    if (!this.dZ || this.dZ.length < n) this.dZ = backend.alloc(n);
  }

  forward(run: SlotRun, x: FloatArray): number {
    const B = this.tape.streams;
    const C = this.size;
    const F = this.inputSize;
    const rows = run.count * B;
    const zOff = run.first * B * C;
    denseForward(this.backend, rows, F, C, x, run.first * B, this.params, this.p, this.output, zOff);
    return this.loss.forward(rows, this.output, zOff, this.tape, run.first * B);
  }

  backward(run: SlotRun, x: FloatArray, scale: number, dX: FloatArray): void {
    const { streams: B, lanes: L } = this.tape;
    const C = this.size;
    const F = this.inputSize;
    const rows = run.count * B;
    const zOff = run.first * B * C;
    this.loss.backward(rows, this.output, zOff, this.tape, run.first * B, scale, this.dZ, zOff);
    // ∂W_out += ∂zᵀ x, ∂b_out += Σ ∂z
    denseBackward(
      this.backend,
      rows,
      F,
      C,
      x,
      run.first * B,
      this.dZ,
      zOff,
      this.params,
      this.grads,
      this.p,
      null,
      0,
    );
    // ∂x += ∂z W_out, slot by slot into the loss's lane
    for (let slot = run.first; slot < run.first + run.count; slot++) {
      const lane = L === 1 ? 0 : (this.tape.laneOfSlot[slot] as number);
      this.backend.gemm(
        false,
        false,
        B,
        F,
        C,
        1,
        this.dZ,
        slot * B * C,
        C,
        this.params,
        this.p.weight,
        F,
        1,
        dX,
        (slot * L + lane) * B * F,
        F,
      );
    }
  }

  read(row: number, into: number[] | FloatArray, at = 0): void {
    this.loss.read(this.output, row * this.size, into, at);
  }
}
