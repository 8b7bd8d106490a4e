/**
 * RMSProp (Tieleman & Hinton 2012), as torch.optim.RMSprop:
 *   n ← α n + (1−α) g²;  centered: ḡ ← α ḡ + (1−α) g, d = √(n − ḡ²) + ε, else d = √n + ε;
 *   with momentum μ: Δ ← μΔ + g/d, p ← p − lr·Δ;  without: p ← p − lr·g/d.
 * char-rnn uses α = 0.95 (decay_rate), ε = 1e-8, no momentum. Graves 2014, eq. 38-41, is
 * the centered form with momentum (ℵ = α = 0.95, ℶ = μ = 0.9, ℷ = lr = 1e-4, ℸ = 1e-4);
 * Graves adds ℸ inside the root, torch outside: with `centered` we follow torch and say so.
 */
import type { FloatArray } from "../core/types.js";
import { type Optimizer, restoreArrays } from "./optimizer.js";

export interface RmsPropOptions {
  alpha: number;
  eps: number;
  momentum: number;
  centered: boolean;
  weightDecay: number;
}

export class RmsProp implements Optimizer {
  readonly type = "rmsprop";
  private square: FloatArray;
  private mean: FloatArray;
  private delta: FloatArray;
  private steps = 0;

  constructor(
    size: number,
    alloc: (n: number) => FloatArray,
    private o: RmsPropOptions,
  ) {
    this.square = alloc(size);
    this.mean = alloc(o.centered ? size : 0);
    this.delta = alloc(o.momentum > 0 ? size : 0);
  }

  step(params: FloatArray, grads: FloatArray, lr: number): void {
    const { alpha, eps, momentum, centered, weightDecay: wd } = this.o;
    const { square, mean, delta } = this;
    for (let i = 0; i < params.length; i++) {
      const g = (grads[i] as number) + wd * (params[i] as number);
      const n = alpha * (square[i] as number) + (1 - alpha) * g * g;
      square[i] = n;
      let variance = n;
      if (centered) {
        const gm = alpha * (mean[i] as number) + (1 - alpha) * g;
        mean[i] = gm;
        variance = n - gm * gm;
      }
      const scaled = g / (Math.sqrt(variance) + eps);
      if (momentum > 0) {
        const d = momentum * (delta[i] as number) + scaled;
        delta[i] = d;
        params[i] -= lr * d;
      } else params[i] -= lr * scaled;
    }
    this.steps++;
  }

  state() {
    return { arrays: { square: this.square, mean: this.mean, delta: this.delta }, steps: this.steps };
  }

  loadState(arrays: Record<string, ArrayLike<number>>, steps: number): void {
    restoreArrays(this.type, { square: this.square, mean: this.mean, delta: this.delta }, arrays);
    this.steps = steps;
  }
}
