/**
 * The Hamming window w[i] = 0.54 − 0.46·cos(2πi/(N−1)), i = 0 .. N−1, as in
 * HTK (HSigP.c `GenHamWindow`) and SPTK (`window -w 1`, unnormalised with
 * `-n 0`). Hamming, R. W. (1977), Digital Filters.
 */
export function hammingWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  const arg = (2 * Math.PI) / (n - 1);
  for (let i = 0; i < n; i++) w[i] = 0.54 - 0.46 * Math.cos(arg * i);
  return w;
}

/** frame[i] *= window[i] for i < window.length. */
export function applyWindow(frame: Float64Array, window: Float64Array): void {
  for (let i = 0; i < window.length; i++) frame[i] *= window[i];
}
