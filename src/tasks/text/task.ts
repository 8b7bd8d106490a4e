/**
 * The text task for the trainer, its pure part (char-rnn's data loader): an encoded corpus
 * cut into `streams` training streams and `validStreams` validation streams (train with
 * layout "packed" and reset "never" or { every: N }), the one-hot input size and class
 * count (the vocabulary's size), the meta saved with the model, and bits per character
 * (or per word) from the validation loss. Reading files is src/io/text-files.ts.
 */
import type { SequenceLike } from "../../engine/engine.js";
import type { TaskData } from "../task-data.js";
import type { TextCorpus } from "./corpus.js";
import { textModelMeta, textReport } from "./meta.js";
import { cutStreams } from "./streams.js";
import type { TextUnit } from "./units.js";
import type { TextVocabulary } from "./word-vocabulary.js";

/** The text task's data: any loss per symbol gives its report; the corpus comes along. */
export interface TextTaskData extends TaskData {
  /** Bits per symbol and perplexity (and the source's entropy rate, when known) from the loss per symbol. */
  report(metrics: { lossPerFrame: number }): Record<string, number>;
  corpus: TextCorpus;
}

/** Options of `textTaskData`. */
export interface TextTaskOptions {
  streams: number;
  /** Streams for validation (default: `streams`). */
  validStreams?: number;
  /** Names the training text in messages. */
  source?: string;
  /** The source's known entropy rate in bits per symbol (synthetic text), reported beside the loss. */
  entropyRate?: number | null;
}

/** The text task from an encoded corpus (buildCorpus). */
export function textTaskData(corpus: TextCorpus, options: TextTaskOptions): TextTaskData {
  const unit = corpus.vocabulary.unit;
  const V = corpus.vocabulary.size;
  const source = options.source ?? "the training text";
  const train = cutStreams(corpus.train, options.streams, V, `${source} (training text)`);
  const valid = corpus.valid
    ? cutStreams(corpus.valid, options.validStreams ?? options.streams, V, "the validation text")
    : null;
  const units =
    unit === "char" ? "characters" : unit === "word" ? "words (each text starting with </s>)" : "bytes";
  const entropy = options.entropyRate ?? null;
  return {
    train: train as SequenceLike[],
    valid: valid as SequenceLike[] | null,
    inputSize: V,
    outputSize: V,
    meta: textModelMeta(corpus.vocabulary),
    describe: `${corpus.files.length} file(s), ${corpus.train.length} training and ${corpus.valid?.length ?? 0} validation ${units}, vocabulary ${V}, ${options.streams} streams of ${train[0]?.length} steps${entropy === null ? "" : `; the source's entropy rate is ${entropy.toFixed(4)} bits per ${unit === "word" ? "word" : "character"}`}`,
    report: (metrics: { lossPerFrame: number }): Record<string, number> => ({
      ...textReport(metrics.lossPerFrame, unit),
      ...(entropy === null ? {} : { entropyRate: entropy }),
    }),
    corpus,
  };
}

/** A text cut into streams for a trained model, with the report of its figures. */
export interface TextForModel {
  sequences: SequenceLike[];
  /** Symbols in the text. */
  symbols: number;
  /** Bits per symbol and perplexity from the loss per symbol. */
  report(metrics: { lossPerFrame: number }): Record<string, number>;
}

/**
 * A text encoded with a trained model's vocabulary, cut into `streams` streams, to run the
 * model on (evaluation), with the report that turns the loss per symbol into bits.
 */
export function textDataForModel(
  corpus: TextCorpus,
  vocabulary: TextVocabulary,
  streams: number,
  source: string,
): TextForModel {
  const unit: TextUnit = vocabulary.unit;
  return {
    sequences: cutStreams(corpus.train, streams, vocabulary.size, source) as SequenceLike[],
    symbols: corpus.train.length,
    report: (metrics) => textReport(metrics.lossPerFrame, unit),
  };
}
