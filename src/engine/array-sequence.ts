/** A SequenceLike over in-memory arrays: T × I features (row-major) and T labels. */
import { assertFinite, type FloatArray } from "../core/types.js";
import type { SequenceLike } from "./engine.js";

export class ArraySequence implements SequenceLike {
  readonly length: number;

  constructor(
    readonly features: ArrayLike<number>,
    readonly labels: ArrayLike<number>,
    readonly inputSize: number,
  ) {
    this.length = labels.length;
    if (features.length !== this.length * inputSize) {
      throw new Error(
        `sequence: ${this.length} labels need ${this.length * inputSize} feature values (${inputSize} per step), got ${features.length}`,
      );
    }
    // NaN or infinite inputs would poison every gradient silently: refuse them here, at the boundary.
    assertFinite(features, "sequence features");
  }

  writeInput(position: number, out: FloatArray, offset: number): void {
    const I = this.inputSize;
    const from = position * I;
    for (let i = 0; i < I; i++) out[offset + i] = this.features[from + i] as number;
  }

  label(position: number): number {
    return this.labels[position] as number;
  }
}
