// Resuming as users do it: `tbptt train --resume RUN_FOLDER` (the run's own config),
// wider limits on resume continuing bit for bit, every refused difference named with both
// values, a deleted config.json refused, changed data named by file, a checkpoint from
// another optimizer refused.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";
import { config, makeData, setup, writeJsonl } from "../helpers/train-run.js";

const small = { epochs: 2, checkpointEvery: undefined, model: { cell: "gru", hiddenSize: 8 } };
const weights = (run: string) => readFileSync(join(run, "model", "model.safetensors"));

test("--resume RUN_FOLDER with more epochs continues the finished run bit for bit; the folder alone is refused without --resume", () => {
  const dir = setup();
  const straight = runCli(["train", config(dir, "straight", { ...small, epochs: 4 }), "--quiet"]);
  assert.equal(straight.status, 0, straight.stderr);
  assert.equal(runCli(["train", config(dir, "extended", small), "--quiet"]).status, 0);
  const run = join(dir, "extended");
  const noFlag = runCli(["train", run]);
  assert.equal(noFlag.status, 2);
  assert.match(noFlag.stderr, /is a folder; to continue the run in it: tbptt train --resume/);
  // Nothing left to do as configured: says so, changes nothing.
  const same = runCli(["train", "--resume", run, "--quiet"]);
  assert.equal(same.status, 0, same.stderr);
  assert.match(same.stderr, /done \(epochs\)/);
  const more = runCli(["train", "--resume", run, "--epochs", "4", "--quiet"]);
  assert.equal(more.status, 0, more.stderr);
  assert.match(more.stderr, /resuming from .*; changed: epochs 2 → 4/);
  assert.ok(weights(join(dir, "straight")).equals(weights(run)), "2 + 2 epochs differ from 4 epochs");
  assert.equal(
    JSON.parse(readFileSync(join(run, "config.json"), "utf8")).epochs,
    4,
    "config.json keeps the new limit",
  );
  assert.match(
    readFileSync(join(run, "log.jsonl"), "utf8"),
    /"event":"resume","changes":\[\{"key":"epochs","run":2,"now":4\}\]/,
  );
});

test("a changed configuration is refused naming each key and both values; a deleted config.json is refused", () => {
  const dir = setup();
  const cfg = config(dir, "run", small);
  assert.equal(runCli(["train", cfg, "--quiet"]).status, 0);
  const changed = runCli([
    "train",
    cfg,
    "--resume",
    "--optimizer.lr",
    "0.5",
    "--streams",
    "2",
    "--epochs",
    "3",
  ]);
  assert.equal(changed.status, 1);
  assert.match(changed.stderr, /differs from the run's in 2 key\(s\) that resuming cannot change/);
  assert.match(changed.stderr, /optimizer\.lr: the run has 0\.01, now 0\.5/);
  assert.match(changed.stderr, /streams: the run has 3, now 2/);
  assert.doesNotMatch(changed.stderr, /epochs: the run/);
  assert.match(changed.stderr, /Keys that may change on resume: epochs, maxUpdates/);
  rmSync(join(dir, "run", "config.json"));
  for (const args of [
    ["train", cfg, "--resume"],
    ["train", "--resume", join(dir, "run")],
  ]) {
    const r = runCli(args);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /config\.json: missing, so the configuration cannot be checked against the run's/);
  }
});

test("training data changed since the checkpoint is refused, naming the file; the same bytes touched or moved are not", () => {
  const dir = setup();
  const cfg = config(dir, "run", small);
  assert.equal(runCli(["train", cfg, "--quiet"]).status, 0);
  const train = join(dir, "train.jsonl");
  // Same bytes, new modification time: resumes.
  utimesSync(train, new Date(), new Date(Date.now() + 5000));
  const touched = runCli(["train", cfg, "--resume", "--epochs", "3", "--quiet"]);
  assert.equal(touched.status, 0, touched.stderr);
  // The same data in another place (data paths may change on resume): resumes.
  const moved = join(dir, "moved.jsonl");
  copyFileSync(train, moved);
  const elsewhere = runCli(["train", cfg, "--resume", "--epochs", "4", "--data.train", moved, "--quiet"]);
  assert.equal(elsewhere.status, 0, elsewhere.stderr);
  // One sequence more: refused, naming the key and the file.
  writeJsonl(train, makeData(121, 1));
  const r = runCli(["train", cfg, "--resume", "--epochs", "5"]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /checkpoint\.safetensors: the training data changed since this checkpoint was taken/,
  );
  assert.ok(r.stderr.includes(`data.train: changed 1: ${train}`), r.stderr);
});

test("a checkpoint written by another optimizer is refused, naming both", () => {
  const dir = setup();
  const adam = config(dir, "adam", small);
  const sgd = config(dir, "sgd", { ...small, optimizer: { type: "sgd", lr: 0.01, momentum: 0.9 } });
  assert.equal(runCli(["train", adam, "--quiet"]).status, 0);
  assert.equal(runCli(["train", sgd, "--quiet"]).status, 0);
  copyFileSync(join(dir, "adam", "checkpoint.safetensors"), join(dir, "sgd", "checkpoint.safetensors"));
  const r = runCli(["train", sgd, "--resume", "--epochs", "3"]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /holds optimizer state m, v \(adam's\), but the configured optimizer sgd keeps velocity \(sgd's\)/,
  );
  writeFileSync(join(dir, "sgd", "checkpoint.safetensors"), "not a checkpoint at all");
  const broken = runCli(["train", sgd, "--resume"]);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /sgd\/checkpoint\.safetensors: /);
  assert.doesNotMatch(broken.stderr, /internal error/);
});
