// The bundled examples beyond per-frame classification (docs/examples.md): the files in
// data/examples are exactly what the generators give, and each recipe learns through the
// CLI — the forecaster's RMSE on held-out series well below the persistence baseline, the
// sequence classifier well above chance — judged by `tbptt eval` on the test split.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bundledExampleFiles, makeWaveforms, WAVE_SHAPES, waveAt } from "../../src/tasks/examples/index.js";
import { ROOT, runCli } from "../helpers/cli.js";

test("data/examples holds exactly what the generators give (scripts/make-examples.ts)", () => {
  const files = bundledExampleFiles();
  assert.equal(files.length, 6);
  for (const { path, text } of files) {
    assert.equal(readFileSync(join(ROOT, "data", "examples", path), "utf8"), text, `data/examples/${path}`);
  }
});

test("the wave shapes are what their names say, and the classes are balanced", () => {
  assert.deepEqual(
    [0, 0.25, 0.5, 0.75].map((u) => waveAt("sine", u)).map((v) => Math.round(v * 1e9) / 1e9),
    [0, 1, 0, -1],
  );
  assert.deepEqual(
    [0.1, 0.6].map((u) => waveAt("square", u)),
    [1, -1],
  );
  assert.deepEqual(
    [0, 0.25, 0.5, 0.75].map((u) => waveAt("triangle", u)),
    [-1, 0, 1, 0],
  );
  assert.deepEqual(
    [0, 0.5].map((u) => waveAt("sawtooth", u)),
    [-1, 0],
  );
  const rows = makeWaveforms({ seed: 5, sequences: 40 });
  for (const shape of WAVE_SHAPES) assert.equal(rows.filter((r) => r.y === shape).length, 10);
});

function trainAndEvaluate(recipe: string, epochs: number, extra: string[] = []) {
  const out = mkdtempSync(join(tmpdir(), "tbptt-example-"));
  const train = runCli([
    "train",
    `recipes/examples/${recipe}.json`,
    "--quiet",
    "--epochs",
    String(epochs),
    "--out",
    out,
  ]);
  assert.equal(train.status, 0, train.stderr);
  const data = `data/examples/${recipe}/test.jsonl`;
  const evaluated = runCli(["eval", "--model", join(out, "best"), "--data", data, "--json", ...extra]);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const predicted = runCli(["predict", "--model", join(out, "best"), "--data", data]);
  assert.equal(predicted.status, 0, predicted.stderr);
  const predictions = predicted.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  return { report: JSON.parse(evaluated.stdout), predictions, trainLog: train.stdout + train.stderr };
}

test("forecasting: on held-out series the LSTM's RMSE is well below the persistence baseline", () => {
  const { report, predictions, trainLog } = trainAndEvaluate("oscillators", 12, ["--persistence"]);
  assert.match(trainLog, /valid RMSE \d/);
  assert.equal(report.frames, 60 * 48);
  // Persistence (next = current) misses by about A·√(1 − cos ω) per channel: over 1 here.
  assert.ok(report.persistence.rmse > 1, `persistence RMSE ${report.persistence.rmse}`);
  assert.ok(
    report.rmse < 0.5 * report.persistence.rmse,
    `model RMSE ${report.rmse} vs persistence ${report.persistence.rmse}`,
  );
  assert.ok(report.mae < report.rmse && report.perDimension.rmse.length === 3);
  // predict answers in the data's units: channel means near the offsets 20, 10, −5.
  assert.equal(predictions.length, 60);
  const first = predictions[0].predictions as number[][];
  assert.equal(first.length, 48);
  const mean = [0, 1, 2].map((d) => first.reduce((s, p) => s + (p[d] as number), 0) / first.length);
  assert.ok(Math.abs((mean[0] as number) - 20) < 4 && Math.abs((mean[1] as number) - 10) < 3, `${mean}`);
  assert.ok(Math.abs((mean[2] as number) + 5) < 3, `${mean}`);
});

test("sequence classification: one label per sequence, test accuracy well above chance (25%)", () => {
  const { report, predictions } = trainAndEvaluate("waveforms", 20);
  assert.equal(report.frames, 200, "one labelled frame per test sequence");
  assert.ok(report.frameError < 0.3, `test error ${report.frameError} (chance 0.75)`);
  const truth = new Map(
    readFileSync(join(ROOT, "data/examples/waveforms/test.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .map((r) => [r.id, r.y]),
  );
  // predict gives one label per sequence, by name, agreeing with eval's error rate.
  const wrong = predictions.filter((p) => p.label !== truth.get(p.id)).length;
  assert.equal(wrong, Math.round(report.frameError * 200));
  assert.equal(predictions[0].probs.length, 4);
});

test("eval --persistence on a classifier is a usage error (exit 2) that says why", () => {
  const out = mkdtempSync(join(tmpdir(), "tbptt-example-"));
  const train = runCli([
    "train",
    "recipes/examples/waveforms.json",
    "--quiet",
    "--maxUpdates",
    "1",
    "--out",
    out,
  ]);
  assert.equal(train.status, 0, train.stderr);
  const r = runCli([
    "eval",
    "--model",
    join(out, "model"),
    "--data",
    "data/examples/waveforms/test.jsonl",
    "--persistence",
  ]);
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /--persistence: the baseline is for real-valued outputs; this model outputs classes/,
  );
});
