// Sampling: seeded and reproducible, temperature → 0 is argmax, the step-by-step state
// equals one forward pass over the whole text, and bad options are named.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { argmaxOf, drawWithTemperature, sampleText } from "../../src/tasks/text/sample.js";
import { Vocabulary } from "../../src/tasks/text/vocabulary.js";

function makeModel(V: number, seed = 1, range = 1.5): SequenceModel {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: V,
      hiddenSize: 16,
      layers: 2,
      bidirectional: false,
      peepholes: false,
      outputSize: V,
    },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(seed), { scheme: "uniform", range });
  return model;
}

const vocabulary = Vocabulary.fromTexts("char", ["the quick brown fox"]);
const model = makeModel(vocabulary.size);
const sample = (options: Parameters<typeof sampleText>[2]) => [...sampleText(model, vocabulary, options)];

test("one string per symbol; the same seed gives the same text, another seed another", () => {
  const a = sample({ prime: "the ", length: 200, seed: 7 });
  assert.equal(a.length, 200);
  for (const s of a) assert.equal([...s].length, 1);
  assert.deepEqual(sample({ prime: "the ", length: 200, seed: 7 }), a);
  assert.notDeepEqual(sample({ prime: "the ", length: 200, seed: 8 }), a);
  assert.notDeepEqual(sample({ prime: "fox ", length: 200, seed: 7 }), a, "the prime conditions the text");
});

test("temperature → 0 equals argmax", () => {
  const greedy = sample({ prime: "quick", length: 150, argmax: true }).join("");
  for (const seed of [1, 2, 3])
    assert.equal(sample({ prime: "quick", length: 150, temperature: 1e-4, seed }).join(""), greedy);
  const hot = sample({ prime: "quick", length: 150, temperature: 1, seed: 1 }).join("");
  assert.notEqual(hot, greedy);
});

test("the state carried step by step equals one forward pass over prime + sample", () => {
  const prime = "brown";
  const generated = sample({ prime, length: 40, argmax: true });
  const ids = vocabulary.encode(prime + generated.join(""), "t");
  const V = vocabulary.size;
  const T = ids.length - 1; // the last symbol is never fed back
  const twin = makeModel(V);
  twin.configure(T, 1, 1);
  twin.clearState();
  for (let t = 0; t < T; t++) {
    twin.tape.active[t] = 1;
    twin.tape.reset[t] = t === 0 ? 1 : 0;
    twin.tape.labels[t] = -1;
    twin.inputs[t * V + (ids[t] as number)] = 1;
  }
  twin.forward({ first: 0, count: T });
  for (let t = prime.length - 1; t < T; t++)
    assert.equal(
      argmaxOf(twin.probs, t * V, V),
      ids[t + 1],
      `step ${t}: the generator's choice is the one-shot argmax`,
    );
});

test("drawWithTemperature samples softmax(log p / T)", () => {
  const p = Float64Array.of(0.5, 0.3, 0.2, 0);
  const work = new Float64Array(4);
  for (const T of [1, 0.5, 2]) {
    const rng = new Rng(11);
    const counts = [0, 0, 0, 0];
    const n = 40_000;
    for (let k = 0; k < n; k++) counts[drawWithTemperature(rng, p, 0, 4, T, work)]++;
    const w = Array.from(p, (x) => x ** (1 / T));
    const z = w.reduce((a, b) => a + b, 0);
    w.forEach((x, j) => {
      const expected = x / z;
      const sd = Math.sqrt((expected * (1 - expected)) / n);
      assert.ok(Math.abs((counts[j] as number) / n - expected) < 5 * sd + 1e-12, `T = ${T}, symbol ${j}`);
    });
    assert.equal(counts[3], 0, "a symbol of probability 0 is never drawn");
  }
});

test("without a prime the first symbol is uniform, then the model takes over", () => {
  const firsts = new Set<string>();
  for (let seed = 0; seed < 60; seed++) firsts.add(sample({ length: 1, seed })[0] as string);
  assert.ok(firsts.size >= vocabulary.size - 2, `${firsts.size} of ${vocabulary.size} symbols seen first`);
  assert.equal(sample({ length: 0, seed: 1 }).length, 0);
});

test("bad options: temperature ≤ 0, out-of-vocabulary prime, length, model mismatch", () => {
  for (const temperature of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
    assert.throws(() => sample({ length: 5, temperature }), /temperature: expected a number > 0.*--argmax/);
  assert.throws(
    () => sample({ prime: "The QUICK fox", length: 5 }),
    (e: Error) =>
      e.message.startsWith("prime: 6 symbol(s) not in the model's vocabulary:") &&
      ['"T"', '"Q"', '"U"', '"I"', '"C"', '"K"'].every((c) => e.message.includes(c)),
  );
  assert.throws(() => sample({ length: -1 }), /sample length: expected an integer ≥ 0, got -1/);
  assert.throws(
    () => [...sampleText(makeModel(5), vocabulary, { length: 3 })],
    /the model has 5 inputs and 5 outputs, the vocabulary 16 symbols/,
  );
});

test("unit byte: multi-byte characters come out whole, one string per byte", () => {
  const bytes = Vocabulary.fromTexts("byte", [new TextEncoder().encode("naïve café ☕")]);
  const m = makeModel(bytes.size, 3, 1);
  const out = [...sampleText(m, bytes, { prime: "café", length: 300, seed: 2 })];
  assert.equal(out.length, 300);
  // A byte that completes a character yields it; bytes inside one yield ""; an invalid
  // sequence yields U+FFFD and the byte that broke it.
  for (const piece of out) assert.ok([...piece].length <= 2, JSON.stringify(piece));
  assert.throws(
    () => [...sampleText(m, bytes, { prime: "ü", length: 1 })],
    /prime: 1 symbol\(s\) not in the model's vocabulary: byte 0xbc$/,
  );
});
