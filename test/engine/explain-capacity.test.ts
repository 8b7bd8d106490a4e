// The ring the engine allocates: Planner.capacity() must hold every update's stored
// steps (or the engine throws "a planner bound was wrong") and should not be much more
// than the schedule needs, so memory follows the schedule, not the stream's length.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { Engine, type SequenceLike } from "../../src/engine/engine.js";
import { type Explanation, explainSchedule } from "../../src/engine/explain.js";
import { Planner } from "../../src/engine/planner.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";

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
