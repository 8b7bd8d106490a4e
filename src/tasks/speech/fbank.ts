/**
 * The log mel filterbank front end (`type: "fbank"`): per frame, the log outputs of the
 * mel filterbank themselves, without the DCT that turns them into MFCCs. Sak, Senior &
 * Beaufays (2014) feed their LSTMP acoustic models "40 dimensional log-filterbank energy
 * features computed every 10ms"; the defaults (FBANK_DEFAULTS in mfcc.ts) are that: 40
 * channels of the power spectrum |X|² (HTK's FBANK with USEPOWER T), 25 ms Hamming
 * window, pre-emphasis 0.97, HTK's filterbank over 0-8 kHz, log floored at 1, no energy
 * coefficient, no deltas. Every MFCC option that is not about the cepstrum applies (an
 * energy coefficient, deltas, accelerations, the conventions).
 *
 * Row t = [log m_1 … log m_C, logE if energy, Δ…, ΔΔ…]. Pure: no `node:` imports.
 */
import { LogFilterbankAnalysis } from "./analysis.js";
import {
  addDynamics,
  computeMfcc,
  type Features,
  type FrontEndOptions,
  featureDim,
  frontEndFrames,
  resolveFrontEnd,
} from "./mfcc.js";

/** Log mel filterbank features of `samples` (16-bit integer scale); FBANK_DEFAULTS unless overridden. */
export function computeFbank(samples: Float32Array, options: Partial<FrontEndOptions> = {}): Features {
  const o = resolveFrontEnd({ ...options, type: "fbank" });
  const frames = frontEndFrames(samples.length, o);
  const dim = featureDim(o);
  const data = new Float32Array(frames * dim);
  const analysis = new LogFilterbankAnalysis(o);
  const bank = new Float64Array(o.channels);
  for (let t = 0; t < frames; t++) {
    const energy = analysis.analyse(samples, t, bank);
    const row = t * dim;
    for (let c = 0; c < o.channels; c++) data[row + c] = bank[c];
    if (o.energy === "energy") data[row + o.channels] = Math.log(Math.max(energy, o.energyFloor));
  }
  addDynamics(data, frames, o);
  return { data, frames, dim };
}

/** How a config names a front end: "mfcc" (the default), "fbank", or either with options. */
export type FrontEndSpec = "mfcc" | "fbank" | (Partial<FrontEndOptions> & { type: "mfcc" | "fbank" });

/** The front-end options of a config's `data.frontEnd` (absent: MFCC with its defaults). */
export function frontEndOptions(spec: FrontEndSpec | undefined): Partial<FrontEndOptions> {
  if (spec === undefined) return {};
  return typeof spec === "string" ? { type: spec } : { ...spec };
}

/** The features of `options.type` ("mfcc" by default, or "fbank"). */
export function computeFeatures(samples: Float32Array, options: Partial<FrontEndOptions> = {}): Features {
  return options.type === "fbank" ? computeFbank(samples, options) : computeMfcc(samples, options);
}
