// Tier 2 for the output heads: the engine against the oracle (docs/schedule.md) with
// real-valued targets (mse, normalised) and with one label per sequence (at its last
// step), under random schedules, resets, layouts, streams and masks; in float64, the
// parameters after several SGD updates agree to a relative error below 1e-9.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { trainWithOracle } from "../../src/engine/oracle.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import type { CellType } from "../../src/nn/cell.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { outputConfig, scheduleDraw } from "../helpers/arbitraries.js";
import { relativeChange } from "../helpers/compare.js";

interface Case {
  cell: CellType;
  layers: number;
  bidirectional: boolean;
  hidden: number;
  inputSize: number;
  outputSize: number;
  output: OutputConfig;
  streams: number;
  lengths: number[];
  maskRate: number;
  schedule: Schedule;
  seed: number;
  maxUpdates: number;
}

function sequencesFor(c: Case, rng: Rng): ArraySequence[] {
  const mse = c.output.kind === "mse";
  return c.lengths.map((T) => {
    const labels = Array.from({ length: T }, (_, t) => {
      if (c.output.per === "sequence" && t !== T - 1) return -1;
      if (rng.next() < c.maskRate) return -1;
      return mse ? 0 : rng.int(c.outputSize);
    });
    return new ArraySequence(
      Array.from({ length: T * c.inputSize }, () => rng.uniform(-1, 1)),
      labels,
      c.inputSize,
      mse ? Array.from({ length: T * c.outputSize }, () => rng.uniform(-2, 4)) : null,
    );
  });
}

/** A float64 model initialised from the case's seed, and its sequences (the same for equal seeds). */
function build(c: Case) {
  const model = new SequenceModel(
    {
      cell: c.cell,
      inputSize: c.inputSize,
      hiddenSize: c.hidden,
      layers: c.layers,
      bidirectional: c.bidirectional,
      peepholes: false,
      outputSize: c.outputSize,
      output: c.output,
    },
    createPlainBackend("float64"),
  );
  const rng = new Rng(c.seed);
  initializeModel(model, rng, { scheme: "uniform", range: 0.4 });
  return { model, sequences: sequencesFor(c, rng), initial: Float64Array.from(model.params) };
}

/** Plain SGD through the engine; returns the number of updates. */
function trainWithEngine(c: Case, model: SequenceModel, sequences: ArraySequence[], learningRate: number) {
  let updates = 0;
  new Engine(model, c.schedule, c.streams).run(sequences, (grads) => {
    for (let i = 0; i < model.params.length; i++) model.params[i] -= learningRate * (grads[i] as number);
    updates++;
    return updates < c.maxUpdates;
  });
  return updates;
}

function compare(c: Case, learningRate = 0.2) {
  const engineRun = build(c);
  const oracleRun = build(c);
  const updates = trainWithEngine(c, engineRun.model, engineRun.sequences, learningRate);
  const oracleUpdates = trainWithOracle(oracleRun.model, c.schedule, c.streams, oracleRun.sequences, {
    learningRate,
    maxUpdates: c.maxUpdates,
  });
  const { initial } = engineRun;
  return {
    relative: relativeChange(initial, engineRun.model.params, oracleRun.model.params),
    moved: relativeChange(initial, oracleRun.model.params, initial),
    updates,
    oracleUpdates,
  };
}

const mse: OutputConfig = { kind: "mse", per: "frame", normalisation: { mean: [1, -0.5], std: [2, 0.7] } };

const base: Case = {
  cell: "lstm",
  layers: 1,
  bidirectional: false,
  hidden: 3,
  inputSize: 2,
  outputSize: 2,
  output: mse,
  streams: 1,
  lengths: [12],
  maskRate: 0,
  schedule: makeSchedule({}),
  seed: 4,
  maxUpdates: 1000,
};

const named: [string, Partial<Case>][] = [
  ["mse, frame-wise (k1 = 1, k2 = ∞)", { lengths: [9, 5], schedule: makeSchedule({ k1: 1, k2: Infinity }) }],
  [
    "mse, chunks of 4 over 2 streams",
    { streams: 2, lengths: [9, 5, 7], schedule: makeSchedule({ k1: 4, k2: 4 }) },
  ],
  [
    "mse, per-loss k1 = 6, k2 = 3, packed with resets every 5",
    {
      streams: 2,
      lengths: [9, 4, 11],
      maskRate: 0.2,
      schedule: makeSchedule({ k1: 6, k2: 3, truncation: "per-loss", layout: "packed", reset: { every: 5 } }),
    },
  ],
  ["mse, bidirectional, sentence-wise", { bidirectional: true, streams: 2, lengths: [6, 3, 5] }],
  [
    "one label per sequence, per-loss k1 = ∞, k2 = 4 (the label's gradient reaches 4 steps back)",
    {
      output: { kind: "softmax", per: "sequence" },
      outputSize: 3,
      streams: 2,
      lengths: [9, 3, 7, 12],
      schedule: makeSchedule({ k1: Infinity, k2: 4, truncation: "per-loss" }),
    },
  ],
  [
    "one label per sequence, windows k1 = k2 = 5",
    {
      output: { kind: "softmax", per: "sequence" },
      outputSize: 3,
      lengths: [9, 3, 7],
      schedule: makeSchedule({ k1: 5, k2: 5 }),
    },
  ],
  [
    "one label per sequence, bidirectional (h_n readout), 2 layers",
    {
      output: { kind: "softmax", per: "sequence" },
      outputSize: 3,
      bidirectional: true,
      layers: 2,
      streams: 3,
      lengths: [6, 2, 5, 4],
    },
  ],
  [
    "one mse target per sequence, bidirectional gru",
    { output: { ...mse, per: "sequence" }, cell: "gru", bidirectional: true, streams: 2, lengths: [4, 7, 2] },
  ],
];

for (const [name, over] of named) {
  test(`the engine matches the oracle: ${name}`, () => {
    const r = compare({ ...base, ...over });
    assert.equal(r.updates, r.oracleUpdates);
    assert.ok(r.moved > 1e-3, "the parameters moved");
    assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
  });
}

test("the engine matches the oracle for both heads on 120 random schedules, resets, layouts and masks", () => {
  fc.assert(
    fc.property(
      fc.record({
        cell: fc.constantFrom<CellType>("lstm", "gru", "rnn"),
        layers: fc.integer({ min: 1, max: 2 }),
        hidden: fc.integer({ min: 1, max: 3 }),
        inputSize: fc.integer({ min: 1, max: 3 }),
        outputSize: fc.integer({ min: 2, max: 3 }),
        kind: fc.constantFrom<"softmax" | "mse">("softmax", "mse"),
        per: fc.constantFrom<"frame" | "sequence">("frame", "sequence"),
        streams: fc.integer({ min: 1, max: 3 }),
        lengths: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        maskRate: fc.constantFrom(0, 0.3),
        schedule: scheduleDraw(6, 7),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
        maxUpdates: fc.integer({ min: 1, max: 8 }),
      }),
      (r) => {
        const output = outputConfig(r.kind, r.per, r.outputSize);
        const result = compare({ ...r, bidirectional: false, output });
        return result.updates === result.oracleUpdates && result.relative < 1e-9;
      },
    ),
    { numRuns: 120, seed: 77 },
  );
});

test("the comparison is sharp: an mse engine run with k2 = 3 does not match an oracle with k2 = 5", () => {
  const c: Case = { ...base, lengths: [20], schedule: makeSchedule({ k1: 2, k2: 3 }) };
  const engineRun = build(c);
  const oracleRun = build(c);
  trainWithEngine(c, engineRun.model, engineRun.sequences, 0.2);
  trainWithOracle(oracleRun.model, makeSchedule({ k1: 2, k2: 5 }), 1, oracleRun.sequences, {
    learningRate: 0.2,
  });
  assert.ok(relativeChange(engineRun.initial, engineRun.model.params, oracleRun.model.params) > 1e-4);
});

test("an mse model refuses sequences without real-valued targets, naming the sequence", () => {
  const { model } = build(base);
  const plain = new ArraySequence([0, 0, 0, 0], [0, 0], 2);
  const withTargets = new ArraySequence([0, 0, 0, 0], [0, 0], 2, [1, 2, 3, 4]);
  const engine = new Engine(model, makeSchedule({}), 1);
  assert.throws(
    () => engine.run([withTargets, plain], () => true),
    /sequence 1: the model's "mse" output needs 2 real-valued targets per step, the sequence has 0/,
  );
  assert.throws(
    () => trainWithOracle(model, makeSchedule({}), 1, [plain], { learningRate: 0.1 }),
    /sequence 0: the model's "mse" output needs 2/,
  );
});
