// `tbptt gradient` through the command line: a config measures the model at
// initialisation, a run folder its trained weights; --json holds the same figures the
// library computes; --svg writes a picture; memory-task, JSON Lines, text and speech
// configs all load; usage errors exit 2, a model with nothing to measure exits 1.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readConfig } from "../../src/cli/train.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { analyseGradient } from "../../src/gradient/analyse.js";
import { loadTaskData } from "../../src/io/task-files.js";
import { createModelForConfig, modelConfigFor } from "../../src/train/setup.js";
import { runCli } from "../helpers/cli.js";

const LATCH = "recipes/memory/latch.json";

function json(stdout: string) {
  return JSON.parse(stdout, (_, v) => (v === "Infinity" ? Number.POSITIVE_INFINITY : v));
}

test("--json from a config equals analyseGradient on the same model and data (float64)", async () => {
  const r = runCli(["gradient", LATCH, "--updates", "4", "--k2", "5,1,2", "--dtype", "float64", "--json"]);
  assert.equal(r.status, 0, r.stderr);
  const report = json(r.stdout);
  assert.deepEqual(
    report.truncation.map((row: { k2: number }) => row.k2),
    [1, 2, 5],
  );
  assert.equal(report.sample.updates, 4);
  const config = readConfig(LATCH);
  const data = await loadTaskData(config);
  const model = createModelForConfig(config, modelConfigFor(config, data), createPlainBackend("float64"));
  const mine = analyseGradient(model, data.train, {
    schedule: makeSchedule(config.schedule),
    streams: config.streams,
    updates: 4,
    k2: [1, 2, 5],
  });
  assert.deepEqual(
    report.truncation.map((row: { perUpdate: unknown }) => row.perUpdate),
    mine.truncation.map((row) => row.perUpdate),
  );
  assert.deepEqual(report.lagProfile, JSON.parse(JSON.stringify(mine.lagProfile)));
  assert.equal(report.recommendation.k2, mine.recommendation.k2);
});

test("a run folder measures its trained weights; text output, the recommendation and an SVG", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-gradient-"));
  const run = join(dir, "run");
  const trained = runCli(["train", LATCH, "--quiet", "--epochs", "2", "--out", run]);
  assert.equal(trained.status, 0, trained.stderr);
  const svg = join(dir, "plot.svg");
  const r = runCli(["gradient", run, "--updates", "3", "--k2", "1,5", "--svg", svg]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`the trained model in ${join(run, "best").replace(/[/\\]/g, "\\$&")}`));
  assert.match(r.stdout, /lag profile: mean ‖∂L_s\/∂h_\{s−τ\}‖/);
  assert.match(r.stdout, /recommendation: (k2 = \d+|full BPTT)/);
  assert.match(r.stdout, /full BPTT \(k2 = ∞\)/);
  assert.ok(readFileSync(svg, "utf8").startsWith("<svg"));
  // The trained weights give other figures than the initial ones.
  const atInit = runCli(["gradient", LATCH, "--updates", "3", "--k2", "1,5", "--json"]);
  const fromRun = runCli(["gradient", join(run, "model"), "--updates", "3", "--k2", "1,5", "--json"]);
  assert.equal(fromRun.status, 0, fromRun.stderr);
  assert.notDeepEqual(
    json(atInit.stdout).truncation[0].perUpdate,
    json(fromRun.stdout).truncation[0].perUpdate,
  );
});

test("JSON Lines, text and speech configs load through the task's own reader", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-gradient-data-"));
  const rows = Array.from({ length: 6 }, (_, n) =>
    JSON.stringify({
      x: Array.from({ length: 5 + n }, (_, t) => [Math.sin(t + n), Math.cos(t * n)]),
      y: Array.from({ length: 5 + n }, (_, t) => ((t + n) % 3 === 0 ? "a" : "b")),
    }),
  );
  writeFileSync(join(dir, "train.jsonl"), `${rows.join("\n")}\n`);
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      model: { cell: "gru", hiddenSize: 4 },
      schedule: { k1: 3, k2: 3 },
      data: { train: join(dir, "train.jsonl") },
    }),
  );
  for (const args of [
    [config, "--updates", "3"],
    [
      "recipes/text/synthetic-words.json",
      "--streams",
      "2",
      "--model.hiddenSize",
      "8",
      "--data.train",
      "synthetic:words?seed=1&chars=3000",
      "--updates",
      "2",
      "--k2",
      "1,30",
    ],
    [
      "recipes/speech/quickstart.json",
      "--model.bidirectional",
      "false",
      "--model.hiddenSize",
      "8",
      "--streams",
      "2",
      "--updates",
      "1",
      "--k2",
      "2",
      "--no-state",
    ],
  ]) {
    const r = runCli(["gradient", ...args, "--json"]);
    assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
    assert.ok(json(r.stdout).sample.losses > 0, args[0]);
  }
});

test("usage errors exit 2, a model with nothing to measure exits 1, each with its reason", () => {
  const cases: [string[], number, RegExp][] = [
    [["gradient"], 2, /missing CONFIG.json or RUN folder/],
    [["gradient", "no/such.json"], 2, /no\/such.json: no such config file or run folder/],
    [["gradient", LATCH, "--k2", "1,0"], 2, /--k2: expected an integer ≥ 1, got "0"/],
    [["gradient", LATCH, "--tolerance", "1.5"], 2, /--tolerance: expected a cosine in \(0, 1\]/],
    [["gradient", LATCH, "--dtype", "float16"], 2, /--dtype: expected float32 or float64/],
    [["gradient", LATCH, "--profile-steps", "0"], 2, /--profile-steps: expected an integer ≥ 1, got "0"/],
    [
      ["gradient", LATCH, "--model.bidirectional", "true"],
      1,
      /bidirectional model trains only with k2 = Infinity/,
    ],
    [["gradient", LATCH, "--model.cell", "mlp"], 1, /"mlp" has no recurrence/],
  ];
  for (const [args, status, message] of cases) {
    const r = runCli(args);
    assert.equal(r.status, status, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(" "));
  }
});
