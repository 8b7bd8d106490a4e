// Tier 3 of the gradient tests (STYLE.md): PyTorch 1.13 computed these losses and
// gradients (scripts/fixtures/make_torch_fixtures.py, committed outputs in
// test/fixtures/torch); the same weights, loaded by name without conversion, must give
// the same numbers here. Numbers labelled "PyTorch" below come from those files.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { readSafetensorsFileSync } from "../../src/io/atomic-write.js";
import type { DecodedTensor } from "../../src/io/safetensors-types.js";
import type { CellType } from "../../src/nn/cell.js";
import { SequenceModel } from "../../src/nn/model.js";
import { sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { loadParameterTensors } from "../../src/nn/weights.js";
import { streamsOf } from "../helpers/time-major.js";

const dir = join(import.meta.dirname, "..", "fixtures", "torch");

function shapeOf(t: DecodedTensor | undefined, name: string): number[] {
  if (!t) throw new Error(`fixture lacks ${name}`);
  return t.shape;
}

for (const file of readdirSync(dir).filter((f) => f.endsWith(".safetensors"))) {
  test(`PyTorch fixture ${file}: same loss and every gradient`, () => {
    const { tensors } = readSafetensorsFileSync(join(dir, file));
    const cell: CellType = file.startsWith("lstm") ? "lstm" : file.startsWith("gru") ? "gru" : "rnn"; // lstmp_* too
    const [T, B, I] = shapeOf(tensors.get("input.x"), "input.x") as [number, number, number];
    const [C] = shapeOf(tensors.get("out.bias"), "out.bias") as [number];
    const names = [...tensors.keys()];
    const layers = names.filter((n) => /^rnn\.weight_ih_l\d+$/.test(n)).length;
    const bidirectional = names.some((n) => n.endsWith("_reverse"));
    const gates = cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
    const H = (shapeOf(tensors.get("rnn.weight_hh_l0"), "weight_hh")[0] as number) / gates;
    // LSTMP (proj_size): weight_hr_l0 is (P, H)
    const projSize = tensors.has("rnn.weight_hr_l0")
      ? (shapeOf(tensors.get("rnn.weight_hr_l0"), "weight_hr")[0] as number)
      : 0;
    const model = new SequenceModel(
      { cell, inputSize: I, hiddenSize: H, projSize, layers, bidirectional, peepholes: false, outputSize: C },
      createPlainBackend("float64"),
    );
    loadParameterTensors(model, tensors, file, ["input.", "output.", "grad."]);
    const x = (tensors.get("input.x") as DecodedTensor).data as Float64Array;
    const yTensor = tensors.get("input.y") as DecodedTensor;
    const y = Array.from(yTensor.data as ArrayLike<number | bigint>, Number);
    // time-major (T, B, ·) to per-stream sequences
    const inputs = streamsOf(x, T, B, I);
    const labels = Array.from({ length: B }, (_, b) =>
      Array.from({ length: T }, (_, t) => y[t * B + b] as number),
    );
    model.zeroGrads();
    const loss = sequenceLossAndGradient(model, { inputs, labels });
    const torchLoss = ((tensors.get("output.loss") as DecodedTensor).data as Float64Array)[0] as number; // PyTorch
    assert.ok(
      Math.abs(loss - torchLoss) < 1e-10 * Math.abs(torchLoss),
      `loss ${loss} vs PyTorch ${torchLoss}`,
    );
    for (const e of model.layout.entries) {
      const torchGrad = (tensors.get(`grad.${e.name}`) as DecodedTensor).data as Float64Array; // PyTorch
      let worst = 0;
      for (let i = 0; i < e.size; i++) {
        const a = model.grads[e.offset + i] as number;
        const g = torchGrad[i] as number;
        worst = Math.max(worst, Math.abs(a - g) / Math.max(1e-8, Math.abs(g)));
      }
      assert.ok(worst < 1e-9, `${file}: ${e.name} relative error ${worst}`);
    }
  });
}
