/**
 * Sequences checked against the model that is to run on them, once per run (isomorphic):
 * a sequence that says its width (an ArraySequence's inputSize) must have the model's
 * inputs, and an "mse" head needs targets of its width. Labels are checked as each step is
 * written (tick-writer.ts, writeTick): −1 or a class below the model's outputs. A mismatch would
 * otherwise read another frame's features or another class's row, and give wrong numbers.
 */
import { TbpttError } from "../core/errors.js";
import type { SequenceModel } from "../nn/model.js";
import type { SequenceLike } from "./tick-writer.js";

/** Throws a TbpttError naming `source` and the sequence when one does not fit `model`. */
export function checkSequencesFit(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  source: string,
): void {
  const I = model.config.inputSize;
  const D = model.head.targetSize;
  sequences.forEach((seq, i) => {
    const width = (seq as { inputSize?: unknown }).inputSize;
    if (typeof width === "number" && width !== I)
      throw new TbpttError(
        `${source}: sequence ${i} has ${width} features per step, the model takes ${I} (model.inputSize)`,
      );
    if (D > 0 && (seq.targetSize ?? 0) !== D)
      throw new TbpttError(
        `${source}: sequence ${i} has ${seq.targetSize ?? 0} targets per step, the model outputs ${D} real values`,
      );
  });
}

/** The largest label + 1 a model's tape may hold: its classes, or 1 for real values (label 0: a target). */
export function labelLimit(model: SequenceModel): number {
  return model.head.targetSize > 0 ? 1 : model.config.outputSize;
}
