/**
 * Metrics of real-valued predictions, in the data's units: root-mean-square error and
 * mean absolute error over every target value of the frames with a target (overall and
 * per dimension), and the loss per frame the model minimises (src/nn/mse.ts).
 *   RMSE = √(Σ (ŷ − y)² / (N·D)),   MAE = Σ |ŷ − y| / (N·D)   over N frames of D values.
 */
export class RegressionMetrics {
  lossSum = 0;
  frames = 0;
  /** Per dimension: Σ (ŷ − y)² and Σ |ŷ − y|. */
  readonly squared: Float64Array;
  readonly absolute: Float64Array;

  constructor(readonly size: number) {
    this.squared = new Float64Array(size);
    this.absolute = new Float64Array(size);
  }

  /** One frame: its D predictions and targets (data units) and its loss. */
  add(prediction: ArrayLike<number>, target: ArrayLike<number>, loss: number): void {
    this.frames++;
    this.lossSum += loss;
    for (let d = 0; d < this.size; d++) {
      const e = (prediction[d] as number) - (target[d] as number);
      this.squared[d] += e * e;
      this.absolute[d] += Math.abs(e);
    }
  }

  get lossPerFrame(): number {
    return this.frames > 0 ? this.lossSum / this.frames : Number.NaN;
  }

  get rmse(): number {
    return this.frames > 0 ? Math.sqrt(sum(this.squared) / (this.frames * this.size)) : Number.NaN;
  }

  get mae(): number {
    return this.frames > 0 ? sum(this.absolute) / (this.frames * this.size) : Number.NaN;
  }

  /** RMSE and MAE of each target dimension. */
  perDimension(): { rmse: number[]; mae: number[] } {
    const n = Math.max(1, this.frames);
    return {
      rmse: Array.from(this.squared, (v) => (this.frames > 0 ? Math.sqrt(v / n) : Number.NaN)),
      mae: Array.from(this.absolute, (v) => (this.frames > 0 ? v / n : Number.NaN)),
    };
  }

  /** The headline figures: loss per frame, frames counted, RMSE and MAE in the data's units. */
  summary(): { lossPerFrame: number; frames: number; rmse: number; mae: number } {
    return { lossPerFrame: this.lossPerFrame, frames: this.frames, rmse: this.rmse, mae: this.mae };
  }
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}
