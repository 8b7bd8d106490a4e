// TrainerHooks.onUpdate may return a promise and the loop waits for it (the playground's pause
// and step buttons): a run paused between two updates of a schedule that cannot checkpoint
// there (k1 = 5, k2 = 10: the next update's window reaches back before the pause) ends with the
// same weights, bit for bit, as one never paused; while paused nothing changes; the wait is not
// counted as training time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { Trainer, type TrainerOptions } from "../../src/train/trainer.js";

function setup() {
  const model = new SequenceModel(
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
  initializeModel(model, new Rng(2));
  const rng = new Rng(9);
  const data = Array.from({ length: 6 }, () => {
    const x = Array.from({ length: 40 }, () => rng.uniform(-1, 1));
    return new ArraySequence(
      x,
      Array.from({ length: 20 }, (_, t) => ((x[2 * t] as number) > 0 ? 1 : 0)),
      2,
    );
  });
  const options: TrainerOptions = {
    schedule: makeSchedule({ k1: 5, k2: 10 }),
    streams: 2,
    optimizer: { type: "sgd", lr: 0.1 },
    epochs: 2,
    shuffle: true,
    seed: 4,
  };
  return { model, trainer: new Trainer(model, data, null, options) };
}

test("onUpdate's promise pauses the loop between updates; the run ends as if never paused", async () => {
  const plain = setup();
  await plain.trainer.run();

  const paused = setup();
  let clock = 0;
  let resume: (() => void) | null = null;
  let updates = 0;
  const run = paused.trainer.run({
    now: () => clock,
    onUpdate: (_, info) => {
      updates = info.updates;
      clock += 1000; // each update "takes" a second
      if (info.updates !== 3) return;
      return new Promise<void>((resolve) => {
        resume = resolve;
      });
    },
  });
  while (!resume) await new Promise((r) => setTimeout(r, 1));
  const atPause = Array.from(paused.model.params);
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 2));
  assert.equal(updates, 3, "the loop waits at update 3");
  assert.deepEqual(Array.from(paused.model.params), atPause, "nothing changes while paused");
  clock += 1e6; // a long pause
  (resume as () => void)();
  const result = await run;
  assert.ok(updates > 3);
  assert.deepEqual(Array.from(paused.model.params), Array.from(plain.model.params));
  assert.ok(result.state.trainSeconds < 1000, `the pause was counted: ${result.state.trainSeconds} s`);
});
