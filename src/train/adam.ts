/**
 * Adam (Kingma & Ba 2015, Algorithm 1), as torch.optim.Adam:
 *   m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,
 *   p ← p − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε).
 */
import type { FloatArray } from "../core/types.js";
import { type Optimizer, restoreArrays } from "./optimizer.js";

export class Adam implements Optimizer {
  readonly type = "adam";
  private m: FloatArray;
  private v: FloatArray;
  private steps = 0;

  constructor(
    size: number,
    alloc: (n: number) => FloatArray,
    private beta1: number,
    private beta2: number,
    private eps: number,
    private weightDecay: number,
  ) {
    this.m = alloc(size);
    this.v = alloc(size);
  }

  step(params: FloatArray, grads: FloatArray, lr: number): void {
    this.steps++;
    const { beta1, beta2, eps, weightDecay: wd, m, v } = this;
    const correction1 = 1 - beta1 ** this.steps;
    const correction2 = 1 - beta2 ** this.steps;
    for (let i = 0; i < params.length; i++) {
      const g = (grads[i] as number) + wd * (params[i] as number);
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] -= (lr * (mi / correction1)) / (Math.sqrt(vi / correction2) + eps);
    }
  }

  state() {
    return { arrays: { m: this.m, v: this.v }, steps: this.steps };
  }

  loadState(arrays: Record<string, ArrayLike<number>>, steps: number): void {
    restoreArrays(this.type, { m: this.m, v: this.v }, arrays);
    this.steps = steps;
  }
}
