/**
 * The output head: what the model computes from the top layer's features at each row
 * (slot × stream) and the loss it places there. The recurrent stack below it knows
 * nothing of targets; a head turns features into outputs (class probabilities,
 * real-valued predictions…), a loss per labelled row, and the adjoint ∂L/∂features the
 * stack back-propagates. Heads are built by `createHead` (heads.ts) from the model's
 * `output` config.
 *
 * Where the loss sits is the data's business: a row has a loss where tape.labels ≥ 0 and
 * the step is active (tape.ts). A per-sequence output (`per: "sequence"`) has one label,
 * at each sequence's last step; the model then reads a bidirectional top layer as
 * PyTorch's h_n does (readout.ts).
 *
 * Dimension legend: S slots, B streams, L lanes, F features (the top layer's output
 * size), C the head's values per row (classes, or target dimensions).
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import type { SlotRun, Tape } from "./tape.js";

/**
 * The loss family: softmax cross-entropy over classes, squared error on real-valued
 * targets, or a class-factorised softmax over words (rnnlm's `-class`, class-softmax-head.ts).
 */
export type OutputKind = "softmax" | "mse" | "class-softmax";

/** Where targets sit: one per frame, or one per sequence (at its last frame). */
export type LossPlacement = "frame" | "sequence";

/** Target statistics (per dimension): the mse head learns (y − mean) / std and predicts in y's units. */
export interface TargetNormalisation {
  mean: number[];
  std: number[];
}

/** A model's output: its kind, where its targets sit, and (mse) the targets' statistics. */
export interface OutputConfig {
  kind: OutputKind;
  per: LossPlacement;
  /** mse only: the training targets' mean and standard deviation, stored with the model. */
  normalisation?: TargetNormalisation | null;
  /** class-softmax only: the words in each class, in id order (each ≥ 1, summing to outputSize). */
  classSizes?: number[];
  /** class-softmax only: biases on the class and word logits (rnnlm has none; default false). */
  bias?: boolean;
}

/** The default output: softmax classes at every frame. */
export const DEFAULT_OUTPUT: OutputConfig = { kind: "softmax", per: "frame" };

/** The output layer and its loss over the top layer's features (see the file comment). */
export interface OutputHead {
  readonly config: OutputConfig;
  /** C: values per row in `output`. */
  readonly size: number;
  /** Real-valued target values per row the head reads from tape.targets (0: it reads class labels). */
  readonly targetSize: number;
  /** S·B·C, slot-indexed: after forward, the head's outputs (see `read` for the data's units). */
  readonly output: FloatArray;
  /** Sizes the buffers for a tape (only grows them). */
  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void;
  /** Outputs of the run's rows from the features x (S·B·F); returns Σ L over its rows with a loss. */
  forward(run: SlotRun, x: FloatArray): number;
  /**
   * Back-propagates scale · Σ L of the run's rows with a loss: accumulates the head's
   * parameter gradients and adds ∂L/∂x into dX (S·L·B·F), each slot into the lane
   * tape.laneOfSlot names (lane 0 when L = 1).
   */
  backward(run: SlotRun, x: FloatArray, scale: number, dX: FloatArray): void;
  /** Writes row `row`'s C outputs in the data's units (probabilities, or predictions) at into[at…]. */
  read(row: number, into: number[] | FloatArray, at?: number): void;
  /**
   * Optional, for a head whose rows touch few of its parameters (class-softmax): writes the
   * ranges [from, to) of parameter offsets that backward of `slot` alone may give a
   * non-zero gradient, as pairs, sorted and disjoint, into `into`; returns how many.
   * Absent: all of the head's parameters.
   */
  touched?(slot: number, into: Int32Array): number;
  /** With `touched`: the most ranges one slot can give (sizes `into`). */
  readonly maxTouched?: number;
}
