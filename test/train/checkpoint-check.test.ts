// A checkpoint is checked before it is loaded: trainer state that does not parse or has a
// field of the wrong type, a model that differs (named by key), another optimizer, another
// stream count, another number of training sequences: each an error naming the file and
// what differs, never a TypeError.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TbpttError } from "../../src/core/errors.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/train/checkpoint-codec.js";
import { Trainer } from "../../src/train/trainer.js";

function model(hiddenSize = 5): SequenceModel {
  const m = new SequenceModel(
    {
      cell: "gru",
      inputSize: 2,
      hiddenSize,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 2,
    },
    createPlainBackend("float32"),
  );
  initializeModel(m, new Rng(3));
  return m;
}

function data(count: number): ArraySequence[] {
  const rng = new Rng(count);
  return Array.from({ length: count }, () => {
    const x = Array.from({ length: 40 }, () => rng.uniform(-1, 1));
    return new ArraySequence(
      x,
      Array.from({ length: 20 }, (_, t) => ((x[2 * t] as number) > 0 ? 1 : 0)),
      2,
    );
  });
}

const options = (streams: number, type: "adam" | "sgd" = "adam") => ({
  schedule: makeSchedule({ k1: 5, k2: 5 }),
  streams,
  optimizer: { type, lr: 0.01 },
  epochs: 2,
  shuffle: true,
  seed: 1,
  maxUpdates: 3,
});

/** A mid-epoch checkpoint's bytes, from a run of `streams` streams over `count` sequences. */
async function checkpointBytes(streams: number, count = 6): Promise<Uint8Array> {
  const m = model();
  let bytes: Uint8Array | null = null;
  await new Trainer(m, data(count), null, options(streams)).run({
    saveCheckpoint(c) {
      const { tensors, metadata } = encodeCheckpoint(m, c);
      bytes = encodeSafetensors(tensors, metadata);
    },
  });
  assert.ok(bytes);
  return bytes;
}

const isError = (pattern: RegExp) => (e: Error) => e instanceof TbpttError && pattern.test(e.message);

test("trainer state that does not parse, or has a wrong field, is named with the file", async () => {
  const decoded = decodeSafetensors(await checkpointBytes(2), "c.safetensors");
  const state = JSON.parse(decoded.metadata["tbptt.checkpoint"] as string);
  const cases: [string, RegExp][] = [
    ["{not json", /c\.safetensors: the trainer state \(metadata tbptt\.checkpoint\) is not JSON/],
    [
      JSON.stringify({ ...state, epoch: "one" }),
      /c\.safetensors: .*not one tbptt writes:\n {2}epoch: Expected number/,
    ],
    [JSON.stringify({ ...state, position: { nextTime: 3 } }), /position\.previousUpdate: Required/],
    [JSON.stringify({ ...state, order: [0, -1] }), /order\.1: Number must be greater than or equal to 0/],
    ["[]", /\(top level\): Expected object/],
  ];
  for (const [text, pattern] of cases) {
    const bad = { ...decoded, metadata: { ...decoded.metadata, "tbptt.checkpoint": text } };
    assert.throws(() => decodeCheckpoint(model(), bad, "c.safetensors"), isError(pattern), text);
  }
});

test("a checkpoint of another model names the keys that differ", async () => {
  const decoded = decodeSafetensors(await checkpointBytes(2), "c.safetensors");
  assert.throws(
    () => decodeCheckpoint(model(7), decoded, "c.safetensors"),
    isError(
      /the checkpoint's model differs from the configured one:\n {2}model\.hiddenSize: the checkpoint has 5, the configuration 7/,
    ),
  );
});

test("another optimizer, stream count or number of sequences is refused before loading", async () => {
  const bytes = await checkpointBytes(2);
  const restore = (streams: number, count: number, type: "adam" | "sgd" = "adam") => {
    const m = model();
    const checkpoint = decodeCheckpoint(m, decodeSafetensors(bytes, "c.safetensors"), "c.safetensors");
    new Trainer(m, data(count), null, options(streams, type)).restore(checkpoint, "c.safetensors");
  };
  restore(2, 6); // its own run: fine
  assert.throws(
    () => restore(3, 6),
    isError(/c\.safetensors: the checkpoint was taken with 2 streams; the configuration has streams = 3/),
  );
  assert.throws(
    () => restore(2, 5),
    isError(/epoch order covers 6 training sequences; the training data has 5/),
  );
  assert.throws(
    () => restore(2, 6, "sgd"),
    isError(/optimizer state m, v \(adam's\), but the configured optimizer sgd keeps velocity/),
  );
});
