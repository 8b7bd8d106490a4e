/**
 * A feed-forward hidden layer applied to every frame on its own: h_t = tanh(W x_t + b).
 * Stacked, it is the MLP baseline of Graves & Schmidhuber 2005 (there fed a window of
 * neighbouring frames, which the speech task builds: data.context). Parameters under
 * `hidden.{k}.weight` (H, I) and `hidden.{k}.bias` (H), as an nn.Sequential of Linear
 * layers named `hidden` would have them. No recurrence, so no state and nothing for a
 * schedule to truncate: any TBPTT(k1, k2) trains it identically.
 */
import type { Backend } from "../core/backend.js";
import type { ParamLayout } from "../core/params.js";
import type { FloatArray } from "../core/types.js";
import { type DenseParams, denseBackward, denseForward } from "./dense.js";
import type { LayerInput } from "./input.js";
import type { SequenceLayer } from "./layer.js";
import type { SlotRun, Tape } from "./tape.js";

export class FeedForwardLayer implements SequenceLayer {
  readonly directions = [];
  readonly p: DenseParams;
  output!: FloatArray;
  dOutput!: FloatArray;
  private dPre!: FloatArray;
  private backend!: Backend;
  private params!: FloatArray;
  private grads!: FloatArray;
  private streams = 0;
  private lanes = 1;

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    layer: number,
    layout: ParamLayout,
  ) {
    this.p = {
      weight: layout.add(`hidden.${layer}.weight`, [outputSize, inputSize]),
      bias: layout.add(`hidden.${layer}.bias`, [outputSize]),
    };
  }

  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void {
    Object.assign(this, { backend, params, grads, streams: tape.streams, lanes: tape.lanes });
    const n = tape.capacity * tape.streams * this.outputSize;
    const grow = (current: FloatArray | undefined, size: number) =>
      current && current.length >= size ? current : backend.alloc(size);
    this.output = grow(this.output, n);
    this.dOutput = grow(this.dOutput, n * tape.lanes);
    this.dPre = grow(this.dPre, n * tape.lanes);
  }

  forward(run: SlotRun, x: LayerInput): void {
    const B = this.streams;
    const H = this.outputSize;
    const rows = run.count * B;
    denseForward(
      this.backend,
      rows,
      this.inputSize,
      H,
      x,
      run.first * B,
      this.params,
      this.p,
      this.output,
      run.first * B * H,
    );
    this.backend.tanhForward(rows * H, this.output, run.first * B * H, this.output, run.first * B * H);
  }

  beginBackward(): void {}

  backward(run: SlotRun, x: LayerInput, dX: FloatArray | null): void {
    const { streams: B, lanes: L, outputSize: H, inputSize: I } = this;
    for (let slot = run.first; slot < run.first + run.count; slot++) {
      for (let lane = 0; lane < L; lane++) {
        // ∂L/∂a = ∂L/∂h ⊙ (1 − h²), every lane through the same activations
        const off = (slot * L + lane) * B * H;
        this.backend.tanhBackward(B * H, this.output, slot * B * H, this.dOutput, off, this.dPre, off);
        // ∂W += ∂aᵀ x, ∂b += Σ ∂a, ∂x += ∂a W (the lanes' weight gradients add up)
        denseBackward(
          this.backend,
          B,
          I,
          H,
          x,
          slot * B,
          this.dPre,
          off,
          this.params,
          this.grads,
          this.p,
          dX,
          (slot * L + lane) * B * I,
        );
      }
    }
  }

  clearState(): void {}
}
