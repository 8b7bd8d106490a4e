/**
 * The mel filterbank: triangular filters equally spaced on the mel scale
 * Mel(f) = 1127·ln(1 + f/700), applied to a magnitude spectrum.
 *
 * Construction as HTK's `InitFBank` / `Wave2FBank` (HParm.c; HTK Book 3.4,
 * §5.4), which SPTK 3.9's `fbank` (`_mfcc.c`) follows too: for C channels the
 * C + 2 edges are at mel c·(mhi − mlo)/(C + 1) + mlo, c = 0 .. C + 1; FFT bin k
 * (frequency k·fs/N, k = 1 .. N/2 − 1, so DC and Nyquist are left out) lies
 * between two centres and gives weight w to the lower channel and 1 − w to the
 * upper one, w falling linearly from 1 at the lower centre to 0 at the upper.
 */

/** Mel(f) = 1127·ln(1 + f/700) (HTK, SPTK's `MEL 1127.01048`). */
export function hzToMel(f: number): number {
  return 1127 * Math.log(1 + f / 700);
}

/** Where each FFT bin's energy goes: channel `lowChannel[k]` (1-based; 0 = none) gets weight[k], the next 1 − weight[k]. */
export interface MelFilterbank {
  channels: number;
  fftSize: number;
  /** First and last FFT bin used (inclusive). */
  firstBin: number;
  lastBin: number;
  lowChannel: Int32Array;
  weight: Float64Array;
}

/** Builds the filterbank for `channels` filters on an N-point FFT at `sampleRate`, between lowHz and highHz. */
export function melFilterbank(
  channels: number,
  fftSize: number,
  sampleRate: number,
  lowHz = 0,
  highHz = sampleRate / 2,
): MelFilterbank {
  const half = fftSize / 2;
  const mlo = hzToMel(lowHz);
  const mhi = hzToMel(highHz);
  const centres = new Float64Array(channels + 2);
  for (let c = 0; c <= channels + 1; c++) centres[c] = mlo + (c / (channels + 1)) * (mhi - mlo);
  // HTK's klo = ⌊lowHz·N/fs + 2.5⌋ and khi = ⌊highHz·N/fs + 0.5⌋ in 1-based bins, shifted to 0-based:
  // with the default band that is bins 1 .. N/2 − 1, never DC or Nyquist.
  const firstBin = Math.max(1, Math.floor((lowHz * fftSize) / sampleRate + 1.5));
  const lastBin = Math.min(half - 1, Math.floor((highHz * fftSize) / sampleRate + 0.5) - 1);
  const lowChannel = new Int32Array(half + 1);
  const weight = new Float64Array(half + 1);
  let c = 1;
  for (let k = firstBin; k <= lastBin; k++) {
    const mel = hzToMel((k * sampleRate) / fftSize);
    while (c <= channels + 1 && centres[c] < mel) c++;
    lowChannel[k] = c - 1; // the centre at or below this bin (0: below the first centre)
    weight[k] = (centres[c] - mel) / (centres[c] - centres[c - 1]);
  }
  return { channels, fftSize, firstBin, lastBin, lowChannel, weight };
}

/** out[c] (c = 0 .. channels − 1) = Σ_k weight of bin k in channel c+1 · magnitude[k]. */
export function applyFilterbank(fb: MelFilterbank, magnitude: Float64Array, out: Float64Array): void {
  out.fill(0, 0, fb.channels);
  for (let k = fb.firstBin; k <= fb.lastBin; k++) {
    const low = fb.lowChannel[k];
    const part = fb.weight[k] * magnitude[k];
    if (low > 0) out[low - 1] += part;
    if (low < fb.channels) out[low] += magnitude[k] - part;
  }
}
