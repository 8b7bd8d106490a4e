// The ring the engine allocates: Planner.capacity() must hold every update's stored
// steps (or the engine throws "a planner bound was wrong") and should not be much more
// than the schedule needs, so memory follows the schedule, not the stream's length.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine, type SequenceLike } from "../../src/engine/engine.js";
import { type Explanation, explainSchedule } from "../../src/engine/explain.js";
import { trainWithOracle } from "../../src/engine/oracle.js";
import { Planner } from "../../src/engine/planner.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { orderSteps, resetPolicy, stepCount } from "../helpers/arbitraries.js";

const INF = Number.POSITIVE_INFINITY;

const explain = (partial: Partial<Record<keyof Schedule, unknown>>, T: number): Explanation =>
  explainSchedule(makeSchedule(partial), T);

test("one stream, aligned, flushed: the ring holds one reset segment, not the whole stream (k1 = ∞ or k2 = ∞ with reset every N)", () => {
  const T = 100_000;
  // Sentence-wise over segments of 30: each update is one segment.
  assert.equal(explain({ k1: INF, k2: INF, reset: { every: 30 } }, T).capacity, 30);
  // Frame-wise over segments: windows reach back to the segment's start, never further.
  assert.equal(explain({ k1: 1, k2: INF, reset: { every: 30 } }, T).capacity, 30);
  assert.equal(explain({ k1: 20, k2: INF, reset: { every: 30 } }, T).capacity, 30);
  // Per-loss with k1 = ∞: one update per segment, each loss cut at the segment's start.
  assert.equal(explain({ k1: INF, k2: 5, truncation: "per-loss", reset: { every: 30 } }, T).capacity, 30);
  // Several sequences on one stream, reset at each: a window longer than any sequence needs one sequence.
  assert.equal(new Planner(makeSchedule({ k1: 10, k2: 50 }), 1, [20, 20, 20]).capacity(), 20);
  // Where a bound is the schedule's own, it is kept.
  assert.equal(explain({ k1: 20, k2: 20, reset: { every: 30 } }, T).capacity, 20);
  assert.equal(explain({ k1: 10, k2: 5, truncation: "per-loss", reset: { every: 30 } }, T).capacity, 14);
  // Without flush, updates straddle resets: k1 + the span.
  assert.equal(explain({ k1: 20, k2: INF, reset: { every: 30 }, flush: false }, T).capacity, 50);
});

test("packed streams with k2 = ∞ and no reset: the ring holds the ticks the packing makes, not every step of every stream", () => {
  const packed = (streams: number, lengths: number[]) =>
    new Planner(
      makeSchedule({ k1: 5, k2: INF, reset: "never", layout: "packed" }),
      streams,
      lengths,
    ).capacity();
  // Stream 0 takes 5 steps; stream 1 takes 3, then the third sequence (it frees first): 7 ticks.
  assert.equal(packed(2, [5, 3, 4]), 7);
  // Fifty streams of 500 steps (a char-rnn text): 500 ticks, not 25,000.
  assert.equal(packed(50, new Array(50).fill(500)), 500);
  for (const [streams, lengths] of [
    [2, [5, 3, 4]],
    [3, [7, 1, 1, 1, 6, 2, 9]],
    [2, [4, 4, 2, 3]],
  ] as [number, number[]][]) {
    const planner = new Planner(
      makeSchedule({ k1: 5, k2: INF, reset: "never", layout: "packed" }),
      streams,
      lengths,
    );
    let ticks = 0;
    for (let plan = planner.next(); plan; plan = planner.next()) ticks = plan.time + 1;
    assert.equal(planner.capacity(), ticks, `${lengths}`);
  }
});

test("the engine trains with a ring of one segment over a long stream (k1 = k2 = ∞, reset every 30)", () => {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 2,
      hiddenSize: 3,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 2,
    },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(5));
  const T = 3000;
  const stream: SequenceLike = {
    length: T,
    writeInput: (p, out, offset) => {
      out[offset] = Math.sin(p);
      out[offset + 1] = Math.cos(3 * p);
    },
    label: (p) => (Math.sin(p) > 0 ? 1 : 0),
  };
  const seen: number[] = [];
  new Engine(model, makeSchedule({ k1: INF, k2: INF, reset: { every: 30 } }), 1).run(
    [stream],
    (_grads, record) => {
      seen.push(record.storedSteps);
      return true;
    },
  );
  assert.equal(model.tape.capacity, 30);
  assert.equal(seen.length, 100);
  assert.ok(seen.every((n) => n === 30));
});

test("two aligned streams, reset every N: a stream masked between its sequences is still inside its reset segment, and the ring holds it", () => {
  // Stream 0 runs sequence 0 (1 step, tick 0), is masked for ticks 1…3 while stream 1 runs
  // sequence 1 (4 steps), then runs sequence 2 at tick 4: its 2nd active step, so no reset
  // there, and the window of the update at t = 4 reaches back to tick 0: 5 steps.
  const schedule = makeSchedule({ k1: 2, k2: INF, reset: { every: 2 }, flush: false });
  const planner = new Planner(schedule, 2, [1, 4, 1]);
  const capacity = planner.capacity();
  let stored = 0;
  for (let plan = planner.next(); plan; plan = planner.next()) stored = Math.max(stored, plan.storedSteps);
  assert.equal(stored, 5);
  assert.ok(capacity >= stored, `capacity ${capacity} < ${stored} stored steps`);
  const model = new SequenceModel(
    {
      cell: "rnn",
      inputSize: 1,
      hiddenSize: 2,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 2,
    },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(1));
  const sequences: SequenceLike[] = [1, 4, 1].map((length) => ({
    length,
    writeInput: (p, out, offset) => {
      out[offset] = p;
    },
    label: (p) => p % 2,
  }));
  const summary = new Engine(model, schedule, 2).run(sequences, () => true);
  assert.equal(summary.updates, 3);
});

test("Planner.capacity() holds every update's stored steps on 3000 random layouts, streams, lengths and schedules", () => {
  const steps = stepCount(8);
  const resets = resetPolicy(9);
  fc.assert(
    fc.property(
      steps,
      steps,
      fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
      resets,
      fc.boolean(),
      fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
      fc.integer({ min: 1, max: 4 }),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
      (a, b, truncation, reset, flush, layout, streams, lengths) => {
        const [k1, k2] = orderSteps(truncation, a, b);
        const planner = new Planner(
          makeSchedule({ k1, k2, truncation, reset, flush, layout }),
          streams,
          lengths,
        );
        const capacity = planner.capacity();
        for (let plan = planner.next(); plan; plan = planner.next())
          if (plan.storedSteps > capacity) return false;
        return true;
      },
    ),
    { numRuns: 3000, seed: 99 },
  );
});

/** Relative difference of the parameter changes, engine against the oracle, after SGD updates (float64). */
function engineAgainstOracle(
  schedule: Schedule,
  streams: number,
  lengths: number[],
  updates: number,
): number {
  const make = () =>
    new SequenceModel(
      {
        cell: "lstm",
        inputSize: 1,
        hiddenSize: 2,
        layers: 1,
        bidirectional: false,
        peepholes: false,
        outputSize: 2,
      },
      createPlainBackend("float64"),
    );
  const engineModel = make();
  const oracleModel = make();
  const rng = new Rng(1);
  initializeModel(engineModel, rng, { scheme: "uniform", range: 0.4 });
  oracleModel.params.set(engineModel.params);
  const sequences = lengths.map(
    (T) =>
      new ArraySequence(
        Array.from({ length: T }, () => rng.uniform(-1, 1)),
        Array.from({ length: T }, () => rng.int(2)),
        1,
      ),
  );
  const initial = Float64Array.from(engineModel.params);
  let n = 0;
  new Engine(engineModel, schedule, streams).run(sequences, (grads) => {
    for (let i = 0; i < grads.length; i++) engineModel.params[i] -= 0.2 * (grads[i] as number);
    return ++n < updates;
  });
  trainWithOracle(oracleModel, schedule, streams, sequences, { learningRate: 0.2, maxUpdates: updates });
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < initial.length; i++) {
    diff += ((engineModel.params[i] as number) - (oracleModel.params[i] as number)) ** 2;
    norm += ((oracleModel.params[i] as number) - (initial[i] as number)) ** 2;
  }
  return Math.sqrt(diff / norm);
}

test("a stream masked through a whole update keeps its history: the ring is not restarted under it", () => {
  // Two aligned streams, reset every 2, no flush. Update 4 (ticks 6, 7) needs no history, but
  // stream 0 is masked there; at tick 8 it resumes without a reset and its window reaches back
  // to tick 4, so the ring must still hold ticks 4…8 where they were written.
  const finite = makeSchedule({ k1: 2, k2: 6, reset: { every: 2 }, flush: false });
  const relative = engineAgainstOracle(finite, 2, [5, 8, 1], 5);
  assert.ok(relative < 1e-9, `relative error ${relative}`);
  // The same with k2 = ∞ (stream 1 masked through update 2, resuming at tick 6 inside its segment).
  const infinite = makeSchedule({ k1: 3, k2: INF, reset: { every: 3 }, flush: false });
  const r2 = engineAgainstOracle(infinite, 2, [6, 1, 1, 1], 3);
  assert.ok(r2 < 1e-9, `relative error ${r2}`);
});
