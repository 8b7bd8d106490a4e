/**
 * A text corpus: the training text (one file, or a folder's files concatenated in
 * sorted order) as symbol ids, its vocabulary, and a validation split.
 *
 * As char-rnn (CharSplitLMMinibatchLoader: 95 % train, 5 % validation), the validation
 * split is the last `validFraction` of the text, so it is text the model never trained
 * on and no sentence is shared across the cut more than once. The vocabulary covers
 * the whole file, validation part included (as char-rnn's), so every validation symbol
 * has an id; a separate validation file must use only symbols of that vocabulary.
 */
import { TbpttError } from "../../core/errors.js";
import { decodeText, type SymbolUnit, type TextUnit, type UnitText } from "./units.js";
import { type SymbolIds, Vocabulary } from "./vocabulary.js";
import { type TextVocabulary, WordVocabulary, type WordVocabularyOptions } from "./word-vocabulary.js";
import { tokenizeWords } from "./words.js";

/** A file's name (for messages) and its bytes. */
export interface TextSource {
  name: string;
  bytes: Uint8Array;
}

/** How `buildCorpus` reads text: the unit, the validation share or text, a given vocabulary, word options. */
export interface CorpusOptions {
  unit: TextUnit;
  /** Fraction of the training text held out at its end for validation (char-rnn: 0.05); 0 for none. */
  validFraction: number;
  /** A separate validation text (then validFraction must be 0). */
  valid?: readonly TextSource[];
  /** Use this vocabulary (a trained model's) instead of building one. */
  vocabulary?: TextVocabulary;
  /** unit "word": `<unk>` for rare words (word-vocabulary.ts). */
  words?: WordVocabularyOptions;
}

/** An encoded text corpus: its vocabulary, the training and validation symbol ids, the files read. */
export interface TextCorpus {
  vocabulary: TextVocabulary;
  train: SymbolIds;
  valid: SymbolIds | null;
  /** The files the training text came from, in order, with their symbol counts. */
  files: { name: string; symbols: number }[];
}

/** `value` as a validation share in [0, 1), or an error naming data.validFraction. */
export function checkValidFraction(value: unknown): number {
  if (typeof value !== "number" || !(value >= 0 && value < 1))
    throw new TbpttError(`data.validFraction: expected a number in [0, 1), got ${JSON.stringify(value)}`);
  return value;
}

/** The texts' ids, concatenated, and each text's symbol count. */
function encodeAll(
  vocabulary: Vocabulary,
  texts: readonly UnitText[],
  names: readonly string[],
): { ids: SymbolIds; counts: number[] } {
  if (texts.length === 1) {
    const ids = vocabulary.encode(texts[0] as UnitText, names[0] as string);
    return { ids, counts: [ids.length] };
  }
  const parts = texts.map((t, i) => vocabulary.encode(t, names[i] as string));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const ids = vocabulary.allocIds(total);
  let at = 0;
  for (const p of parts) {
    ids.set(p, at);
    at += p.length;
  }
  return { ids, counts: parts.map((p) => p.length) };
}

/**
 * Decodes, checks and encodes texts into symbol ids with one vocabulary (built from the training
 * text unless given).
 */
export function buildCorpus(sources: readonly TextSource[], options: CorpusOptions): TextCorpus {
  const fraction = checkValidFraction(options.validFraction);
  if (sources.length === 0) throw new TbpttError("text corpus: no training files");
  if (options.valid && fraction > 0)
    throw new TbpttError(
      `data: give either a validation file or validFraction > 0, not both (validFraction = ${fraction})`,
    );
  if (options.vocabulary && options.vocabulary.unit !== options.unit)
    throw new TbpttError(
      `text corpus: the vocabulary's unit is "${options.vocabulary.unit}", the data's "${options.unit}"`,
    );
  if (options.unit === "word") return buildWordCorpus(sources, fraction, options);
  if (options.words)
    throw new TbpttError(`data.minCount and data.maxVocabulary need unit "word", got "${options.unit}"`);
  const texts = sources.map((s) => decodeText(s.bytes, options.unit, s.name));
  const names = sources.map((s) => s.name);
  const vocabulary =
    (options.vocabulary as Vocabulary | undefined) ?? Vocabulary.fromTexts(options.unit as SymbolUnit, texts);
  const { ids: all, counts } = encodeAll(vocabulary, texts, names);
  const files = names.map((name, i) => ({ name, symbols: counts[i] as number }));
  let train = all;
  let valid: SymbolIds | null = null;
  if (options.valid) {
    const vt = options.valid.map((s) => decodeText(s.bytes, options.unit, s.name));
    valid = encodeAll(
      vocabulary,
      vt,
      options.valid.map((s) => `${s.name} (validation)`),
    ).ids;
    if (valid.length < 2)
      throw new TbpttError(`data.valid: the validation text needs at least 2 symbols, got ${valid.length}`);
  } else if (fraction > 0) {
    const n = Math.round(all.length * fraction);
    if (n < 2 || all.length - n < 2)
      throw new TbpttError(
        `data.validFraction ${fraction} of ${all.length} symbols leaves ${n} for validation and ${all.length - n} for training; each needs at least 2`,
      );
    train = all.subarray(0, all.length - n);
    valid = all.subarray(all.length - n);
  }
  return { vocabulary, train, valid, files };
}

/**
 * unit "word": each file read as rnnlm reads text (words.ts), the files' words one after
 * the other. The vocabulary is built from the training words alone (the validation part
 * excluded, as rnnlm builds it from its training file), and every text's ids start with
 * `</s>`, rnnlm's first input, so N words give N predictions (each word and each `</s>`).
 */
function buildWordCorpus(
  sources: readonly TextSource[],
  fraction: number,
  options: CorpusOptions,
): TextCorpus {
  const words = (list: readonly TextSource[]) => {
    const perFile = list.map((s) => tokenizeWords(decodeText(s.bytes, "word", s.name) as string));
    return { perFile, all: perFile.flat() };
  };
  const training = words(sources);
  const name = sources.length === 1 ? (sources[0] as TextSource).name : `${sources.length} files`;
  let trainWords = training.all;
  let validWords: string[] | null = null;
  // Errors about the validation words name where they came from: the files, or the training text's end.
  let validName = `${name} (its last ${fraction} of words, held out for validation)`;
  if (options.valid) {
    validWords = words(options.valid).all;
    validName = options.valid.map((s) => s.name).join(", ");
  } else if (fraction > 0) {
    const n = Math.round(trainWords.length * fraction);
    if (n < 1 || trainWords.length - n < 1)
      throw new TbpttError(
        `data.validFraction ${fraction} of ${trainWords.length} words leaves ${n} for validation and ${trainWords.length - n} for training; each needs at least 1`,
      );
    validWords = trainWords.slice(trainWords.length - n);
    trainWords = trainWords.slice(0, trainWords.length - n);
  }
  const vocabulary =
    (options.vocabulary as WordVocabulary | undefined) ??
    WordVocabulary.fromTokens(trainWords, options.words);
  const train = vocabulary.encode(trainWords, name);
  const valid = validWords ? vocabulary.encode(validWords, validName) : null;
  if (valid && validWords?.length === 0)
    throw new TbpttError(`data.valid: the validation text ${validName} holds no words`);
  const files = sources.map((s, i) => ({ name: s.name, symbols: (training.perFile[i] as string[]).length }));
  return { vocabulary, train, valid, files };
}
