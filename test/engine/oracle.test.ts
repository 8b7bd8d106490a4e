// Tier 2 of the gradient tests (STYLE.md): the engine against the oracle written
// straight from the contract (docs/schedule.md). Parameters after several SGD updates must agree
// in float64 to a relative error below 1e-9. With `symbols` the inputs are one-hot, given as
// symbols: the engine reads them as a lookup of W_ih, the oracle as dense rows (writeInput).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine, type SequenceLike } from "../../src/engine/engine.js";
import { trainWithOracle } from "../../src/engine/oracle.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { SymbolSequence } from "../../src/engine/symbol-sequence.js";
import type { CellType, GradientMode } from "../../src/nn/cell.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { orderSteps, resetPolicy, stepCount } from "../helpers/arbitraries.js";
import { relativeChange } from "../helpers/compare.js";

interface Case {
  cell: CellType;
  peepholes: boolean;
  projSize: number;
  gradient: GradientMode;
  layers: number;
  bidirectional: boolean;
  hidden: number;
  inputSize: number;
  classes: number;
  streams: number;
  lengths: number[];
  maskRate: number;
  schedule: Schedule;
  seed: number;
  maxUpdates: number;
  /** One-hot inputs given as symbols (−1 now and then: an all-zero input). */
  symbols?: boolean;
}

function build(c: Case) {
  const make = () =>
    new SequenceModel(
      {
        cell: c.cell,
        inputSize: c.inputSize,
        hiddenSize: c.hidden,
        layers: c.layers,
        bidirectional: c.bidirectional,
        peepholes: c.peepholes,
        projSize: c.projSize,
        gradient: c.gradient,
        outputSize: c.classes,
      },
      createPlainBackend("float64"),
    );
  const engineModel = make();
  const oracleModel = make();
  const rng = new Rng(c.seed);
  initializeModel(engineModel, rng, { scheme: "uniform", range: 0.4 });
  oracleModel.params.set(engineModel.params);
  const labels = (T: number) =>
    Array.from({ length: T }, () => (rng.next() < c.maskRate ? -1 : rng.int(c.classes)));
  const sequences: SequenceLike[] = c.lengths.map((T) =>
    c.symbols
      ? new SymbolSequence(
          Array.from({ length: T }, () => rng.int(c.inputSize + 1) - 1),
          labels(T),
          c.inputSize,
        )
      : new ArraySequence(
          Array.from({ length: T * c.inputSize }, () => rng.uniform(-1, 1)),
          labels(T),
          c.inputSize,
        ),
  );
  return { engineModel, oracleModel, sequences };
}

/** ‖Δ_engine − Δ_oracle‖ / ‖Δ_oracle‖ over the parameter changes, and the number of updates. */
function compare(c: Case, learningRate = 0.2): { relative: number; updates: number; oracleUpdates: number } {
  const { engineModel, oracleModel, sequences } = build(c);
  const kind = c.symbols ? "index" : "dense";
  const initial = Float64Array.from(engineModel.params);
  const engine = new Engine(engineModel, c.schedule, c.streams);
  let updates = 0;
  const sgd = (grads: ArrayLike<number>) => {
    for (let i = 0; i < engineModel.params.length; i++)
      engineModel.params[i] -= learningRate * (grads[i] as number);
  };
  engine.run(
    sequences,
    (grads) => {
      sgd(grads);
      updates++;
      return updates < c.maxUpdates;
    },
    { onOutputStep: sgd }, // outputUpdate "step": the output layer's gradient of each step
  );
  // the engine read symbols as a lookup (or dense rows), the oracle dense rows
  assert.equal(engineModel.inputKind, kind);
  const oracleUpdates = trainWithOracle(oracleModel, c.schedule, c.streams, sequences, {
    learningRate,
    maxUpdates: c.maxUpdates,
  });
  assert.equal(oracleModel.inputKind, "dense");
  return {
    relative: relativeChange(initial, engineModel.params, oracleModel.params),
    updates,
    oracleUpdates,
  };
}

const base: Case = {
  cell: "lstm",
  peepholes: false,
  projSize: 0,
  gradient: "full",
  layers: 1,
  bidirectional: false,
  hidden: 3,
  inputSize: 2,
  classes: 3,
  streams: 1,
  lengths: [12],
  maskRate: 0,
  schedule: makeSchedule({}),
  seed: 3,
  maxUpdates: 1000,
};

test("seed case: frame-wise (k1 = 1, k2 = Infinity) matches the oracle, one update per frame", () => {
  const c = { ...base, lengths: [9, 5], schedule: makeSchedule({ k1: 1, k2: Number.POSITIVE_INFINITY }) };
  const r = compare(c);
  assert.equal(r.updates, 14);
  assert.equal(r.oracleUpdates, 14);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("seed case: sentence-wise (k1 = k2 = Infinity) matches the oracle, one update per sentence", () => {
  const c = { ...base, lengths: [9, 5, 7], schedule: makeSchedule({}) };
  const r = compare(c);
  assert.equal(r.updates, 3);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("Mikolov's per-loss setting (k1 = 10, k2 = 5) matches the oracle", () => {
  const c = { ...base, lengths: [37], schedule: makeSchedule({ k1: 10, k2: 5, truncation: "per-loss" }) };
  const r = compare(c);
  assert.equal(r.updates, 4);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("rnnlm's rule (window k1 = 4, k2 = 7, output layer updated every step) matches the oracle on two masked streams", () => {
  const c = {
    ...base,
    cell: "rnn" as const,
    streams: 2,
    lengths: [13, 6, 9],
    maskRate: 0.25,
    schedule: makeSchedule({ k1: 4, k2: 7, reset: "never", layout: "packed", outputUpdate: "step" }),
  };
  const r = compare(c);
  assert.equal(r.updates, 4);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
  // Sharp: an oracle that moves the output layer only at the updates disagrees.
  const { engineModel, oracleModel, sequences } = build(c);
  const initial = Float64Array.from(engineModel.params);
  const sgd = (grads: ArrayLike<number>) => {
    for (let i = 0; i < grads.length; i++) engineModel.params[i] -= 0.2 * (grads[i] as number);
  };
  new Engine(engineModel, c.schedule, 2).run(
    sequences,
    (g) => {
      sgd(g);
      return true;
    },
    { onOutputStep: sgd },
  );
  const perUpdate = makeSchedule({ ...c.schedule, outputUpdate: "k1" });
  trainWithOracle(oracleModel, perUpdate, 2, sequences, { learningRate: 0.2 });
  assert.ok(relativeChange(initial, engineModel.params, oracleModel.params) > 1e-3);
});

test("overlapping windows (k1 = 3, k2 = 7) over packed streams with resets every 5 match the oracle", () => {
  const c = {
    ...base,
    streams: 2,
    lengths: [9, 4, 11, 6],
    maskRate: 0.2,
    schedule: makeSchedule({ k1: 3, k2: 7, layout: "packed", reset: { every: 5 } }),
  };
  const r = compare(c);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("a bidirectional LSTM trains sentence-wise, matching the oracle", () => {
  const c = { ...base, bidirectional: true, streams: 2, lengths: [6, 3, 5], maskRate: 0.2 };
  const r = compare(c);
  assert.equal(r.updates, 2);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("LSTMP (2 layers, peepholes) with per-loss lanes over packed streams matches the oracle", () => {
  const c: Case = {
    ...base,
    hidden: 4,
    projSize: 2,
    peepholes: true,
    layers: 2,
    streams: 2,
    lengths: [9, 4, 11, 6],
    maskRate: 0.2,
    schedule: makeSchedule({ k1: 4, k2: 3, truncation: "per-loss", layout: "packed" }),
  };
  const r = compare(c);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("a bidirectional LSTMP trains sentence-wise, matching the oracle", () => {
  const c: Case = { ...base, hidden: 3, projSize: 2, bidirectional: true, streams: 2, lengths: [6, 3, 5] };
  const r = compare(c);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("the 1997 truncated gradient composes with TBPTT: windows and per-loss lanes match the oracle", () => {
  for (const schedule of [
    makeSchedule({ k1: 3, k2: 7, layout: "packed", reset: { every: 5 } }),
    makeSchedule({ k1: 5, k2: 2, truncation: "per-loss" }),
  ]) {
    const c: Case = {
      ...base,
      gradient: "truncated-1997",
      peepholes: true,
      projSize: 2,
      layers: 2,
      streams: 2,
      lengths: [9, 4, 11, 6],
      maskRate: 0.2,
      schedule,
    };
    const r = compare(c);
    assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
  }
});

const steps = stepCount(6);

const randomCase: fc.Arbitrary<Case> = fc
  .record({
    cell: fc.constantFrom<CellType>("lstm", "gru", "rnn"),
    peepholes: fc.boolean(),
    projSize: fc.integer({ min: 0, max: 2 }),
    truncated1997: fc.boolean(),
    layers: fc.integer({ min: 1, max: 2 }),
    hidden: fc.integer({ min: 1, max: 3 }),
    inputSize: fc.integer({ min: 1, max: 3 }),
    classes: fc.integer({ min: 2, max: 3 }),
    streams: fc.integer({ min: 1, max: 3 }),
    lengths: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
    maskRate: fc.constantFrom(0, 0.3),
    k1: steps,
    k2: steps,
    truncation: fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
    reset: resetPolicy(7),
    flush: fc.boolean(),
    reduction: fc.constantFrom<"sum" | "mean">("sum", "mean"),
    layout: fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
    outputUpdate: fc.constantFrom<"k1" | "step">("k1", "step"),
    seed: fc.integer({ min: 1, max: 1 << 30 }),
    maxUpdates: fc.integer({ min: 1, max: 8 }),
    symbols: fc.boolean(),
  })
  .map((r) => {
    // window truncation needs k2 ≥ k1: swap rather than discard the draw
    const [k1, k2] = orderSteps(r.truncation, r.k1, r.k2);
    const lstm = r.cell === "lstm";
    return {
      cell: r.cell,
      peepholes: r.peepholes && lstm,
      // a projection needs 0 < P < H: a drawn P ≥ H means none
      projSize: lstm && r.projSize < r.hidden ? r.projSize : 0,
      gradient: lstm && r.truncated1997 ? "truncated-1997" : "full",
      layers: r.layers,
      bidirectional: false,
      hidden: r.hidden,
      inputSize: r.inputSize,
      classes: r.classes,
      streams: r.streams,
      lengths: r.lengths,
      maskRate: r.maskRate,
      schedule: makeSchedule({
        k1,
        k2,
        truncation: r.truncation,
        reset: r.reset,
        flush: r.flush,
        reduction: r.reduction,
        layout: r.layout,
        outputUpdate: r.outputUpdate,
      }),
      seed: r.seed,
      maxUpdates: r.maxUpdates,
      symbols: r.symbols,
    };
  });

test("one-hot inputs as symbols (a lookup of W_ih) match the oracle's dense rows: every cell, LSTMP with peepholes, per-loss lanes, masks", () => {
  const perLoss = makeSchedule({ k1: 4, k2: 3, truncation: "per-loss", layout: "packed" });
  const window = makeSchedule({ k1: 3, k2: 7, layout: "packed", reset: { every: 5 } });
  for (const c of [
    { cell: "lstm" as const, schedule: window },
    { cell: "gru" as const, schedule: perLoss },
    { cell: "rnn" as const, schedule: window },
    { cell: "lstm" as const, hidden: 4, projSize: 2, peepholes: true, layers: 2, schedule: perLoss },
  ]) {
    const r = compare({
      ...base,
      inputSize: 5,
      streams: 2,
      lengths: [9, 4, 11, 6],
      maskRate: 0.2,
      symbols: true,
      ...c,
    });
    assert.ok(r.relative < 1e-9, `${c.cell}: relative error ${r.relative}`);
  }
});

test("a bidirectional LSTMP layer over symbols trains sentence-wise, matching the oracle", () => {
  const c: Case = {
    ...base,
    inputSize: 4,
    hidden: 3,
    projSize: 2,
    bidirectional: true,
    streams: 2,
    lengths: [6, 3, 5],
    maskRate: 0.2,
    symbols: true,
  };
  const r = compare(c);
  assert.equal(r.updates, 2);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("rnnlm's rule (outputUpdate step) over symbols matches the oracle, with sum and mean reductions", () => {
  for (const reduction of ["sum", "mean"] as const) {
    const c: Case = {
      ...base,
      cell: "rnn",
      inputSize: 6,
      streams: 2,
      lengths: [13, 6, 9],
      maskRate: 0.25,
      symbols: true,
      schedule: makeSchedule({
        k1: 4,
        k2: 7,
        reset: "never",
        layout: "packed",
        outputUpdate: "step",
        reduction,
      }),
    };
    const r = compare(c);
    assert.ok(r.relative < 1e-9, `${reduction}: relative error ${r.relative}`);
  }
});

test("the engine matches the oracle on 250 random cells, sizes, schedules, resets, layouts, streams, masks and input kinds", () => {
  fc.assert(
    fc.property(randomCase, (c) => {
      const r = compare(c);
      return r.updates === r.oracleUpdates && r.relative < 1e-9;
    }),
    { numRuns: 250, seed: 2026 },
  );
});

test("the comparison is sharp: an engine run with k2 = 3 does not match an oracle with k2 = 5", () => {
  const c: Case = { ...base, lengths: [20], schedule: makeSchedule({ k1: 2, k2: 3 }) };
  const { engineModel, oracleModel, sequences } = build(c);
  const initial = Float64Array.from(engineModel.params);
  new Engine(engineModel, c.schedule, 1).run(sequences, (grads) => {
    for (let i = 0; i < grads.length; i++) engineModel.params[i] -= 0.2 * (grads[i] as number);
    return true;
  });
  trainWithOracle(oracleModel, makeSchedule({ k1: 2, k2: 5 }), 1, sequences, { learningRate: 0.2 });
  assert.ok(relativeChange(initial, engineModel.params, oracleModel.params) > 1e-4);
});
