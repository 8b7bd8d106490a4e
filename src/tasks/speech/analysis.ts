/**
 * The short-time filterbank analysis the MFCC and log mel filterbank front ends share:
 * for frame t, the samples [t·hop, t·hop + window) (zero past the end), pre-emphasis and
 * a Hamming window in the convention's order, the FFT magnitude (or its square with
 * `power`), HTK's mel filterbank, and the log of each channel floored at `logFloor`.
 * Returns the frame's raw energy for the energy coefficient (see mfcc.ts for the two
 * conventions). Pure: no `node:` imports.
 */
import { applyFilterbank, type MelFilterbank, melFilterbank } from "./mel.js";
import type { FrontEndOptions } from "./mfcc.js";
import { preEmphasise } from "./preemphasis.js";
import { MagnitudeSpectrum } from "./spectrum.js";
import { applyWindow, hammingWindow } from "./window.js";

export class LogFilterbankAnalysis {
  private readonly window: Float64Array;
  private readonly spectrum: MagnitudeSpectrum;
  private readonly fb: MelFilterbank;
  private readonly frame: Float64Array;
  private readonly mag: Float64Array;

  constructor(private readonly o: FrontEndOptions) {
    this.window = hammingWindow(o.windowLength);
    this.spectrum = new MagnitudeSpectrum(o.fftSize);
    this.fb = melFilterbank(o.channels, o.fftSize, o.sampleRate, o.lowHz, o.highHz);
    this.frame = new Float64Array(o.windowLength);
    this.mag = new Float64Array(o.fftSize / 2 + 1);
  }

  /** Writes the `channels` log filterbank outputs of frame t into `bank`; returns the frame's energy. */
  analyse(samples: Float32Array, t: number, bank: Float64Array): number {
    const { o, frame, mag } = this;
    const W = o.windowLength;
    const start = t * o.hop;
    for (let i = 0; i < W; i++) frame[i] = start + i < samples.length ? samples[start + i] : 0;
    let energy: number;
    if (o.convention === "htk") {
      energy = sumOfSquares(frame);
      preEmphasise(frame, W, o.preEmphasis);
      applyWindow(frame, this.window);
    } else {
      applyWindow(frame, this.window);
      energy = sumOfSquares(frame);
      preEmphasise(frame, W, o.preEmphasis);
    }
    this.spectrum.compute(frame, W, mag);
    if (o.power) for (let k = 0; k < mag.length; k++) mag[k] *= mag[k];
    applyFilterbank(this.fb, mag, bank);
    for (let c = 0; c < o.channels; c++) bank[c] = Math.log(Math.max(bank[c], o.logFloor));
    return energy;
  }
}

function sumOfSquares(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
