/**
 * How one tick of the plan reaches the model: per stream, its reset, active and label flags,
 * its input (features, or the symbol of a one-hot input: docs/architecture.md, "One-hot inputs
 * as symbols") and, where the output head reads them, its real-valued targets. Shared by the
 * TBPTT engine and the online engines (src/online), which write the same ticks.
 */
import { TbpttError } from "../core/errors.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";
import type { Tick } from "./planner.js";
import { labelLimit } from "./sequence-check.js";

/** A sequence as the engine reads it: features are written in place, never copied whole. */
export interface SequenceLike {
  readonly length: number;
  /** Writes the I input features of step `position` at out[offset…]. */
  writeInput(position: number, out: FloatArray, offset: number): void;
  /**
   * One-hot inputs only: the input that is 1 at `position` (−1: all are 0), the same one-hot
   * that writeInput writes. When every sequence of a run has it, the engine hands the model
   * symbols instead of rows, and the first layer reads a column of its input weights instead
   * of a product (SequenceModel.useInputs): the same numbers, V times less work per step.
   */
  inputIndex?(position: number): number;
  /** The class at `position`, or −1 where that step has no loss (0 marks a step with real-valued targets). */
  label(position: number): number;
  /** Real-valued targets per step (absent or 0: class labels only); an "mse" output head needs them. */
  readonly targetSize?: number;
  /** Writes the targetSize targets of `position` at out[offset…]; called where label(position) ≥ 0. */
  writeTarget?(position: number, out: FloatArray, offset: number): void;
}

/** A sequence's input symbol at `position`, checked: an integer in [−1, I). */
function inputSymbol(seq: SequenceLike, index: number, position: number, I: number): number {
  const v = (seq.inputIndex as NonNullable<SequenceLike["inputIndex"]>)(position);
  if (!(Number.isInteger(v) && v >= -1 && v < I))
    throw new Error(
      `sequence ${index}, step ${position}: input symbol ${v}, expected an integer in [−1, ${I}) (the model has ${I} inputs)`,
    );
  return v;
}

/** Throws unless every sequence carries the real-valued targets the model's head reads. */
export function checkTargets(model: SequenceModel, sequences: readonly SequenceLike[]): void {
  const D = model.head.targetSize;
  if (D === 0) return;
  sequences.forEach((s, i) => {
    if (s.targetSize !== D || !s.writeTarget) {
      throw new Error(
        `sequence ${i}: the model's "${model.head.config.kind}" output needs ${D} real-valued targets per step, the sequence has ${s.targetSize ?? 0}`,
      );
    }
  });
}

/**
 * Writes one tick of the plan into `slot` of the model's tape and inputs: per stream its
 * reset, active and label flags, its input features and, where the head reads them, its
 * targets. A masked stream gets zero inputs (finite, so masked rows add 0 · x to ∂W).
 */
export function writeTick(
  model: SequenceModel,
  slot: number,
  tick: Tick,
  sequences: readonly SequenceLike[],
): void {
  const { tape, inputs } = model;
  const ids = model.inputKind === "index" ? model.inputIds : null;
  const B = tape.streams;
  const I = model.config.inputSize;
  const D = tape.targetSize;
  const C = labelLimit(model);
  for (let b = 0; b < B; b++) {
    const row = slot * B + b;
    const step = tick.steps[b];
    if (!step) {
      tape.active[row] = 0;
      tape.reset[row] = 0;
      tape.labels[row] = -1;
      // finite (or no symbol), so masked rows add 0 · x to ∂W
      if (ids) ids[row] = -1;
      else inputs.fill(0, row * I, (row + 1) * I);
      continue;
    }
    const seq = sequences[step.sequence] as SequenceLike;
    tape.active[row] = 1;
    tape.reset[row] = step.reset ? 1 : 0;
    const label = seq.label(step.position);
    // A label past the classes would read another class's row of the outputs: refused here,
    // once per step and stream, outside the kernels.
    if (!(Number.isInteger(label) && label >= -1 && label < C))
      throw new TbpttError(
        `sequence ${step.sequence}, step ${step.position}: label ${label}, expected −1 (no loss) or ${C === 1 ? "0" : `a class in [0, ${C})`}`,
      );
    tape.labels[row] = label;
    if (ids) ids[row] = inputSymbol(seq, step.sequence, step.position, I);
    else seq.writeInput(step.position, inputs, row * I);
    if (D > 0 && (tape.labels[row] as number) >= 0)
      (seq.writeTarget as NonNullable<SequenceLike["writeTarget"]>)(step.position, tape.targets, row * D);
  }
}
