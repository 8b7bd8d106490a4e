/**
 * The speech task for the trainer (Graves & Schmidhuber 2005), its pure part: utterances
 * with features and 61-phone frame labels become the engine's sequences (with an
 * optional context window for the MLP baseline), the metadata saved with the model, and
 * the 39-class frame error (Lee & Hon 1989, q dropped) reported beside the 61-class one.
 * Reading a TIMIT-layout corpus from disk is src/io/speech-task.ts.
 */
import { ArraySequence } from "../../engine/array-sequence.js";
import type { FrameMetrics } from "../../train/metrics.js";
import type { ModelMeta } from "../../train/model-format.js";
import { contextWindow } from "./context.js";
import type { FrontEndSpec } from "./fbank.js";
import { foldTo39, TIMIT_PHONES_61 } from "./phones.js";

/** One utterance ready for training: `frames` rows of `dim` features and one label per frame. */
export interface SpeechUtterance {
  id: string;
  /** frames × dim, row-major (time-major). */
  features: Float32Array;
  /** 61-phone index per frame; -1 = unlabelled / masked. */
  labels: Int32Array;
  frames: number;
  dim: number;
}

/** A corpus split for training, with the training-set normalisation already applied. */
export interface SpeechSplits {
  train: SpeechUtterance[];
  valid: SpeechUtterance[];
  test: SpeechUtterance[];
  dim: number;
  normalisation: { mean: number[]; std: number[] };
  /** One line per file left out (skipBad). */
  problems: string[];
}

/** The speech settings a model keeps (model.json meta), to read a corpus again the same way. */
export interface SpeechMetaOptions {
  delay: number;
  context: number;
  coreTest: boolean;
  validSpeakers: number | undefined;
  seed: number;
  /** The front end the features came from (absent: MFCC). */
  frontEnd?: FrontEndSpec;
}

/** 39-class frame error from 61-class confusion counts. */
export function speechReport(metrics: FrameMetrics): Record<string, number> {
  return { frameError39: metrics.foldedError(Array.from(foldTo39().map)).error };
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

/** What a speech model saves besides its weights (task "speech", the 61 phone names, the statistics). */
export function speechModelMeta(splits: SpeechSplits, options: SpeechMetaOptions): ModelMeta {
  return {
    task: "speech",
    classes: [...TIMIT_PHONES_61],
    normalisation: splits.normalisation,
    delay: options.delay,
    context: options.context,
    coreTest: options.coreTest,
    validSpeakers: options.validSpeakers,
    seed: options.seed,
    ...(options.frontEnd !== undefined ? { frontEnd: options.frontEnd } : {}),
  };
}
