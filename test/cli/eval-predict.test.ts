// `tbptt eval` and `tbptt predict` on the generic task, through the command line: predict
// reads unlabelled sequences (rows without "y") and gives the same labels as for the same
// sequences labelled; eval's frame error is the share of predict's labels that are wrong.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { runCli } from "../helpers/cli.js";

function rows(count: number, seed: number): { x: number[][]; y: string[]; id: string }[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const x: number[][] = [];
    const y: string[] = [];
    for (let t = 0; t < 8 + rng.int(8); t++) {
      const v = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
      x.push(v);
      y.push((v[0] as number) > 0 ? "pos" : "neg");
    }
    return { x, y, id: `s${i}` };
  });
}

const jsonl = (r: object[]) => `${r.map((o) => JSON.stringify(o)).join("\n")}\n`;

test("predict on unlabelled sequences equals predict on the labelled ones; eval's frame error agrees", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-eval-"));
  const train = rows(30, 1);
  const test_ = rows(6, 2);
  writeFileSync(join(dir, "train.jsonl"), jsonl(train));
  writeFileSync(join(dir, "test.jsonl"), jsonl(test_));
  writeFileSync(join(dir, "unlabelled.jsonl"), jsonl(test_.map(({ x, id }) => ({ x, id }))));
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      model: { cell: "gru", hiddenSize: 6 },
      optimizer: { type: "adam", lr: 0.02 },
      data: { train: join(dir, "train.jsonl"), normalise: true },
      epochs: 3,
      streams: 2,
      out: join(dir, "run"),
    }),
  );
  const trained = runCli(["train", config, "--quiet"]);
  assert.equal(trained.status, 0, trained.stderr);
  const model = join(dir, "run", "model");

  const labelled = runCli(["predict", "--model", model, "--data", join(dir, "test.jsonl")]);
  assert.equal(labelled.status, 0, labelled.stderr);
  const unlabelled = runCli(["predict", "--model", model, "--data", join(dir, "unlabelled.jsonl")]);
  assert.equal(unlabelled.status, 0, unlabelled.stderr);
  assert.equal(unlabelled.stdout, labelled.stdout);
  const predictions = unlabelled.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { id: string; labels: string[]; probs: number[][] });
  assert.deepEqual(
    predictions.map((p) => p.id),
    test_.map((r) => r.id),
  );
  let wrong = 0;
  let frames = 0;
  predictions.forEach((p, i) => {
    const truth = (test_[i] as { y: string[] }).y;
    assert.equal(p.labels.length, truth.length);
    for (const [t, label] of p.labels.entries()) {
      assert.ok(label === "pos" || label === "neg", `label ${label}`);
      const probs = p.probs[t] as number[];
      assert.ok(Math.abs((probs[0] as number) + (probs[1] as number) - 1) < 1e-5);
      frames++;
      if (label !== truth[t]) wrong++;
    }
  });

  const evaluated = runCli(["eval", "--model", model, "--data", join(dir, "test.jsonl"), "--json"]);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout) as { frames: number; frameError: number };
  assert.equal(report.frames, frames);
  assert.ok(
    Math.abs(report.frameError - wrong / frames) < 1e-12,
    `${report.frameError} vs ${wrong / frames}`,
  );

  // the confusion matrix as text only on request
  const plain = runCli(["eval", "--model", model, "--data", join(dir, "test.jsonl")]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /frame error [\d.]+%/);
  assert.match(plain.stdout, /per-class accuracy: neg [\d.]+%, pos [\d.]+%/);
  assert.doesNotMatch(plain.stdout, /true\\pred/);
  const matrix = runCli(["eval", "--model", model, "--data", join(dir, "test.jsonl"), "--matrix"]);
  assert.match(matrix.stdout, /true\\pred +neg +pos\n +neg +\d+ +\d+\n +pos +\d+ +\d+/);

  // eval needs labels: the unlabelled file is an error naming the line
  const noLabels = runCli(["eval", "--model", model, "--data", join(dir, "unlabelled.jsonl")]);
  assert.equal(noLabels.status, 1);
  assert.match(noLabels.stderr, /unlabelled\.jsonl:1: "y" must be an array of labels/);
  assert.ok(readFileSync(join(model, "model.json"), "utf8").includes('"version": 1'));
});

test("eval of a text model reproduces the validation loss the training log printed (its validStreams by default)", async () => {
  const { syntheticText } = await import("../../src/tasks/text/synthetic.js");
  const dir = mkdtempSync(join(tmpdir(), "tbptt-eval-text-"));
  const text = syntheticText("synthetic:words?seed=1&chars=8000").text;
  writeFileSync(join(dir, "train.txt"), text.slice(0, 6500));
  writeFileSync(join(dir, "valid.txt"), text.slice(6500));
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      task: "text",
      model: { cell: "lstm", hiddenSize: 8 },
      schedule: { k1: 10, k2: 10, reset: "never", layout: "packed" },
      optimizer: { type: "adam", lr: 0.01 },
      data: { train: join(dir, "train.txt"), valid: join(dir, "valid.txt") },
      epochs: 1,
      streams: 4,
      validStreams: 3,
      out: join(dir, "run"),
    }),
  );
  const trained = runCli(["train", config, "--quiet"]);
  assert.equal(trained.status, 0, trained.stderr);
  const epoch = readFileSync(join(dir, "run", "log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { event: string; valid?: { lossPerFrame: number } })
    .find((e) => e.event === "epoch");
  const logged = epoch?.valid?.lossPerFrame as number;
  const model = join(dir, "run", "model");
  const byDefault = runCli(["eval", "--model", model, "--data", join(dir, "valid.txt"), "--json"]);
  assert.equal(byDefault.status, 0, byDefault.stderr);
  assert.equal((JSON.parse(byDefault.stdout) as { lossPerFrame: number }).lossPerFrame, logged);
  // the human-readable report of a language model: bits per character, no per-class lines
  const readable = runCli(["eval", "--model", model, "--data", join(dir, "valid.txt")]);
  assert.equal(readable.status, 0, readable.stderr);
  assert.match(readable.stdout, /symbols predicted in 3 streams/);
  assert.match(readable.stdout, /loss per symbol [\d.]+ nats, bitsPerChar [\d.]+, perplexity [\d.]+/);
  assert.doesNotMatch(readable.stdout, /per-class|true\\pred|frame error/);
  assert.ok(readable.stdout.trim().split("\n").length <= 3, readable.stdout);
  // other streams cut the text elsewhere: a (slightly) different figure, so the default matters
  const eight = runCli([
    "eval",
    "--model",
    model,
    "--data",
    join(dir, "valid.txt"),
    "--json",
    "--streams",
    "8",
  ]);
  assert.notEqual((JSON.parse(eight.stdout) as { lossPerFrame: number }).lossPerFrame, logged);
});

test("confusion colours: pale to full green on the diagonal, pale to full red off it, never another hue", async () => {
  const { cellColour } = await import("../../src/train/render-confusion.js");
  const rgb = (s: string) => (/rgb\((\d+),(\d+),(\d+)\)/.exec(s) as RegExpExecArray).slice(1).map(Number);
  assert.deepEqual(rgb(cellColour(0, true)), [255, 255, 255]);
  assert.deepEqual(rgb(cellColour(1, true)), [0, 128, 0]);
  assert.deepEqual(rgb(cellColour(1, false)), [255, 0, 0]);
  for (const share of [0.02, 0.1, 0.3, 0.5, 0.9]) {
    const [r, g, b] = rgb(cellColour(share, true)) as [number, number, number];
    assert.ok(g > r && r === b, `diagonal at ${share}: rgb(${r},${g},${b}) is green`); // the old colours had r = b > g: magenta
    const [r2, g2, b2] = rgb(cellColour(share, false)) as [number, number, number];
    assert.ok(r2 === 255 && g2 === b2 && g2 < 255, `off-diagonal at ${share} is red`);
  }
});
