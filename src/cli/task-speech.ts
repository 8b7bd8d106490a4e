/**
 * The speech task (Graves & Schmidhuber 2005): a TIMIT-layout corpus (the LDC's TIMIT,
 * or one made by `tbptt corpus synth`), MFCC features with training-set normalisation,
 * 61 phone classes at each frame's centre, optional target delay, and frame error on
 * 61 and on 39 folded classes (Lee & Hon 1989, q dropped).
 * config.data.train is the corpus root; validation speakers are held out of TRAIN;
 * TEST (the core test set, or all of it with coreTest false) is for `tbptt eval`
 * and the quick start.
 */
import { join } from "node:path";
import { ArraySequence } from "../engine/array-sequence.js";
import { loadSpeechSet, type SpeechUtterance } from "../io/speech-dataset.js";
import { indexTimit } from "../io/timit.js";
import { contextWindow } from "../tasks/speech/context.js";
import { normalisationStats, normalise } from "../tasks/speech/normalise.js";
import { foldTo39, TIMIT_PHONES_61 } from "../tasks/speech/phones.js";
import type { TrainConfig } from "../train/config.js";
import type { FrameMetrics } from "../train/metrics.js";
import type { TaskData } from "./tasks.js";

export interface SpeechSplits {
  train: SpeechUtterance[];
  valid: SpeechUtterance[];
  test: SpeechUtterance[];
  dim: number;
  normalisation: { mean: number[]; std: number[] };
  problems: string[];
}

/** 39-class frame error from 61-class confusion counts. */
export function speechReport(metrics: FrameMetrics): Record<string, number> {
  return { frameError39: metrics.foldedError(Array.from(foldTo39().map)).error };
}

export function loadSpeechSplits(
  root: string,
  options: {
    coreTest?: boolean;
    validSpeakers?: number;
    delay?: number;
    cache?: string;
    seed?: number;
    /** Use these statistics (a trained model's) instead of the training set's: then only TEST is read ... */
    normalisation?: { mean: number[]; std: number[] } | null;
    /** ... and the validation speakers too, when asked. */
    includeValidation?: boolean;
    /** Read the rest of the corpus when a file is bad, and report what was skipped. */
    skipBad?: boolean;
  },
): SpeechSplits {
  const index = indexTimit(root, {
    coreTest: options.coreTest ?? true,
    validationSpeakers: options.validSpeakers,
    validationSeed: options.seed ?? 0,
    skipBad: options.skipBad ?? false,
  });
  const cache = options.cache ?? join(".cache", "tbptt-features");
  const load = (entries: typeof index.train) =>
    loadSpeechSet(entries, {}, cache, { targetDelay: options.delay ?? 0, skipBad: options.skipBad ?? false });
  const given = options.normalisation ?? null;
  // With given statistics only TEST is needed (evaluation of a trained model).
  const train = load(given ? [] : index.train);
  if (!given && train.utterances.length === 0) throw new Error(`${root}: no training utterances found`);
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

/** The engine's sequences; with `context` k each input is the window of 2k + 1 frames around it. */
export function speechSequences(utterances: readonly SpeechUtterance[], context = 0): ArraySequence[] {
  return utterances.map(
    (u) =>
      new ArraySequence(
        contextWindow(u.features, u.frames, u.dim, context),
        u.labels,
        u.dim * (2 * context + 1),
      ),
  );
}

export function loadSpeechTask(config: TrainConfig): TaskData {
  const splits = loadSpeechSplits(config.data.train, {
    coreTest: config.data.coreTest,
    validSpeakers: config.data.validSpeakers,
    delay: config.data.delay,
    cache: config.data.cache,
    seed: config.seed,
    skipBad: config.data.skipBad,
  });
  const context = config.data.context ?? 0;
  return {
    train: speechSequences(splits.train, context),
    valid: splits.valid.length > 0 ? speechSequences(splits.valid, context) : null,
    inputSize: splits.dim * (2 * context + 1),
    outputSize: TIMIT_PHONES_61.length,
    meta: {
      task: "speech",
      classes: [...TIMIT_PHONES_61],
      normalisation: splits.normalisation,
      delay: config.data.delay ?? 0,
      context,
      coreTest: config.data.coreTest ?? true,
      validSpeakers: config.data.validSpeakers,
      seed: config.seed,
    },
    warnings:
      splits.problems.length > 0
        ? [`skipped ${splits.problems.length} bad file(s):`, ...splits.problems.map((p) => `  ${p}`)]
        : [],
    describe: `${splits.train.length} training, ${splits.valid.length} validation, ${splits.test.length} test utterances, ${splits.dim} features, 61 phones`,
    report: speechReport,
  };
}
