/**
 * The MFCC front end: per frame, pre-emphasis, a Hamming window, the FFT
 * magnitude, a mel filterbank, log, DCT and liftering, then log energy and
 * regression deltas. With the defaults each frame has 12 cepstra (c1..c12) +
 * log energy + their 13 deltas = the 26 inputs of Graves & Schmidhuber (2005)
 * (12 MFCCs from 26 filter-bank channels, log energy, and the first
 * derivatives of all 13), in HTK's MFCC_E_D order.
 *
 * Defaults follow HTK (HTK Book 3.4, ch. 5, and the usual TIMIT configs):
 * 16 kHz, 25 ms window every 10 ms (400 / 160 samples), 512-point FFT,
 * PREEMCOEF 0.97, Hamming, NUMCHANS 26 (HTK's built-in default is 20; 26 is
 * what Graves uses and the HTK tutorial sets), NUMCEPS 12, CEPLIFTER 22, raw
 * log energy (RAWENERGY T: energy of the frame before pre-emphasis and window),
 * delta window ±2 frames, magnitude spectrum (USEPOWER F), log floor 1 (HTK
 * floors filterbank outputs below 1.0 to 1.0; SPTK's `mfcc -e 1`).
 *
 * Two conventions, one algorithm:
 * - "htk": frames [t·hop, t·hop + window) for the ⌊(n − window)/hop⌋ + 1
 *   whole frames; energy from the raw frame; pre-emphasis, then the window.
 *   Equal to SPTK's `frame -n | mfcc -w 0 -E` on those frames.
 * - "sptk": what the Debian sptk (3.9) pipeline
 *   `x2x +sf | frame -l W -p H -n | window -l W -w 1 -n 0 | mfcc -l W -L N -w 1 -E …`
 *   computes: the window first, then energy and pre-emphasis on the windowed
 *   frame; and `frame`'s count of ⌈n/hop⌉ frames, the last ones zero-padded.
 * Log energy is floored at log(energyFloor) = 0, where HTK would give −1e10
 * for digital silence; that keeps deltas and normalisation finite.
 *
 * Pure: no `node:` imports.
 */

import { LogFilterbankAnalysis } from "./analysis.js";
import { cepstra, dctTable, lifterWeights } from "./cepstrum.js";
import { addDeltas } from "./deltas.js";

/** The MFCC front end's settings (defaults: HTK's MFCC_E_D at 16 kHz, 25 ms windows every 10 ms). */
export interface FrontEndOptions {
  /** "mfcc" (default; this file) or "fbank": the log mel filterbank itself (fbank.ts). */
  type: "mfcc" | "fbank";
  /** Hz; audio at another rate is refused. Default 16000. */
  sampleRate: number;
  /** Window length in samples. Default 400 (25 ms). */
  windowLength: number;
  /** Frame shift in samples. Default 160 (10 ms). */
  hop: number;
  /** FFT points; 0 = the smallest power of two ≥ windowLength (512). */
  fftSize: number;
  /** Pre-emphasis coefficient a in y[i] = x[i] − a·x[i−1]. Default 0.97; 0 turns it off. */
  preEmphasis: number;
  /** Mel filterbank channels. Default 26 (fbank: 40). */
  channels: number;
  /** Feed the filterbank the power spectrum |X|² instead of the magnitude (HTK's USEPOWER). Default false (fbank: true). */
  power: boolean;
  /** Filterbank band edges in Hz. Default 0 .. sampleRate/2. */
  lowHz: number;
  highHz: number;
  /** Cepstral coefficients c1..cJ. Default 12. */
  ceps: number;
  /** Sinusoidal lifter L (0 = none). Default 22. */
  lifter: number;
  /** Filterbank outputs below this are raised to it before the log. Default 1. */
  logFloor: number;
  /** Appended after the cepstra: "energy" (log raw energy, default), "c0", or "none". */
  energy: "energy" | "c0" | "none";
  /** Frame energies below this are raised to it before the log. Default 1. */
  energyFloor: number;
  /** Regression window Θ (frames each side) for deltas. Default 2. */
  deltaWindow: number;
  /** Append first derivatives. Default true. */
  deltas: boolean;
  /** Append second derivatives (deltas of deltas). Default false. */
  accelerations: boolean;
  /** "htk" (default) or "sptk": see the file header. */
  convention: "htk" | "sptk";
}

export const DEFAULT_FRONT_END: Readonly<FrontEndOptions> = Object.freeze({
  type: "mfcc",
  sampleRate: 16000,
  windowLength: 400,
  hop: 160,
  fftSize: 0,
  preEmphasis: 0.97,
  channels: 26,
  power: false,
  lowHz: 0,
  highHz: 8000,
  ceps: 12,
  lifter: 22,
  logFloor: 1,
  energy: "energy",
  energyFloor: 1,
  deltaWindow: 2,
  deltas: true,
  accelerations: false,
  convention: "htk",
});

/**
 * The log mel filterbank front end's defaults where they differ from the MFCC's: 40
 * channels of log power ("log-filterbank energy features", Sak et al. 2014), no energy
 * coefficient, no deltas.
 */
export const FBANK_DEFAULTS: Readonly<Partial<FrontEndOptions>> = Object.freeze({
  type: "fbank",
  channels: 40,
  power: true,
  energy: "none",
  deltas: false,
});

/** Fills in defaults (fftSize, highHz from the sample rate) and checks every field; throws naming the bad one. */
export function resolveFrontEnd(options: Partial<FrontEndOptions> = {}): FrontEndOptions {
  const base = options.type === "fbank" ? { ...DEFAULT_FRONT_END, ...FBANK_DEFAULTS } : DEFAULT_FRONT_END;
  const o: FrontEndOptions = { ...base, ...options };
  if (options.highHz === undefined) o.highHz = o.sampleRate / 2;
  if (o.fftSize === 0) {
    o.fftSize = 4;
    while (o.fftSize < o.windowLength) o.fftSize *= 2;
  }
  const bad = (what: string, got: unknown) => {
    throw new Error(`front end: ${what}, got ${JSON.stringify(got)}`);
  };
  for (const key of ["sampleRate", "windowLength", "hop", "channels", "ceps", "deltaWindow"] as const)
    if (!Number.isInteger(o[key]) || o[key] <= 0) bad(`${key} must be a positive integer`, o[key]);
  if (o.fftSize < o.windowLength || !Number.isInteger(Math.log2(o.fftSize)))
    bad(`fftSize must be a power of two ≥ windowLength ${o.windowLength}`, o.fftSize);
  if (!(o.lowHz >= 0 && o.lowHz < o.highHz && o.highHz <= o.sampleRate / 2))
    bad(`need 0 ≤ lowHz < highHz ≤ sampleRate/2 = ${o.sampleRate / 2}`, [o.lowHz, o.highHz]);
  if (!["mfcc", "fbank"].includes(o.type)) bad('type must be "mfcc" or "fbank"', o.type);
  if (o.type === "mfcc" && o.ceps >= o.channels) bad(`ceps must be < channels ${o.channels}`, o.ceps);
  if (o.type === "fbank" && o.energy === "c0")
    bad('energy "c0" is a cepstrum; for fbank use "energy" or "none"', o.energy);
  if (!(o.logFloor > 0) || !(o.energyFloor > 0))
    bad("logFloor and energyFloor must be > 0", [o.logFloor, o.energyFloor]);
  if (!["energy", "c0", "none"].includes(o.energy)) bad('energy must be "energy", "c0" or "none"', o.energy);
  if (!["htk", "sptk"].includes(o.convention)) bad('convention must be "htk" or "sptk"', o.convention);
  if (o.accelerations && !o.deltas) bad("accelerations need deltas", o.accelerations);
  return o;
}

/** Values per frame: (ceps, or channels for fbank, + 1 if energy/c0) × (1 + deltas + accelerations). Default 26. */
export function featureDim(o: FrontEndOptions): number {
  return staticDim(o) * (1 + (o.deltas ? 1 : 0) + (o.accelerations ? 1 : 0));
}

/** Values per frame before deltas. */
export function staticDim(o: FrontEndOptions): number {
  return (o.type === "fbank" ? o.channels : o.ceps) + (o.energy === "none" ? 0 : 1);
}

/** Frames the convention produces from n samples: HTK's whole frames, or SPTK `frame`'s ⌈n/hop⌉. */
export function frontEndFrames(n: number, o: FrontEndOptions): number {
  if (o.convention === "sptk") return Math.ceil(n / o.hop);
  return n < o.windowLength ? 0 : Math.floor((n - o.windowLength) / o.hop) + 1;
}

/** Features of one utterance, row-major (frames × dim). */
export interface Features {
  data: Float32Array;
  frames: number;
  dim: number;
}

/**
 * Computes the features of `samples` (on the 16-bit integer scale, as
 * `decodeAudio` returns them). Row t = [c1..cJ, E or c0, Δ…, ΔΔ…].
 */
export function computeMfcc(samples: Float32Array, options: Partial<FrontEndOptions> = {}): Features {
  const o = resolveFrontEnd({ ...options, type: "mfcc" });
  const frames = frontEndFrames(samples.length, o);
  const dim = featureDim(o);
  const data = new Float32Array(frames * dim);

  const analysis = new LogFilterbankAnalysis(o);
  const table = dctTable(o.channels, o.ceps);
  const lift = lifterWeights(o.ceps, o.lifter);
  const bank = new Float64Array(o.channels);
  const cep = new Float64Array(o.ceps + 1);

  for (let t = 0; t < frames; t++) {
    const energy = analysis.analyse(samples, t, bank);
    cepstra(bank, table, lift, o.channels, cep);
    const row = t * dim;
    for (let j = 1; j <= o.ceps; j++) data[row + j - 1] = cep[j];
    if (o.energy === "energy") data[row + o.ceps] = Math.log(Math.max(energy, o.energyFloor));
    else if (o.energy === "c0") data[row + o.ceps] = cep[0];
  }
  addDynamics(data, frames, o);
  return { data, frames, dim };
}

/** Appends the deltas (and accelerations) the options ask for to rows holding their static values. */
export function addDynamics(data: Float32Array, frames: number, o: FrontEndOptions): void {
  const dim = featureDim(o);
  const statics = staticDim(o);
  if (o.deltas) addDeltas(data, frames, dim, 0, statics, statics, o.deltaWindow);
  if (o.accelerations) addDeltas(data, frames, dim, statics, statics, 2 * statics, o.deltaWindow);
}
