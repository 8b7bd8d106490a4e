/**
 * The speech task's pure modules (no `node:` imports; they bundle for a
 * browser): audio decoding, .PHN parsing, phone sets, the MFCC front end,
 * frame labels and normalisation. The Node-only pieces (the TIMIT index, the
 * feature cache, `loadSpeechSet`) live in `src/io/`.
 */
export {
  type Audio,
  type DecodeOptions,
  decodeAudio,
  parseSphereHeader,
  type SphereHeader,
} from "./audio.js";
export { cepstra, dctTable, lifterWeights } from "./cepstrum.js";
export { addDeltas } from "./deltas.js";
export { computeFbank, computeFeatures, type FrontEndSpec, frontEndOptions } from "./fbank.js";
export { delayLabels, type FrameGeometry, frameCount, frameLabels } from "./frames.js";
export { applyFilterbank, hzToMel, type MelFilterbank, melFilterbank } from "./mel.js";
export {
  computeMfcc,
  DEFAULT_FRONT_END,
  FBANK_DEFAULTS,
  type Features,
  type FrontEndOptions,
  featureDim,
  frontEndFrames,
  resolveFrontEnd,
} from "./mfcc.js";
export { type NormStats, normalisationStats, normalise } from "./normalise.js";
export { type PhnOptions, type PhoneSegment, parsePhn } from "./phn.js";
export {
  type FoldingOptions,
  foldLabels,
  foldTo39,
  LEE_HON_FOLDING,
  type PhoneFolding,
  phoneIndex61,
  TIMIT_PHONES_61,
} from "./phones.js";
export { preEmphasise } from "./preemphasis.js";
export { MagnitudeSpectrum } from "./spectrum.js";
export {
  type SpeechMetaOptions,
  type SpeechSplits,
  type SpeechUtterance,
  speechModelMeta,
  speechReport,
  speechSequences,
} from "./task.js";
export { applyWindow, hammingWindow } from "./window.js";
