/**
 * What a text model saves besides its weights (model.json "meta"): the task, the unit and
 * the vocabulary, whose order is the order of the model's inputs and output classes.
 *   { "task": "text", "unit": "char", "classes": ["\n", " ", "a", …],
 *     "vocabulary": { "unit": "char", "symbols": ["\n", " ", "a", …] } }
 * `classes` names each output class for the generic tools (byte values as "0x41"; for
 * unit "word" the words, with their training counts in the vocabulary).
 */
import { TbpttError } from "../../core/errors.js";
import type { TextMetrics } from "./metrics.js";
import { textMetrics } from "./metrics.js";
import type { TextUnit } from "./units.js";
import { Vocabulary, type VocabularyJSON } from "./vocabulary.js";
import { type TextVocabulary, WordVocabulary, type WordVocabularyJSON } from "./word-vocabulary.js";

export interface TextModelMeta {
  task: "text";
  unit: TextUnit;
  classes: string[];
  vocabulary: VocabularyJSON | WordVocabularyJSON;
  [key: string]: unknown;
}

export function textModelMeta(vocabulary: TextVocabulary): TextModelMeta {
  const json = vocabulary.toJSON();
  const classes =
    json.unit === "word"
      ? json.words
      : json.unit === "char"
        ? json.symbols
        : json.symbols.map((b) => `0x${b.toString(16).padStart(2, "0")}`);
  return { task: "text", unit: vocabulary.unit, classes, vocabulary: json };
}

/** The vocabulary saved in a model's meta; `where` names the model in errors. */
export function vocabularyFromMeta(meta: unknown, where: string): TextVocabulary {
  const m = meta as { task?: unknown; vocabulary?: unknown } | null;
  if (m?.task !== "text")
    throw new TbpttError(
      `${where}: not a text model (its meta.task is ${JSON.stringify(m?.task)}, expected "text"); sampling needs a model trained with "task": "text"`,
    );
  try {
    if ((m.vocabulary as { unit?: unknown } | null)?.unit === "word")
      return WordVocabulary.fromJSON(m.vocabulary);
    return Vocabulary.fromJSON(m.vocabulary);
  } catch (e) {
    throw new TbpttError(`${where}: meta.${(e as Error).message}`);
  }
}

/**
 * Bits per character (bitsPerWord for unit "word") and perplexity from a mean loss in
 * nats per symbol (for the trainer's reports).
 */
export function textReport(natsPerSymbol: number, unit: TextUnit = "char"): Record<string, number> {
  const m: TextMetrics = textMetrics(natsPerSymbol, 1);
  return unit === "word"
    ? { bitsPerWord: m.bitsPerSymbol, perplexity: m.perplexity }
    : { bitsPerChar: m.bitsPerSymbol, perplexity: m.perplexity };
}
