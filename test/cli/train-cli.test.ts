// The trainer through the command line: a run killed mid-way (SIGKILL, and Ctrl-C)
// resumes to weights bit-identical with an uninterrupted run; plain SGD through the CLI
// equals the same updates done by hand with the library's layers.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { readSafetensorsFileSync, writeSafetensorsFileSync } from "../../src/io/atomic-write.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { loadParameterTensors, parameterTensors } from "../../src/nn/weights.js";
import { runCli, startCli } from "../helpers/cli.js";
import { config, makeData, type Row, setup, waitFor } from "../helpers/train-run.js";

function weights(dir: string, out: string): Buffer {
  return readFileSync(join(dir, out, "model", "model.safetensors"));
}

test("killed with SIGKILL mid-run, resumed with --resume: weights bit-identical to an uninterrupted run", async () => {
  const dir = setup();
  const full = runCli(["train", config(dir, "full", { epochs: 40 }), "--quiet"]);
  assert.equal(full.status, 0, full.stderr);
  assert.match(full.stderr, /done \(epochs\): validation frame error/);

  const cfg = config(dir, "killed", { epochs: 40 });
  const child = startCli(["train", cfg, "--quiet"]);
  const exited = new Promise((r) => child.on("exit", r));
  await waitFor(() => existsSync(join(dir, "killed", "checkpoint.safetensors")), 60_000);
  child.kill("SIGKILL");
  await exited;
  assert.ok(
    !existsSync(join(dir, "killed", "model")),
    "the run finished before it was killed: make it longer",
  );

  const resumed = runCli(["train", cfg, "--quiet", "--resume"]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming from/);
  assert.ok(
    weights(dir, "full").equals(weights(dir, "killed")),
    "resumed weights differ from the uninterrupted run's",
  );
  const log = readFileSync(join(dir, "killed", "log.jsonl"), "utf8");
  assert.match(log, /"event":"resume"/);
});

/** The words of a command printed for a shell (plain words and '...' quoting, as shellWord writes). */
function shellWords(command: string): string[] {
  return [...command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) =>
    m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string),
  );
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`${signal === "SIGINT" ? "Ctrl-C" : "SIGTERM"} writes a checkpoint, prints a resume command that works verbatim, and the resumed run matches`, async () => {
    const dir = setup();
    // long enough (a second or more) that the interrupt lands mid-run on an idle machine
    const long = { schedule: { k1: "Infinity", k2: "Infinity" }, epochs: 80 };
    assert.equal(runCli(["train", config(dir, "full", long), "--quiet"]).status, 0);
    // Started with an override of the run folder: the printed command must carry it.
    const cfg = config(dir, "elsewhere", long);
    const out = join(dir, "interrupted folder");
    const child = startCli(["train", cfg, "--quiet", "--out", out]);
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    // The first log line is written once the signal is handled: send it right then, mid-run.
    await waitFor(() => existsSync(join(out, "log.jsonl")), 60_000);
    child.kill(signal);
    const code = await exited;
    assert.equal(code, 0, stderr);
    assert.match(
      stderr,
      /interrupted; checkpoint written/,
      "the run finished before the signal: make it longer",
    );
    const printed = /Resume with: (tbptt train .*)$/m.exec(stderr)?.[1];
    assert.ok(printed, stderr);
    const resumed = runCli(shellWords(printed).slice(1));
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /resuming from/);
    assert.ok(weights(dir, "full").equals(readFileSync(join(out, "model", "model.safetensors"))));
  });
}

test("--resume refuses a changed configuration, and a missing checkpoint", () => {
  const dir = setup();
  const cfg = config(dir, "run", { epochs: 1 });
  assert.equal(runCli(["train", cfg, "--quiet"]).status, 0);
  const changed = runCli(["train", cfg, "--quiet", "--resume", "--optimizer.lr", "0.5"]);
  assert.notEqual(changed.status, 0);
  assert.match(changed.stderr, /configuration differs/);
  const none = runCli(["train", config(dir, "other"), "--quiet", "--resume"]);
  assert.match(none.stderr, /no run to resume \(no checkpoint.safetensors\)/);
});

test("plain SGD through the CLI equals the same updates done by hand with the library's layers", () => {
  const dir = setup();
  const rows = makeData(120, 1);
  const classes = ["down", "left", "up"];
  const modelConfig = {
    cell: "lstm" as const,
    inputSize: 3,
    hiddenSize: 5,
    layers: 1,
    bidirectional: false,
    peepholes: true,
    outputSize: 3,
  };
  const start = new SequenceModel(modelConfig, createPlainBackend("float64"));
  initializeModel(start, new Rng(99), { scheme: "uniform", range: 0.2 });
  const init = join(dir, "init.safetensors");
  writeSafetensorsFileSync(init, parameterTensors(start));
  for (const [updates, momentum] of [
    [1, 0],
    [4, 0.9],
  ] as const) {
    const out = `sgd-${updates}`;
    const r = runCli([
      "train",
      config(dir, out, {
        model: { cell: "lstm", hiddenSize: 5, peepholes: true },
        schedule: { k1: "Infinity", k2: "Infinity" },
        optimizer: { type: "sgd", lr: 0.05, momentum },
        clip: undefined,
        streams: 1,
        shuffle: false,
        init,
        dtype: "float64",
        backend: "plain",
        maxUpdates: updates,
        checkpointEvery: undefined,
      }),
      "--quiet",
    ]);
    assert.equal(r.status, 0, r.stderr);
    // By hand: one whole-sequence BPTT gradient per utterance, v ← μv + g, p ← p − lr v.
    const model = new SequenceModel(modelConfig, createPlainBackend("float64"));
    loadParameterTensors(model, readSafetensorsFileSync(init).tensors, init);
    const velocity = new Float64Array(model.params.length);
    for (let u = 0; u < updates; u++) {
      const row = rows[u] as Row;
      model.zeroGrads();
      sequenceLossAndGradient(model, {
        inputs: [row.x.flat().map(Math.fround)],
        labels: [row.y.map((c) => classes.indexOf(c))],
      });
      for (let i = 0; i < model.params.length; i++) {
        velocity[i] = momentum * (velocity[i] as number) + (model.grads[i] as number);
        model.params[i] -= 0.05 * (velocity[i] as number);
      }
    }
    const cli = new SequenceModel(modelConfig, createPlainBackend("float64"));
    const path = join(dir, out, "model", "model.safetensors");
    loadParameterTensors(cli, readSafetensorsFileSync(path).tensors, path);
    let worst = 0;
    for (let i = 0; i < model.params.length; i++)
      worst = Math.max(worst, Math.abs((model.params[i] as number) - (cli.params[i] as number)));
    assert.ok(worst < 1e-12, `${updates} update(s): largest difference ${worst}`);
    assert.notDeepEqual(Array.from(cli.params), Array.from(start.params));
  }
});
