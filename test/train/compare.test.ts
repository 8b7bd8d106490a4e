// Schedules side by side (src/train/compare.ts) in memory: the specs and budgets parse or
// fail clearly, every run starts from the same weights, the costs it reports are the
// closed forms of each schedule, the comparison reproduces from its seed, and the table
// and curves show it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import {
  budgetSettings,
  type Comparison,
  compareSchedules,
  parseBudget,
  parseEvery,
  parseScheduleSpec,
  summariseRun,
  trainerRunner,
} from "../../src/train/compare.js";
import { comparisonTable, renderComparisonSvg } from "../../src/train/render-compare.js";
import { linearTicks, logTicks, shortNumber } from "../../src/train/render-curves.js";

function data(count: number, seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 5 + rng.int(21);
    const x = Array.from({ length: T * 2 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: T }, (_, t) => ((x[2 * t] as number) + (x[2 * t - 1] ?? 0) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 2);
  });
}

const train = data(10, 1);
const valid = data(4, 2);

function runner() {
  return trainerRunner({
    makeModel: () => {
      const m = new SequenceModel(
        {
          cell: "rnn",
          inputSize: 2,
          hiddenSize: 5,
          layers: 1,
          bidirectional: false,
          peepholes: false,
          outputSize: 2,
        },
        createPlainBackend("float64"),
      );
      initializeModel(m, new Rng(3));
      return m;
    },
    train,
    valid,
    options: { streams: 1, optimizer: { type: "adam", lr: 0.01 }, shuffle: true, seed: 5 },
  });
}

const FOUR = ["1,inf", "inf,inf", "20,20", "10,30"].map(parseScheduleSpec);

test("schedule specs, budgets and cadences parse, and bad ones say what is expected", () => {
  assert.deepEqual(parseScheduleSpec("1,inf"), {
    k1: 1,
    k2: Number.POSITIVE_INFINITY,
    truncation: "window",
    label: "1,inf",
    name: "k1-1_k2-inf",
  });
  const mikolov = parseScheduleSpec("10, 5, per-loss");
  assert.equal(mikolov.label, "10,5,per-loss");
  assert.equal(mikolov.name, "k1-10_k2-5_per-loss");
  assert.equal(parseScheduleSpec("Infinity,∞").label, "inf,inf");
  assert.throws(() => parseScheduleSpec("20"), /--schedule: expected K1,K2 or K1,K2,TRUNCATION/);
  assert.throws(() => parseScheduleSpec("20,5"), /truncation "window" needs k2 ≥ k1/);
  assert.throws(() => parseScheduleSpec("0,5"), /schedule\.k1: expected an integer ≥ 1 or Infinity/);
  assert.deepEqual(parseBudget("steps=5000"), { unit: "steps", value: 5000 });
  assert.deepEqual(parseBudget("seconds=1.5"), { unit: "seconds", value: 1.5 });
  assert.throws(
    () => parseBudget("epochs=1.5"),
    /--budget: expected epochs=N, updates=N, steps=N, seconds=N/,
  );
  assert.throws(() => parseBudget("minutes=3"), /--budget: expected/);
  assert.deepEqual(parseEvery("updates=7"), { updates: 7 });
  assert.throws(() => parseEvery("epochs=1"), /--every: expected updates=N, steps=N/);
  assert.deepEqual(budgetSettings({ unit: "steps", value: 95 }), {
    validateAtStart: true,
    epochs: 1_000_000,
    maxSteps: 95,
    validateEvery: { steps: 10 },
  });
  assert.equal(budgetSettings({ unit: "epochs", value: 3 }).epochs, 3);
});

test("every run starts from the same weights, and reports each schedule's closed-form cost", async () => {
  const c = await compareSchedules({
    schedules: FOUR,
    budget: { unit: "epochs", value: 1 },
    metric: { key: "loss" },
    train: runner(),
  });
  // The first point of every curve is the initial model: the same loss, to the last bit.
  const starts = c.runs.map((r) => r.curve[0]);
  assert.ok(starts.every((p) => p?.updates === 0 && p.epochs === 0));
  assert.equal(new Set(starts.map((p) => p?.value)).size, 1);
  // One epoch over sequences of T steps, written from each schedule's definition:
  const Ts = train.map((s) => s.length);
  const sum = (f: (T: number) => number) => Ts.reduce((a, T) => a + f(T), 0);
  // Update i of 10,30 owns steps 10i … 10i + 9 and reaches 30 − 10 = 20 steps further back.
  const windows = (T: number) =>
    Array.from({ length: Math.ceil(T / 10) }, (_, i) => Math.min(10 * i + 10, T) - Math.max(0, 10 * i - 20));
  const longest = Math.max(...Ts);
  const expected = {
    "1,inf": { updates: sum((T) => T), backward: sum((T) => (T * (T + 1)) / 2), peak: longest },
    "inf,inf": { updates: Ts.length, backward: sum((T) => T), peak: longest },
    "20,20": { updates: sum((T) => Math.ceil(T / 20)), backward: sum((T) => T), peak: Math.min(20, longest) },
    "10,30": {
      updates: sum((T) => Math.ceil(T / 10)),
      backward: sum((T) => windows(T).reduce((a, b) => a + b, 0)),
      peak: Math.max(...Ts.flatMap(windows)),
    },
  };
  for (const r of c.runs) {
    const e = expected[r.spec.label as keyof typeof expected];
    assert.equal(r.reason, "epochs");
    assert.equal(
      r.totals.forwardSteps,
      sum((T) => T),
      r.spec.label,
    );
    assert.equal(r.totals.updates, e.updates, r.spec.label);
    assert.equal(r.totals.backwardSteps, e.backward, r.spec.label);
    assert.equal(r.totals.peakStoredSteps, e.peak, r.spec.label);
    assert.equal(r.final?.epochs, 1);
  }
});

test("a budget in steps holds every schedule to the same compute, and the comparison reproduces from its seed", async () => {
  const once = async (): Promise<Comparison> =>
    compareSchedules({
      schedules: FOUR,
      budget: { unit: "steps", value: 3000 },
      metric: { key: "frameError" },
      train: runner(),
    });
  const a = await once();
  for (const r of a.runs) {
    assert.equal(r.reason, "max-steps");
    const spent = r.totals.forwardSteps + r.totals.backwardSteps;
    assert.ok(spent >= 3000 && spent < 3000 + 2 * 25, `${r.spec.label}: ${spent}`);
    assert.ok(r.curve.length >= 10, `${r.spec.label}: ${r.curve.length} points`);
    assert.equal(r.curve[r.curve.length - 1]?.forwardSteps, r.totals.forwardSteps);
  }
  // Frame-wise pays for its reach: far fewer frames seen for the same compute.
  const framewise = a.runs[0]?.totals.forwardSteps as number;
  const sentencewise = a.runs[1]?.totals.forwardSteps as number;
  assert.ok(framewise * 5 < sentencewise, `${framewise} vs ${sentencewise}`);
  const strip = (c: Comparison) =>
    JSON.stringify(c, (k, v) =>
      k === "trainSeconds" ? undefined : v === Number.POSITIVE_INFINITY ? "inf" : v,
    );
  assert.equal(strip(await once()), strip(a));
});

test("a metric the runs do not report is an error naming the ones they do", async () => {
  await assert.rejects(
    compareSchedules({
      schedules: [FOUR[1] as (typeof FOUR)[number]],
      budget: { unit: "updates", value: 2 },
      metric: { key: "bitsPerChar" },
      train: runner(),
    }),
    /--metric bitsPerChar: the validation points carry no such figure; they have loss, frameError/,
  );
});

test("summariseRun keeps a point logged twice once, and picks the best by the metric's direction", () => {
  const point = (updates: number, value: number) => ({
    at: "every" as const,
    epochs: updates / 10,
    updates,
    forwardSteps: updates,
    backwardSteps: updates,
    trainSeconds: updates,
    valid: { lossPerFrame: value, frameError: value, frames: 10 },
    accuracy: 1 - value,
  });
  const record = {
    reason: "max-updates",
    points: [point(0, 0.9), point(5, 0.4), point(10, 0.6), point(5, 0.4), point(15, 0.5)],
    totals: { updates: 15, forwardSteps: 15, backwardSteps: 15, trainSeconds: 15, peakStoredSteps: 3 },
  };
  const spec = parseScheduleSpec("5,5");
  const low = summariseRun(spec, record, { key: "frameError" });
  assert.deepEqual(
    low.curve.map((p) => p.updates),
    [0, 5, 10, 15],
  );
  assert.equal(low.best?.updates, 5);
  assert.equal(low.final?.value, 0.5);
  const high = summariseRun(spec, record, { key: "accuracy", lowerIsBetter: false });
  assert.equal(high.best?.updates, 5);
  assert.ok(Math.abs((high.best?.value as number) - 0.6) < 1e-12);
});

test("the table and the curves show every run", async () => {
  const c = await compareSchedules({
    schedules: [FOUR[1], FOUR[2]].map((s) => s as (typeof FOUR)[number]),
    budget: { unit: "updates", value: 20 },
    metric: { key: "frameError" },
    train: runner(),
  });
  const table = comparisonTable(c).split("\n");
  assert.equal(table.length, 4);
  assert.match(
    table[0] as string,
    /^\| schedule \(k1,k2\) \| stopped \| final frame error \| best frame error/,
  );
  assert.match(table[2] as string, /^\| inf,inf \| budget \| \d+\.\d\d% \| \d+\.\d\d% \(\d/);
  assert.match(table[3] as string, /^\| 20,20 \| budget \| .* \| 20 \| \d+ \| \d+ \| [\d.]+ \| 20 \|$/);
  const svg = renderComparisonSvg(c);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const text of [
    "against epochs",
    "against compute",
    "against wall time",
    "inf,inf",
    "20,20",
    "budget 20 updates",
  ])
    assert.ok(svg.includes(text), text);
  // One line per run and panel, a marker per point.
  assert.equal((svg.match(/<path /g) ?? []).length, 2 * 3);
  const points = c.runs.reduce((n, r) => n + r.curve.length, 0);
  assert.equal((svg.match(/<circle /g) ?? []).length, 3 * points + 2);
});

test("axis ticks are round numbers inside the range", () => {
  assert.deepEqual(linearTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(47.3, 83.9), [50, 60, 70, 80]);
  assert.deepEqual(logTicks(900, 2_000_000), [1000, 10000, 100000, 1000000]);
  assert.deepEqual(logTicks(0.3, 14), [0.5, 1, 2, 5, 10]);
  assert.deepEqual([12, 1500, 25000, 3_400_000].map(shortNumber), ["12", "1500", "25k", "3.4M"]);
});
