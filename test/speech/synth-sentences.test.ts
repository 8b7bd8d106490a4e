import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateSentences, VOCABULARY } from "../../src/tasks/speech/synth/sentences.js";

describe("synth sentences", () => {
  it("is determined by the seed", () => {
    assert.deepEqual(generateSentences(40, 7), generateSentences(40, 7));
    assert.notDeepEqual(generateSentences(40, 7), generateSentences(40, 8));
  });

  it("a longer list starts with the shorter one", () => {
    assert.deepEqual(generateSentences(60, 3).slice(0, 20), generateSentences(20, 3));
  });

  it("gives distinct, capitalised, punctuated sentences of plain words", () => {
    const sentences = generateSentences(500, 1);
    assert.equal(new Set(sentences).size, 500);
    for (const s of sentences) {
      assert.match(s, /^[A-Z][a-z]*( [A-Za-z]+)+[.?]$/, s);
      const words = s.split(" ").length;
      assert.ok(words >= 3 && words <= 14, `${words} words in "${s}"`);
    }
  });

  it("uses an before a vowel and a before a consonant", () => {
    for (const s of generateSentences(500, 2)) {
      assert.doesNotMatch(s, /\ba [aeiou]/i, s);
      assert.doesNotMatch(s, /\ban [^aeiou]/i, s);
    }
  });

  it("draws on the whole vocabulary", () => {
    const text = generateSentences(2000, 5).join(" ").toLowerCase();
    for (const noun of VOCABULARY.nouns) assert.ok(text.includes(noun), noun);
  });

  it("rejects a bad count", () => {
    assert.throws(() => generateSentences(-1, 1), /count must be a non-negative integer, got -1/);
    assert.deepEqual(generateSentences(0, 1), []);
  });
});
