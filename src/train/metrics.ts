/**
 * Frame-wise metrics: loss per frame (nats), frame error rate, and the confusion matrix
 * (rows: true class, columns: predicted), accumulated over labelled frames. The matrix is
 * kept for up to MAX_CONFUSION_CLASSES classes (a word vocabulary of 10,000 would need
 * 800 MB); above that it is empty and only per-class counts are kept.
 */
export const MAX_CONFUSION_CLASSES = 1024;

/**
 * Counts of a classifier's labelled frames: loss, errors, per-class counts and the confusion matrix
 * (see the file comment).
 */
export class FrameMetrics {
  lossSum = 0;
  frames = 0;
  errors = 0;
  /** C·C counts, or empty when classes > MAX_CONFUSION_CLASSES. */
  readonly confusion: Float64Array;
  /** Per class: labelled frames, and those predicted right. */
  private readonly perClass: Float64Array;
  private readonly perClassRight: Float64Array;

  constructor(readonly classes: number) {
    this.confusion = new Float64Array(classes <= MAX_CONFUSION_CLASSES ? classes * classes : 0);
    this.perClass = new Float64Array(classes);
    this.perClassRight = new Float64Array(classes);
  }

  /** Whether the confusion matrix is kept (classes ≤ MAX_CONFUSION_CLASSES). */
  get hasConfusion(): boolean {
    return this.confusion.length > 0;
  }

  /** Counts one labelled frame: its true class, the predicted class and its loss. */
  add(label: number, predicted: number, loss: number): void {
    this.frames++;
    this.lossSum += loss;
    if (label !== predicted) this.errors++;
    else this.perClassRight[label] += 1;
    this.perClass[label] += 1;
    if (this.hasConfusion) this.confusion[label * this.classes + predicted] += 1;
  }

  get lossPerFrame(): number {
    return this.frames > 0 ? this.lossSum / this.frames : Number.NaN;
  }

  get frameError(): number {
    return this.frames > 0 ? this.errors / this.frames : Number.NaN;
  }

  /** Per-class accuracy (recall): correct / frames of that class, NaN where the class never occurs. */
  perClassAccuracy(): number[] {
    return Array.from({ length: this.classes }, (_, c) => {
      const n = this.perClass[c] as number;
      return n > 0 ? (this.perClassRight[c] as number) / n : Number.NaN;
    });
  }

  /** Frame error after mapping classes through `fold` (e.g. 61 → 39 phones); −1 drops a class. */
  foldedError(fold: readonly number[]): { error: number; frames: number } {
    const C = this.classes;
    if (!this.hasConfusion)
      throw new Error(
        `folded error: no confusion matrix is kept for ${C} classes (at most ${MAX_CONFUSION_CLASSES})`,
      );
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
