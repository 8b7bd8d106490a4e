/**
 * A word vocabulary, built as the rnnlm toolkit builds it (learnVocabFromTrainFile,
 * sortVocab): `</s>` is word 0, the other words of the training text follow most frequent
 * first, in rnnlm's own order for equal counts (rnnlm-order.ts). Each word keeps its
 * training count (rnnlm's classes are made from the counts, word-classes.ts).
 *
 * rnnlm itself keeps every training word and leaves data preparation (the Penn Treebank
 * of Mikolov et al. 2011 already has `<unk>` in its text) to the user. Here two options
 * make the vocabulary smaller: `minCount` (a word seen fewer times becomes `<unk>`) and
 * `maxSize` (at most that many words, `</s>` and `<unk>` included; the least frequent go).
 * The vocabulary is then exactly rnnlm's for the training text with those words written
 * as `<unk>`. Words of other texts outside the vocabulary become `<unk>` when it has one,
 * and are otherwise an error that lists them. Saved with the model as
 * `{ "unit": "word", "words": ["</s>", "the", …], "counts": [42068, 50770, …] }`.
 */
import { rnnlmOrder } from "./rnnlm-order.js";
import type { SymbolIds, Vocabulary } from "./vocabulary.js";
import { SENTENCE_END, UNKNOWN } from "./words.js";

/** Any text vocabulary: of codes (bytes, characters) or of words. */
export type TextVocabulary = Vocabulary | WordVocabulary;

/** A word vocabulary as saved in model.json. */
export interface WordVocabularyJSON {
  unit: "word";
  words: string[];
  counts: number[];
}

/** Which words a word vocabulary keeps: those seen at least minCount times, at most maxSize of them. */
export interface WordVocabularyOptions {
  /** Words seen fewer times than this in the training text become `<unk>` (default 1: none). */
  minCount?: number;
  /** At most this many words, `</s>` and `<unk>` included (default: no limit). */
  maxSize?: number;
}

/** A word vocabulary as rnnlm builds it (counts, frequency order, <unk> for rare words). */
export class WordVocabulary {
  readonly unit = "word" as const;
  readonly size: number;
  private readonly ids = new Map<string, number>();

  constructor(
    readonly words: readonly string[],
    readonly counts: readonly number[],
  ) {
    if (words[0] !== SENTENCE_END)
      throw new Error(`word vocabulary: word 0 must be ${SENTENCE_END}, got ${JSON.stringify(words[0])}`);
    if (counts.length !== words.length)
      throw new Error(`word vocabulary: ${words.length} words but ${counts.length} counts`);
    words.forEach((w, i) => {
      if (typeof w !== "string" || w.length === 0 || /[ \t\n\r]/.test(w))
        throw new Error(
          `word vocabulary: word ${i} must be a non-empty string without spaces, got ${JSON.stringify(w)}`,
        );
      if (this.ids.has(w))
        throw new Error(
          `word vocabulary: ${JSON.stringify(w)} appears twice (words ${this.ids.get(w)} and ${i})`,
        );
      const c = counts[i];
      if (!Number.isInteger(c) || (c as number) < 0)
        throw new Error(`word vocabulary: count ${i} must be an integer ≥ 0, got ${JSON.stringify(c)}`);
      this.ids.set(w, i);
    });
    this.size = words.length;
  }

  /** The vocabulary of the training words (`</s>` included), as rnnlm builds it, with the options' `<unk>`. */
  static fromTokens(tokens: readonly string[], options: WordVocabularyOptions = {}): WordVocabulary {
    const minCount = options.minCount ?? 1;
    const maxSize = options.maxSize ?? Number.POSITIVE_INFINITY;
    if (!Number.isInteger(minCount) || minCount < 1)
      throw new Error(`data.minCount: expected an integer ≥ 1, got ${JSON.stringify(options.minCount)}`);
    if (maxSize !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxSize) || maxSize < 2))
      throw new Error(
        `data.maxVocabulary: expected an integer ≥ 2 (${SENTENCE_END} and ${UNKNOWN} count), got ${JSON.stringify(options.maxSize)}`,
      );
    const first = countWords(tokens);
    // Which words stay: </s>, then in rnnlm's order those seen often enough, while there is room.
    const eligible = rnnlmOrder(first.counts).filter(
      (i) => i === 0 || (first.counts[i] as number) >= minCount,
    );
    const room = eligible.length <= maxSize ? eligible.length : maxSize - 1; // one place for <unk>
    const kept = new Set(Array.from(eligible.subarray(0, room), (i) => first.words[i] as string));
    if (kept.size === first.words.length) return ordered(first);
    // rnnlm's vocabulary of the text with every other word written as <unk>.
    return ordered(countWords(tokens.map((w) => (kept.has(w) ? w : UNKNOWN))));
  }

  static fromJSON(json: unknown): WordVocabulary {
    const v = json as { unit?: unknown; words?: unknown; counts?: unknown };
    if (
      typeof json !== "object" ||
      json === null ||
      v.unit !== "word" ||
      !Array.isArray(v.words) ||
      !Array.isArray(v.counts)
    )
      throw new Error(
        `vocabulary: expected { "unit": "word", "words": [...], "counts": [...] }, got ${JSON.stringify(json)?.slice(0, 80)}`,
      );
    return new WordVocabulary(v.words as string[], v.counts as number[]);
  }

  /** The vocabulary as saved in model.json (its words and counts in id order). */
  toJSON(): WordVocabularyJSON {
    return { unit: "word", words: [...this.words], counts: [...this.counts] };
  }

  /** A word's id, or −1. */
  idOf(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** The id of `<unk>`, or −1 when the vocabulary has none. */
  get unknownId(): number {
    return this.idOf(UNKNOWN);
  }

  /** An id array of `length` words (wide enough for this vocabulary's ids). */
  allocIds(length: number): SymbolIds {
    if (this.size <= 256) return new Uint8Array(length);
    if (this.size <= 65536) return new Uint16Array(length);
    return new Int32Array(length);
  }

  /**
   * Words as ids, after a leading `</s>` (rnnlm's first input: N words give N predictions).
   * A word outside the vocabulary becomes `<unk>`, or, without one, is an error that lists
   * such words (up to 20) and names the text.
   */
  encode(tokens: readonly string[], name: string): SymbolIds {
    const out = this.allocIds(tokens.length + 1);
    const unknown = this.unknownId;
    const missing = new Set<string>();
    out[0] = 0;
    tokens.forEach((w, i) => {
      let id = this.ids.get(w) ?? -1;
      if (id < 0) {
        if (unknown < 0) missing.add(w);
        id = unknown;
      }
      out[i + 1] = id;
    });
    if (missing.size > 0) {
      const list = [...missing];
      const shown = list.slice(0, 20).map((w) => JSON.stringify(w));
      const more = list.length > 20 ? ` and ${list.length - 20} more` : "";
      throw new Error(
        `${name}: ${list.length} word(s) not in the model's vocabulary of ${this.size}, which has no ${UNKNOWN} to stand for them: ${shown.join(", ")}${more}; train with --data.minCount 2 (or --data.maxVocabulary N) to give it one`,
      );
    }
    return out;
  }

  /** Ids back to text: words separated by spaces, a line end for each `</s>`. */
  decode(ids: ArrayLike<number>): string {
    let s = "";
    for (let i = 0; i < ids.length; i++) s += this.spell(ids[i] as number, i === 0 || ids[i - 1] === 0);
    return s;
  }

  /** One word as it is written after the word before: a line end for `</s>`, else a space (none at a line's start) and the word. */
  spell(id: number, lineStart: boolean): string {
    if (id === 0) return "\n";
    return `${lineStart ? "" : " "}${this.words[id] as string}`;
  }
}

/** Words and counts, `</s>` first, the others in order of first occurrence. */
function countWords(tokens: readonly string[]): { words: string[]; counts: number[] } {
  const index = new Map<string, number>([[SENTENCE_END, 0]]);
  const words = [SENTENCE_END];
  const counts = [0];
  for (const w of tokens) {
    let i = index.get(w);
    if (i === undefined) {
      i = words.length;
      index.set(w, i);
      words.push(w);
      counts.push(0);
    }
    counts[i]++;
  }
  return { words, counts };
}

function ordered(v: { words: string[]; counts: number[] }): WordVocabulary {
  const order = rnnlmOrder(v.counts);
  return new WordVocabulary(
    Array.from(order, (i) => v.words[i] as string),
    Array.from(order, (i) => v.counts[i] as number),
  );
}
