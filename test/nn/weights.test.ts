// Parameters as PyTorch names them, saved as safetensors: names and shapes, a bit-exact
// round trip, and a clear error for each kind of file that does not fit the model.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { readSafetensorsFileSync, writeSafetensorsFileSync } from "../../src/io/atomic-write.js";
import { loadModelDir, saveModelDir } from "../../src/io/model-files.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { loadParameterTensors, parameterTensors } from "../../src/nn/weights.js";

const blstm: ModelConfig = {
  cell: "lstm",
  inputSize: 3,
  hiddenSize: 4,
  layers: 2,
  bidirectional: true,
  peepholes: false,
  outputSize: 5,
};

test("the same LSTM built from a config and read from PyTorch's state_dict has the same names and shapes", () => {
  // test/fixtures/torch/lstm_bidirectional.safetensors: torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True) + Linear(8, 5)
  const fixture = join(import.meta.dirname, "..", "fixtures", "torch", "lstm_bidirectional.safetensors");
  const torch = readSafetensorsFileSync(fixture).tensors;
  const torchParams = [...torch.entries()].filter(
    ([name]) => name.startsWith("rnn.") || name.startsWith("out."),
  );
  const model = new SequenceModel(blstm, createPlainBackend("float64"));
  const ours = new Map(model.layout.entries.map((e) => [e.name, e.shape]));
  assert.deepEqual(new Set(ours.keys()), new Set(torchParams.map(([n]) => n)));
  for (const [name, t] of torchParams) assert.deepEqual(ours.get(name), t.shape, name);
  assert.deepEqual(ours.get("rnn.weight_ih_l1_reverse"), [16, 8]);
  // and it loads without conversion
  loadParameterTensors(model, torch, fixture, ["input.", "output.", "grad."]);
});

test("peephole weights have their own documented names", () => {
  const model = new SequenceModel(
    { ...blstm, bidirectional: false, layers: 1, peepholes: true },
    createPlainBackend("float32"),
  );
  assert.deepEqual(
    model.layout.entries.map((e) => `${e.name} [${e.shape}]`),
    [
      "rnn.weight_ih_l0 [16,3]",
      "rnn.weight_hh_l0 [16,4]",
      "rnn.bias_ih_l0 [16]",
      "rnn.bias_hh_l0 [16]",
      "rnn.weight_ci_l0 [4]",
      "rnn.weight_cf_l0 [4]",
      "rnn.weight_co_l0 [4]",
      "out.weight [5,4]",
      "out.bias [5]",
    ],
  );
});

test("a model directory round-trips bit for bit (float32 and float64)", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const dir = mkdtempSync(join(tmpdir(), "tbptt-model-"));
    const model = new SequenceModel({ ...blstm, cell: "gru" }, createPlainBackend(dtype));
    initializeModel(model, new Rng(5), { scheme: "xavier", orthogonal: true });
    model.params[3] = -0; // signed zero survives too
    saveModelDir(dir, model, { task: "sequences", classes: ["a", "b", "c", "d", "e"] });
    const { model: back, meta } = loadModelDir(dir, createPlainBackend(dtype));
    assert.deepEqual(meta.classes, ["a", "b", "c", "d", "e"]);
    assert.deepEqual(back.config, model.config);
    assert.ok(Buffer.from(back.params.buffer).equals(Buffer.from(model.params.buffer)), dtype);
    assert.ok(Object.is(back.params[3], -0));
  }
});

function withTensors(
  edit: (tensors: ReturnType<typeof parameterTensors>) => ReturnType<typeof parameterTensors>,
): Map<string, never> {
  const model = new SequenceModel(blstm, createPlainBackend("float32"));
  return decodeSafetensors(encodeSafetensors(edit(parameterTensors(model))), "w.safetensors").tensors as Map<
    string,
    never
  >;
}

test("weights with a missing, extra or wrongly shaped tensor are refused, naming it and what was expected", () => {
  const model = new SequenceModel(blstm, createPlainBackend("float32"));
  assert.throws(
    () =>
      loadParameterTensors(
        model,
        withTensors((t) => t.filter((x) => x.name !== "rnn.bias_hh_l1_reverse")),
        "w.safetensors",
      ),
    /w\.safetensors: weights do not fit the model:\n {2}missing tensor rnn\.bias_hh_l1_reverse \(expected shape \[16\]\)/,
  );
  assert.throws(
    () =>
      loadParameterTensors(
        model,
        withTensors((t) => [
          ...t,
          { name: "rnn.weight_ih_l2", dtype: "F32", shape: [1], data: new Float32Array(1) },
        ]),
        "w.safetensors",
      ),
    /unexpected tensor rnn\.weight_ih_l2/,
  );
  assert.throws(
    () =>
      loadParameterTensors(
        model,
        withTensors((t) =>
          t.map((x) => (x.name === "out.weight" ? { ...x, shape: [8, 5], data: x.data } : x)),
        ),
        "w.safetensors",
      ),
    /out\.weight has shape \[8, 5\], expected \[5, 8\]/,
  );
  assert.throws(
    () =>
      loadParameterTensors(
        model,
        withTensors((t) =>
          t.map((x) => (x.name === "out.bias" ? { ...x, data: Float32Array.of(0, Number.NaN, 0, 0, 0) } : x)),
        ),
        "w.safetensors",
      ),
    /out\.bias\[1\] is NaN, expected a finite number/,
  );
});

test("a truncated weights file is refused with the file's name", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-model-"));
  const model = new SequenceModel(blstm, createPlainBackend("float32"));
  saveModelDir(dir, model, { task: "sequences", classes: null });
  const path = join(dir, "model.safetensors");
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 100));
  assert.throws(() => loadModelDir(dir), new RegExp(`${path.replace(/[/.]/g, "\\$&")}`));
  writeSafetensorsFileSync(path, parameterTensors(model));
  assert.doesNotThrow(() => loadModelDir(dir));
});

test("wrong shapes and non-finite inputs are refused at the boundary", async () => {
  const { ArraySequence } = await import("../../src/engine/array-sequence.js");
  assert.throws(
    () => new ArraySequence([1, 2, 3], [0, 1], 2),
    /2 labels need 4 feature values \(2 per step\), got 3/,
  );
  assert.throws(
    () => new ArraySequence([1, Number.NaN], [0], 2),
    /sequence features: expected finite numbers, found NaN at index 1/,
  );
  assert.throws(() => new ArraySequence([1, Number.POSITIVE_INFINITY], [0], 2), /found Infinity/);
  assert.throws(
    () => new SequenceModel({ ...blstm, hiddenSize: 0 }, createPlainBackend("float32")),
    /model\.hiddenSize: expected a positive integer, got 0/,
  );
  // a billion layers is refused by its size, before a billion layer objects exhaust the heap
  assert.throws(
    () => new SequenceModel({ ...blstm, layers: 1e9 }, createPlainBackend("float32")),
    /model\.layers: expected at most 10,000, got 1000000000/,
  );
  assert.throws(
    () => new SequenceModel({ ...blstm, cell: "gru", peepholes: true }, createPlainBackend("float32")),
    /model\.peepholes/,
  );
});
