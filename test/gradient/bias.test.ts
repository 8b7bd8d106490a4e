// The truncation-bias figures of `analyseGradient` (cosine and relative error of each
// sampled update's truncated gradient against full BPTT, and the share of the summed
// weight gradient from lags ≥ k2) against the independent float64 reference in
// reference.ts, on random small models, data and schedules: every figure to 1e-9.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { analyseGradient } from "../../src/gradient/analyse.js";
import type { CellType } from "../../src/nn/cell.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { orderSteps, resetPolicy, stepCount } from "../helpers/arbitraries.js";
import { referenceBias } from "./reference.js";

interface Case {
  cell: CellType;
  peepholes: boolean;
  layers: number;
  hidden: number;
  inputSize: number;
  classes: number;
  streams: number;
  lengths: number[];
  maskRate: number;
  schedule: Schedule;
  k2s: number[];
  updates: number;
  seed: number;
}

function makeModel(c: Case): SequenceModel {
  const model = new SequenceModel(
    {
      cell: c.cell,
      inputSize: c.inputSize,
      hiddenSize: c.hidden,
      layers: c.layers,
      bidirectional: false,
      peepholes: c.peepholes,
      outputSize: c.classes,
    },
    createPlainBackend("float64"),
  );
  // Large weights, so gradients from far back are not negligible and truncation matters.
  initializeModel(model, new Rng(c.seed), { scheme: "uniform", range: 0.9 });
  return model;
}

function check(c: Case): void {
  const rng = new Rng(c.seed + 1);
  const sequences = c.lengths.map(
    (T) =>
      new ArraySequence(
        Array.from({ length: T * c.inputSize }, () => rng.uniform(-1, 1)),
        Array.from({ length: T }, () => (rng.next() < c.maskRate ? -1 : rng.int(c.classes))),
        c.inputSize,
      ),
  );
  const report = analyseGradient(makeModel(c), sequences, {
    schedule: c.schedule,
    streams: c.streams,
    k2: c.k2s,
    updates: c.updates,
    seed: c.seed,
    stateProfile: false,
  });
  const reference = referenceBias(makeModel(c), sequences, c.schedule, c.streams, c.updates, c.seed, c.k2s);
  const where = JSON.stringify({ ...c, schedule: { ...c.schedule } }, (_, v) => (v === Infinity ? "∞" : v));
  const sorted = [...new Set(c.k2s)].sort((a, b) => a - b);
  assert.deepEqual(
    report.truncation.map((r) => r.k2),
    sorted,
    where,
  );
  sorted.forEach((k2, row) => {
    const i = c.k2s.indexOf(k2);
    const mine = report.truncation[row]!;
    const theirs = { cosine: reference.cosine[i]!, relativeError: reference.relativeError[i]! };
    assert.equal(
      mine.perUpdate.cosine.length,
      theirs.cosine.length,
      `updates compared, k2 = ${k2}: ${where}`,
    );
    mine.perUpdate.cosine.forEach((v, u) => {
      assert.ok(
        Math.abs(v - theirs.cosine[u]!) <= 1e-9,
        `cosine, k2 = ${k2}, update ${u}: ${v} vs ${theirs.cosine[u]} ${where}`,
      );
    });
    mine.perUpdate.relativeError.forEach((v, u) => {
      assert.ok(
        Math.abs(v - theirs.relativeError[u]!) <= 1e-9 * Math.max(1, theirs.relativeError[u]!),
        `relative error, k2 = ${k2}, update ${u}: ${v} vs ${theirs.relativeError[u]} ${where}`,
      );
    });
    const share = report.lagProfile.weightShare[row]!;
    assert.equal(share.lag, k2);
    assert.ok(
      Math.abs(share.share - reference.share[i]!) <= 1e-9,
      `share ≥ ${k2}: ${share.share} vs ${reference.share[i]} ${where}`,
    );
    assert.ok(
      Math.abs(share.normShare - reference.normShare[i]!) <= 1e-9,
      `norm share ≥ ${k2}: ${share.normShare} vs ${reference.normShare[i]} ${where}`,
    );
  });
}

const base = {
  peepholes: false,
  layers: 1,
  hidden: 3,
  inputSize: 2,
  classes: 3,
  maskRate: 0.2,
  seed: 5,
};

test("sentence-wise updates of an LSTM (k1 = ∞): each k2 measured with per-loss truncation", () => {
  check({
    ...base,
    cell: "lstm",
    streams: 2,
    lengths: [9, 12, 7, 10, 11],
    schedule: makeSchedule({}),
    k2s: [1, 2, 3, 5, 8],
    updates: 3,
  });
});

test("chunked TBPTT(4, 4) of a GRU: window rows from k2 = 4, per-loss below", () => {
  check({
    ...base,
    cell: "gru",
    streams: 1,
    lengths: [14, 9, 11],
    schedule: makeSchedule({ k1: 4, k2: 4 }),
    k2s: [1, 2, 4, 6, 9],
    updates: 8,
  });
});

test("packed streams that never reset, mean reduction, a 2-layer tanh RNN", () => {
  check({
    ...base,
    cell: "rnn",
    layers: 2,
    streams: 2,
    lengths: [13, 6, 9, 12],
    schedule: makeSchedule({ k1: 3, k2: 5, reset: "never", layout: "packed", reduction: "mean" }),
    k2s: [1, 3, 7],
    updates: 6,
  });
});

test("Mikolov's per-loss k1 = 5, k2 = 2 on an LSTM with peepholes", () => {
  check({
    ...base,
    cell: "lstm",
    peepholes: true,
    streams: 1,
    lengths: [17, 8],
    schedule: makeSchedule({ k1: 5, k2: 2, truncation: "per-loss" }),
    k2s: [1, 2, 4, 7],
    updates: 4,
  });
});

test("random models, data and schedules: every figure matches the reference to 1e-9", () => {
  const arbitrary = fc
    .record({
      cell: fc.constantFrom<CellType>("rnn", "lstm", "gru"),
      peepholes: fc.boolean(),
      layers: fc.integer({ min: 1, max: 2 }),
      hidden: fc.integer({ min: 1, max: 4 }),
      inputSize: fc.integer({ min: 1, max: 3 }),
      classes: fc.integer({ min: 2, max: 3 }),
      streams: fc.integer({ min: 1, max: 3 }),
      lengths: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
      maskRate: fc.constantFrom(0, 0.3, 0.9),
      k1: stepCount(6),
      k2: stepCount(6),
      truncation: fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
      reset: resetPolicy(5),
      flush: fc.boolean(),
      reduction: fc.constantFrom<"sum" | "mean">("sum", "mean"),
      layout: fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
      k2s: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 3 }),
      updates: fc.integer({ min: 1, max: 8 }),
      seed: fc.integer({ min: 1, max: 1000 }),
    })
    .map((r): Case => {
      const [k1, k2] = orderSteps(r.truncation, r.k1, r.k2);
      return {
        ...r,
        peepholes: r.peepholes && r.cell === "lstm",
        k2s: [...new Set(r.k2s)],
        schedule: makeSchedule({
          k1,
          k2,
          truncation: r.truncation,
          reset: r.reset,
          flush: r.flush,
          reduction: r.reduction,
          layout: r.layout,
        }),
      };
    });
  fc.assert(
    fc.property(arbitrary, (c) => {
      // A sample whose losses are all masked has nothing to measure (analyseGradient says so).
      try {
        check(c);
      } catch (e) {
        if (/no labelled steps/.test((e as Error).message)) return;
        throw e;
      }
    }),
    { numRuns: 150, seed: 12 },
  );
});

test('rnnlm\'s outputUpdate "step" is measured as "k1": the same figures, no output-step callback needed', () => {
  const c: Case = {
    ...base,
    cell: "rnn",
    streams: 1,
    lengths: [20],
    schedule: makeSchedule({ k1: 3, k2: 5, reset: "never", layout: "packed" }),
    k2s: [1, 2, 4],
    updates: 5,
  };
  const rng = new Rng(3);
  const sequences = [
    new ArraySequence(
      Array.from({ length: 20 * c.inputSize }, () => rng.uniform(-1, 1)),
      Array.from({ length: 20 }, () => rng.int(c.classes)),
      c.inputSize,
    ),
  ];
  const measure = (outputUpdate: "k1" | "step") =>
    analyseGradient(makeModel(c), sequences, {
      schedule: makeSchedule({ ...c.schedule, outputUpdate }),
      k2: c.k2s,
      updates: c.updates,
    });
  const step = measure("step");
  assert.equal(step.schedule.outputUpdate, "k1");
  assert.deepEqual(
    step.truncation.map((r) => r.perUpdate),
    measure("k1").truncation.map((r) => r.perUpdate),
  );
});

test("the lag profile's budget: the weight shares over the sample's first sequences, as the reference gives them there", () => {
  const c: Case = {
    ...base,
    cell: "gru",
    streams: 2,
    lengths: [9, 12, 7, 10, 11, 8],
    schedule: makeSchedule({ k1: 4, k2: 4 }),
    k2s: [1, 3, 6],
    updates: 100,
  };
  const rng = new Rng(c.seed + 1);
  const sequences = c.lengths.map(
    (T) =>
      new ArraySequence(
        Array.from({ length: T * c.inputSize }, () => rng.uniform(-1, 1)),
        Array.from({ length: T }, () => rng.int(c.classes)),
        c.inputSize,
      ),
  );
  // Σ length² of the shuffled order's first sequences must stay within 250: two or three of them.
  const report = analyseGradient(makeModel(c), sequences, {
    schedule: c.schedule,
    streams: c.streams,
    k2: c.k2s,
    updates: c.updates,
    seed: c.seed,
    profileSteps: 250,
  });
  const order = sequences.map((_, i) => i);
  new Rng(c.seed).shuffle(order);
  let n = 0;
  for (let cost = 0; n < order.length; n++) {
    cost += c.lengths[order[n]!]! ** 2;
    if (n > 0 && cost > 250) break;
  }
  assert.ok(n >= 2 && n < sequences.length, `${n} sequences`);
  assert.equal(report.lagProfile.sequences, n);
  assert.equal(
    report.lagProfile.losses,
    order.slice(0, n).reduce((m, i) => m + c.lengths[i]!, 0),
  );
  const first = order.slice(0, n).map((i) => sequences[i]!);
  const reference = referenceBias(makeModel(c), first, c.schedule, 2, 1000, c.seed, c.k2s, true);
  report.lagProfile.weightShare.forEach((s, i) => {
    assert.ok(Math.abs(s.share - reference.share[i]!) <= 1e-9, `share ≥ ${s.lag}`);
    assert.ok(Math.abs(s.normShare - reference.normShare[i]!) <= 1e-9, `norm share ≥ ${s.lag}`);
  });
  // The bias rows still cover the whole sample.
  assert.equal(report.sample.sequences, sequences.length);
});
