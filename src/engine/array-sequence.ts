/**
 * A SequenceLike over in-memory arrays: T × I features (row-major), T labels, and
 * optionally T × D real-valued targets (row-major) for a head that reads them.
 */
import { assertFinite, type FloatArray } from "../core/types.js";
import type { SequenceLike } from "./engine.js";

export class ArraySequence implements SequenceLike {
  readonly length: number;
  readonly targetSize: number;

  constructor(
    readonly features: ArrayLike<number>,
    readonly labels: ArrayLike<number>,
    readonly inputSize: number,
    readonly targets: ArrayLike<number> | null = null,
  ) {
    this.length = labels.length;
    if (features.length !== this.length * inputSize) {
      throw new Error(
        `sequence: ${this.length} labels need ${this.length * inputSize} feature values (${inputSize} per step), got ${features.length}`,
      );
    }
    // NaN or infinite inputs would poison every gradient silently: refuse them here, at the boundary.
    assertFinite(features, "sequence features");
    this.targetSize = targets ? targets.length / Math.max(1, this.length) : 0;
    if (targets) {
      if (!Number.isInteger(this.targetSize) || this.targetSize < 1)
        throw new Error(`sequence: ${targets.length} target values do not divide into ${this.length} steps`);
      assertFinite(targets, "sequence targets");
    }
  }

  writeInput(position: number, out: FloatArray, offset: number): void {
    const I = this.inputSize;
    const from = position * I;
    for (let i = 0; i < I; i++) out[offset + i] = this.features[from + i] as number;
  }

  label(position: number): number {
    return this.labels[position] as number;
  }

  writeTarget(position: number, out: FloatArray, offset: number): void {
    const D = this.targetSize;
    const targets = this.targets as ArrayLike<number>;
    for (let d = 0; d < D; d++) out[offset + d] = targets[position * D + d] as number;
  }
}
