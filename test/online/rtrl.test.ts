// RTRL (Williams & Zipser 1989) against the TBPTT engine: with the parameters held fixed,
// the gradient RTRL accumulates forward in time over an update's steps is the gradient the
// engine back-propagates with k2 = ∞ — for frame-wise training (k1 = 1) one update per
// step — to a relative error below 1e-9 in float64. A third, independent check of that
// mode beside the oracle and finite differences: it shares no backward code with either.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { Rng } from "../../src/core/random.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import type { CellType } from "../../src/nn/cell.js";
import { outputConfig, resetPolicy, stepCount } from "../helpers/arbitraries.js";
import {
  engineAndRtrl,
  gradientsOf,
  lastLabelOnly,
  makeModel,
  type NetCase,
  randomSequences,
  worstRelative,
} from "./helpers.js";

const frameWise = makeSchedule({ k1: 1, k2: "Infinity" });

const cases: [string, NetCase][] = [
  ["tanh RNN", { cell: "rnn", layers: 1, hidden: 4, inputSize: 3, classes: 3, seed: 1 }],
  [
    "sigmoid RNN (Elman)",
    { cell: "rnn", nonlinearity: "sigmoid", layers: 1, hidden: 4, inputSize: 3, classes: 3, seed: 2 },
  ],
  ["LSTM", { cell: "lstm", layers: 1, hidden: 4, inputSize: 3, classes: 3, seed: 3 }],
  [
    "LSTM with peepholes",
    { cell: "lstm", peepholes: true, layers: 1, hidden: 3, inputSize: 2, classes: 4, seed: 4 },
  ],
  [
    "LSTMP with peepholes",
    { cell: "lstm", peepholes: true, projSize: 2, layers: 1, hidden: 4, inputSize: 2, classes: 3, seed: 5 },
  ],
  ["GRU", { cell: "gru", layers: 1, hidden: 4, inputSize: 3, classes: 3, seed: 6 }],
  ["2-layer tanh RNN", { cell: "rnn", layers: 2, hidden: 3, inputSize: 2, classes: 3, seed: 7 }],
  ["2-layer LSTM", { cell: "lstm", layers: 2, hidden: 3, inputSize: 2, classes: 3, seed: 8 }],
  ["3-layer GRU", { cell: "gru", layers: 3, hidden: 3, inputSize: 2, classes: 2, seed: 9 }],
];

for (const [name, net] of cases) {
  test(`${name}: RTRL equals frame-wise TBPTT (k1 = 1, k2 = ∞) at every update`, () => {
    const model = makeModel(net);
    const sequences = randomSequences(new Rng(net.seed + 100), [7, 4, 6], net.inputSize, net.classes, 0.2);
    const { reference, rtrl } = engineAndRtrl(model, frameWise, 2, sequences);
    assert.equal(rtrl.grads.length, 13, "one update per tick: sequences 7 and 4 side by side, then 6");
    assert.deepEqual(rtrl.losses, reference.losses);
    const worst = worstRelative(rtrl.grads, reference.grads);
    assert.ok(worst < 1e-9, `worst relative error ${worst}`);
  });
}

test("control: the check sees a truncated gradient (the engine with k2 = 2 differs from RTRL)", () => {
  const net: NetCase = { cell: "lstm", layers: 1, hidden: 4, inputSize: 3, classes: 3, seed: 3 };
  const model = makeModel(net);
  const sequences = randomSequences(new Rng(103), [7, 4, 6], net.inputSize, net.classes, 0.2);
  const { rtrl } = engineAndRtrl(model, frameWise, 2, sequences);
  const truncated = gradientsOf(new Engine(model, makeSchedule({ k1: 1, k2: 2 }), 2), sequences);
  assert.ok(worstRelative(rtrl.grads, truncated.grads) > 1e-3);
});

test("250 random draws: cell, stack, sizes, k1, resets, layout, flush, reduction, streams, masks and heads", () => {
  fc.assert(
    fc.property(
      fc.record({
        cell: fc.constantFrom<CellType>("rnn", "lstm", "gru"),
        sigmoid: fc.boolean(),
        peepholes: fc.boolean(),
        proj: fc.boolean(),
        layers: fc.integer({ min: 1, max: 2 }),
        hidden: fc.integer({ min: 2, max: 4 }),
        inputSize: fc.integer({ min: 1, max: 3 }),
        classes: fc.integer({ min: 2, max: 3 }),
        kind: fc.constantFrom<"softmax" | "mse">("softmax", "mse"),
        per: fc.constantFrom<"frame" | "sequence">("frame", "frame", "sequence"),
        k1: stepCount(5),
        reset: resetPolicy(4),
        flush: fc.boolean(),
        reduction: fc.constantFrom<"sum" | "mean">("sum", "mean"),
        layout: fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
        streams: fc.integer({ min: 1, max: 3 }),
        lengths: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        maskRate: fc.constantFrom(0, 0.3),
        seed: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      (r) => {
        const net: NetCase = {
          cell: r.cell,
          nonlinearity: r.cell === "rnn" && r.sigmoid ? "sigmoid" : undefined,
          peepholes: r.cell === "lstm" && r.peepholes,
          projSize: r.cell === "lstm" && r.proj && r.hidden > 2 ? r.hidden - 1 : 0,
          layers: r.layers,
          hidden: r.hidden,
          inputSize: r.inputSize,
          classes: r.classes,
          output: outputConfig(r.kind, r.per, r.classes),
          seed: r.seed,
        };
        const model = makeModel(net);
        const schedule = makeSchedule({
          k1: r.k1,
          reset: r.reset,
          flush: r.flush,
          reduction: r.reduction,
          layout: r.layout,
        });
        const rng = new Rng(r.seed + 1);
        const targets = r.kind === "mse" ? r.classes : 0;
        const sequences = randomSequences(rng, r.lengths, r.inputSize, r.classes, r.maskRate, targets).map(
          (s) => (r.per === "sequence" ? lastLabelOnly(s) : s),
        );
        const { reference, rtrl } = engineAndRtrl(model, schedule, r.streams, sequences);
        assert.deepEqual(
          rtrl.losses.map((x) => x.toPrecision(12)),
          reference.losses.map((x) => x.toPrecision(12)),
        );
        const worst = worstRelative(rtrl.grads, reference.grads);
        assert.ok(worst < 1e-9, `worst relative error ${worst}`);
      },
    ),
    { numRuns: 250, seed: 13 },
  );
});
