// Through the command line, as a user meets them (issue 10, items 5 and 6): a model.json
// that does not hold together, or does not fit its weights, is refused naming model.json
// and the key, before anything is allocated; a binary data file's labels are checked
// against the model (range and names); a run too large for the machine is refused with
// what needs how much, instead of an engine's out-of-memory abort. Each exits 1.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { readLabelledFile, writeLabelledBinary } from "../../src/io/dataset-files.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tbptt-model-checks-"));
const data = join(dir, "train.jsonl");
const model = join(dir, "run", "model");

before(() => {
  const lines = Array.from({ length: 8 }, (_, i) => {
    const x = Array.from({ length: 5 }, (_, t) => [Math.sin(i + t), Math.cos(i * t)]);
    return JSON.stringify({ x, y: x.map((f) => ((f[0] as number) > 0 ? "pos" : "neg")), id: `s${i}` });
  });
  writeFileSync(data, `${lines.join("\n")}\n`);
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      model: { cell: "rnn", hiddenSize: 3 },
      data: { train: data },
      epochs: 1,
      out: join(dir, "run"),
    }),
  );
  const r = runCli(["train", config, "--quiet"]);
  assert.equal(r.status, 0, r.stderr);
});

/** A copy of the model whose model.json `edit` changed; eval on it fails with `message`. */
function assertRefused(
  name: string,
  edit: (file: { model: Record<string, unknown>; meta: Record<string, unknown> }) => void,
  message: RegExp,
): void {
  const copy = join(dir, name);
  cpSync(model, copy, { recursive: true });
  const path = join(copy, "model.json");
  const file = JSON.parse(readFileSync(path, "utf8"));
  edit(file);
  writeFileSync(path, JSON.stringify(file));
  const r = runCli(["eval", "--model", copy, "--data", data]);
  assert.equal(r.status, 1, `${name}: ${r.stderr}`);
  assert.match(r.stderr, message, name);
  assert.doesNotMatch(r.stderr, /internal error|^\s+at /m, name);
}

test("model.json is checked against itself and its weights, naming model.json and the key", () => {
  const json = (name: string) => join(dir, name, "model.json").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  assertRefused(
    "three-names",
    (f) => {
      f.meta.classes = ["a", "b", "c"];
    },
    new RegExp(
      `^tbptt: ${json("three-names")}: meta\\.classes: 3 class names, but the model has 2 outputs`,
      "m",
    ),
  );
  assertRefused(
    "no-names",
    (f) => {
      delete f.meta.classes;
    },
    new RegExp(`^tbptt: ${json("no-names")}: meta\\.classes: missing`, "m"),
  );
  assertRefused(
    "no-output-size",
    (f) => {
      delete f.model.outputSize;
    },
    new RegExp(`^tbptt: ${json("no-output-size")}: model\\.outputSize: expected a positive integer`, "m"),
  );
  assertRefused(
    "short-normalisation",
    (f) => {
      f.meta.normalisation = { mean: [0], std: [1] };
    },
    new RegExp(
      `^tbptt: ${json("short-normalisation")}: meta\\.normalisation\\.mean: expected 2 finite numbers`,
      "m",
    ),
  );
  // An absurd size is compared with the weights' shapes before a parameter is allocated.
  assertRefused(
    "huge",
    (f) => {
      f.model.hiddenSize = 1e9;
    },
    /model\.safetensors: weights do not fit the model:\n {2}rnn\.weight_ih_l0 has shape \[3, 2\], expected \[1000000000, 2\]/,
  );
});

test("eval reads a binary file's labels against the model: range and class names", () => {
  const set = readLabelledFile(data);
  const bad = join(dir, "bad-label.bin");
  (set.sequences[1] as { labels: Int32Array }).labels[3] = 7;
  writeLabelledBinary(bad, set);
  const r = runCli(["eval", "--model", model, "--data", bad]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /^tbptt: .*bad-label\.bin: sequence 1 \(s1\), frame 3: label 7 is outside the 2 classes \(0…1\)$/m,
  );
  // The same labels under the class names in the other order score the same as the JSON Lines file.
  const swapped = readLabelledFile(data);
  for (const s of swapped.sequences)
    s.labels.forEach((y, t) => {
      s.labels[t] = 1 - y;
    });
  swapped.classes = ["pos", "neg"];
  const path = join(dir, "swapped.bin");
  writeLabelledBinary(path, swapped);
  const a = runCli(["eval", "--model", model, "--data", data, "--json"]);
  const b = runCli(["eval", "--model", model, "--data", path, "--json"]);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(JSON.parse(b.stdout).frameError, JSON.parse(a.stdout).frameError);
  assert.equal(JSON.parse(b.stdout).lossPerFrame, JSON.parse(a.stdout).lossPerFrame);
});

test("a run too large for the machine is refused before allocating, saying what needs how much", () => {
  const cases: [string, object, RegExp][] = [
    ["hidden", { model: { cell: "rnn", hiddenSize: 100000 } }, /model\.hiddenSize 100000/],
    [
      "streams",
      { model: { cell: "rnn", hiddenSize: 3 }, streams: 100_000_000 },
      /100,000,000 streams × .* of activations/,
    ],
  ];
  for (const [name, keys, what] of cases) {
    const config = join(dir, `${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({ data: { train: data }, epochs: 1, out: join(dir, `run-${name}`), ...keys }),
    );
    const r = runCli(["train", config, "--quiet"]);
    assert.equal(r.status, 1, `${name}: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(
        `^tbptt: ${config.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the run needs [\\d.]+ [GMK]?B`,
        "m",
      ),
      name,
    );
    assert.match(r.stderr, what, name);
  }
  // A class index of 10⁹ makes a billion-class output: refused, saying where the size comes from.
  const huge = join(dir, "huge-label.jsonl");
  writeFileSync(
    huge,
    `${JSON.stringify({
      x: [
        [0, 1],
        [1, 0],
      ],
      y: [0, 1e9],
    })}\n`,
  );
  const config = join(dir, "huge-label.json");
  writeFileSync(
    config,
    JSON.stringify({
      model: { cell: "rnn", hiddenSize: 3 },
      data: { train: huge },
      out: join(dir, "run-huge"),
    }),
  );
  const r = runCli(["train", config, "--quiet"]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /the run needs .*out\.weight \(1000000001, 3\).*model\.outputSize 1000000001 \(the largest class index in .*huge-label\.jsonl \+ 1\)/,
  );
});
