// Fuzz target of text corpora: a file read as bytes, Unicode characters or words, with a
// validation share or a separate validation file, and read again with the vocabulary the
// first reading built (as a trained model reads new text).
import { buildCorpus, type CorpusOptions } from "../../../src/tasks/text/corpus.js";
import type { TextUnit } from "../../../src/tasks/text/units.js";
import type { FuzzTarget } from "../target.js";

const CORPUS = "fuzz/corpus.txt";
const VALID = "fuzz/valid.txt";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Six readings, picked by the input's length (one input always meets the same one). */
const READINGS: { unit: TextUnit; validFraction: number; valid: boolean; words?: boolean }[] = [
  { unit: "char", validFraction: 0.05, valid: false },
  { unit: "byte", validFraction: 0.1, valid: false },
  { unit: "word", validFraction: 0.2, valid: false },
  { unit: "char", validFraction: 0, valid: true },
  { unit: "word", validFraction: 0, valid: true, words: true },
  { unit: "byte", validFraction: 0, valid: false },
];

export const textTarget: FuzzTarget = {
  name: "text",
  title: "buildCorpus (text corpora: byte, char and word units), six readings",
  sources: [CORPUS, VALID, "data.validFraction", "data.valid"],
  seeds: [
    utf8("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"),
    utf8("the cat sat on the mat\nthe dog sat\n"),
    utf8("naïve café — ∞ 😀 日本語\r\nline two\n"),
    Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0x62, 0x0a, 0x63),
  ],
  alphabet: "ab \n\r\t.é😀\u0000",
  run: (bytes) => {
    const reading = READINGS[bytes.length % READINGS.length] as (typeof READINGS)[number];
    const options: CorpusOptions = {
      unit: reading.unit,
      validFraction: reading.validFraction,
      ...(reading.valid ? { valid: [{ name: VALID, bytes: bytes.subarray(bytes.length >> 1) }] } : {}),
      ...(reading.words ? { words: { minCount: 2, maxSize: 5 } } : {}),
    };
    const corpus = buildCorpus([{ name: CORPUS, bytes }], options);
    // The same text again with the vocabulary just built, as a trained model reads text.
    return buildCorpus([{ name: CORPUS, bytes }], { ...options, vocabulary: corpus.vocabulary });
  },
};
