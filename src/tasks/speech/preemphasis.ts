/**
 * Pre-emphasis of one frame, in place: y[i] = x[i] − a·x[i−1] for i ≥ 1 and
 * y[0] = (1 − a)·x[0], as HTK's `PreEmphasise` (HTK Book 3.4, §5.2, HSigP.c)
 * and SPTK's `pre_emph` (SPTK 3.9, `_mfcc.c`) both do it: per frame, the first
 * sample having no predecessor inside the frame.
 */
export function preEmphasise(frame: Float64Array, length: number, a: number): void {
  for (let i = length - 1; i >= 1; i--) frame[i] -= a * frame[i - 1];
  frame[0] *= 1 - a;
}
