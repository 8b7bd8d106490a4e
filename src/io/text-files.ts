/**
 * Reading text corpora from disk (Node-only; the rest of src/tasks/text is pure).
 * A path is one file, or a folder whose files (recursively, hidden ones skipped) are
 * read in sorted path order and concatenated, as if one text.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { buildCorpus, type TextCorpus, type TextSource } from "../tasks/text/corpus.js";
import { vocabularyFromMeta } from "../tasks/text/meta.js";
import { isSyntheticSpec, syntheticText } from "../tasks/text/synthetic.js";
import { type TextForModel, type TextTaskData, textDataForModel, textTaskData } from "../tasks/text/task.js";
import type { TextUnit } from "../tasks/text/units.js";
import type { ClassBinning } from "../tasks/text/word-classes.js";
import type { TextVocabulary, WordVocabularyOptions } from "../tasks/text/word-vocabulary.js";

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}

/**
 * The files under `path` (or the file itself) with their bytes; errors name the path.
 * A path "synthetic:words?…" is the project's word-Markov text (synthetic.ts), made in memory.
 */
export async function readTextSources(path: string, what = "data.train"): Promise<TextSource[]> {
  if (isSyntheticSpec(path))
    return [{ name: path, bytes: new TextEncoder().encode(syntheticText(path).text) }];
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${what}: cannot read ${path}${code === "ENOENT" ? ": no such file or folder" : `: ${code}`}`,
    );
  }
  if (info.isFile()) return [{ name: path, bytes: new Uint8Array(await readFile(path)) }];
  if (!info.isDirectory()) throw new Error(`${what}: ${path} is neither a file nor a folder`);
  const files = await listFiles(path);
  if (files.length === 0) throw new Error(`${what}: the folder ${path} holds no files`);
  return Promise.all(
    files.map(async (f) => ({
      name: join(path, relative(path, f)),
      bytes: new Uint8Array(await readFile(f)),
    })),
  );
}

/**
 * What `loadTextCorpus` reads: training (and validation) files or folders, the unit, the validation
 * share.
 */
export interface TextDataOptions {
  /** A file or folder of training text. */
  train: string;
  /** An optional separate validation file or folder. */
  valid?: string;
  unit: TextUnit;
  /** Fraction held out from the end of the training text (char-rnn: 0.05); must be 0 with `valid`. */
  validFraction: number;
  /** Encode with a trained model's vocabulary instead of building one. */
  vocabulary?: TextVocabulary;
  /** unit "word": `<unk>` for rare words. */
  words?: WordVocabularyOptions;
}

/** Reads, checks and encodes a text corpus (see buildCorpus). */
export async function loadTextCorpus(options: TextDataOptions): Promise<TextCorpus> {
  const train = await readTextSources(options.train, "data.train");
  const valid = options.valid ? await readTextSources(options.valid, "data.valid") : undefined;
  return buildCorpus(train, {
    unit: options.unit,
    validFraction: options.validFraction,
    ...(valid ? { valid } : {}),
    ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
    ...(options.words ? { words: options.words } : {}),
  });
}

/** The part of a training config the text task reads (TrainConfig satisfies it). */
export interface TextTaskConfig {
  data: {
    train: string;
    valid?: string;
    unit?: TextUnit;
    validFraction?: number;
    minCount?: number;
    maxVocabulary?: number;
  };
  streams: number;
  validStreams?: number;
  /** The output layer asked for: a class-factorised softmax over words (rnnlm's -class). */
  model?: { output?: { kind?: string; classes?: number; binning?: ClassBinning; bias?: boolean } };
}

/** char-rnn's split: 5 % of the text held out for validation unless a validation file is given. */
export const DEFAULT_VALID_FRACTION = 0.05;

/**
 * The text task for the trainer: the corpus cut into `streams` training streams and
 * `validStreams` validation streams (train with layout "packed" and reset "never" or
 * { every: N }), the one-hot input size and class count (the vocabulary size), the
 * metadata saved with the model, and bits per character from the validation loss.
 */
export async function loadTextTask(config: TextTaskConfig): Promise<TextTaskData> {
  const { data } = config;
  const unit = data.unit ?? "char";
  const words =
    data.minCount !== undefined || data.maxVocabulary !== undefined
      ? { minCount: data.minCount, maxSize: data.maxVocabulary }
      : undefined;
  const corpus = await loadTextCorpus({
    train: data.train,
    ...(data.valid ? { valid: data.valid } : {}),
    unit,
    validFraction: data.validFraction ?? (data.valid ? 0 : DEFAULT_VALID_FRACTION),
    ...(words ? { words } : {}),
  });
  // For the synthetic text, the best possible bits per character, to compare with.
  // The source's entropy rate in the unit's bits (per word for words: the chain's own rate).
  const rate = isSyntheticSpec(data.train) ? syntheticText(data.train).entropy : null;
  const entropy = rate === null ? null : unit === "word" ? rate.bitsPerWord : rate.bitsPerChar;
  const asked = config.model?.output;
  return textTaskData(corpus, {
    streams: config.streams,
    validStreams: config.validStreams,
    source: data.train,
    entropyRate: entropy,
    ...(asked?.kind === "class-softmax" ? { wordClasses: asked } : {}),
  });
}

/**
 * A text to evaluate a trained text model on (`tbptt eval --model DIR --data FILE` for
 * meta.task "text"): the file or folder encoded with the model's own vocabulary (symbols
 * outside it are an error listing them), cut into `streams` streams, and the report that
 * turns the loss per symbol into bits per character.
 */
export async function loadTextForModel(
  meta: unknown,
  path: string,
  streams: number,
  where = "model",
): Promise<TextForModel & { vocabulary: TextVocabulary }> {
  const vocabulary = vocabularyFromMeta(meta, where);
  const corpus = await loadTextCorpus({ train: path, unit: vocabulary.unit, validFraction: 0, vocabulary });
  return { ...textDataForModel(corpus, vocabulary, streams, path), vocabulary };
}
