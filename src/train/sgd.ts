/**
 * SGD with momentum, in torch.optim.SGD's form: v ← μv + g, p ← p − lr·v; Nesterov:
 * p ← p − lr·(g + μv). With a constant learning rate this is the classical momentum
 * Δw(t) = μΔw(t−1) − α∂E/∂w of Graves & Schmidhuber 2005 (α = 1e-5, μ = 0.9).
 */
import type { FloatArray } from "../core/types.js";
import { type Optimizer, restoreArrays } from "./optimizer.js";

export class Sgd implements Optimizer {
  readonly type = "sgd";
  private velocity: FloatArray;
  private steps = 0;

  constructor(
    size: number,
    alloc: (n: number) => FloatArray,
    private momentum: number,
    private nesterov: boolean,
    private weightDecay: number,
  ) {
    this.velocity = alloc(size);
  }

  step(params: FloatArray, grads: FloatArray, lr: number): void {
    const { momentum: mu, weightDecay: wd, velocity: v } = this;
    for (let i = 0; i < params.length; i++) {
      const g = (grads[i] as number) + wd * (params[i] as number);
      if (mu === 0) {
        params[i] -= lr * g;
        continue;
      }
      const vi = mu * (v[i] as number) + g;
      v[i] = vi;
      params[i] -= lr * (this.nesterov ? g + mu * vi : vi);
    }
    this.steps++;
  }

  state() {
    return { arrays: { velocity: this.velocity }, steps: this.steps };
  }

  loadState(arrays: Record<string, ArrayLike<number>>, steps: number): void {
    restoreArrays(this.type, { velocity: this.velocity }, arrays);
    this.steps = steps;
  }
}
