// The high-level library API (src/api): train from rows in memory, predict and evaluate
// with the stored normalisation and class names, bytes and folders round-trip, a text
// model evaluated on a string, and errors that name the option or the row.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadModel } from "../../src/api/load-model.js";
import { train } from "../../src/api/train.js";
import { TrainedModel } from "../../src/api/trained-model.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { labelledSetFromRows } from "../../src/data/jsonl.js";
import { applyNormalisation, toEngineSequences } from "../../src/data/labelled.js";
import { loadModelDir, saveModelDir } from "../../src/io/model-files.js";
import { syntheticText } from "../../src/tasks/text/synthetic.js";
import { evaluate } from "../../src/train/evaluate.js";
import { predict } from "../../src/train/predict.js";

/** Sequences whose label says whether the first feature, far from zero (offset 5), rose since the last step. */
function rows(count: number, seed: number): { x: number[][]; y: string[]; id: string }[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const x: number[][] = [];
    const y: string[] = [];
    let previous = 0;
    for (let t = 0; t < 6 + rng.int(10); t++) {
      const v = rng.uniform(-1, 1);
      x.push([5 + v, 100 * rng.uniform(-1, 1)]);
      y.push(v > previous ? "up" : "down");
      previous = v;
    }
    return { x, y, id: `s${i}` };
  });
}

const options = {
  model: { cell: "gru" as const, hiddenSize: 12 },
  optimizer: { type: "adam" as const, lr: 0.02 },
  epochs: 6,
  streams: 4,
  backend: "plain" as const,
};

test("train on rows, then predict and evaluate with the stored normalisation and class names", async () => {
  const trainRows = rows(60, 1);
  const testRows = rows(20, 2);
  const trained = await train({ ...options, data: { train: trainRows, valid: testRows, normalise: true } });
  assert.ok(trained instanceof TrainedModel);
  assert.deepEqual(trained.classes, ["down", "up"]);
  assert.equal(trained.training?.reason, "epochs");
  assert.equal(trained.training?.epochs.length, 6);
  const norm = trained.meta.normalisation as { mean: number[]; std: number[] };
  assert.ok(Math.abs((norm.mean[0] as number) - 5) < 0.2, `stored mean ${norm.mean[0]}`);

  // evaluate reproduces the validation figure training computed on the same data
  const evaluation = trained.evaluate(testRows);
  const last = trained.training?.epochs.at(-1);
  assert.equal(evaluation.summary.lossPerFrame, last?.valid?.lossPerFrame);
  assert.ok((evaluation.summary.frameError as number) < 0.3, `frame error ${evaluation.summary.frameError}`);
  assert.deepEqual(Object.keys(evaluation.perClassAccuracy ?? {}), ["down", "up"]);

  // predict on raw, unlabelled frames equals the low-level predict on data normalised by hand
  const unlabelled = testRows.map(({ x }) => x);
  const predictions = trained.predict(unlabelled);
  const set = labelledSetFromRows(testRows, "t", { classes: trained.classes });
  applyNormalisation(set, norm);
  const byHand = predict(trained.model, trained.classes, toEngineSequences(set), trained.schedule, 8);
  assert.deepEqual(predictions, byHand);
  const first = predictions[0] as { labels: string[]; probs: number[][] };
  assert.equal(first.labels.length, (testRows[0] as { x: unknown[] }).x.length);
  assert.ok(first.labels.every((l) => l === "up" || l === "down"));
  // the caller's data is not changed by normalisation
  assert.equal((testRows[0] as { x: number[][] }).x[0]?.[1], unlabelled[0]?.[0]?.[1]);
  assert.ok(((testRows[0] as { x: number[][] }).x[0]?.[0] as number) > 3);
});

test("bytes and folders round-trip: the same predictions from a reloaded model", async () => {
  const trained = await train({ ...options, epochs: 2, data: { train: rows(30, 3), normalise: true } });
  const testRows = rows(5, 4);
  const expected = trained.predict(testRows);
  const bytes = trained.toBytes();
  const plain = { backend: createPlainBackend("float32") };
  assert.deepEqual(TrainedModel.fromBytes(bytes, plain).predict(testRows), expected);
  assert.deepEqual((await loadModel(bytes, plain)).predict(testRows), expected);
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  assert.deepEqual((await loadModel(copy, plain)).predict(testRows), expected);
  assert.deepEqual((await loadModel(new Blob([bytes]), plain)).predict(testRows), expected);
  assert.deepEqual((await loadModel(new Response(bytes), plain)).predict(testRows), expected);
  const url = `data:application/octet-stream;base64,${Buffer.from(bytes).toString("base64")}`;
  assert.deepEqual((await loadModel(url, plain)).predict(testRows), expected);

  const dir = join(mkdtempSync(join(tmpdir(), "tbptt-api-")), "model");
  saveModelDir(dir, trained);
  const loaded = loadModelDir(dir);
  assert.ok(loaded instanceof TrainedModel);
  assert.deepEqual(loaded.meta, trained.meta);
  assert.deepEqual(loaded.predict(testRows), expected);
});

test("a language model from a string, evaluated on a string in bits per character", async () => {
  const text = syntheticText("synthetic:words?seed=1&chars=4000").text;
  const trained = await train({
    model: { cell: "lstm", hiddenSize: 16 },
    schedule: { k1: 10, k2: 10 },
    optimizer: { type: "adam", lr: 0.01 },
    epochs: 1,
    streams: 4,
    backend: "plain",
    data: { text: text.slice(0, 3500), valid: text.slice(3500) },
  });
  assert.equal(trained.meta.task, "text");
  assert.deepEqual(trained.meta.schedule, { reset: "never", layout: "packed" });
  const evaluation = trained.evaluate(text.slice(3500));
  assert.equal(evaluation.summary.lossPerFrame, trained.training?.epochs[0]?.valid?.lossPerFrame);
  assert.ok(
    Math.abs((evaluation.summary.bitsPerChar as number) - evaluation.summary.lossPerFrame / Math.LN2) < 1e-12,
  );
  assert.throws(() => trained.predict([[[1]]]), /language model .*sampleText/);
  // generation: the same seed, the same text; every symbol from the vocabulary
  const sampled = trained.sample({ prime: text.slice(0, 5), length: 40, seed: 3 });
  assert.equal([...sampled].length, 40);
  assert.equal(trained.sample({ prime: text.slice(0, 5), length: 40, seed: 3 }), sampled);
  for (const ch of sampled) assert.ok(text.includes(ch), `sampled ${JSON.stringify(ch)}`);
  assert.throws(() => trained.evaluate("zzzz\u{1F600}"), /not in the model's vocabulary/);
});

test("errors name the option or the row", async () => {
  await assert.rejects(
    train({ ...options, data: { train: rows(4, 1) }, schedule: { k1: 0 } }),
    /train options: invalid configuration:\n {2}schedule\.k1/,
  );
  await assert.rejects(
    train({ ...options, data: { train: rows(4, 1) }, epoch: 3 } as never),
    /epoch: unknown key; did you mean "epochs"\?/,
  );
  const bad = rows(4, 1);
  (bad[2] as { x: unknown[] }).x[1] = [1];
  await assert.rejects(train({ ...options, data: { train: bad } }), /data\.train\[2\]: ragged features/);
  const trained = await train({ ...options, epochs: 1, data: { train: rows(8, 1) } });
  assert.throws(
    () => trained.evaluate([{ x: [[1, 2, 3]], y: ["up"] }]),
    /data\[0\]: ragged features.*expected 2/,
  );
  assert.throws(
    () => trained.evaluate([{ x: [[1, 2]], y: ["sideways"] }]),
    /"sideways" is not in the vocabulary/,
  );
  assert.throws(() => trained.evaluate("text"), /a string is a text, for a language model/);
});

test("a labelled set given in place of rows is not changed, and its class names are mapped by name", async () => {
  const trainRows = rows(20, 5);
  const set = labelledSetFromRows(trainRows, "mine");
  const before = Float32Array.from(set.sequences[0]?.features ?? []);
  const trained = await train({ ...options, epochs: 1, data: { train: set, normalise: true } });
  assert.deepEqual(set.sequences[0]?.features, before, "train normalises a copy");
  const again = Float32Array.from(set.sequences[0]?.features ?? []);
  const viaSet = trained.evaluate(set);
  assert.deepEqual(set.sequences[0]?.features, again, "evaluate normalises a copy");
  assert.equal(viaSet.summary.lossPerFrame, trained.evaluate(trainRows).summary.lossPerFrame);
  // The same labels written with the class names in the other order: mapped by name, the
  // same figures; a name the model does not have is refused, naming the set and the frame.
  assert.deepEqual(trained.classes, ["down", "up"]);
  const reversed = {
    ...set,
    classes: ["up", "down"],
    sequences: set.sequences.map((s) => ({ ...s, labels: s.labels.map((y) => (y < 0 ? y : 1 - y)) })),
  };
  assert.equal(trained.evaluate(reversed).summary.lossPerFrame, viaSet.summary.lossPerFrame);
  const unknown = { ...set, classes: ["down", "sideways"] };
  assert.throws(
    () => trained.evaluate(unknown),
    /mine: sequence \d+ \(s\d+\), frame \d+: class "sideways" is not one of the model/,
  );
  const low = evaluate(
    trained.model,
    toEngineSequences(labelledSetFromRows(trainRows, "x")),
    trained.schedule,
    8,
  );
  assert.ok(Number.isFinite(low.lossPerFrame));
});
