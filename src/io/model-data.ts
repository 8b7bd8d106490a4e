/**
 * Data to run a trained model on, read from disk the way its task reads it (Node-only):
 * for a text model, a text encoded with the model's vocabulary and cut into streams; for
 * a speech model given a corpus folder, the chosen split normalised with the model's
 * statistics; otherwise a labelled-sequence file, normalised as the model was trained.
 */
import { statSync } from "node:fs";
import { applyNormalisation, toEngineSequences } from "../data/labelled.js";
import type { SequenceLike } from "../engine/engine.js";
import type { FrontEndSpec } from "../tasks/speech/fbank.js";
import { speechReport, speechSequences } from "../tasks/speech/task.js";
import type { FrameMetrics } from "../train/metrics.js";
import type { LoadedModel } from "../train/model-format.js";

export { modelSchedule } from "../train/model-format.js";

import { readLabelledFile } from "./dataset-files.js";
import { featureCacheFor, loadSpeechSplits, skippedLines } from "./speech-task.js";
import { loadTextForModel } from "./text-files.js";

/** Options of `loadDataForModel`. */
export interface ModelDataOptions {
  /** Streams a text is cut into. */
  streams: number;
  /** For a speech corpus: TEST (default) or the validation speakers. */
  split?: "test" | "validation";
  /** Names the model in errors (its folder). */
  where?: string;
  /** A speech corpus: the feature cache folder (default: featureCacheFor the model). */
  cache?: string;
  /** Accept sequences without labels (JSON Lines rows without "y"), as predict does. Default false. */
  labelsOptional?: boolean;
  /** A speech corpus: leave bad files out and list them in `warnings` (default false: the first stops). */
  skipBad?: boolean;
}

/** Sequences to run a model on, their ids, a name for the source, and the task's extra figures. */
export interface ModelData {
  sequences: SequenceLike[];
  ids: string[];
  source: string;
  /** The task's own figures from the metrics (bits per character, 39-phone error…). */
  report?(metrics: FrameMetrics): Record<string, number>;
  /** What skipBad left out, one line per file, for the user. */
  warnings?: string[];
}

/** Reads `path` for `loaded`'s task (see the file comment). */
export async function loadDataForModel(
  loaded: LoadedModel,
  path: string,
  options: ModelDataOptions,
): Promise<ModelData> {
  const { model, meta } = loaded;
  const split = options.split ?? "test";
  if (meta.task === "text") {
    // A text file or folder, read with the model's vocabulary, cut into the streams.
    const text = await loadTextForModel(meta, path, options.streams, options.where ?? "model");
    return {
      sequences: text.sequences,
      ids: text.sequences.map((_, i) => `stream ${i}`),
      source: path,
      report: text.report,
    };
  }
  if (meta.task === "speech" && statSync(path).isDirectory()) {
    // A corpus: the chosen split, normalised with the model's own statistics.
    const splits = loadSpeechSplits(path, {
      coreTest: meta.coreTest as boolean | undefined,
      validSpeakers: meta.validSpeakers as number | undefined,
      delay: meta.delay as number | undefined,
      seed: meta.seed as number | undefined,
      normalisation: meta.normalisation ?? null,
      cache: featureCacheFor(meta, options.cache),
      includeValidation: split === "validation",
      includeTest: split === "test",
      skipBad: options.skipBad ?? false,
      frontEnd: meta.frontEnd as FrontEndSpec | undefined,
    });
    const utterances = split === "validation" ? splits.valid : splits.test;
    return {
      sequences: speechSequences(utterances, (meta.context as number | undefined) ?? 0),
      ids: utterances.map((u) => u.id),
      source: `${path} (${split})`,
      report: speechReport,
      warnings: skippedLines(splits.problems),
    };
  }
  // "y" is read in the form the model's output needs (classes or values, per frame or per sequence).
  const { kind, per } = model.head.config;
  const values = model.head.targetSize > 0;
  const set = readLabelledFile(path, {
    inputSize: model.config.inputSize,
    classes: meta.classes,
    classCount: values ? undefined : model.config.outputSize,
    form: { kind, per },
    targetSize: values ? model.head.targetSize : undefined,
    labelsOptional: options.labelsOptional ?? false,
  });
  if (meta.normalisation) applyNormalisation(set, meta.normalisation);
  return {
    sequences: toEngineSequences(set),
    ids: set.sequences.map((s) => s.id),
    source: set.source,
    ...(meta.task === "speech" ? { report: speechReport } : {}),
  };
}
