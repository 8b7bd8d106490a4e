/**
 * A sequence model: a stack of recurrent layers (each unidirectional or bidirectional)
 * and an output head (head.ts): by default Dense + frame-wise softmax cross-entropy —
 * the networks of Graves & Schmidhuber 2005 and char-rnn.
 *
 * Parameters: one flat array, PyTorch's names under the prefixes `rnn.` (as
 * torch.nn.LSTM/GRU/RNN name theirs) and `out.` (torch.nn.Linear).
 * The model computes; the engine (src/engine) decides which slots to run forward,
 * which to back-propagate through, and when the weights change.
 */

import { OwnedAllocations } from "../core/allocations.js";
import type { Backend } from "../core/backend.js";
import { TbpttError } from "../core/errors.js";
import { ParamLayout } from "../core/params.js";
import type { FloatArray } from "../core/types.js";
import { BidirectionalLayer } from "./bidirectional.js";
import type { CellType, GradientMode } from "./cell.js";
import { FeedForwardLayer } from "./feedforward.js";
import { DEFAULT_OUTPUT, type OutputConfig, type OutputHead } from "./head.js";
import { createHead, validateOutputConfig } from "./heads.js";
import type { InputKind, LayerInput } from "./input.js";
import { type SequenceLayer, UnidirectionalLayer } from "./layer.js";
import { SequenceEndReadout } from "./readout.js";
import { type Nonlinearity, RecurrentDirection } from "./recurrent.js";
import { createTape, type SlotRun, type Tape } from "./tape.js";

/** A model's architecture: the cell, sizes, layers, direction, peepholes, projection and output. */
export interface ModelConfig {
  /** A recurrent cell, or "mlp": feed-forward tanh layers applied frame by frame (feedforward.ts). */
  cell: CellType | "mlp";
  inputSize: number;
  hiddenSize: number;
  layers: number;
  bidirectional: boolean;
  /** LSTM only: connections from the cell to the gates (Graves). */
  peepholes: boolean;
  /** Classes (softmax) or target dimensions (mse). */
  outputSize: number;
  /** The output head and where its loss sits; default softmax, every frame (head.ts). */
  output?: OutputConfig;
  /** LSTM only: a recurrent projection of this width, 0 < projSize < hiddenSize (LSTMP, Sak et al. 2014); absent or 0: none. */
  projSize?: number;
  /** LSTM only: "full" (default) or "truncated-1997" (Hochreiter & Schmidhuber 1997's truncated gradient). */
  gradient?: GradientMode;
  /** rnn only: "tanh" (default, as torch.nn.RNN) or "sigmoid" (Elman 1990; the rnnlm toolkit). */
  nonlinearity?: Nonlinearity;
}

/** The defaults of the architecture keys other than the sizes. */
export const DEFAULT_MODEL: Omit<ModelConfig, "inputSize" | "outputSize"> = {
  cell: "lstm",
  hiddenSize: 32,
  layers: 1,
  bidirectional: false,
  peepholes: false,
};

/** The deepest stack a model may have (far beyond any trained RNN; see validateModelConfig). */
export const MAX_LAYERS = 10_000;

/** Throws, naming the field and what it expected, when `config` is not a valid architecture. */

export function validateModelConfig(config: ModelConfig): void {
  const bad = (field: string, expected: string, got: unknown) => {
    throw new TbpttError(`model.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (!["lstm", "gru", "rnn", "mlp"].includes(config.cell))
    bad("cell", '"lstm", "gru", "rnn" or "mlp"', config.cell);
  if (config.cell === "mlp" && config.bidirectional)
    bad("bidirectional", 'false for cell "mlp" (it has no time direction)', true);
  for (const key of ["inputSize", "hiddenSize", "layers", "outputSize"] as const) {
    const v = config[key];
    if (!Number.isInteger(v) || v < 1) bad(key, "a positive integer", v);
  }
  // Each layer is an object with its own tensors, built before any size check can count them:
  // a stack of a billion layers would exhaust the JavaScript heap while being described.
  if (config.layers > MAX_LAYERS)
    bad("layers", `at most ${MAX_LAYERS.toLocaleString("en-US")}`, config.layers);
  validateOutputConfig(config.output ?? DEFAULT_OUTPUT, config.outputSize);
  if (config.peepholes && config.cell !== "lstm")
    bad("peepholes", `false for cell "${config.cell}" (peepholes are LSTM's)`, true);
  const nonlinearity = config.nonlinearity ?? "tanh";
  if (nonlinearity !== "tanh" && nonlinearity !== "sigmoid")
    bad("nonlinearity", '"tanh" or "sigmoid"', nonlinearity);
  if (nonlinearity !== "tanh" && config.cell !== "rnn")
    bad("nonlinearity", `"tanh" for cell "${config.cell}" (the choice is the simple RNN's)`, nonlinearity);
  const proj = config.projSize ?? 0;
  if (!Number.isInteger(proj) || proj < 0 || (proj > 0 && proj >= config.hiddenSize))
    bad(
      "projSize",
      `an integer with 0 ≤ projSize < hiddenSize ${config.hiddenSize} (0: no projection)`,
      proj,
    );
  if (proj > 0 && config.cell !== "lstm")
    bad("projSize", `0 for cell "${config.cell}" (the recurrent projection is LSTMP's)`, proj);
  const gradient = config.gradient ?? "full";
  if (gradient !== "full" && gradient !== "truncated-1997")
    bad("gradient", '"full" or "truncated-1997"', gradient);
  if (gradient !== "full" && config.cell !== "lstm")
    bad("gradient", `"full" for cell "${config.cell}" (the 1997 truncation is defined for LSTM)`, gradient);
}

/**
 * A stack of recurrent (or feed-forward) layers and an output head over one flat parameter array
 * with PyTorch names, on a backend.
 */
export class SequenceModel {
  /** Where each parameter tensor sits in `params` (and `grads`), by PyTorch name. */
  readonly layout = new ParamLayout();
  /** @internal The layers, bottom first (the engine drives them). */
  readonly layers: SequenceLayer[] = [];
  /** The output layer and its loss. */
  readonly head: OutputHead;
  /** The output head's parameters: the last `length` entries of params, from `offset`. */
  readonly outputParams: { offset: number; length: number };
  /** @internal Per-sequence outputs of a bidirectional top layer read it as h_n does (readout.ts); else null. */
  readonly readout: SequenceEndReadout | null;
  readonly params: FloatArray;
  readonly grads: FloatArray;
  tape!: Tape;
  /** S·B·I: the inputs x_t, slot-indexed (written by the engine), when `inputKind` is "dense". */
  inputs!: FloatArray;
  /**
   * S·B: one-hot inputs as symbols, slot-indexed (−1: an all-zero input), when `inputKind` is
   * "index": the first layer reads column x_t of its input weights instead of a product (input.ts).
   */
  inputIds: Int32Array = new Int32Array(0);
  /** Which of `inputs` and `inputIds` the first layer reads (set with useInputs). */
  inputKind: InputKind = "dense";

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
        projSize: config.projSize ?? 0,
        gradient: config.gradient ?? "full",
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
    const output = config.output ?? DEFAULT_OUTPUT;
    const outputOffset = this.layout.size;
    this.head = createHead(output, inputSize, config.outputSize, this.layout);
    this.outputParams = { offset: outputOffset, length: this.layout.size - outputOffset };
    this.readout =
      output.per === "sequence" && this.top instanceof BidirectionalLayer
        ? new SequenceEndReadout(this.top.outputSize / 2)
        : null;
    this.memory = new OwnedAllocations(backend);
    this.params = this.memory.backend.alloc(this.layout.size);
    this.grads = this.memory.backend.alloc(this.layout.size);
  }

  /** Every array this model allocated (its layers' too), freed by dispose(). */
  private readonly memory: OwnedAllocations;
  private scratchBuffers = new Map<string, FloatArray>();

  /**
   * S·B·C: the head's outputs after forward (head.ts): the probabilities p_t of a softmax
   * head; an mse head's predictions in normalised units (head.read gives the data's units).
   */
  get probs(): FloatArray {
    return this.head.output;
  }

  /** @internal The top layer (the output head reads it). */
  get top(): SequenceLayer {
    return this.layers[this.layers.length - 1] as SequenceLayer;
  }

  /** Sizes every buffer for S slots, B streams and L lanes. Allocates; never called per step. */
  configure(capacity: number, streams: number, lanes = 1): void {
    if (this.memory.disposed) throw new TbpttError("model: used after dispose()");
    if (
      this.tape &&
      this.tape.capacity === capacity &&
      this.tape.streams === streams &&
      this.tape.lanes === lanes
    ) {
      return;
    }
    if (lanes > 1 && this.config.bidirectional)
      throw new TbpttError("bidirectional models train with one lane only");
    const carried = this.tape ? this.saveState() : null;
    this.tape = createTape(capacity, streams, lanes, this.head.targetSize);
    // Buffers only grow (a shape seen once tends to come back); dispose() frees them all.
    const memory = this.memory.backend;
    this.sizeInputs();
    for (const layer of this.layers) layer.allocate(memory, this.params, this.grads, this.tape);
    this.readout?.allocate(memory, this.tape);
    this.head.allocate(memory, this.params, this.grads, this.tape);
    if (carried && carried.length === this.stateSize()) this.loadState(carried);
  }

  /**
   * Chooses how the inputs are written for the first layer: "dense" (I values per slot and
   * stream in `inputs`) or "index" (one-hot inputs as one symbol per slot and stream in
   * `inputIds`, read as a lookup; the same numbers, docs/architecture.md). Sizes that buffer.
   */
  useInputs(kind: InputKind): void {
    if (kind !== "dense" && kind !== "index")
      throw new Error(`inputs: expected "dense" or "index", got ${JSON.stringify(kind)}`);
    this.inputKind = kind;
    if (this.tape) this.sizeInputs();
  }

  /** The buffer of the current input kind, grown to the tape (buffers only grow; dispose() frees them). */
  private sizeInputs(): void {
    const rows = this.tape.capacity * this.tape.streams;
    if (this.inputKind === "index") {
      if (this.inputIds.length < rows) this.inputIds = new Int32Array(rows);
    } else {
      const n = rows * this.config.inputSize;
      if (!this.inputs || this.inputs.length < n) this.inputs = this.memory.backend.alloc(n);
    }
  }

  /** The first layer's input: `inputs` or `inputIds`, by inputKind. */
  private get firstInput(): LayerInput {
    return this.inputKind === "index" ? this.inputIds : this.inputs;
  }

  /**
   * Forward over a run of slots: every layer over the whole run in turn (layer-major,
   * so each layer's input projection is one product, or a lookup for symbols), then the
   * output head. Returns Σ L_t over the run's labelled, active rows.
   */
  forward(run: SlotRun): number {
    let x: LayerInput = this.firstInput;
    for (const layer of this.layers) {
      layer.forward(run, x);
      x = layer.output;
    }
    const top = this.top.output;
    return this.head.forward(run, this.readout ? this.readout.gather(run, top) : top);
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
    for (const layer of this.layers) {
      for (const run of runs)
        layer.dOutput.fill(
          0,
          run.first * L * B * layer.outputSize,
          (run.first + run.count) * L * B * layer.outputSize,
        );
      layer.beginBackward();
    }
    // The head: its parameter gradients, and ∂L/∂h_top into each loss's lane; or the errors
    // computed when the steps were forwarded (outputStep), scaled now.
    const F = top.outputSize;
    for (const run of lossRuns) {
      if (injected) {
        const n = run.count * L * B * F;
        const off = run.first * L * B * F;
        for (let i = 0; i < n; i++) top.dOutput[off + i] += scale * (injected[off + i] as number);
      } else if (this.readout) {
        this.readout.clear(run);
        this.head.backward(run, this.readout.features, scale, this.readout.dFeatures);
        this.readout.scatter(run, top.dOutput);
      } else this.head.backward(run, top.output, scale, top.dOutput);
    }
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l] as SequenceLayer;
      const below = l > 0 ? (this.layers[l - 1] as SequenceLayer) : null;
      const x = below ? below.output : this.firstInput;
      const ordered = layer instanceof BidirectionalLayer ? runs : [...runs].reverse();
      for (const run of ordered) layer.backward(run, x, below ? below.dOutput : null);
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
    this.head.backward({ first: slot, count: 1 }, this.top.output, 1, errors);
  }

  /** Sets every gradient to zero (gradients accumulate). */
  zeroGrads(): void {
    this.grads.fill(0);
  }

  /** Forgets the carried state of every layer (s_0 = 0). */
  clearState(): void {
    for (const layer of this.layers) layer.clearState();
  }

  /** Number of values in the carried state (h or r, and c for LSTM, per direction and stream). */
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
        const B = this.tape.streams;
        for (let j = 0; j < B * d.stateWidth; j++) out[i++] = d.hCarry[j] as number;
        if (d.cCarry) for (let j = 0; j < B * d.spec.hiddenSize; j++) out[i++] = d.cCarry[j] as number;
      }
    }
    return out;
  }

  /** Restores the carried state saved by `saveState`. */
  loadState(state: ArrayLike<number>): void {
    if (state.length !== this.stateSize())
      throw new TbpttError(`model state: expected ${this.stateSize()} values, got ${state.length}`);
    let i = 0;
    for (const layer of this.layers) {
      for (const d of layer.directions) {
        const B = this.tape.streams;
        for (let j = 0; j < B * d.stateWidth; j++) d.hCarry[j] = state[i++] as number;
        if (d.cCarry) for (let j = 0; j < B * d.spec.hiddenSize; j++) d.cCarry[j] = state[i++] as number;
      }
    }
  }

  /**
   * An array of at least `length` values kept under `key` and freed with the model: scratch
   * that outlives one engine run (the engine's per-step errors), replaced only when too small.
   */
  scratch(key: string, length: number): FloatArray {
    const current = this.scratchBuffers.get(key);
    if (current && current.length >= length) return current;
    if (current) this.memory.backend.free(current);
    const array = this.memory.backend.alloc(length);
    this.scratchBuffers.set(key, array);
    return array;
  }

  /**
   * Frees every array the model allocated on its backend (parameters, gradients, activations),
   * so the backend can reuse the memory for the next model; the wasm and native arenas free
   * only what they are given. The model, its `params` and everything read from it must not be
   * used afterwards (running it throws). Does not dispose the backend.
   */
  dispose(): void {
    this.scratchBuffers.clear();
    this.memory.freeAll();
  }
}
