/**
 * Where a stop's closure ends and its release begins, measured from the
 * audio. Festival's Segment relation gives a stop (or affricate) as one
 * segment; TIMIT labels the silent or voice-bar closure (`tcl`) and the burst
 * with its aspiration or frication (`t`) separately.
 *
 * Method ("the low-energy part of the segment is the closure"): cut the
 * segment into 2 ms frames and take each frame's log energy
 * E = 10 log10(mean x^2 + P0), where the floor P0 (30 dB on the 16-bit
 * scale, about -60 dBFS) keeps the noise of near-silent frames from looking
 * like a burst. The closure reaches at least its quietest frame q; the
 * release begins at the burst, the first frame f after q that steps up
 * abruptly, E[f] - E[f-1] >= `minJumpDb` (6 dB), to well above the closure,
 * E[f] - E[q] >= `minRiseDb` (10 dB). Without such a step (the HTS voice's
 * vocoder smooths onsets over several frames), the release begins where the
 * energy first gets half-way (in dB) from E[q] up to the loudest later
 * frame, provided that rise is at least `minGradualRiseDb` (20 dB). The
 * closure keeps at least `minClosureFraction` (20%) of the segment and the
 * release at least one frame. When neither rule applies (a voiced stop whose
 * voice bar hides the burst, a final stop without a clear closure, or a
 * segment shorter than 4 frames) the boundary falls back to a
 * fixed fraction of the segment per phone (`FALLBACK_CLOSURE_FRACTION`, rough
 * typical closure/release proportions, our own estimate).
 */

/** Closure share of the segment when the audio shows no burst. */
export const FALLBACK_CLOSURE_FRACTION: Readonly<Record<string, number>> = {
  p: 0.55,
  t: 0.5,
  k: 0.5,
  b: 0.7,
  d: 0.7,
  g: 0.65,
  ch: 0.45,
  jh: 0.5,
};

export interface StopSplitOptions {
  sampleRate: number;
  /** Frame length for the energy track, in seconds. */
  frameSeconds?: number;
  /** Least share of the segment given to the closure. */
  minClosureFraction?: number;
  /** Least rise, in dB, of the burst frame above the closure's quietest frame. */
  minRiseDb?: number;
  /** Least rise, in dB, of the burst frame over the frame before it (abruptness). */
  minJumpDb?: number;
  /** Without an abrupt step, least rise from the quietest to the loudest later frame for the half-rise rule. */
  minGradualRiseDb?: number;
  /** Power added to every frame, in dB re 1 (16-bit scale), so near-silent frames' noise is no burst. */
  floorDb?: number;
}

export interface StopSplit {
  /** First sample of the release; start < boundary < end. */
  boundary: number;
  method: "energy" | "fraction";
}

/** Split the stop `phone` occupying samples [start, end) of `samples`. */
export function splitStop(
  samples: ArrayLike<number>,
  start: number,
  end: number,
  phone: string,
  options: StopSplitOptions,
): StopSplit {
  if (!(start >= 0 && end <= samples.length && end - start >= 2)) {
    throw new Error(
      `splitStop: segment [${start}, ${end}) must hold at least 2 samples inside the audio (length ${samples.length})`,
    );
  }
  const frame = Math.max(1, Math.round((options.frameSeconds ?? 0.002) * options.sampleRate));
  const minClosureFraction = options.minClosureFraction ?? 0.2;
  const minRiseDb = options.minRiseDb ?? 10;
  const minJumpDb = options.minJumpDb ?? 6;
  const minGradualRiseDb = options.minGradualRiseDb ?? 20;
  const floorPower = 10 ** ((options.floorDb ?? 30) / 10);
  const frames = Math.floor((end - start) / frame);

  if (frames >= 4) {
    const energyDb = new Float64Array(frames);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let n = start + f * frame; n < start + (f + 1) * frame; n++) sum += samples[n]! * samples[n]!;
      energyDb[f] = 10 * Math.log10(sum / frame + floorPower);
    }
    // The closure's quietest frame, leaving at least one frame for the release.
    let quietest = 0;
    for (let f = 1; f < frames - 1; f++) if (energyDb[f]! < energyDb[quietest]!) quietest = f;
    // The burst: the first abrupt step after it to well above the closure.
    const first = Math.max(quietest + 1, Math.ceil(minClosureFraction * frames));
    for (let f = first; f < frames; f++) {
      if (energyDb[f]! - energyDb[f - 1]! >= minJumpDb && energyDb[f]! - energyDb[quietest]! >= minRiseDb) {
        return { boundary: start + f * frame, method: "energy" };
      }
    }
    // No abrupt step (the HTS voice's smoothed onsets): half-way up a large enough rise.
    let loudest = Number.NEGATIVE_INFINITY;
    for (let f = first; f < frames; f++) loudest = Math.max(loudest, energyDb[f]!);
    if (loudest - energyDb[quietest]! >= minGradualRiseDb) {
      const level = (energyDb[quietest]! + loudest) / 2;
      for (let f = first; f < frames; f++) {
        if (energyDb[f]! >= level) return { boundary: start + f * frame, method: "energy" };
      }
    }
  }
  const fraction = FALLBACK_CLOSURE_FRACTION[phone] ?? 0.5;
  const boundary = Math.min(end - 1, Math.max(start + 1, start + Math.round(fraction * (end - start))));
  return { boundary, method: "fraction" };
}
