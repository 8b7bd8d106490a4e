/**
 * Input noise: Gaussian noise of standard deviation σ added to every input value each
 * time a step is fed to the network (RNNLIB's inputNoiseDev; Graves 2013 uses σ = 0.6
 * on TIMIT features). Seeded, so a run and its resumption draw the same noise.
 */
import type { Rng } from "../core/random.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceLike } from "../engine/engine.js";

export class NoisyInputs implements SequenceLike {
  readonly length: number;
  readonly targetSize?: number;
  readonly writeTarget?: SequenceLike["writeTarget"];

  constructor(
    private readonly inner: SequenceLike,
    private readonly inputSize: number,
    private readonly rng: Rng,
    private readonly sigma: number,
  ) {
    this.length = inner.length;
    // Targets pass through untouched: the noise is on the inputs only.
    this.targetSize = inner.targetSize;
    this.writeTarget = inner.writeTarget?.bind(inner);
  }

  writeInput(position: number, out: FloatArray, offset: number): void {
    this.inner.writeInput(position, out, offset);
    for (let i = 0; i < this.inputSize; i++) out[offset + i] += this.sigma * this.rng.normal();
  }

  label(position: number): number {
    return this.inner.label(position);
  }
}
