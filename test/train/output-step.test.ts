// The trainer with schedule outputUpdate "step" (rnnlm's rule, docs/rnnlm.md): the output
// layer gets its own optimizer, stepped after every step; the rest at each update; both
// optimizers' states survive a checkpoint, so a resumed run continues bit for bit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/train/checkpoint-codec.js";
import { type Checkpoint, Trainer, type TrainerOptions } from "../../src/train/trainer.js";

function data(count: number, seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 6 + rng.int(9);
    const x = Array.from({ length: T * 3 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: T }, (_, t) => rng.int(3) * ((x[3 * t] as number) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 3);
  });
}

function model(dtype: "float32" | "float64", output?: OutputConfig): SequenceModel {
  const m = new SequenceModel(
    {
      cell: "rnn",
      nonlinearity: "sigmoid",
      inputSize: 3,
      hiddenSize: 5,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 3,
      ...(output ? { output } : {}),
    },
    createPlainBackend(dtype),
  );
  initializeModel(m, new Rng(4), { scheme: "uniform", range: 0.5 });
  return m;
}

const schedule = makeSchedule({ k1: 3, k2: 6, outputUpdate: "step" });

/** The same data through the Trainer (SGD 0.3, one epoch, no shuffle) and through the engine with SGD by hand. */
async function trainerAndHand(
  output?: OutputConfig,
): Promise<{ byTrainer: SequenceModel; byHand: SequenceModel }> {
  const train = data(6, 1);
  const byTrainer = model("float64", output);
  await new Trainer(byTrainer, train, null, {
    schedule,
    streams: 2,
    optimizer: { type: "sgd", lr: 0.3 },
    epochs: 1,
    shuffle: false,
    seed: 1,
  }).run();
  const byHand = model("float64", output);
  const sgd = (grads: ArrayLike<number>) => {
    for (let i = 0; i < grads.length; i++) byHand.params[i] -= 0.3 * (grads[i] as number);
  };
  new Engine(byHand, schedule, 2).run(
    train,
    (g) => {
      sgd(g);
      return true;
    },
    { onOutputStep: sgd },
  );
  return { byTrainer, byHand };
}

test("the trainer's SGD with outputUpdate step equals the engine driven by hand", async () => {
  const { byTrainer, byHand } = await trainerAndHand();
  assert.deepEqual(Array.from(byTrainer.params), Array.from(byHand.params));
});

test("with a class-factorised output, SGD updates only what each step touches, and equals the dense update", async () => {
  const classes: OutputConfig = { kind: "class-softmax", per: "frame", classSizes: [1, 2] };
  const { byTrainer, byHand } = await trainerAndHand(classes);
  const initial = model("float64", classes).params;
  let moved = 0;
  for (let i = 0; i < initial.length; i++) if (byHand.params[i] !== initial[i]) moved++;
  assert.ok(moved > initial.length / 2, "the run changed the weights");
  assert.deepEqual(Array.from(byTrainer.params), Array.from(byHand.params));
});

test("Adam on both parts: a run resumed from a float32 checkpoint matches the uninterrupted one bit for bit", async () => {
  const options: TrainerOptions = {
    schedule,
    streams: 2,
    optimizer: { type: "adam", lr: 0.01 },
    epochs: 2,
    shuffle: true,
    seed: 5,
    checkpointEvery: 1,
  };
  const train = data(8, 2);
  const whole = model("float32");
  await new Trainer(whole, train, null, options).run();

  const first = model("float32");
  let saved: Uint8Array | null = null;
  const interrupted = await new Trainer(first, train, null, { ...options, maxUpdates: 9 }).run({
    saveCheckpoint: (c: Checkpoint) => {
      const { tensors, metadata } = encodeCheckpoint(first, c);
      saved = encodeSafetensors(tensors, metadata);
    },
  });
  assert.equal(interrupted.reason, "max-updates");
  assert.ok(saved, "a checkpoint was written");
  const resumed = model("float32");
  const trainer = new Trainer(resumed, train, null, options);
  const checkpoint = decodeCheckpoint(resumed, decodeSafetensors(saved, "checkpoint"), "checkpoint");
  assert.ok(
    checkpoint.optimizer["output.m"] && checkpoint.optimizer["output.steps"],
    "both parts' state is saved",
  );
  trainer.restore(checkpoint);
  await trainer.run();
  assert.deepEqual(Array.from(resumed.params), Array.from(whole.params));
});

test("weight noise is refused with outputUpdate step, by name", () => {
  assert.throws(
    () =>
      new Trainer(model("float64"), data(2, 3), null, {
        schedule,
        streams: 1,
        optimizer: { type: "sgd", lr: 0.1 },
        noise: { weight: 0.01 },
        epochs: 1,
        shuffle: false,
        seed: 1,
      }),
    /noise\.weight: .*outputUpdate "step"/,
  );
});
