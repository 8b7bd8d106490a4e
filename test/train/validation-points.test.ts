// The trainer's validation points and cumulative counters (src/train/validation-points.ts):
// validation inside an epoch leaves training untouched, the counters are the engine's own
// per-update counts summed, a budget in steps or seconds stops the run and validates once,
// and a resumed run continues the counters and the points as if it had never stopped.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { evaluate } from "../../src/train/evaluate.js";
import { type Checkpoint, Trainer, type TrainerOptions } from "../../src/train/trainer.js";
import { crossedCadence, type ValidationPoint } from "../../src/train/validation-points.js";

function data(count: number, seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 5 + rng.int(10);
    const x = Array.from({ length: T * 2 }, () => rng.uniform(-1, 1));
    // The label needs the previous input: a recurrent net has something to learn.
    const y = Array.from({ length: T }, (_, t) => ((x[2 * t] as number) + (x[2 * t - 1] ?? 0) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 2);
  });
}

function model(): SequenceModel {
  const m = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 2,
      hiddenSize: 6,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 2,
    },
    createPlainBackend("float64"),
  );
  initializeModel(m, new Rng(3));
  return m;
}

const options: TrainerOptions = {
  schedule: makeSchedule({ k1: 3, k2: 5 }),
  streams: 2,
  optimizer: { type: "adam", lr: 0.01 },
  epochs: 3,
  shuffle: true,
  seed: 1,
};

const strip = (p: ValidationPoint) => {
  const { validMetrics: _, trainSeconds: __, ...rest } = p;
  return rest;
};

test("crossedCadence fires once per multiple of N updates or N forward + backward steps", () => {
  const at = (updates: number, forwardSteps: number, backwardSteps: number) => ({
    updates,
    forwardSteps,
    backwardSteps,
    trainSeconds: 0,
  });
  assert.equal(crossedCadence({ updates: 3 }, at(2, 0, 0), at(3, 0, 0)), true);
  assert.equal(crossedCadence({ updates: 3 }, at(3, 0, 0), at(4, 0, 0)), false);
  assert.equal(crossedCadence({ steps: 100 }, at(0, 40, 50), at(1, 60, 50)), true); // 90 → 110
  assert.equal(crossedCadence({ steps: 100 }, at(0, 60, 50), at(1, 80, 60)), false); // 110 → 140
  assert.equal(crossedCadence(undefined, at(0, 0, 0), at(9, 9, 9)), false);
});

test("validating every N updates leaves the weights bit-identical, and each point is the model of that moment", async () => {
  const train = data(12, 1);
  const valid = data(4, 2);
  const plain = model();
  const plainResult = await new Trainer(plain, train, valid, options).run();
  const watched = model();
  // Each point's figures are recomputed from a snapshot of the weights at its update.
  const snapshots = new Map<number, Float64Array>();
  const result = await new Trainer(watched, train, valid, { ...options, validateEvery: { updates: 4 } }).run({
    onUpdate: (_, info) => {
      snapshots.set(info.updates, Float64Array.from(watched.params));
    },
  });
  assert.deepEqual(Array.from(watched.params), Array.from(plain.params));
  assert.deepEqual(result.state.forwardSteps, plainResult.state.forwardSteps);
  const every = result.points.filter((p) => p.at === "every");
  assert.ok(every.length >= 5, `${every.length} cadence points`);
  for (const p of every) {
    assert.equal(p.updates % 4, 0);
    const check = model();
    check.params.set(snapshots.get(p.updates) as Float64Array);
    const metrics = evaluate(check, valid, options.schedule, options.streams);
    assert.equal(p.valid.lossPerFrame, metrics.lossPerFrame);
    assert.ok(p.epochs > 0 && p.epochs < 3 && !Number.isInteger(p.epochs));
  }
  // Epochs' ends are points too, each once (a cadence point there is left to the epoch's own).
  const ends = result.points.filter((p) => p.at === "epoch");
  assert.deepEqual(
    ends.map((p) => p.epochs),
    [1, 2, 3],
  );
  const updatesSeen = result.points.map((p) => p.updates);
  assert.equal(new Set(updatesSeen).size, updatesSeen.length, "no update validated twice");
  assert.deepEqual(
    ends.map((p) => p.updates),
    result.epochs.map((e) => e.updates),
  );
});

test("the counters are the engine's per-update counts summed; maxSteps stops the run and validates once", async () => {
  const train = data(12, 1);
  const valid = data(4, 2);
  let forward = 0;
  let backward = 0;
  let peak = 0;
  const m = model();
  const result = await new Trainer(m, train, valid, { ...options, epochs: 50, maxSteps: 600 }).run({
    onUpdate: (record) => {
      forward += record.forwardSteps;
      backward += record.backwardSteps;
      peak = Math.max(peak, record.storedSteps);
    },
  });
  assert.equal(result.reason, "max-steps");
  assert.equal(result.state.forwardSteps, forward);
  assert.equal(result.state.backwardSteps, backward);
  assert.equal(result.state.peakStoredSteps, peak);
  assert.equal(peak, 5, "k2 = 5 steps stored at most");
  assert.ok(forward + backward >= 600 && forward + backward < 600 + 5 + 3, `${forward} + ${backward}`);
  const final = result.points[result.points.length - 1] as ValidationPoint;
  assert.equal(final.at, "final");
  assert.equal(final.forwardSteps + final.backwardSteps, forward + backward);
  assert.equal(final.valid.lossPerFrame, evaluate(m, valid, options.schedule, options.streams).lossPerFrame);
});

test("training seconds exclude validation, and maxSeconds counts them", async () => {
  // A clock that only moves when the test says: 1 s per update, 7 s per validation.
  let ms = 0;
  const hooks = {
    now: () => ms,
    onUpdate: () => {
      ms += 1000;
    },
    onValidation: () => {
      ms += 7000;
    },
  };
  const result = await new Trainer(model(), data(12, 1), data(4, 2), {
    ...options,
    epochs: 50,
    maxSeconds: 9,
    validateEvery: { updates: 2 },
  }).run(hooks);
  assert.equal(result.reason, "max-seconds");
  assert.equal(result.state.updates, 9);
  assert.equal(result.state.trainSeconds, 9);
  assert.deepEqual(
    result.points.map((p) => [p.updates, p.trainSeconds]),
    [
      [2, 2],
      [4, 4],
      [6, 6],
      [8, 8],
      [9, 9],
    ],
  );
});

test("a resumed run continues the counters (training seconds too) and the points of the uninterrupted one", async () => {
  const train = data(12, 1);
  const valid = data(4, 2);
  const opts: TrainerOptions = { ...options, validateEvery: { steps: 150 }, checkpointEvery: 1 };
  // 1 s per update on a clock that moves only then.
  let ms = 0;
  const clock = {
    now: () => ms,
    onUpdate: () => {
      ms += 1000;
    },
  };
  const whole = await new Trainer(model(), train, valid, opts).run(clock);

  let saved: Checkpoint | null = null;
  let updates = 0;
  const first = await new Trainer(model(), train, valid, opts).run({
    saveCheckpoint: (c) => {
      saved = structuredClone(c);
    },
    now: clock.now,
    onUpdate: () => {
      updates++;
      ms += 1000;
    },
    stopRequested: () => updates >= 17,
  });
  assert.equal(first.reason, "interrupted");
  const resumed = new Trainer(model(), train, valid, opts);
  resumed.restore(saved as unknown as Checkpoint);
  const second = await resumed.run(clock);
  const counters = (s: typeof whole.state) => [
    s.updates,
    s.forwardSteps,
    s.backwardSteps,
    s.peakStoredSteps,
    s.trainSeconds,
    s.epoch,
  ];
  assert.deepEqual(counters(second.state), counters(whole.state));
  assert.ok(first.state.updates < whole.state.updates / 2, "stopped early in the run");
  assert.equal(whole.state.trainSeconds, whole.state.updates);
  assert.deepEqual([...first.points, ...second.points].map(strip), whole.points.map(strip));
});
