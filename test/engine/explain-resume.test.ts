// Checkpoints (docs/schedule.md, decision 17): a run restored at a position where
// Engine.resumable() is true must continue exactly as the uninterrupted run — same
// gradient at every later update, in float64. Found while documenting that decision.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import type { PlannerPosition } from "../../src/engine/planner.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { orderSteps, resetPolicy, stepCount } from "../helpers/arbitraries.js";

const INF = Number.POSITIVE_INFINITY;

/** Resumes at every resumable update; returns what went wrong first, or null. */
function resumeEverywhere(
  schedule: Schedule,
  streams: number,
  lengths: number[],
  seed: number,
): string | null {
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
  const model = make();
  const rng = new Rng(seed);
  initializeModel(model, rng, { scheme: "uniform", range: 0.4 });
  const sequences = lengths.map(
    (T) =>
      new ArraySequence(
        Array.from({ length: T }, () => rng.uniform(-1, 1)),
        Array.from({ length: T }, () => rng.int(2)),
        1,
      ),
  );
  const sgd = (params: Float64Array | Float32Array, grads: ArrayLike<number>) => {
    for (let i = 0; i < grads.length; i++) params[i] -= 0.2 * (grads[i] as number);
  };
  const engine = new Engine(model, schedule, streams);
  const grads: Float64Array[] = [];
  const points: { done: number; position: PlannerPosition; state: Float64Array; params: Float64Array }[] = [];
  engine.run(sequences, (g) => {
    grads.push(Float64Array.from(g));
    sgd(model.params, g);
    if (engine.resumable()) {
      points.push({
        done: grads.length,
        position: engine.position(),
        state: model.saveState(),
        params: Float64Array.from(model.params),
      });
    }
    return true;
  });
  for (const point of points) {
    const resumed = make();
    resumed.params.set(point.params);
    let k = point.done;
    let problem: string | null = null;
    try {
      new Engine(resumed, schedule, streams).run(
        sequences,
        (g) => {
          const expected = grads[k];
          if (!expected) {
            problem = `resumed after update ${point.done}: an extra update ${k + 1}`;
            return false;
          }
          let diff = 0;
          let norm = 0;
          for (let i = 0; i < g.length; i++) {
            diff += ((g[i] as number) - (expected[i] as number)) ** 2;
            norm += (expected[i] as number) ** 2;
          }
          if (Math.sqrt(diff / Math.max(norm, 1e-300)) > 1e-9) {
            problem = `resumed after update ${point.done}: update ${k + 1} has a different gradient`;
            return false;
          }
          sgd(resumed.params, g);
          k++;
          return true;
        },
        { start: point.position, state: point.state },
      );
    } catch (error) {
      problem = `resumed after update ${point.done}: ${(error as Error).message}`;
    }
    if (problem) return problem;
    if (k !== grads.length)
      return `resumed after update ${point.done}: ${k} updates in all, expected ${grads.length}`;
  }
  return null;
}

test("a stream masked at the checkpoint that resumes without a reset is not resumable (aligned, reset every N)", () => {
  // Stream 0 runs one step, is masked at ticks 1…2, and resumes at tick 3 with its 2nd step
  // (no reset): its window reaches back to tick 0, before a checkpoint taken after update 1.
  const schedule = makeSchedule({ k1: INF, k2: INF, reset: { every: 2 } });
  assert.equal(resumeEverywhere(schedule, 2, [1, 3, 1], 1), null);
});

test("resuming at every resumable update continues exactly, on 400 random schedules, layouts and streams", () => {
  const steps = stepCount(6);
  const resets = resetPolicy(7);
  fc.assert(
    fc.property(
      steps,
      steps,
      fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
      resets,
      fc.boolean(),
      fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 1000 }),
      (a, b, truncation, reset, flush, layout, streams, lengths, seed) => {
        const [k1, k2] = orderSteps(truncation, a, b);
        const schedule = makeSchedule({ k1, k2, truncation, reset, flush, layout });
        const problem = resumeEverywhere(schedule, streams, lengths, seed);
        assert.equal(problem, null);
        return true;
      },
    ),
    { numRuns: 400, seed: 11 },
  );
});
