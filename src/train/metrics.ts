/**
 * Frame-wise metrics: loss per frame (nats), frame error rate, and the confusion matrix
 * (rows: true class, columns: predicted), accumulated over labelled frames.
 */
export class FrameMetrics {
  lossSum = 0;
  frames = 0;
  errors = 0;
  readonly confusion: Float64Array;

  constructor(readonly classes: number) {
    this.confusion = new Float64Array(classes * classes);
  }

  /** Counts one labelled frame: its true class, the predicted class and its loss. */
  add(label: number, predicted: number, loss: number): void {
    this.frames++;
    this.lossSum += loss;
    if (label !== predicted) this.errors++;
    this.confusion[label * this.classes + predicted] += 1;
  }

  get lossPerFrame(): number {
    return this.frames > 0 ? this.lossSum / this.frames : Number.NaN;
  }

  get frameError(): number {
    return this.frames > 0 ? this.errors / this.frames : Number.NaN;
  }

  /** Per-class accuracy (recall): correct / frames of that class, NaN where the class never occurs. */
  perClassAccuracy(): number[] {
    const C = this.classes;
    return Array.from({ length: C }, (_, c) => {
      let row = 0;
      for (let p = 0; p < C; p++) row += this.confusion[c * C + p] as number;
      return row > 0 ? (this.confusion[c * C + c] as number) / row : Number.NaN;
    });
  }

  /** Frame error after mapping classes through `fold` (e.g. 61 → 39 phones); −1 drops a class. */
  foldedError(fold: readonly number[]): { error: number; frames: number } {
    const C = this.classes;
    let frames = 0;
    let errors = 0;
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < C; p++) {
        const n = this.confusion[c * C + p] as number;
        if (n === 0 || (fold[c] as number) < 0) continue;
        frames += n;
        if (fold[c] !== fold[p]) errors += n;
      }
    }
    return { error: frames > 0 ? errors / frames : Number.NaN, frames };
  }

  /** The headline figures: loss per frame, frame error (a fraction), frames counted. */
  summary(): { lossPerFrame: number; frameError: number; frames: number } {
    return { lossPerFrame: this.lossPerFrame, frameError: this.frameError, frames: this.frames };
  }
}
