/**
 * A sequence labeller: a stack of recurrent layers (each unidirectional or
 * bidirectional) and a Dense output with frame-wise softmax cross-entropy —
 * the networks of Graves & Schmidhuber 2005 and char-rnn.
 *
 * Parameters: one flat array, PyTorch's names under the prefixes `rnn.` (as
 * torch.nn.LSTM/GRU/RNN name theirs) and `out.` (torch.nn.Linear).
 * The model computes; the engine (src/engine) decides which slots to run forward,
 * which to back-propagate through, and when the weights change.
 */
import type { Backend } from "../core/backend.js";
import { ParamLayout } from "../core/params.js";
import type { FloatArray } from "../core/types.js";
import { BidirectionalLayer } from "./bidirectional.js";
import type { CellType } from "./cell.js";
import { type DenseParams, denseBackward, denseForward } from "./dense.js";
import { FeedForwardLayer } from "./feedforward.js";
import { type SequenceLayer, UnidirectionalLayer } from "./layer.js";
import { type Nonlinearity, RecurrentDirection } from "./recurrent.js";
import { softmaxCrossEntropyBackward, softmaxCrossEntropyForward } from "./softmax-xent.js";
import { createTape, type SlotRun, type Tape } from "./tape.js";

export interface ModelConfig {
  /** A recurrent cell, or "mlp": feed-forward tanh layers applied frame by frame (feedforward.ts). */
  cell: CellType | "mlp";
  inputSize: number;
  hiddenSize: number;
  layers: number;
  bidirectional: boolean;
  /** LSTM only: connections from the cell to the gates (Graves). */
  peepholes: boolean;
  outputSize: number;
  /** rnn only: "tanh" (default, as torch.nn.RNN) or "sigmoid" (Elman 1990; the rnnlm toolkit). */
  nonlinearity?: Nonlinearity;
}

export const DEFAULT_MODEL: Omit<ModelConfig, "inputSize" | "outputSize"> = {
  cell: "lstm",
  hiddenSize: 32,
  layers: 1,
  bidirectional: false,
  peepholes: false,
};

export function validateModelConfig(config: ModelConfig): void {
  const bad = (field: string, expected: string, got: unknown) => {
    throw new Error(`model.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!["lstm", "gru", "rnn", "mlp"].includes(config.cell))
    bad("cell", '"lstm", "gru", "rnn" or "mlp"', config.cell);
  if (config.cell === "mlp" && config.bidirectional)
    bad("bidirectional", 'false for cell "mlp" (it has no time direction)', true);
  for (const key of ["inputSize", "hiddenSize", "layers", "outputSize"] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) bad(key, "a positive integer", v);
  }
  if (config.outputSize < 2) bad("outputSize", "at least 2 classes", config.outputSize);
  if (config.peepholes && config.cell !== "lstm")
    bad("peepholes", `false for cell "${config.cell}" (peepholes are LSTM's)`, true);
  const nonlinearity = config.nonlinearity ?? "tanh";
  if (nonlinearity !== "tanh" && nonlinearity !== "sigmoid")
    bad("nonlinearity", '"tanh" or "sigmoid"', nonlinearity);
  if (nonlinearity !== "tanh" && config.cell !== "rnn")
    bad("nonlinearity", `"tanh" for cell "${config.cell}" (the choice is the simple RNN's)`, nonlinearity);
}

export class SequenceModel {
  readonly layout = new ParamLayout();
  readonly layers: SequenceLayer[] = [];
  readonly out: DenseParams;
  /** The output layer's parameters: the last `length` entries of params, from `offset`. */
  readonly outputParams: { offset: number; length: number };
  readonly params: FloatArray;
  readonly grads: FloatArray;
  tape!: Tape;
  /** S·B·I: the inputs x_t, slot-indexed (written by the engine). */
  inputs!: FloatArray;
  /** S·B·C: logits, then (after forward) the probabilities p_t. */
  probs!: FloatArray;
  private dLogits!: FloatArray;

  constructor(
    readonly config: ModelConfig,
    readonly backend: Backend,
  ) {
    validateModelConfig(config);
    let inputSize = config.inputSize;
    for (let layer = 0; layer < config.layers; layer++) {
      if (config.cell === "mlp") {
        const hidden = new FeedForwardLayer(inputSize, config.hiddenSize, layer, this.layout);
        this.layers.push(hidden);
        inputSize = hidden.outputSize;
        continue;
      }
      const cell = config.cell;
      const spec = (reverse: boolean) => ({
        cell,
        inputSize,
        hiddenSize: config.hiddenSize,
        peepholes: config.peepholes,
        nonlinearity: config.nonlinearity ?? "tanh",
        reverse,
        prefix: "rnn.",
        layer,
      });
      const forward = new RecurrentDirection(spec(false), this.layout);
      const built = config.bidirectional
        ? new BidirectionalLayer(forward, new RecurrentDirection(spec(true), this.layout))
        : new UnidirectionalLayer(forward);
      this.layers.push(built);
      inputSize = built.outputSize;
    }
    const outputOffset = this.layout.size;
    this.out = {
      weight: this.layout.add("out.weight", [config.outputSize, inputSize]),
      bias: this.layout.add("out.bias", [config.outputSize]),
    };
    this.outputParams = { offset: outputOffset, length: this.layout.size - outputOffset };
    this.params = backend.alloc(this.layout.size);
    this.grads = backend.alloc(this.layout.size);
  }

  get top(): SequenceLayer {
    return this.layers[this.layers.length - 1] as SequenceLayer;
  }

  /** Sizes every buffer for S slots, B streams and L lanes. Allocates; never called per step. */
  configure(capacity: number, streams: number, lanes = 1): void {
    if (
      this.tape &&
      this.tape.capacity === capacity &&
      this.tape.streams === streams &&
      this.tape.lanes === lanes
    ) {
      return;
    }
    if (lanes > 1 && this.config.bidirectional)
      throw new Error("bidirectional models train with one lane only");
    const carried = this.tape ? this.saveState() : null;
    this.tape = createTape(capacity, streams, lanes);
    // Buffers only grow: a backend's allocator may never free (the wasm arena does not).
    const grow = (current: FloatArray | undefined, n: number) =>
      current && current.length >= n ? current : this.backend.alloc(n);
    this.inputs = grow(this.inputs, capacity * streams * this.config.inputSize);
    this.probs = grow(this.probs, capacity * streams * this.config.outputSize);
    this.dLogits = grow(this.dLogits, capacity * streams * this.config.outputSize);
    for (const layer of this.layers) layer.allocate(this.backend, this.params, this.grads, this.tape);
    if (carried && carried.length === this.stateSize()) this.loadState(carried);
  }

  /**
   * Forward over a run of slots: every layer over the whole run in turn (layer-major,
   * so each layer's input projection is one product), then the output layer.
   * Returns Σ L_t over the run's labelled, active rows.
   */
  forward(run: SlotRun): number {
    let x = this.inputs;
    for (const layer of this.layers) {
      layer.forward(run, x);
      x = layer.output;
    }
    const B = this.tape.streams;
    const C = this.config.outputSize;
    const F = this.top.outputSize;
    const rows = run.count * B;
    denseForward(
      this.backend,
      rows,
      F,
      C,
      x,
      run.first * B * F,
      this.params,
      this.out,
      this.probs,
      run.first * B * C,
    );
    return softmaxCrossEntropyForward(
      rows,
      C,
      this.probs,
      run.first * B * C,
      this.tape.labels,
      this.tape.active,
      run.first * B,
    );
  }

  /**
   * Backward through `runs` (oldest first; together one contiguous stretch of time),
   * injecting the losses of the slots in `lossRuns` scaled by `scale`. Gradients
   * accumulate into `grads`. The tape's stop flags and resets bound each stream's sweep.
   * With `injected` (S·L·B·F, filled by outputStep), the loss slots' errors into the top
   * layer are taken from it instead of the output layer, which is then left untouched.
   */
  backward(
    runs: readonly SlotRun[],
    lossRuns: readonly SlotRun[],
    scale: number,
    injected: FloatArray | null = null,
  ): void {
    const { streams: B, lanes: L } = this.tape;
    const top = this.top;
    const F = top.outputSize;
    for (const layer of this.layers) {
      for (const run of runs)
        layer.dOutput.fill(
          0,
          run.first * L * B * layer.outputSize,
          (run.first + run.count) * L * B * layer.outputSize,
        );
      layer.beginBackward();
    }
    for (const run of lossRuns) {
      if (injected) {
        // Errors computed when the steps were forwarded (outputStep), scaled now.
        const n = run.count * L * B * F;
        const off = run.first * L * B * F;
        for (let i = 0; i < n; i++) top.dOutput[off + i] += scale * (injected[off + i] as number);
      } else this.outputBackward(run, scale, top.dOutput);
    }
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l] as SequenceLayer;
      const below = l > 0 ? (this.layers[l - 1] as SequenceLayer) : null;
      const x = below ? below.output : this.inputs;
      const ordered = layer instanceof BidirectionalLayer ? runs : [...runs].reverse();
      for (const run of ordered) layer.backward(run, x, below ? below.dOutput : null);
    }
  }

  /**
   * The output layer's backward over a run of loss slots: ∂z = scale (p − onehot y);
   * ∂W_out, ∂b_out accumulate into grads; ∂h_top is added into dX (S·L·B·F) in the lane
   * tape.laneOfSlot names (lane 0 when L = 1).
   */
  private outputBackward(run: SlotRun, scale: number, dX: FloatArray): void {
    const { streams: B, lanes: L } = this.tape;
    const C = this.config.outputSize;
    const top = this.top;
    const F = top.outputSize;
    const rows = run.count * B;
    const zOff = run.first * B * C;
    softmaxCrossEntropyBackward(
      rows,
      C,
      this.probs,
      zOff,
      this.tape.labels,
      this.tape.active,
      run.first * B,
      scale,
      this.dLogits,
      zOff,
    );
    denseBackward(
      this.backend,
      rows,
      F,
      C,
      top.output,
      run.first * B * F,
      this.dLogits,
      zOff,
      this.params,
      this.grads,
      this.out,
      null,
      0,
    );
    for (let slot = run.first; slot < run.first + run.count; slot++) {
      const lane = L === 1 ? 0 : (this.tape.laneOfSlot[slot] as number);
      this.backend.gemm(
        false,
        false,
        B,
        F,
        C,
        1,
        this.dLogits,
        slot * B * C,
        C,
        this.params,
        this.out.weight,
        F,
        1,
        dX,
        (slot * L + lane) * B * F,
        F,
      );
    }
  }

  /**
   * rnnlm's output rule (schedule outputUpdate "step", docs/rnnlm.md): right after `slot`
   * is forwarded, the output layer's gradient of that slot's losses alone (unscaled)
   * accumulates into grads, and the error they send into the top layer is computed now,
   * with the output weights of this moment, into errors (S·L·B·F, the slot's block
   * overwritten, in the lane tape.laneOfSlot names). backward(…, errors) injects it later.
   */
  outputStep(slot: number, errors: FloatArray): void {
    const { streams: B, lanes: L } = this.tape;
    const width = L * B * this.top.outputSize;
    errors.fill(0, slot * width, (slot + 1) * width);
    this.outputBackward({ first: slot, count: 1 }, 1, errors);
  }

  zeroGrads(): void {
    this.grads.fill(0);
  }

  /** Forgets the carried state of every layer (s_0 = 0). */
  clearState(): void {
    for (const layer of this.layers) layer.clearState();
  }

  /** Number of values in the carried state (h, and c for LSTM, per direction and stream). */
  stateSize(): number {
    let n = 0;
    for (const layer of this.layers)
      for (const d of layer.directions) n += d.hCarry.length + (d.cCarry?.length ?? 0);
    return n;
  }

  /** The carried state as one array (for checkpoints: an engine position includes it). */
  saveState(): Float64Array {
    const out = new Float64Array(this.stateSize());
    let i = 0;
    for (const layer of this.layers) {
      for (const d of layer.directions) {
        const n = this.tape.streams * d.spec.hiddenSize;
        for (let j = 0; j < n; j++) out[i++] = d.hCarry[j] as number;
        if (d.cCarry) for (let j = 0; j < n; j++) out[i++] = d.cCarry[j] as number;
      }
    }
    return out;
  }

  loadState(state: ArrayLike<number>): void {
    if (state.length !== this.stateSize())
      throw new Error(`model state: expected ${this.stateSize()} values, got ${state.length}`);
    let i = 0;
    for (const layer of this.layers) {
      for (const d of layer.directions) {
        const n = this.tape.streams * d.spec.hiddenSize;
        for (let j = 0; j < n; j++) d.hCarry[j] = state[i++] as number;
        if (d.cCarry) for (let j = 0; j < n; j++) d.cCarry[j] = state[i++] as number;
      }
    }
  }
}
