/**
 * Adagrad (Duchi et al. 2011), as min-char-rnn: h ← h + g², p ← p − lr·g/√(h + ε)
 * (min-char-rnn adds ε = 1e-8 inside the root).
 */
import type { FloatArray } from "../core/types.js";
import { type Optimizer, restoreArrays } from "./optimizer.js";

export class Adagrad implements Optimizer {
  readonly type = "adagrad";
  private sum: FloatArray;
  private steps = 0;

  constructor(
    size: number,
    alloc: (n: number) => FloatArray,
    private eps: number,
    private weightDecay: number,
  ) {
    this.sum = alloc(size);
  }

  step(params: FloatArray, grads: FloatArray, lr: number): void {
    const { eps, weightDecay: wd, sum } = this;
    for (let i = 0; i < params.length; i++) {
      const g = (grads[i] as number) + wd * (params[i] as number);
      const h = (sum[i] as number) + g * g;
      sum[i] = h;
      params[i] -= (lr * g) / Math.sqrt(h + eps);
    }
    this.steps++;
  }

  state() {
    return { arrays: { sum: this.sum }, steps: this.steps };
  }

  loadState(arrays: Record<string, ArrayLike<number>>, steps: number): void {
    restoreArrays(this.type, { sum: this.sum }, arrays);
    this.steps = steps;
  }
}
