/**
 * The text task for the trainer, its pure part (char-rnn's data loader): an encoded corpus
 * cut into `streams` training streams and `validStreams` validation streams (train with
 * layout "packed" and reset "never" or { every: N }), the one-hot input size and class
 * count (the vocabulary's size), the meta saved with the model, and bits per character
 * (or per word) from the validation loss. Reading files is src/io/text-files.ts.
 */
import type { SequenceLike } from "../../engine/engine.js";
import type { OutputConfig } from "../../nn/head.js";
import type { TaskData } from "../task-data.js";
import type { TextCorpus } from "./corpus.js";
import { textModelMeta, textReport } from "./meta.js";
import { cutStreams } from "./streams.js";
import type { TextUnit } from "./units.js";
import { type ClassBinning, classSizes, rnnlmClasses } from "./word-classes.js";
import type { TextVocabulary, WordVocabulary } from "./word-vocabulary.js";

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
  /** unit "word": rnnlm's class-factorised output (model.output kind "class-softmax") and its settings. */
  wordClasses?: { classes?: number; binning?: ClassBinning; bias?: boolean };
}

/**
 * rnnlm's class-factorised output for a word vocabulary: `classes` (default 100, rnnlm's)
 * frequency bins over the words' training counts (word-classes.ts). A class left empty
 * (a word heavier than one bin) is dropped: rnnlm keeps its output unit, whose
 * probability then goes to no word; here P(w) sums to 1 over the words.
 */
export function wordClassOutput(
  vocabulary: WordVocabulary,
  asked: { classes?: number; binning?: ClassBinning; bias?: boolean },
): OutputConfig {
  const C = asked.classes ?? 100;
  const sizes = classSizes(rnnlmClasses(vocabulary.counts, C, asked.binning ?? "sqrt"), C).filter(
    (n) => n > 0,
  );
  return { kind: "class-softmax", per: "frame", classSizes: sizes, bias: asked.bias ?? false };
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
  const asked = options.wordClasses;
  if (asked && unit !== "word")
    throw new Error(
      `model.output: kind "class-softmax" (word classes) needs data.unit "word", got "${unit}"`,
    );
  const output = asked ? wordClassOutput(corpus.vocabulary as WordVocabulary, asked) : null;
  return {
    train: train as SequenceLike[],
    valid: valid as SequenceLike[] | null,
    inputSize: V,
    outputSize: V,
    ...(output ? { output } : {}),
    meta: textModelMeta(corpus.vocabulary),
    describe: `${corpus.files.length} file(s), ${corpus.train.length} training and ${corpus.valid?.length ?? 0} validation ${units}, vocabulary ${V}${output ? `, ${output.classSizes?.length} word classes (rnnlm's -class ${asked?.classes ?? 100})` : ""}, ${options.streams} streams of ${train[0]?.length} steps${entropy === null ? "" : `; the source's entropy rate is ${entropy.toFixed(4)} bits per ${unit === "word" ? "word" : "character"}`}`,
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
