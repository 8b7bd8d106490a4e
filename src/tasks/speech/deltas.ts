/**
 * Regression (delta) coefficients over ±Θ frames, HTK's formula (HTK Book
 * 3.4, §5.9, eq. 5.16):
 *
 *   d_t = Σ_{θ=1..Θ} θ·(c_{t+θ} − c_{t−θ}) / (2·Σ_{θ=1..Θ} θ²)
 *
 * with the first and last frames replicated beyond the ends, as HTK does.
 * Applied to deltas again it gives the accelerations.
 */

/**
 * Reads `width` columns starting at `from` of a (frames × stride) row-major
 * matrix and writes their deltas to the columns starting at `to`.
 */
export function addDeltas(
  data: Float32Array,
  frames: number,
  stride: number,
  from: number,
  width: number,
  to: number,
  theta = 2,
): void {
  let denom = 0;
  for (let q = 1; q <= theta; q++) denom += q * q;
  denom *= 2;
  const last = frames - 1;
  for (let t = 0; t < frames; t++)
    for (let i = 0; i < width; i++) {
      let s = 0;
      for (let q = 1; q <= theta; q++) {
        const ahead = Math.min(t + q, last);
        const behind = Math.max(t - q, 0);
        s += q * (data[ahead * stride + from + i] - data[behind * stride + from + i]);
      }
      data[t * stride + to + i] = s / denom;
    }
}
