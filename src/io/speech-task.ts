/**
 * The speech task from disk (Node-only): a TIMIT-layout corpus (the LDC's TIMIT, or one
 * made by `tbptt corpus synth`), MFCC or log mel filterbank features (data.frontEnd) with
 * training-set normalisation, 61 phone classes at each frame's centre, optional target
 * delay (src/tasks/speech/task.ts is the pure part). config.data.train is the corpus root; validation speakers are held out of
 * TRAIN; TEST (the core test set, or all of it with coreTest false) is for `tbptt eval`
 * and the quick start.
 */

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { TbpttError } from "../core/errors.js";
import { type FrontEndSpec, frontEndOptions } from "../tasks/speech/fbank.js";
import { normalisationStats, normalise } from "../tasks/speech/normalise.js";
import { TIMIT_PHONES_61 } from "../tasks/speech/phones.js";
import { type SpeechSplits, speechModelMeta, speechReport, speechSequences } from "../tasks/speech/task.js";
import type { TaskData } from "../tasks/task-data.js";
import type { TrainConfig } from "../train/config.js";
import { loadSpeechSet } from "./speech-dataset.js";
import { indexTimit } from "./timit.js";

export type { SpeechSplits } from "../tasks/speech/task.js";

/** Where features are cached unless data.cache (or --cache) says otherwise: ./.cache/tbptt-features. */
export const DEFAULT_FEATURE_CACHE = join(".cache", "tbptt-features");

/**
 * The feature cache to read a trained model's corpus with: `asked` (a --cache flag) when
 * given, else the folder the model was trained with (meta.featureCache) when it exists
 * on this machine, else the default (relative to the working directory).
 */
export function featureCacheFor(meta: Record<string, unknown>, asked?: string): string {
  if (asked !== undefined) return asked;
  const used = meta.featureCache;
  if (typeof used === "string" && existsSync(used)) return used;
  return DEFAULT_FEATURE_CACHE;
}

/** Options of `loadSpeechSplits`. */
export interface SpeechSplitOptions {
  coreTest?: boolean;
  validSpeakers?: number;
  delay?: number;
  /** The feature cache folder (default ./.cache/tbptt-features). */
  cache?: string;
  seed?: number;
  /** Use these statistics (a trained model's) instead of the training set's: then only TEST is read ... */
  normalisation?: { mean: number[]; std: number[] } | null;
  /** ... and the validation speakers too, when asked. */
  includeValidation?: boolean;
  /** Read TEST (default true); training leaves it out, as it never scores it. */
  includeTest?: boolean;
  /** Read the rest of the corpus when a file is bad, and report what was skipped. */
  skipBad?: boolean;
  /** The front end (config `data.frontEnd`): MFCC (default) or the log mel filterbank. */
  frontEnd?: FrontEndSpec;
}

/** Reads the corpus at `root` into training, validation and test utterances, normalised. */
export function loadSpeechSplits(root: string, options: SpeechSplitOptions): SpeechSplits {
  const index = indexTimit(root, {
    coreTest: options.coreTest ?? true,
    validationSpeakers: options.validSpeakers,
    validationSeed: options.seed ?? 0,
    skipBad: options.skipBad ?? false,
    includeTest: options.includeTest ?? true,
  });
  const cache = options.cache ?? DEFAULT_FEATURE_CACHE;
  const load = (entries: typeof index.train) =>
    loadSpeechSet(entries, frontEndOptions(options.frontEnd), cache, {
      targetDelay: options.delay ?? 0,
      skipBad: options.skipBad ?? false,
    });
  const given = options.normalisation ?? null;
  // With given statistics only TEST is needed (evaluation of a trained model).
  const train = load(given ? [] : index.train);
  if (!given && train.utterances.length === 0) throw new TbpttError(`${root}: no training utterances found`);
  const valid = load(given && !options.includeValidation ? [] : index.validation);
  const test = load(index.test);
  const dim = (train.utterances[0] ?? test.utterances[0])?.dim ?? 0;
  // Graves 2005: inputs normalised to zero mean and unit variance over the training set.
  const stats = given
    ? { mean: Float32Array.from(given.mean), std: Float32Array.from(given.std) }
    : normalisationStats(
        train.utterances.map((u) => u.features),
        dim,
      );
  for (const set of [train, valid, test]) for (const u of set.utterances) normalise(u.features, stats);
  return {
    train: train.utterances,
    valid: valid.utterances,
    test: test.utterances,
    dim,
    normalisation: { mean: Array.from(stats.mean), std: Array.from(stats.std) },
    problems: [...index.problems, ...train.problems, ...valid.problems, ...test.problems],
  };
}

/** The speech task of a training config. */
export function loadSpeechTask(config: TrainConfig): TaskData {
  const splits = loadSpeechSplits(config.data.train, {
    coreTest: config.data.coreTest,
    validSpeakers: config.data.validSpeakers,
    delay: config.data.delay,
    cache: config.data.cache,
    seed: config.seed,
    skipBad: config.data.skipBad,
    frontEnd: config.data.frontEnd,
    // Training never scores TEST (eval does): a corrupt file there must not stop it.
    includeTest: false,
  });
  const context = config.data.context ?? 0;
  return {
    train: speechSequences(splits.train, context),
    valid: splits.valid.length > 0 ? speechSequences(splits.valid, context) : null,
    inputSize: splits.dim * (2 * context + 1),
    outputSize: TIMIT_PHONES_61.length,
    meta: {
      ...speechModelMeta(splits, {
        delay: config.data.delay ?? 0,
        context,
        coreTest: config.data.coreTest ?? true,
        validSpeakers: config.data.validSpeakers,
        seed: config.seed,
        frontEnd: config.data.frontEnd,
      }),
      // where the features were cached, so eval and predict reuse them (featureCacheFor)
      featureCache: resolve(config.data.cache ?? DEFAULT_FEATURE_CACHE),
    },
    warnings: skippedLines(splits.problems),
    describe: `${splits.train.length} training, ${splits.valid.length} validation utterances (TEST is read by eval), ${splits.dim} features, 61 phones`,
    report: speechReport,
  };
}

/** What skipBad left out, for the user: a heading and one line per file (none: no lines). */
export function skippedLines(problems: readonly string[]): string[] {
  return problems.length > 0
    ? [`skipped ${problems.length} bad file(s):`, ...problems.map((p) => `  ${p}`)]
    : [];
}
