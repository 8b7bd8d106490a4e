// The vocabulary: sorted by code, deterministic, JSON round trip, narrow id arrays,
// and out-of-vocabulary symbols listed by name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Vocabulary } from "../../src/tasks/text/vocabulary.js";

test("symbols are sorted by code point, whatever the order they appear in", () => {
  const a = Vocabulary.fromTexts("char", ["ba€c 𝄞a", "\n"]);
  const b = Vocabulary.fromTexts("char", ["\n𝄞", "c€ ab"]);
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.deepEqual(a.toJSON(), { unit: "char", symbols: ["\n", " ", "a", "b", "c", "€", "𝄞"] });
  // Code point order, not UTF-16 order: U+FF5E (a BMP char above the surrogates) sorts before U+1D11E.
  assert.deepEqual(Vocabulary.fromTexts("char", ["𝄞～"]).toJSON().symbols, ["～", "𝄞"]);
});

test("byte vocabularies hold byte values; a multi-byte character is several symbols", () => {
  const bytes = new TextEncoder().encode("é€");
  const v = Vocabulary.fromTexts("byte", [bytes]);
  assert.deepEqual(v.toJSON(), { unit: "byte", symbols: [0x82, 0xa9, 0xac, 0xc3, 0xe2] });
  const ids = v.encode(bytes, "t");
  assert.equal(ids.length, 5);
  assert.equal(v.decode(ids), "é€");
  const c = Vocabulary.fromTexts("char", ["é€"]);
  assert.equal(c.encode("é€", "t").length, 2);
});

test("JSON round trip, through a string, gives the same ids", () => {
  const text = "the cat sat on the mat, naïvely 🐈";
  const v = Vocabulary.fromTexts("char", [text]);
  const w = Vocabulary.fromJSON(JSON.parse(JSON.stringify(v)));
  assert.deepEqual(Array.from(w.encode(text, "t")), Array.from(v.encode(text, "t")));
  assert.equal(w.decode(w.encode(text, "t")), text);
});

test("ids live in the narrowest typed array", () => {
  assert.ok(Vocabulary.fromTexts("char", ["abc"]).encode("cab", "t") instanceof Uint8Array);
  const many = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join("");
  const v = Vocabulary.fromTexts("char", [many]);
  assert.equal(v.size, 300);
  assert.ok(v.encode(many, "t") instanceof Uint16Array);
});

test("symbols outside the vocabulary are listed, with the text's name", () => {
  const v = Vocabulary.fromTexts("char", ["abc"]);
  assert.throws(
    () => v.encode("abxyx\u0000", "valid.txt"),
    (e: Error) =>
      e.message.startsWith("valid.txt: 3 symbol(s) not in the model's vocabulary of 3:") &&
      e.message.includes('"x" (U+0078)') &&
      e.message.includes('"y" (U+0079)') &&
      e.message.includes('"\\u0000" (U+0000)'),
  );
});

test("fromJSON checks its input", () => {
  assert.throws(() => Vocabulary.fromJSON({ unit: "word", symbols: [] }), /expected \{ "unit"/);
  assert.throws(
    () => Vocabulary.fromJSON({ unit: "char", symbols: ["ab"] }),
    /symbols\[0\]: expected one character/,
  );
  assert.throws(() => Vocabulary.fromJSON({ unit: "char", symbols: ["b", "a"] }), /sorted and distinct/);
  assert.throws(() => Vocabulary.fromJSON({ unit: "byte", symbols: [300] }), /outside 0 … 255/);
});
