// Tier 3 for the output heads: what a PyTorch user writes for sequence classification
// from h_n and for squared error on normalised real-valued targets, computed by
// PyTorch 1.13 (scripts/fixtures/make_torch_head_fixtures.py, outputs committed in
// test/fixtures/torch-heads); tbptt's model.output with the same weights must give the
// same loss and every gradient. Numbers read from those files are PyTorch's.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { readSafetensorsFileSync } from "../../src/io/atomic-write.js";
import type { DecodedTensor } from "../../src/io/safetensors-types.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { SequenceModel } from "../../src/nn/model.js";
import { sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { loadParameterTensors } from "../../src/nn/weights.js";
import { streamsOf } from "../helpers/time-major.js";

const dir = join(import.meta.dirname, "..", "fixtures", "torch-heads");

const files = readdirSync(dir).filter((f) => f.endsWith(".safetensors"));

test("there is a PyTorch fixture for each head and placement", () => {
  assert.equal(files.length, 4);
});

for (const file of files) {
  test(`PyTorch fixture ${file}: same loss and every gradient`, () => {
    const { tensors, metadata } = readSafetensorsFileSync(join(dir, file));
    const get = (name: string) => {
      const t = tensors.get(name);
      if (!t) throw new Error(`${file} lacks ${name}`);
      return t as DecodedTensor;
    };
    const config = JSON.parse(metadata["fixture.config"] as string);
    const [T, B, I] = get("input.x").shape as [number, number, number];
    const [values, per] = (config.head as string).split("-") as ["mse" | "softmax", "frame" | "sequence"];
    const output: OutputConfig =
      values === "mse"
        ? {
            kind: "mse",
            per,
            normalisation: {
              mean: Array.from(get("input.mean").data as Float64Array),
              std: Array.from(get("input.std").data as Float64Array),
            },
          }
        : { kind: "softmax", per };
    const C = get("out.bias").shape[0] as number;
    const model = new SequenceModel(
      {
        cell: config.cell === "LSTM" ? "lstm" : "gru",
        inputSize: I,
        hiddenSize: config.hidden_size,
        layers: config.num_layers,
        bidirectional: config.bidirectional,
        peepholes: false,
        outputSize: C,
        output,
      },
      createPlainBackend("float64"),
    );
    loadParameterTensors(model, tensors, file, ["input.", "output.", "grad."]);
    const x = get("input.x").data as Float64Array;
    const y = Array.from(get("input.y").data as ArrayLike<number | bigint>, Number);
    const inputs = streamsOf(x, T, B, I);
    // One label or target per sequence sits at its last frame; per frame, at every frame.
    const labels = Array.from({ length: B }, (_, b) =>
      Array.from({ length: T }, (_, t) => {
        if (per === "sequence" && t !== T - 1) return -1;
        return values === "mse" ? 0 : (y[b] as number);
      }),
    );
    // Values per sequence sit at each sequence's last frame (the other frames have no loss).
    const targets =
      values !== "mse"
        ? undefined
        : per === "frame"
          ? streamsOf(y, T, B, C)
          : Array.from({ length: B }, (_, b) => {
              const seq = new Float64Array(T * C);
              for (let d = 0; d < C; d++) seq[(T - 1) * C + d] = y[b * C + d] as number;
              return seq;
            });
    model.zeroGrads();
    const loss = sequenceLossAndGradient(model, { inputs, labels, targets });
    const torchLoss = (get("output.loss").data as Float64Array)[0] as number; // PyTorch
    assert.ok(
      Math.abs(loss - torchLoss) <= 1e-10 * Math.abs(torchLoss),
      `loss ${loss} vs PyTorch ${torchLoss}`,
    );
    for (const e of model.layout.entries) {
      const expected = get(`grad.${e.name}`).data as Float64Array; // PyTorch
      let diff = 0;
      let norm = 0;
      for (let i = 0; i < e.size; i++) {
        diff += ((model.grads[e.offset + i] as number) - (expected[i] as number)) ** 2;
        norm += (expected[i] as number) ** 2;
      }
      assert.ok(
        Math.sqrt(diff) <= 1e-9 * Math.max(Math.sqrt(norm), 1e-12),
        `${e.name}: relative error ${Math.sqrt(diff / norm)}`,
      );
    }
  });
}
