/**
 * How two gradients compare, and how a figure spreads over a sample of updates.
 *   cosine(g, f)         = ⟨g, f⟩ / (‖g‖ ‖f‖)   (1: same direction; 0 when either is zero)
 *   relativeError(g, f)  = ‖g − f‖ / ‖f‖        (f the reference, ‖f‖ > 0)
 * Sums in float64 whatever the arrays hold.
 */
export interface Spread {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  std: number;
  min: number;
  median: number;
  max: number;
}

export function cosine(g: ArrayLike<number>, f: ArrayLike<number>): number {
  let gf = 0;
  let gg = 0;
  let ff = 0;
  for (let i = 0; i < f.length; i++) {
    const a = g[i] as number;
    const b = f[i] as number;
    gf += a * b;
    gg += a * a;
    ff += b * b;
  }
  return gg > 0 && ff > 0 ? gf / Math.sqrt(gg * ff) : 0;
}

export function relativeError(g: ArrayLike<number>, f: ArrayLike<number>): number {
  let dd = 0;
  let ff = 0;
  for (let i = 0; i < f.length; i++) {
    const d = (g[i] as number) - (f[i] as number);
    dd += d * d;
    ff += (f[i] as number) ** 2;
  }
  return Math.sqrt(dd / ff);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0)
    return { mean: Number.NaN, std: Number.NaN, min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  const middle = Math.floor(n / 2);
  const median =
    n % 2 === 1
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { mean, std: Math.sqrt(variance), min: sorted[0] as number, median, max: sorted[n - 1] as number };
}
