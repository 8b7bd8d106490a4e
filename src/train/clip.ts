/**
 * Gradient clipping. By global norm (Pascanu et al. 2013; torch.nn.utils.clip_grad_norm_):
 * g ← g · c/‖g‖ when ‖g‖ > c. Element-wise (char-rnn clamps every component to ±5):
 * g_i ← min(max(g_i, −c), c). Returns the norm before clipping, for logs and for the
 * NaN guard.
 */
import type { FloatArray } from "../core/types.js";

/** Gradient clipping: by the global L2 norm, and/or each value to ±value. */
export interface ClipConfig {
  norm?: number;
  value?: number;
}

/** The L2 norm of a gradient array. */
export function gradientNorm(grads: FloatArray): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += (grads[i] as number) * (grads[i] as number);
  return Math.sqrt(sum);
}

/** Clips `grads` in place as `clip` says and returns the norm before clipping. */
export function clipGradients(grads: FloatArray, clip: ClipConfig | undefined): number {
  const norm = gradientNorm(grads);
  if (!clip) return norm;
  if (clip.value !== undefined) {
    const c = clip.value;
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i] as number;
      if (g > c) grads[i] = c;
      else if (g < -c) grads[i] = -c;
    }
  }
  if (clip.norm !== undefined && norm > clip.norm) {
    const scale = clip.norm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= scale;
  }
  return norm;
}
