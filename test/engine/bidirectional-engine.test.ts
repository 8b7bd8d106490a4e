// A bidirectional model through the engine (k1 = k2 = ∞, one update per batch of whole
// sequences) must get the exact whole-sequence gradient that sequenceLossAndGradient
// computes (itself held to finite differences in test/nn). The engine marks each stream's
// window start with a stop flag; the reverse direction runs back from the sequence's end,
// and a stop applied to it cut its adjoint at the first step (found by the PyTorch
// companion's parity test, test/python). The oracle shared that path, so only an
// independent computation catches it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import type { CellType } from "../../src/nn/cell.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { sequenceLossAndGradient } from "../../src/nn/sequence.js";

const cases: [string, CellType, number, OutputConfig][] = [
  ["tanh RNN, a class per frame", "rnn", 1, { kind: "softmax", per: "frame" }],
  ["LSTM, 2 layers, a class per sequence (h_n readout)", "lstm", 2, { kind: "softmax", per: "sequence" }],
  ["GRU, real values per frame", "gru", 1, { kind: "mse", per: "frame" }],
];

for (const [name, cell, layers, output] of cases) {
  test(`bidirectional through the engine equals whole-sequence BPTT: ${name}`, () => {
    const lengths = [7, 4];
    const C = output.kind === "mse" ? 2 : 3;
    const model = new SequenceModel(
      {
        cell,
        inputSize: 2,
        hiddenSize: 3,
        layers,
        bidirectional: true,
        peepholes: false,
        outputSize: C,
        output,
      },
      createPlainBackend("float64"),
    );
    const rng = new Rng(11);
    initializeModel(model, rng, { scheme: "uniform", range: 0.5 });
    const inputs = lengths.map((T) => Array.from({ length: T * 2 }, () => rng.uniform(-1, 1)));
    const labels = lengths.map((T) =>
      Array.from({ length: T }, (_, t) =>
        output.per === "sequence" && t < T - 1 ? -1 : output.kind === "mse" ? 0 : rng.int(C),
      ),
    );
    const targets = lengths.map((T) => Array.from({ length: T * C }, () => rng.uniform(-1, 1)));
    const mse = output.kind === "mse";
    sequenceLossAndGradient(model, { inputs, labels, ...(mse ? { targets } : {}) });
    const exact = Float64Array.from(model.grads);
    const sequences = lengths.map(
      (_, b) => new ArraySequence(inputs[b]!, labels[b]!, 2, mse ? targets[b]! : null),
    );
    let engine: Float64Array | null = null;
    new Engine(model, makeSchedule({}), 2).run(sequences, (grads) => {
      engine = Float64Array.from(grads);
      return false;
    });
    assert.ok(engine);
    const got = engine as Float64Array;
    let scale = 0;
    for (const g of exact) scale = Math.max(scale, Math.abs(g));
    for (const e of model.layout.entries) {
      for (let i = e.offset; i < e.offset + e.size; i++) {
        const d = Math.abs((got[i] as number) - (exact[i] as number));
        assert.ok(d <= 1e-12 * scale, `${e.name}[${i - e.offset}]: engine ${got[i]}, exact ${exact[i]}`);
      }
    }
  });
}
