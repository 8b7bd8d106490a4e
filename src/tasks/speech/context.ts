/**
 * A window of neighbouring frames as one input: frame t becomes [x_{t−k}, …, x_t, …, x_{t+k}]
 * (zeros beyond the utterance's ends), the input of Graves & Schmidhuber 2005's MLP
 * baseline, which otherwise sees no context at all.
 */
export function contextWindow(
  features: Float32Array,
  frames: number,
  dim: number,
  context: number,
): Float32Array {
  if (context === 0) return features;
  const width = 2 * context + 1;
  const out = new Float32Array(frames * dim * width);
  for (let t = 0; t < frames; t++) {
    for (let k = -context; k <= context; k++) {
      const source = t + k;
      if (source < 0 || source >= frames) continue;
      out.set(features.subarray(source * dim, (source + 1) * dim), (t * width + (k + context)) * dim);
    }
  }
  return out;
}
