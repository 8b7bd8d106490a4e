/**
 * Where a stop's closure ends and its release begins, measured from the
 * audio. Festival's Segment relation gives a stop (or affricate) as one
 * segment; TIMIT labels the silent or voice-bar closure (`tcl`) and the burst
 * with its aspiration or frication (`t`) separately.
 *
 * Method: cut the segment into 2 ms frames, take each frame's log energy
 * (dB), and put the boundary at the frame where the energy rises most
 * steeply: the loudest of the next two frames minus the loudest of the
 * previous three (the burst onset). The closure must keep at least
 * `minClosureFraction` of the segment and the release at least one frame.
 * When no rise reaches `minRiseDb` (a voiced stop between vowels, or a
 * segment too short to measure) the boundary falls back to a fixed fraction
 * of the segment per phone (`FALLBACK_CLOSURE_FRACTION`, rough typical
 * closure/release proportions, our own estimate).
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
  /** Least energy rise, in dB, that counts as a burst. */
  minRiseDb?: number;
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
  const minRiseDb = options.minRiseDb ?? 6;
  const frames = Math.floor((end - start) / frame);

  if (frames >= 4) {
    const energyDb = new Float64Array(frames);
    for (let f = 0; f < frames; f++) {
      let sum = 0;
      for (let n = start + f * frame; n < start + (f + 1) * frame; n++) sum += samples[n]! * samples[n]!;
      energyDb[f] = 10 * Math.log10(sum / frame + 1);
    }
    const firstCandidate = Math.max(1, Math.ceil(minClosureFraction * frames));
    let bestFrame = -1;
    let bestRise = Number.NEGATIVE_INFINITY;
    for (let f = firstCandidate; f < frames; f++) {
      const after = Math.max(energyDb[f]!, f + 1 < frames ? energyDb[f + 1]! : Number.NEGATIVE_INFINITY);
      let before = Number.NEGATIVE_INFINITY;
      for (let g = Math.max(0, f - 3); g < f; g++) before = Math.max(before, energyDb[g]!);
      const rise = after - before;
      if (rise > bestRise) {
        bestRise = rise;
        bestFrame = f;
      }
    }
    if (bestFrame > 0 && bestRise >= minRiseDb) {
      return { boundary: start + bestFrame * frame, method: "energy" };
    }
  }
  const fraction = FALLBACK_CLOSURE_FRACTION[phone] ?? 0.5;
  const boundary = Math.min(end - 1, Math.max(start + 1, start + Math.round(fraction * (end - start))));
  return { boundary, method: "fraction" };
}
