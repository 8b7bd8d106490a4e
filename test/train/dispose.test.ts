// dispose() on models and trainers (issue 11, "a lean browser build"): a page that trains model
// after model on one wasm backend must not grow its arena with each. Five cycles of build, train
// (Adam, validation inside the epoch, so the trainer's second model and the optimizer's state
// are allocated), dispose must end at the arena's first high-water mark; the same cycles without
// dispose grow it, so the check can fail. Reused memory is zeroed: every cycle's weights are
// bit-identical to the first's. On native as well where the addon is built.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Backend } from "../../src/core/backend.js";
import { Rng } from "../../src/core/random.js";
import { createWasmBackend } from "../../src/core/wasm/backend.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { Trainer } from "../../src/train/trainer.js";
import { nativeForTests, nativeSkipReason } from "../helpers/native.js";

type ArenaBackend = Backend & { arena: { usedBytes: number; liveBytes: number } };

function data(seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: 12 }, () => {
    const x = Array.from({ length: 20 * 3 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: 20 }, (_, t) => (t > 0 && (x[3 * (t - 1)] as number) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 3);
  });
}

/** Builds a model and trainer, trains one epoch; returns them and the trained weights. */
async function cycle(backend: Backend) {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 3,
      hiddenSize: 16,
      layers: 2,
      bidirectional: false,
      peepholes: true,
      outputSize: 2,
    },
    backend,
  );
  initializeModel(model, new Rng(3));
  const trainer = new Trainer(model, data(1), data(2), {
    schedule: makeSchedule({ k1: 5, k2: 10 }),
    streams: 4,
    optimizer: { type: "adam", lr: 0.01 },
    epochs: 1,
    shuffle: true,
    seed: 5,
    validateEvery: { updates: 7 },
  });
  await trainer.run();
  return { model, trainer, weights: Array.from(model.params) };
}

const makers: [string, () => Promise<ArenaBackend>][] = [
  ["wasm", async () => (await createWasmBackend({ shared: false, reserveMiB: 16 })) as ArenaBackend],
];
if (nativeSkipReason() === null)
  makers.push(["native", async () => (await nativeForTests({})) as ArenaBackend]);

for (const [name, make] of makers) {
  describe(`dispose: ${name}`, () => {
    test("model and trainer dispose: five cycles stay at the first cycle's memory, same weights", async () => {
      const backend = await make();
      const first = await cycle(backend);
      const highWater = backend.arena.usedBytes;
      assert.ok(backend.arena.liveBytes > 0);
      first.trainer.dispose();
      first.model.dispose();
      assert.equal(backend.arena.liveBytes, 0, "everything the model and trainer allocated is freed");
      for (let i = 0; i < 4; i++) {
        const next = await cycle(backend);
        assert.deepEqual(next.weights, first.weights, `cycle ${i + 2}: weights differ`);
        assert.equal(backend.arena.usedBytes, highWater, `cycle ${i + 2} grew the arena`);
        next.trainer.dispose();
        next.model.dispose();
        assert.equal(backend.arena.liveBytes, 0);
      }
      // without dispose each cycle adds its model and optimizer state
      await cycle(backend);
      const once = backend.arena.usedBytes;
      await cycle(backend);
      assert.ok(backend.arena.usedBytes > once, "cycles without dispose grow the arena");
      await backend.dispose();
    });

    test("a disposed model or trainer refuses to run", async () => {
      const backend = await make();
      const { model, trainer } = await cycle(backend);
      trainer.dispose();
      await assert.rejects(trainer.run(), /trainer: run after dispose\(\)/);
      model.dispose();
      assert.throws(() => model.configure(4, 2), /model: used after dispose\(\)/);
      await backend.dispose();
    });
  });
}
