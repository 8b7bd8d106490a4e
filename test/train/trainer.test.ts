// The training loop's guards and budgets, on small in-memory data.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import type { FloatArray } from "../../src/core/types.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import type { SequenceLike } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { Trainer } from "../../src/train/trainer.js";
import { runCli } from "../helpers/cli.js";

function data(count: number, seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 5 + rng.int(10);
    const x = Array.from({ length: T * 2 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: T }, (_, t) => ((x[2 * t] as number) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 2);
  });
}

/** A sequence whose inputs turn into NaN at run time (a corrupted feature, an overflow upstream). */
class PoisonedSequence implements SequenceLike {
  readonly length = 4;
  writeInput(_position: number, out: FloatArray, offset: number): void {
    out[offset] = Number.NaN;
    out[offset + 1] = 0;
  }
  label(): number {
    return 0;
  }
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
    createPlainBackend("float32"),
  );
  initializeModel(m, new Rng(3));
  return m;
}

const options = {
  schedule: makeSchedule({}),
  streams: 1,
  optimizer: { type: "adam" as const, lr: 0.01 },
  epochs: 3,
  shuffle: true,
  seed: 1,
};

test("a non-finite loss or gradient skips that update, counts it, and training goes on", async () => {
  const m = model();
  const train: SequenceLike[] = [...data(10, 1), new PoisonedSequence()];
  const bad: number[] = [];
  const result = await new Trainer(m, train, data(5, 2), { ...options, maxBadUpdates: 3 }).run({
    onBadUpdate: (info) => bad.push(info.inARow),
  });
  assert.equal(result.reason, "epochs");
  assert.deepEqual(bad, [1, 1, 1]); // one poisoned update per epoch, never two in a row
  assert.equal(result.state.skippedUpdates, 3);
  assert.ok(Array.from(m.params).every(Number.isFinite), "the weights stayed finite");
  assert.ok((result.epochs[2]?.valid?.frameError as number) < 0.3, "and the model still learnt");
});

test("too many bad updates in a row stop the run with reason bad-updates, weights untouched", async () => {
  const m = model();
  const before = Float32Array.from(m.params);
  const result = await new Trainer(
    m,
    Array.from({ length: 6 }, () => new PoisonedSequence()),
    null,
    {
      ...options,
      maxBadUpdates: 4,
    },
  ).run();
  assert.equal(result.reason, "bad-updates");
  assert.equal(result.state.skippedUpdates, 4);
  assert.deepEqual(Array.from(m.params), Array.from(before));
});

test("early stopping with patience, and the maxUpdates budget", async () => {
  const stopped = await new Trainer(model(), data(20, 1), data(5, 2), {
    ...options,
    epochs: 50,
    optimizer: { type: "sgd", lr: 1e-9 }, // nothing improves after the first epoch
    earlyStopping: { patience: 2, metric: "frameError" },
  }).run();
  assert.equal(stopped.reason, "early-stopping");
  assert.ok(stopped.epochs.length <= 4);
  const budget = await new Trainer(model(), data(20, 1), null, { ...options, maxUpdates: 7 }).run();
  assert.equal(budget.reason, "max-updates");
  assert.equal(budget.state.updates, 7);
});

test("same seed and config give the same weights bit for bit; another seed does not", async () => {
  const run = async (seed: number) => {
    const m = model();
    await new Trainer(m, data(12, 1), null, { ...options, seed, noise: { weight: 0.01, input: 0.05 } }).run();
    return Buffer.from(m.params.buffer);
  };
  assert.ok((await run(4)).equals(await run(4)));
  assert.ok(!(await run(4)).equals(await run(5)));
});

test("the CLI names the file, line and problem of bad data, and the closest key of a bad config", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-bad-"));
  writeFileSync(join(dir, "ragged.jsonl"), '{"x": [[1, 2]], "y": [0]}\n{"x": [[1, 2], [3]], "y": [0, 1]}\n');
  writeFileSync(
    join(dir, "cfg.json"),
    JSON.stringify({ data: { train: join(dir, "ragged.jsonl") }, out: join(dir, "run") }),
  );
  const ragged = runCli(["train", join(dir, "cfg.json"), "--quiet"]);
  assert.equal(ragged.status, 1);
  assert.match(ragged.stderr, /ragged\.jsonl:2: ragged features: x\[1\] has 1 values, expected 2/);
  writeFileSync(join(dir, "typo.json"), JSON.stringify({ data: { train: "x" }, epochz: 3 }));
  const typo = runCli(["train", join(dir, "typo.json")]);
  assert.equal(typo.status, 1);
  assert.match(
    typo.stderr,
    /typo\.json: invalid configuration:\n {2}epochz: unknown key; did you mean "epochs"\?/,
  );
  writeFileSync(
    join(dir, "window.json"),
    JSON.stringify({ data: { train: join(dir, "ragged.jsonl") }, schedule: { k1: 10, k2: 5 } }),
  );
  assert.match(
    runCli(["train", join(dir, "window.json")]).stderr,
    /needs k2 ≥ k1.*use truncation "per-loss"/,
  );
});
