/**
 * A small Adam (Kingma & Ba 2015) for the text tests, over the model's flat parameter
 * array, with char-rnn's element-wise gradient clipping (the trainer in src/train owns
 * the real optimizers).
 */
import type { FloatArray } from "../../src/core/types.js";

export class Adam {
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;

  constructor(
    private readonly params: FloatArray,
    public lr: number,
    private readonly clip = 5,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }

  /** One step from the gradient of a summed loss, divided by `scale` (e.g. the number of losses). */
  step(grads: FloatArray, scale = 1): void {
    this.t++;
    const { m, v, params, beta1, beta2, clip } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    for (let i = 0; i < params.length; i++) {
      let g = (grads[i] as number) / scale;
      if (g > clip) g = clip;
      else if (g < -clip) g = -clip;
      m[i] = beta1 * (m[i] as number) + (1 - beta1) * g;
      v[i] = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      params[i] -= (this.lr * ((m[i] as number) / c1)) / (Math.sqrt((v[i] as number) / c2) + this.eps);
    }
  }
}
