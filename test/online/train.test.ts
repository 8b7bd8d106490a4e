// RTRL and UORO as training algorithms in the trainer (schedule.algorithm): the same
// parameters as TBPTT where the gradients must agree, bit-for-bit determinism, exact
// resume, and the errors that name what stops them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import type { SequenceModel } from "../../src/nn/model.js";
import { parseConfig } from "../../src/train/config.js";
import { type Checkpoint, Trainer, type TrainerOptions } from "../../src/train/trainer.js";
import { relativeChange } from "../helpers/compare.js";
import { makeModel, type NetCase } from "./helpers.js";

/** Sequences of 4 … 11 steps whose label at t is the sign of the input two steps back. */
function data(count: number, seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 4 + rng.int(8);
    const x = Array.from({ length: T * 2 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: T }, (_, t) => (t < 2 ? -1 : (x[2 * (t - 2)] as number) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 2);
  });
}

const net: NetCase = { cell: "lstm", layers: 1, hidden: 5, inputSize: 2, classes: 2, seed: 4 };

function options(schedule: Schedule, extra: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    schedule,
    streams: 2,
    optimizer: { type: "sgd", lr: 0.1 },
    epochs: 3,
    shuffle: true,
    seed: 5,
    ...extra,
  };
}

async function trained(
  schedule: Schedule,
  extra: Partial<TrainerOptions> = {},
  cell = net,
): Promise<SequenceModel> {
  const model = makeModel(cell);
  await new Trainer(model, data(12, 1), null, options(schedule, extra)).run();
  return model;
}

test("RTRL trains to TBPTT's parameters where both compute the same gradient: one update per sequence", async () => {
  for (const cell of ["rnn", "lstm", "gru"] as const) {
    const c: NetCase = { ...net, cell, layers: 2 };
    const initial = Float64Array.from(makeModel(c).params);
    const tbptt = await trained(makeSchedule({}), {}, c);
    const rtrl = await trained(makeSchedule({ algorithm: "rtrl" }), {}, c);
    const r = relativeChange(initial, rtrl.params, tbptt.params);
    assert.ok(r < 1e-9, `${cell}: relative difference ${r}`);
  }
});

test("frame-wise RTRL and TBPTT differ once the weights move: RTRL keeps the Jacobians of past weights", async () => {
  const initial = Float64Array.from(makeModel(net).params);
  const tbptt = await trained(makeSchedule({ k1: 1 }));
  const rtrl = await trained(makeSchedule({ k1: 1, algorithm: "rtrl" }));
  const r = relativeChange(initial, rtrl.params, tbptt.params);
  assert.ok(r > 1e-6 && r < 0.5, `relative difference ${r}`);
});

test("online training validates after each epoch, as TBPTT does", async () => {
  const model = makeModel(net);
  const result = await new Trainer(
    model,
    data(12, 1),
    data(4, 2),
    options(makeSchedule({ k1: 3, algorithm: "uoro" })),
  ).run();
  assert.equal(result.epochs.length, 3);
  assert.ok(result.epochs.every((e) => Number.isFinite(e.valid?.lossPerFrame)));
});

test("UORO: the same seed gives the same weights bit for bit; another seed does not", async () => {
  const schedule = makeSchedule({ k1: 3, algorithm: "uoro" });
  const a = await trained(schedule);
  const b = await trained(schedule);
  assert.deepEqual(Array.from(a.params), Array.from(b.params));
  const c = await trained(schedule, { seed: 6 });
  assert.notDeepEqual(Array.from(a.params), Array.from(c.params));
});

test("UORO and RTRL resume from a checkpoint to the uninterrupted run's weights, bit for bit", async () => {
  for (const algorithm of ["uoro", "rtrl"] as const) {
    const schedule = makeSchedule({ k1: 3, algorithm });
    const whole = await trained(schedule);
    // Interrupted after 17 updates; the last checkpoint (taken where every stream starts afresh) survives.
    let saved: Checkpoint | null = null;
    const first = makeModel(net);
    await new Trainer(
      first,
      data(12, 1),
      null,
      options(schedule, { maxUpdates: 17, checkpointEvery: 1 }),
    ).run({
      saveCheckpoint: (c) => {
        saved = structuredClone({ ...c, params: Float64Array.from(c.params) });
      },
    });
    assert.ok(saved, "a checkpoint was taken");
    const resumed = makeModel(net);
    const trainer = new Trainer(resumed, data(12, 1), null, options(schedule));
    trainer.restore(saved as Checkpoint);
    await trainer.run();
    assert.deepEqual(Array.from(resumed.params), Array.from(whole.params), algorithm);
  }
});

test("online training refuses what it cannot do, naming the field", async () => {
  assert.throws(
    () => makeSchedule({ k1: 5, k2: 5, algorithm: "uoro" }),
    /algorithm "uoro" carries every loss's gradient back to the last reset \(k2 = Infinity/,
  );
  assert.throws(
    () => makeSchedule({ algorithm: "bptt" }),
    /schedule.algorithm: expected "tbptt", "rtrl" or "uoro"/,
  );
  const bidirectional = makeModel({ ...net, bidirectional: true });
  assert.throws(
    () => new Trainer(bidirectional, data(2, 1), null, options(makeSchedule({ algorithm: "rtrl" }))),
    /model.bidirectional must be false/,
  );
  assert.throws(
    () => parseConfig({ schedule: { algorithm: "RTRL" }, data: { train: "x" } }),
    /schedule.algorithm: .*'tbptt' \| 'rtrl' \| 'uoro'/,
  );
  assert.equal(
    parseConfig({ schedule: { algorithm: "uoro", k1: 1 }, data: { train: "x" } }).schedule.algorithm,
    "uoro",
  );
});
