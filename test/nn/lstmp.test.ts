// LSTMP (Sak et al. 2014; torch.nn.LSTM with proj_size): PyTorch's names and shapes, a
// bit-exact safetensors round trip through a model directory, the carried state's size,
// initialisation of the rectangular recurrent blocks, and the config errors.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { loadModelDir, saveModelDir } from "../../src/io/model-files.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { parseConfig } from "../../src/train/config.js";

const blstmp: ModelConfig = {
  cell: "lstm",
  inputSize: 3,
  hiddenSize: 5,
  projSize: 2,
  layers: 2,
  bidirectional: true,
  peepholes: true,
  outputSize: 4,
};

test("LSTMP parameters have PyTorch's names and shapes (weight_hr (P, H), weight_hh (4H, P)), in PyTorch's order", () => {
  const model = new SequenceModel(blstmp, createPlainBackend("float32"));
  const shapes = model.layout.entries.map((e) => `${e.name} [${e.shape}]`);
  assert.deepEqual(shapes.slice(0, 8), [
    "rnn.weight_ih_l0 [20,3]",
    "rnn.weight_hh_l0 [20,2]",
    "rnn.bias_ih_l0 [20]",
    "rnn.bias_hh_l0 [20]",
    "rnn.weight_hr_l0 [2,5]",
    "rnn.weight_ci_l0 [5]",
    "rnn.weight_cf_l0 [5]",
    "rnn.weight_co_l0 [5]",
  ]);
  assert.ok(shapes.includes("rnn.weight_hr_l1_reverse [2,5]"));
  // the layer above reads both directions' projections: D·P = 4 inputs
  assert.ok(shapes.includes("rnn.weight_ih_l1 [20,4]"));
  assert.ok(shapes.includes("out.weight [4,4]"));
  // per direction: 4H(I or DP) + 4H·P + 8H + P·H + 3H
  const perDirection = (inputs: number) => 20 * inputs + 20 * 2 + 40 + 10 + 15;
  assert.equal(model.layout.size, 2 * perDirection(3) + 2 * perDirection(4) + 4 * 4 + 4);
});

test("an LSTMP model directory round-trips bit for bit, the projection and the config included", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const dir = mkdtempSync(join(tmpdir(), "tbptt-lstmp-"));
    const model = new SequenceModel({ ...blstmp, gradient: "truncated-1997" }, createPlainBackend(dtype));
    initializeModel(model, new Rng(9), { scheme: "pytorch" });
    saveModelDir(dir, model, { task: "sequences", classes: null });
    const { model: back } = loadModelDir(dir, createPlainBackend(dtype));
    assert.deepEqual(back.config, model.config);
    assert.equal(back.config.projSize, 2);
    assert.equal(back.config.gradient, "truncated-1997");
    assert.ok(Buffer.from(back.params.buffer).equals(Buffer.from(model.params.buffer)), dtype);
  }
});

test("the carried state is r (P) and c (H) per stream and direction, and survives save/load", () => {
  const model = new SequenceModel({ ...blstmp, bidirectional: false }, createPlainBackend("float64"));
  model.configure(4, 3, 1);
  assert.equal(model.stateSize(), 2 * 3 * (2 + 5));
  const state = Float64Array.from({ length: model.stateSize() }, (_, i) => i + 1);
  model.loadState(state);
  assert.deepEqual(Array.from(model.saveState()), Array.from(state));
});

test("orthogonal init gives each (H, P) gate block of W_hh orthonormal columns", () => {
  const model = new SequenceModel(
    { ...blstmp, layers: 1, bidirectional: false },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(3), { scheme: "xavier", orthogonal: true });
  const whh = model.layout.get("rnn.weight_hh_l0");
  const [H, P] = [5, 2];
  for (let block = 0; block < 4; block++) {
    const at = (r: number, c: number) => model.params[whh.offset + block * H * P + r * P + c] as number;
    for (let a = 0; a < P; a++)
      for (let b = 0; b < P; b++) {
        let dot = 0;
        for (let r = 0; r < H; r++) dot += at(r, a) * at(r, b);
        assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12, `block ${block} columns ${a}, ${b}: ${dot}`);
      }
  }
});

test("bad projection and gradient settings are refused, naming the field", () => {
  const plain = createPlainBackend("float32");
  assert.throws(
    () => new SequenceModel({ ...blstmp, projSize: 5 }, plain),
    /model\.projSize: expected an integer with 0 ≤ projSize < hiddenSize 5/,
  );
  assert.throws(
    () => new SequenceModel({ ...blstmp, cell: "gru", peepholes: false }, plain),
    /model\.projSize: expected 0 for cell "gru"/,
  );
  assert.throws(
    () =>
      new SequenceModel(
        { ...blstmp, cell: "rnn", peepholes: false, projSize: 0, gradient: "truncated-1997" },
        plain,
      ),
    /model\.gradient: expected "full" for cell "rnn"/,
  );
  assert.throws(
    () => parseConfig({ data: { train: "x" }, model: { gradient: "truncated" } }, "c.json"),
    /c\.json: invalid configuration:\n {2}model\.gradient/,
  );
  assert.equal(parseConfig({ data: { train: "x" }, model: { projSize: 3 } }).model.projSize, 3);
});
