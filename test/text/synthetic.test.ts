// The synthetic word source: its entropy rate in closed form, checked against hand
// computations and against the code length of a long sample (Shannon-McMillan-Breiman).
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { loadTextTask } from "../../src/io/text-files.js";
import {
  codeLengthBits,
  entropyRate,
  generateText,
  generateWords,
  makeWordSource,
  parseSyntheticSpec,
  stationaryDistribution,
  syntheticText,
  type WordSource,
  wordsToText,
} from "../../src/tasks/text/synthetic.js";

const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

test("two words, each followed by either with probability ½: 1 bit per 2.5 characters", () => {
  const source: WordSource = {
    words: ["a", "bb"],
    separator: " ",
    transitions: Float64Array.of(0.5, 0.5, 0.5, 0.5),
  };
  const h = entropyRate(source);
  close(h.bitsPerWord, 1, 1e-12, "bits per word");
  close(h.charsPerWord, 0.5 * 2 + 0.5 * 3, 1e-12, "chars per word");
  close(h.bitsPerChar, 0.4, 1e-12, "bits per char");
});

test("stationary distribution of a two-state chain: π = (q, p) / (p + q)", () => {
  const p = 0.3;
  const q = 0.1;
  const pi = stationaryDistribution(Float64Array.of(1 - p, p, q, 1 - q), 2);
  close(pi[0] as number, q / (p + q), 1e-12, "π0");
  close(pi[1] as number, p / (p + q), 1e-12, "π1");
  // A deterministic cycle through three words of lengths 1, 2, 3: zero entropy.
  const cycle: WordSource = {
    words: ["x", "yy", "zzz"],
    separator: " ",
    transitions: Float64Array.of(0, 1, 0, 0, 0, 1, 1, 0, 0),
  };
  const h = entropyRate(cycle);
  assert.equal(h.bitsPerChar, 0);
  close(h.charsPerWord, 3, 1e-12, "mean length of x_, yy_, zzz_");
});

test("a long sample's code length per character converges to the entropy rate", () => {
  const source = makeWordSource({ seed: 5, words: 20, successors: 4 });
  const h = entropyRate(source);
  const words = generateWords(source, 200_000, new Rng(9));
  const chars = wordsToText(source, words).length;
  close(
    codeLengthBits(source, words) / chars,
    h.bitsPerChar,
    0.01 * h.bitsPerChar,
    "empirical bits per char",
  );
  close(chars / words.length, h.charsPerWord, 0.01 * h.charsPerWord, "empirical chars per word");
});

test("the source is seeded, irreducible, with distinct words and stochastic rows", () => {
  const a = makeWordSource({ seed: 2 });
  const b = makeWordSource({ seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.words, makeWordSource({ seed: 3 }).words);
  const W = a.words.length;
  assert.equal(new Set(a.words).size, W);
  for (const w of a.words) assert.match(w, /^[a-z]+$/);
  for (let i = 0; i < W; i++) {
    const row = a.transitions.subarray(i * W, (i + 1) * W);
    close(
      row.reduce((s, p) => s + p, 0),
      1,
      1e-12,
      `row ${i}`,
    );
    assert.equal(row.filter((p) => p > 0).length, 3);
    assert.ok((row[(i + 1) % W] as number) > 0, "word i + 1 may always follow word i");
  }
  for (const p of stationaryDistribution(a.transitions, W)) assert.ok(p > 0);
});

test("generateText: exact length, reproducible by seed, spelled from the lexicon", () => {
  const source = makeWordSource({ seed: 1, words: 12 });
  const t = generateText(source, 1000, 4);
  assert.equal(t.length, 1000);
  assert.equal(generateText(source, 1000, 4), t);
  assert.notEqual(generateText(source, 1000, 5), t);
  const complete = t.split(" ").slice(0, -1);
  for (const w of complete) assert.ok(source.words.includes(w), `${w} is a word of the lexicon`);
  assert.throws(
    () => makeWordSource({ seed: 1, words: 4, successors: 5 }),
    /successors must be an integer in 1 … 4/,
  );
});

test("synthetic:words?… names a text in a config; bad specs are named", () => {
  const spec = parseSyntheticSpec("synthetic:words?seed=4&words=10&chars=500&textSeed=2");
  assert.deepEqual(spec, {
    seed: 4,
    words: 10,
    successors: 3,
    minSyllables: 1,
    maxSyllables: 3,
    chars: 500,
    textSeed: 2,
  });
  const { text, entropy } = syntheticText("synthetic:words?seed=4&words=10&chars=500&textSeed=2");
  assert.equal(text.length, 500);
  assert.equal(entropy.bitsPerChar, entropyRate(makeWordSource({ seed: 4, words: 10 })).bitsPerChar);
  assert.equal(parseSyntheticSpec("synthetic:words").chars, 200_000);
  assert.throws(() => parseSyntheticSpec("synthetic:poems"), /unknown synthetic text "poems"/);
  assert.throws(() => parseSyntheticSpec("synthetic:words?wrods=3"), /unknown parameter "wrods"/);
  assert.throws(
    () => parseSyntheticSpec("synthetic:words?words=many"),
    /words must be an integer, got "many"/,
  );
});

test("the trainer's text task reads a synthetic spec and reports its entropy rate", async () => {
  const task = await loadTextTask({
    data: { train: "synthetic:words?seed=1&words=12&chars=5000" },
    streams: 4,
    validStreams: 2,
  });
  assert.equal(task.train.length, 4);
  assert.equal(task.valid?.length, 2);
  assert.equal(task.corpus.valid?.length, 250); // char-rnn's 5 %
  assert.equal(task.inputSize, task.corpus.vocabulary.size);
  assert.equal(task.meta.task, "text");
  assert.match(task.describe, /entropy rate is 0\.19\d\d bits per character/);
  const report = task.report({ lossPerFrame: Math.LN2 });
  assert.equal(report.bitsPerChar, 1);
  assert.equal(report.perplexity, 2);
  assert.ok(Math.abs((report.entropyRate as number) - 0.196) < 0.001);
});
