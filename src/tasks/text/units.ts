/**
 * Text as a sequence of units: bytes, Unicode characters (code points), or words.
 *   unit "byte": every byte of the file is one symbol (Graves 2014 models Wikipedia as bytes);
 *   unit "char": the file must be UTF-8 text; every code point is one symbol (char-rnn);
 *   unit "word": UTF-8 text read as words, as the rnnlm toolkit reads it (words.ts).
 * A file is checked at this boundary: empty files, NUL bytes and invalid UTF-8 (in char
 * mode) are errors naming the file and the offset, never silently replaced characters.
 */

/** The units whose symbols are codes: byte values or code points (vocabulary.ts). */
export type SymbolUnit = "byte" | "char";
/** How a text is cut into symbols: Unicode characters, bytes, or words (rnnlm's reading). */
export type TextUnit = SymbolUnit | "word";

/** Text in its unit: a string of code points (char) or the raw bytes (byte). */
export type UnitText = string | Uint8Array;

export function checkUnit(unit: unknown, where = "unit"): TextUnit {
  if (unit !== "byte" && unit !== "char" && unit !== "word")
    throw new Error(`${where}: expected "byte", "char" or "word", got ${JSON.stringify(unit)}`);
  return unit;
}

/** The offset of the first byte that breaks UTF-8 (RFC 3629), or −1 when all is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let code: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      code = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      code = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      code = b & 0x07;
    } else return i;
    if (i + need >= n) return i; // truncated at the end of the file
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k] as number;
      if ((c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

const BYTE_HINT = 'to model it as raw bytes use --data.unit byte ("unit": "byte" under "data" in a config)';

/**
 * Checks a file's bytes and returns its text in the unit: the decoded string (char and
 * word; a leading byte-order mark is dropped) or the bytes themselves (byte).
 */
export function decodeText(bytes: Uint8Array, unit: TextUnit, name: string): UnitText {
  if (bytes.length === 0) throw new Error(`${name}: the file is empty, there is no text to model`);
  if (unit === "byte") return bytes;
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new Error(
      `${name}: NUL byte at offset ${nul}: this looks like a binary file, not UTF-8 text; ${BYTE_HINT}`,
    );
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const shown = Array.from(bytes.subarray(bad, bad + 4), (b) => `0x${b.toString(16).padStart(2, "0")}`);
    throw new Error(
      `${name}: invalid UTF-8 at byte offset ${bad} (${shown.join(" ")}); the file is not UTF-8 text (another encoding such as Latin-1, or binary); convert it to UTF-8 or ${BYTE_HINT}`,
    );
  }
  const text = new TextDecoder("utf-8").decode(bytes);
  if (text.length === 0) throw new Error(`${name}: the file holds only a byte-order mark, no text to model`);
  return text;
}

/** Number of symbols in a text: bytes, or code points (UTF-16 surrogate pairs count once). */
export function symbolCount(text: UnitText): number {
  if (typeof text !== "string") return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** A symbol's code (byte value or code point) as people read it in an error message. */
export function describeCode(unit: SymbolUnit, code: number): string {
  if (unit === "byte") return `byte 0x${code.toString(16).padStart(2, "0")}`;
  const ch = String.fromCodePoint(code);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `${JSON.stringify(ch)} (${hex})`;
}
