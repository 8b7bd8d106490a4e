/**
 * What a text model saves besides its weights (model.json "meta"): the task, the unit and
 * the vocabulary, whose order is the order of the model's inputs and output classes.
 *   { "task": "text", "unit": "char", "classes": ["\n", " ", "a", …],
 *     "vocabulary": { "unit": "char", "symbols": ["\n", " ", "a", …] } }
 * `classes` names each output class for the generic tools (byte values as "0x41").
 */
import type { TextMetrics } from "./metrics.js";
import { textMetrics } from "./metrics.js";
import { Vocabulary, type VocabularyJSON } from "./vocabulary.js";

export interface TextModelMeta {
  task: "text";
  unit: Vocabulary["unit"];
  classes: string[];
  vocabulary: VocabularyJSON;
  [key: string]: unknown;
}

export function textModelMeta(vocabulary: Vocabulary): TextModelMeta {
  const json = vocabulary.toJSON();
  const classes =
    json.unit === "char" ? json.symbols : json.symbols.map((b) => `0x${b.toString(16).padStart(2, "0")}`);
  return { task: "text", unit: vocabulary.unit, classes, vocabulary: json };
}

/** The vocabulary saved in a model's meta; `where` names the model in errors. */
export function vocabularyFromMeta(meta: unknown, where: string): Vocabulary {
  const m = meta as { task?: unknown; vocabulary?: unknown } | null;
  if (m?.task !== "text")
    throw new Error(
      `${where}: not a text model (its meta.task is ${JSON.stringify(m?.task)}, expected "text"); sampling needs a model trained with "task": "text"`,
    );
  try {
    return Vocabulary.fromJSON(m.vocabulary);
  } catch (e) {
    throw new Error(`${where}: meta.${(e as Error).message}`);
  }
}

/** Bits per character and perplexity from a mean loss in nats per symbol (for the trainer's reports). */
export function textReport(natsPerSymbol: number): { bitsPerChar: number; perplexity: number } {
  const m: TextMetrics = textMetrics(natsPerSymbol, 1);
  return { bitsPerChar: m.bitsPerSymbol, perplexity: m.perplexity };
}
