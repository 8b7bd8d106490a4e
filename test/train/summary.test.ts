// The model summary's memory figure against what a real run allocates: a Trainer run on a
// backend that counts its allocations (the engine sizes the tape, the optimizer its
// state) must allocate exactly the summary's total; and the parameter table is the
// model's layout.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Backend } from "../../src/core/backend.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { describeArchitecture, formatBytes, modelSummary, renderSummary } from "../../src/train/summary.js";
import { Trainer } from "../../src/train/trainer.js";

function sequences(count: number, rng: Rng, inputSize: number): ArraySequence[] {
  return Array.from({ length: count }, () => {
    const T = 5 + rng.int(20);
    const x = Float32Array.from({ length: T * inputSize }, () => rng.uniform(-1, 1));
    const y = Int32Array.from({ length: T }, () => rng.int(3));
    return new ArraySequence(x, y, inputSize);
  });
}

const cases: [string, Partial<ModelConfig>, Record<string, unknown>][] = [
  ["lstm, window", { cell: "lstm", peepholes: true }, { k1: 5, k2: 8 }],
  ["gru, 2 layers, per-loss lanes", { cell: "gru", layers: 2 }, { k1: 6, k2: 3, truncation: "per-loss" }],
  ["rnn, whole sequences", { cell: "rnn" }, {}],
  ["bidirectional lstm", { cell: "lstm", bidirectional: true }, {}],
];

for (const [name, model, sched] of cases) {
  test(`summary memory equals a real run's allocations: ${name}`, async () => {
    const architecture: ModelConfig = {
      cell: "lstm",
      inputSize: 4,
      hiddenSize: 7,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 3,
      ...model,
    } as ModelConfig;
    const rng = new Rng(3);
    const train = sequences(9, rng, 4);
    const schedule = makeSchedule(sched);
    const streams = 3;
    const summary = modelSummary(architecture, {
      schedule,
      streams,
      lengths: train.map((s) => s.length),
      optimizer: { type: "adam", lr: 0.01 },
    });
    // A real run on a backend that counts what it allocates.
    const plain = createPlainBackend("float32");
    let allocated = 0;
    const counting: Backend = {
      ...plain,
      alloc(n: number) {
        allocated += n;
        return plain.alloc(n);
      },
    };
    const net = new SequenceModel(architecture, counting);
    initializeModel(net, new Rng(1));
    const trainer = new Trainer(net, train, null, {
      schedule,
      streams,
      optimizer: { type: "adam", lr: 0.01 },
      epochs: 1,
      shuffle: false,
      seed: 1,
    });
    await trainer.run();
    assert.equal(
      summary.totalBytes,
      allocated * 4,
      `summary ${summary.totalBytes} B, the run ${allocated * 4} B`,
    );
    assert.equal(summary.parameters, net.layout.size);
    assert.deepEqual(
      summary.tensors.map((t) => t.name),
      net.layout.entries.map((e) => e.name),
    );
    assert.ok(summary.bytesPerStream > 0);
    const text = renderSummary(summary, { tensors: true }).join("\n");
    assert.ok(text.includes(summary.parameters.toLocaleString("en-US")));
    assert.ok(text.includes(describeArchitecture(architecture)));
  });
}

test("formatBytes", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1.5 KB");
  assert.equal(formatBytes(3 * 1024 ** 2), "3.00 MB");
});
