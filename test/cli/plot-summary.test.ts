// tbptt plot and tbptt summary: curves of real runs from their logs, every run in every
// panel with its own colour; the summary of a config, and the same lines at the start
// of training.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { chooseMetric, runCurvePanels } from "../../src/train/plot-runs.js";
import { SERIES_COLOURS } from "../../src/train/render-curves.js";
import { runCli } from "../helpers/cli.js";

function rows(count: number, seed: number): string {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const x: number[][] = [];
    const y: number[] = [];
    for (let t = 0; t < 10; t++) {
      const v = rng.uniform(-1, 1);
      x.push([v]);
      y.push(v > 0 ? 1 : 0);
    }
    out.push(JSON.stringify({ x, y }));
  }
  return `${out.join("\n")}\n`;
}

function config(dir: string, name: string, extra: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      model: { cell: "gru", hiddenSize: 4 },
      optimizer: { type: "adam", lr: 0.02 },
      data: { train: "train.jsonl", valid: "valid.jsonl" },
      streams: 2,
      epochs: 3,
      logEvery: 2,
      validateEvery: { updates: 5 },
      out: join(dir, name),
      ...extra,
    }),
  );
  return path;
}

test("plot overlays runs from their logs: every run in all nine panels, one colour each", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-plot-"));
  writeFileSync(join(dir, "train.jsonl"), rows(20, 1));
  writeFileSync(join(dir, "valid.jsonl"), rows(6, 2));
  for (const [name, extra] of [
    ["fast", { optimizer: { type: "adam", lr: 0.05 } }],
    ["slow", { schedule: { k1: 5, k2: 5 } }],
  ] as const) {
    const r = runCli(["train", config(dir, name, extra), "--quiet"]);
    assert.equal(r.status, 0, r.stderr);
    // the summary at the start of training
    assert.match(r.stderr, /^model: gru, 1 layer × 4 cells, 1 inputs → 2 classes per frame$/m);
    assert.match(r.stderr, /^parameters: [\d,]+ \([\d.]+ K?B float32\); backend /m);
    assert.match(r.stderr, /^memory: [\d.]+ [KM]?B = /m);
  }
  const out = join(dir, "curves.svg");
  const plotted = runCli(["plot", join(dir, "fast"), join(dir, "slow"), "--out", out]);
  assert.equal(plotted.status, 0, plotted.stderr);
  assert.match(plotted.stdout, /curves\.svg: 2 runs \(fast, slow\), validation frameError/);
  const svg = readFileSync(out, "utf8");
  for (const x of ["epochs", "updates", "training time \\(s\\)"])
    for (const y of ["training loss", "validation loss", "validation frameError \\(%\\)"])
      assert.match(svg, new RegExp(`>${y} by ${x}<`));
  // each run's points, counted from its log: circles of its colour
  ["fast", "slow"].forEach((name, i) => {
    const log = readFileSync(join(dir, name, "log.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string });
    const count = (event: string) => log.filter((e) => e.event === event).length;
    const [epochs, updates, validations] = [count("epoch"), count("update"), count("validation")];
    assert.ok(validations > epochs, "validateEvery adds points between epoch ends");
    const expected = epochs + updates + epochs + 6 * validations;
    const colour = SERIES_COLOURS[i] as string;
    const circles = svg.split(`fill="${colour}"/>`).length - 1 - 1; // less the legend's marker
    assert.equal(circles, expected, `${name}: ${circles} points drawn, ${expected} in its log`);
  });
  const missing = runCli(["plot", join(dir, "nowhere")]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nowhere: no such run folder/);
  const badMetric = runCli(["plot", join(dir, "fast"), "--metric", "rmse", "--out", out]);
  assert.equal(badMetric.status, 1);
  assert.match(badMetric.stderr, /--metric rmse: not in the validation lines of fast/);

  const summary = runCli(["summary", config(dir, "fast", {}), "--json"]);
  assert.equal(summary.status, 0, summary.stderr);
  const s = JSON.parse(summary.stdout) as {
    parameters: number;
    tensors: { size: number }[];
    streams: number;
  };
  const model = JSON.parse(readFileSync(join(dir, "fast", "model", "model.json"), "utf8")).model;
  assert.equal(model.hiddenSize, 4);
  assert.equal(
    s.parameters,
    s.tensors.reduce((n, t) => n + t.size, 0),
  );
  // GRU: 3H×I + 3H×H + 2·3H, then the output layer C×H + C
  assert.equal(s.parameters, 3 * 4 * 1 + 3 * 4 * 4 + 2 * 3 * 4 + 2 * 4 + 2);
});

test("the panels hold exactly the logged figures", () => {
  const entries = [
    { event: "update", epoch: 1, update: 2, loss: 0.9 },
    {
      event: "validation",
      at: "every",
      epochs: 0.5,
      updates: 2,
      trainSeconds: 1,
      valid: { lossPerFrame: 0.8, frameError: 0.4 },
    },
    {
      event: "epoch",
      epoch: 1,
      updates: 4,
      trainSeconds: 2,
      trainLossPerFrame: 0.7,
      valid: { lossPerFrame: 0.6, frameError: 0.3 },
    },
    {
      event: "validation",
      at: "epoch",
      epochs: 1,
      updates: 4,
      trainSeconds: 2,
      valid: { lossPerFrame: 0.6, frameError: 0.3 },
    },
  ];
  const runs = [{ name: "a", entries }];
  assert.equal(chooseMetric(runs), "frameError");
  const panels = runCurvePanels(runs, "frameError");
  assert.equal(panels.length, 9);
  const points = (i: number) => panels[i]?.series[0]?.points;
  assert.deepEqual(points(0), [[1, 0.7]]); // training loss by epoch
  assert.deepEqual(points(1), [
    [0.5, 0.8],
    [1, 0.6],
  ]);
  assert.deepEqual(points(2), [
    [0.5, 40],
    [1, 30],
  ]); // percent
  assert.deepEqual(points(3), [[2, 0.9]]); // the running loss by update
  assert.deepEqual(points(7), [
    [1, 0.8],
    [2, 0.6],
  ]); // validation loss by training time
  // an older log without validation lines: the epoch lines' validation
  const old = [{ name: "b", entries: [entries[2] as Record<string, unknown>] }];
  assert.deepEqual(runCurvePanels(old, "frameError")[1]?.series[0]?.points, [[1, 0.6]]);
});
