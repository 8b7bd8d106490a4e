/**
 * The vocabulary: the set of symbols seen in the training text, sorted by code (byte value
 * or code point), so the same text always gives the same ids. It is saved with the model
 * as JSON: `{ "unit": "char", "symbols": ["\n", " ", "a", …] }` (one code point per string)
 * or `{ "unit": "byte", "symbols": [10, 32, 97, …] }` (byte values).
 *
 * Symbol id i is input i of the one-hot input and class i of the softmax output.
 */
import { describeCode, type SymbolUnit, type UnitText } from "./units.js";

/** A text as symbol ids; the narrowest array the vocabulary allows (a 30 MB text of ≤ 256 symbols is 30 MB). */
export type SymbolIds = Uint8Array | Uint16Array | Int32Array;

/** A character or byte vocabulary as saved in model.json. */
export type VocabularyJSON = { unit: "char"; symbols: string[] } | { unit: "byte"; symbols: number[] };

const MAX_CODE = 0x10ffff;

/** A character or byte vocabulary: symbol ↔ id, in the order of the model's inputs and classes. */
export class Vocabulary {
  readonly size: number;
  /** code → id, −1 where the code is not in the vocabulary; covers codes 0 … max code. */
  private readonly lookup: Int32Array;

  /** `codes`: byte values or code points, strictly ascending. */
  constructor(
    readonly unit: SymbolUnit,
    readonly codes: Int32Array,
  ) {
    if (codes.length < 1) throw new Error("vocabulary: expected at least one symbol, got none");
    const limit = unit === "byte" ? 0xff : MAX_CODE;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i] as number;
      if (!Number.isInteger(c) || c < 0 || c > limit)
        throw new Error(`vocabulary: symbol ${i} has code ${c}, outside 0 … ${limit} for unit "${unit}"`);
      if (i > 0 && c <= (codes[i - 1] as number))
        throw new Error(`vocabulary: symbols must be sorted and distinct; symbol ${i} (code ${c}) is not`);
    }
    this.size = codes.length;
    this.lookup = new Int32Array((codes[codes.length - 1] as number) + 1).fill(-1);
    codes.forEach((c, id) => {
      this.lookup[c] = id;
    });
  }

  /** The vocabulary of the symbols that occur in `texts` (all in the same unit). */
  static fromTexts(unit: SymbolUnit, texts: readonly UnitText[]): Vocabulary {
    const seen = new Uint8Array(unit === "byte" ? 256 : MAX_CODE + 1);
    for (const text of texts) forEachCode(text, (c) => (seen[c] = 1));
    const codes: number[] = [];
    for (let c = 0; c < seen.length; c++) if (seen[c]) codes.push(c);
    if (codes.length === 0) throw new Error("vocabulary: the training text is empty");
    return new Vocabulary(unit, Int32Array.from(codes));
  }

  /** Reads a vocabulary saved by toJSON, checking every field. */
  static fromJSON(json: unknown): Vocabulary {
    const v = json as { unit?: unknown; symbols?: unknown };
    if (typeof json !== "object" || json === null || (v.unit !== "char" && v.unit !== "byte"))
      throw new Error(
        `vocabulary: expected { "unit": "char" | "byte", "symbols": [...] }, got ${JSON.stringify(json)?.slice(0, 80)}`,
      );
    if (!Array.isArray(v.symbols)) throw new Error(`vocabulary.symbols: expected an array`);
    const codes = v.symbols.map((s: unknown, i: number) => {
      if (v.unit === "byte") {
        if (typeof s !== "number")
          throw new Error(`vocabulary.symbols[${i}]: expected a byte value, got ${JSON.stringify(s)}`);
        return s;
      }
      const cp = typeof s === "string" ? s.codePointAt(0) : undefined;
      if (cp === undefined || String.fromCodePoint(cp) !== s)
        throw new Error(`vocabulary.symbols[${i}]: expected one character, got ${JSON.stringify(s)}`);
      return cp;
    });
    return new Vocabulary(v.unit, Int32Array.from(codes));
  }

  /** The vocabulary as saved in model.json (its unit and symbols in id order). */
  toJSON(): VocabularyJSON {
    const codes = Array.from(this.codes);
    return this.unit === "byte"
      ? { unit: "byte", symbols: codes }
      : { unit: "char", symbols: codes.map((c) => String.fromCodePoint(c)) };
  }

  /** The id of a code (byte value or code point), or −1. */
  idOf(code: number): number {
    return code < this.lookup.length ? (this.lookup[code] as number) : -1;
  }

  /** Symbol id → its code. */
  codeOf(id: number): number {
    return this.codes[id] as number;
  }

  /** An empty id array of the narrowest type for this vocabulary. */
  allocIds(length: number): SymbolIds {
    if (this.size <= 256) return new Uint8Array(length);
    if (this.size <= 65536) return new Uint16Array(length);
    return new Int32Array(length);
  }

  /**
   * A text as symbol ids. Symbols outside the vocabulary are an error that lists them
   * (up to 20) and says where the text came from.
   */
  encode(text: UnitText, name: string): SymbolIds {
    const out = this.allocIds(text.length); // ≥ the symbol count (a surrogate pair is one code point)
    const { lookup } = this;
    let n = 0;
    const missing = new Set<number>();
    forEachCode(text, (c) => {
      const id = c < lookup.length ? (lookup[c] as number) : -1;
      if (id < 0) missing.add(c);
      out[n++] = id;
    });
    if (missing.size > 0) {
      const list = [...missing].sort((a, b) => a - b);
      const shown = list.slice(0, 20).map((c) => describeCode(this.unit, c));
      const more = list.length > 20 ? ` and ${list.length - 20} more` : "";
      throw new Error(
        `${name}: ${list.length} symbol(s) not in the model's vocabulary of ${this.size}: ${shown.join(", ")}${more}`,
      );
    }
    return out.subarray(0, n);
  }

  /**
   * Ids back to text. Unit "char": the characters. Unit "byte": the bytes decoded as UTF-8
   * (invalid sequences become U+FFFD); see ByteTextDecoder for decoding a stream of bytes.
   */
  decode(ids: ArrayLike<number>): string {
    if (this.unit === "byte") {
      const bytes = Uint8Array.from({ length: ids.length }, (_, i) => this.codeOf(ids[i] as number));
      return new TextDecoder("utf-8").decode(bytes);
    }
    let s = "";
    for (let i = 0; i < ids.length; i++) s += String.fromCodePoint(this.codeOf(ids[i] as number));
    return s;
  }
}

/** Calls fn with each code of the text: each byte, or each code point. */
export function forEachCode(text: UnitText, fn: (code: number) => void): void {
  if (typeof text !== "string") {
    for (let i = 0; i < text.length; i++) fn(text[i] as number);
    return;
  }
  const n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    fn(c);
  }
}
