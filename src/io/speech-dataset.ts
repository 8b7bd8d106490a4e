/**
 * Loads a set of TIMIT-layout utterances for the trainer: reads and decodes
 * each audio file, computes (or takes from the cache) its features, parses
 * its .PHN and labels every frame with a 61-phone index.
 *
 *   indexTimit(root) ──> TimitEntry[] ──loadSpeechSet──> SpeechUtterance[]
 *
 * Labels are the 61 TIMIT phones (`TIMIT_PHONES_61` order) at each frame's
 * centre, -1 where no segment covers it, then delayed by `targetDelay` frames
 * (see `frames.ts`). Fold to 39 for scoring with `foldTo39`/`foldLabels`.
 */
import { readFileSync } from "node:fs";
import { TbpttError } from "../core/errors.js";
import { decodeAudio } from "../tasks/speech/audio.js";
import { computeFeatures } from "../tasks/speech/fbank.js";
import { delayLabels, frameLabels } from "../tasks/speech/frames.js";
import { type Features, type FrontEndOptions, resolveFrontEnd } from "../tasks/speech/mfcc.js";
import { parsePhn } from "../tasks/speech/phn.js";
import type { SpeechUtterance } from "../tasks/speech/task.js";
import { FeatureCache, featureCacheKey } from "./feature-cache.js";
import type { TimitEntry } from "./timit.js";

export type { SpeechUtterance } from "../tasks/speech/task.js";

/** Options of `loadSpeechSet`: skip bad files, target delay, progress. */
export interface LoadOptions {
  /** Leave out utterances that fail (bad audio, bad .PHN) and report them, instead of throwing. Default false. */
  skipBad?: boolean;
  /** Target delay d in frames (labels[t] = label of frame t − d). Default 0. */
  targetDelay?: number;
  /** Called after each utterance (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

/** Utterances read, files skipped (with their reasons), and how many features came from the cache. */
export interface SpeechSet {
  utterances: SpeechUtterance[];
  /** One line per skipped utterance, naming the file and the problem. */
  problems: string[];
  /** Feature files read from the cache / computed this run. */
  cacheHits: number;
  computed: number;
}

/**
 * Loads `entries` with the front end `frontEnd` (defaults filled in by
 * `resolveFrontEnd`), caching features under `cacheDir` (null: no cache).
 */
export function loadSpeechSet(
  entries: readonly TimitEntry[],
  frontEnd: Partial<FrontEndOptions> = {},
  cacheDir: string | null = null,
  options: LoadOptions = {},
): SpeechSet {
  const settings = resolveFrontEnd(frontEnd);
  const cache = cacheDir === null ? null : new FeatureCache(cacheDir);
  const geometry = { window: settings.windowLength, hop: settings.hop };
  const out: SpeechSet = { utterances: [], problems: [], cacheHits: 0, computed: 0 };
  entries.forEach((e, i) => {
    try {
      const key = cache
        ? featureCacheKey(settings, { path: e.audioPath, bytes: e.audioBytes, mtimeMs: e.audioMtimeMs })
        : "";
      const hit = cache ? cache.get(key) : null;
      let features: Features;
      let audioLength: number;
      if (hit === null) {
        const audio = decodeAudio(readFileSync(e.audioPath), e.audioPath, {
          expectedSampleRate: settings.sampleRate,
        });
        audioLength = audio.samples.length;
        features = computeFeatures(audio.samples, settings);
        cache?.put(key, features, audioLength);
        out.computed++;
      } else {
        ({ features, samples: audioLength } = hit);
        out.cacheHits++;
      }
      checkFeatures(features, audioLength, settings, e.audioPath);
      const segments = parsePhn(readFileSync(e.phnPath, "utf8"), e.phnPath, { audioLength });
      let labels = frameLabels(segments, features.frames, geometry);
      if (options.targetDelay) labels = delayLabels(labels, options.targetDelay);
      out.utterances.push({
        id: e.id,
        features: features.data,
        labels,
        frames: features.frames,
        dim: features.dim,
      });
    } catch (err) {
      if (!options.skipBad) throw err;
      out.problems.push(`${e.id}: ${(err as Error).message}`);
    }
    options.onProgress?.(i + 1, entries.length);
  });
  return out;
}

/**
 * Features fit to train on, else an error naming the audio file: at least one frame (an
 * utterance shorter than one analysis window has none) and every value finite.
 */
function checkFeatures(features: Features, samples: number, settings: FrontEndOptions, audio: string): void {
  if (features.frames < 1)
    throw new TbpttError(
      `${audio}: ${samples} samples (${((1000 * samples) / settings.sampleRate).toFixed(1)} ms), shorter than one ${settings.windowLength}-sample analysis frame: no frames to label`,
    );
  const at = features.data.findIndex((v) => !Number.isFinite(v));
  if (at >= 0)
    throw new TbpttError(
      `${audio}: feature ${at % features.dim} of frame ${Math.floor(at / features.dim)} is ${features.data[at]}, expected a finite number`,
    );
}
