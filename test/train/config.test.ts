import assert from "node:assert/strict";
import { test } from "node:test";
import { applyOverrides, closest, parseConfig } from "../../src/train/config.js";

const minimal = { data: { train: "x.jsonl" } };

test("a minimal config gets the documented defaults", () => {
  const c = parseConfig(minimal);
  assert.equal(c.task, "sequences");
  assert.equal(c.model.cell, "lstm");
  assert.equal(c.schedule.k1, Number.POSITIVE_INFINITY);
  assert.equal(c.schedule.truncation, "window");
  assert.equal(c.streams, 1);
});

test("the issue's example config parses, with k1/k2 numbers and the public key names", () => {
  const c = parseConfig({
    model: {
      cell: "lstm",
      inputSize: 26,
      hiddenSize: 140,
      layers: 1,
      bidirectional: false,
      peepholes: true,
      outputSize: 61,
    },
    schedule: { k1: 20, k2: 20, truncation: "window", reset: "sequence", reduction: "sum" },
    optimizer: { type: "sgd", lr: 1e-5, momentum: 0.9 },
    clip: { norm: 5 },
    streams: 1,
    data: { train: "t.jsonl", valid: "v.jsonl" },
    init: "weights.safetensors",
    seed: 1,
    epochs: 20,
    shuffle: true,
    out: "runs/name",
  });
  assert.equal(c.schedule.k1, 20);
  assert.equal(c.optimizer.momentum, 0.9);
});

test("a misspelled key is an error that suggests the closest valid key, at any depth", () => {
  assert.throws(
    () => parseConfig({ ...minimal, schedul: {} }),
    /schedul: unknown key; did you mean "schedule"\?/,
  );
  assert.throws(
    () => parseConfig({ ...minimal, optimizer: { type: "sgd", lr: 0.1, momentun: 0.9 } }),
    /optimizer\.momentun: unknown key; did you mean "optimizer\.momentum"\?/,
  );
  assert.throws(
    () => parseConfig({ ...minimal, model: { hiddenSise: 3 } }),
    /did you mean "model\.hiddenSize"/,
  );
});

test("wrong values name their key and what is allowed", () => {
  assert.throws(() => parseConfig({ ...minimal, schedule: { k1: 0 } }), /schedule\.k1/);
  assert.throws(
    () => parseConfig({ ...minimal, model: { cell: "lstmm" } }),
    /model\.cell: .*'lstm' \| 'gru' \| 'rnn'/,
  );
  assert.throws(() => parseConfig({}), /data: Required/);
});

test("command-line overrides set nested keys, parsing JSON values", () => {
  const raw = applyOverrides({ data: { train: "a" }, schedule: { k1: 5 } }, [
    ["schedule.k1", "20"],
    ["optimizer.lr", "0.5"],
    ["shuffle", "false"],
    ["out", "runs/x"],
  ]);
  const c = parseConfig(raw);
  assert.equal(c.schedule.k1, 20);
  assert.equal(c.optimizer.lr, 0.5);
  assert.equal(c.shuffle, false);
  assert.equal(c.out, "runs/x");
  assert.equal(closest("epoch", ["epochs", "seed"]), "epochs");
});
