// TrainedModel.sample: text from a language model, the same after a save and load (bytes),
// and what `sampleText` gives for the same model, vocabulary and options; a model of another
// task is refused by name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend, TrainedModel, train } from "../../src/index.js";

test("a text model samples; the same text after toBytes/fromBytes; other tasks are refused", async () => {
  const text = "the cat sat on the mat. the dog sat on the log. ".repeat(20);
  const trained = await train({
    data: { text },
    model: { cell: "gru", hiddenSize: 12 },
    schedule: { k1: 10, k2: 10 },
    optimizer: { type: "adam", lr: 0.02 },
    streams: 4,
    epochs: 3,
    backend: createPlainBackend("float32"),
  });
  const options = { length: 60, temperature: 0.7, seed: 3, prime: "the " };
  const sample = trained.sample(options);
  assert.equal([...sample].length, 60);
  assert.ok(
    [...sample].every((c) => text.includes(c)),
    sample,
  );
  const again = TrainedModel.fromBytes(trained.toBytes(), { backend: createPlainBackend("float32") });
  assert.equal(again.sample(options), sample);
  assert.notEqual(trained.sample({ ...options, seed: 4 }), sample);

  const labeller = await train({
    data: { train: [{ x: [[1], [0], [1]], y: ["a", "b", "a"] }] },
    model: { cell: "rnn", hiddenSize: 2 },
    epochs: 1,
    backend: createPlainBackend("float32"),
  });
  assert.throws(() => labeller.sample({ length: 5 }), /sample: only a language model/);
});
