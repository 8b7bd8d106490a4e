// Fuzz inputs: random bytes, and valid files mutated the way fuzzers mutate them (AFL's
// havoc stage): bit flips, bytes set to boundary values, truncation, runs deleted, inserted
// or duplicated, two files spliced, and a target's own "field changes" (a header number, a
// JSON value) that keep a file well-formed enough to reach the checks deep inside a parser.
import fc from "fast-check";

/** One mutation of `bytes`; `seeds` are the target's valid files (for splicing). */
export type Mutation = (bytes: Uint8Array, seeds: readonly Uint8Array[]) => Uint8Array;

/** A target's own mutations: they know its layout (a SPHERE header, a JSON header in safetensors…). */
export type FieldMutation = fc.Arbitrary<Mutation>;

/** Bytes parsers treat specially: ends of ranges, white space, digits, JSON and header punctuation. */
const INTERESTING_BYTES = [
  0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x20, 0x0a, 0x0d, 0x09, 0x30, 0x39, 0x2d, 0x2e, 0x7b, 0x7d, 0x5b, 0x5d,
  0x22, 0x2c, 0x3a, 0x65, 0xef, 0xbb, 0xbf, 0xc0, 0xed,
];

const at = (bytes: Uint8Array, n: number): number => (bytes.length === 0 ? 0 : n % bytes.length);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const flipBit: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.integer({ min: 0, max: 7 }))
  .map(([n, bit]) => (bytes) => {
    if (bytes.length === 0) return bytes;
    const out = Uint8Array.from(bytes);
    out[at(bytes, n)] ^= 1 << bit;
    return out;
  });

const setByte: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.integer({ min: 0, max: 255 })))
  .map(([n, value]) => (bytes) => {
    if (bytes.length === 0) return Uint8Array.of(value);
    const out = Uint8Array.from(bytes);
    out[at(bytes, n)] = value;
    return out;
  });

const truncate: fc.Arbitrary<Mutation> = fc.nat().map((n) => (bytes) => bytes.slice(0, at(bytes, n)));

const deleteRun: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.integer({ min: 1, max: 64 }))
  .map(([n, length]) => (bytes) => {
    const start = at(bytes, n);
    return concat(bytes.subarray(0, start), bytes.subarray(start + length));
  });

const insertRun: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 }))
  .map(([n, run]) => (bytes) => {
    const start = at(bytes, n);
    return concat(bytes.subarray(0, start), run, bytes.subarray(start));
  });

const duplicateRun: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 64 }))
  .map(([from, to, length]) => (bytes) => {
    const start = at(bytes, from);
    const where = at(bytes, to);
    return concat(bytes.subarray(0, where), bytes.slice(start, start + length), bytes.subarray(where));
  });

/** The start of this file, the end of another valid one. */
const splice: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.nat(), fc.nat())
  .map(([which, cut, cutOther]) => (bytes, seeds) => {
    const other = seeds[which % seeds.length] as Uint8Array;
    return concat(bytes.subarray(0, at(bytes, cut)), other.subarray(at(other, cutOther)));
  });

const byteMutation: fc.Arbitrary<Mutation> = fc.oneof(
  flipBit,
  setByte,
  truncate,
  deleteRun,
  insertRun,
  duplicateRun,
  splice,
);

/** What a fuzz target gives the generator: valid files, and mutations that know their layout. */
export interface InputSpec {
  seeds: readonly Uint8Array[];
  fields?: readonly FieldMutation[];
  /** Random inputs drawn from these characters too (a text format's alphabet); default: none. */
  alphabet?: string;
}

/**
 * Fuzz inputs for a target: one in eight random bytes, one in eight random text of its
 * alphabet (when it has one), the rest a valid file with 1 … 4 mutations stacked.
 */
export function fuzzInput(spec: InputSpec): fc.Arbitrary<Uint8Array> {
  const seeds = spec.seeds;
  const mutation =
    spec.fields && spec.fields.length > 0
      ? fc.oneof({ weight: 3, arbitrary: byteMutation }, { weight: 2, arbitrary: fc.oneof(...spec.fields) })
      : byteMutation;
  const mutated = fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([i, ms]) => ms.reduce((b, m) => m(b, seeds), seeds[i] as Uint8Array));
  const choices: fc.WeightedArbitrary<Uint8Array>[] = [
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    { weight: 6, arbitrary: mutated },
  ];
  if (spec.alphabet) {
    const chars = [...spec.alphabet];
    const text = fc
      .array(fc.constantFrom(...chars), { maxLength: 256 })
      .map((cs) => new TextEncoder().encode(cs.join("")));
    choices.push({ weight: 1, arbitrary: text });
  }
  return fc.oneof(...choices);
}

/** Numbers a header or JSON field is set to: boundaries of integer types, huge, negative, fractional, not numbers. */
export const INTERESTING_NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "2",
  "3",
  "7",
  "255",
  "256",
  "1024",
  "32767",
  "32768",
  "65535",
  "65536",
  "2147483647",
  "2147483648",
  "-2147483649",
  "4294967295",
  "4294967296",
  "9007199254740991",
  "9007199254740993",
  "1e9",
  "1e15",
  "1e300",
  "1e400",
  "-1e300",
  "1.5",
  "0.5",
  "-0.5",
  "1e-7",
  "0x10",
  "NaN",
  "Infinity",
  "-Infinity",
  "",
  "00012",
  "12abc",
  "9".repeat(40),
];

/** JSON values a field is set to: every type, empty and nested containers, awkward strings. */
export const INTERESTING_JSON = [
  ...INTERESTING_NUMBERS.filter((s) => /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(s)),
  "null",
  "true",
  "false",
  '""',
  '"x"',
  '"__proto__"',
  '"constructor"',
  '"1"',
  '"Infinity"',
  "[]",
  "[0]",
  "[-1]",
  "[1e9]",
  "[null]",
  '["a","a"]',
  "[[]]",
  "{}",
  '{"__proto__":{"x":1}}',
  '{"a":1}',
];

/** The spans of JSON tokens in `text`: strings, numbers, literals and brackets. */
function jsonTokens(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const token = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|\[\]|\{\}/g;
  for (let m = token.exec(text); m !== null; m = token.exec(text))
    spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

/**
 * A mutation of JSON text: one token (a value, a key, a number) replaced by an interesting
 * value or a random JSON value; or a key/value pair removed. The text stays JSON-shaped, so
 * the parser's own checks (not JSON.parse) see it.
 */
export const jsonTextChange: fc.Arbitrary<(text: string) => string> = fc
  .tuple(
    fc.nat(),
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...INTERESTING_JSON) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? "null") },
    ),
  )
  .map(([n, value]) => (text) => {
    const spans = jsonTokens(text);
    if (spans.length === 0) return text;
    const span = spans[n % spans.length] as { start: number; end: number };
    return text.slice(0, span.start) + value + text.slice(span.end);
  });

/** `jsonTextChange` over a whole file of UTF-8 JSON (model.json, a config, a JSON Lines file). */
export const jsonFieldChange: FieldMutation = jsonTextChange.map(
  (change) => (bytes) => new TextEncoder().encode(change(new TextDecoder().decode(bytes))),
);

/** A number in text (a header value, a PHN sample count) replaced by an interesting one. */
export const numberFieldChange: FieldMutation = fc
  .tuple(fc.nat(), fc.constantFrom(...INTERESTING_NUMBERS))
  .map(([n, value]) => (bytes) => {
    const text = latin1(bytes);
    const spans: { start: number; end: number }[] = [];
    const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
    for (let m = number.exec(text); m !== null; m = number.exec(text))
      spans.push({ start: m.index, end: m.index + m[0].length });
    if (spans.length === 0) return bytes;
    const span = spans[n % spans.length] as { start: number; end: number };
    return fromLatin1(text.slice(0, span.start) + value + text.slice(span.end));
  });

export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

export function fromLatin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
