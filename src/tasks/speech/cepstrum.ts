/**
 * Cepstra from log filterbank energies: the DCT-II with HTK's scaling
 * c[j] = √(2/C) · Σ_{k=1..C} m[k]·cos(πj(k − ½)/C), j = 0 .. J (HTK Book 3.4,
 * §5.6, eq. 5.5; SPTK's `dct` gives the same for j ≥ 1), and sinusoidal
 * liftering c'[j] = (1 + (L/2)·sin(πj/L))·c[j] (Juang, Rabiner & Wilpon 1987;
 * HTK's CEPLIFTER, SPTK's `mfcc -c`). Note √(2/C) also for j = 0, as HTK's C0
 * and SPTK's `-0` output are defined.
 */

/** The cosine table, (J + 1) × C, row j holding √(2/C)·cos(πj(k − ½)/C). */
export function dctTable(channels: number, ceps: number): Float64Array {
  const t = new Float64Array((ceps + 1) * channels);
  const norm = Math.sqrt(2 / channels);
  for (let j = 0; j <= ceps; j++)
    for (let k = 0; k < channels; k++)
      t[j * channels + k] = norm * Math.cos((Math.PI * j * (k + 0.5)) / channels);
  return t;
}

/** The lifter weights for j = 0 .. J; L ≤ 0 means none (all ones). */
export function lifterWeights(ceps: number, lifter: number): Float64Array {
  const w = new Float64Array(ceps + 1).fill(1);
  if (lifter > 0) for (let j = 0; j <= ceps; j++) w[j] = 1 + (lifter / 2) * Math.sin((Math.PI * j) / lifter);
  return w;
}

/** out[j] = lifter[j] · Σ_k table[j,k]·logFbank[k], j = 0 .. J. */
export function cepstra(
  logFbank: Float64Array,
  table: Float64Array,
  lifter: Float64Array,
  channels: number,
  out: Float64Array,
): void {
  for (let j = 0; j < lifter.length; j++) {
    let s = 0;
    for (let k = 0; k < channels; k++) s += table[j * channels + k] * logFbank[k];
    out[j] = lifter[j] * s;
  }
}
