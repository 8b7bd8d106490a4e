/**
 * The magnitude spectrum |X[k]|, k = 0 .. N/2, of a real frame zero-padded to
 * N points (N a power of two), by fft.js's real transform. HTK (USEPOWER = F)
 * and SPTK's `mfcc` both feed magnitudes, not powers, to the filterbank.
 */

import FFT from "fft.js";
import { TbpttError } from "../../core/errors.js";

export class MagnitudeSpectrum {
  readonly size: number;
  private readonly fft: FFT;
  private readonly input: number[];
  private readonly output: number[];

  constructor(size: number) {
    if (!Number.isInteger(Math.log2(size)) || size < 4)
      throw new TbpttError(`MagnitudeSpectrum: FFT size must be a power of two ≥ 4, got ${size}`);
    this.size = size;
    this.fft = new FFT(size);
    this.input = new Array<number>(size).fill(0);
    this.output = this.fft.createComplexArray() as number[];
  }

  /** Writes |X[k]| for k = 0 .. size/2 into `out` from the first `length` samples of `frame` (the rest taken as 0). */
  compute(frame: Float64Array, length: number, out: Float64Array): void {
    const x = this.input;
    for (let i = 0; i < this.size; i++) x[i] = i < length ? frame[i] : 0;
    this.fft.realTransform(this.output, x);
    const y = this.output;
    for (let k = 0; k <= this.size / 2; k++) {
      const re = y[2 * k];
      const im = y[2 * k + 1];
      out[k] = Math.sqrt(re * re + im * im);
    }
  }
}
