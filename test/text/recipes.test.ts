// Every text recipe is a valid training config with a valid schedule, cites its
// source, and uses the char-rnn stream layout (packed, state carried).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { makeSchedule } from "../../src/engine/schedule.js";
import { parseConfig } from "../../src/train/config.js";

const dir = "recipes/text";
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const readme = readFileSync(join(dir, "README.md"), "utf8");

test("the recipes folder holds the four literature recipes and the demos", () => {
  for (const name of ["char-rnn", "min-char-rnn", "graves-2014-wikipedia", "mikolov-2012", "synthetic-words"])
    assert.ok(files.includes(`${name}.json`), name);
});

test("mikolov-2012.json is rnnlm's -class 100 -bptt 5 -bptt-block 10: words, classes, the output layer every word", () => {
  const config = parseConfig(JSON.parse(readFileSync(join(dir, "mikolov-2012.json"), "utf8")));
  const schedule = makeSchedule(config.schedule);
  // docs/rnnlm.md: -bptt B -bptt-block K is window k1 = K, k2 = B + K − 1 with outputUpdate "step".
  assert.deepEqual(
    [schedule.k1, schedule.k2, schedule.truncation, schedule.outputUpdate, schedule.reduction],
    [10, 5 + 10 - 1, "window", "step", "sum"],
  );
  assert.equal(config.streams, 1);
  assert.equal(config.data.unit, "word");
  assert.deepEqual(config.model.output, { kind: "class-softmax", classes: 100 });
  assert.equal(config.model.cell, "rnn");
  assert.equal(config.model.nonlinearity, "sigmoid");
  assert.deepEqual(config.optimizer, { type: "sgd", lr: 0.1 });
});

for (const file of files) {
  test(`${file}: parses, cites a source, streams text`, () => {
    const raw = JSON.parse(readFileSync(join(dir, file), "utf8"));
    const config = parseConfig(raw, file);
    assert.equal(config.task, "text");
    const schedule = makeSchedule(config.schedule);
    assert.equal(schedule.layout, "packed");
    assert.notEqual(schedule.reset, "sequence", "text streams carry their state");
    assert.ok((config.description ?? "").length > 40, "the description cites the source");
    assert.ok(readme.includes(`\`${file}\``), "README.md lists it");
  });
}

for (const file of files) {
  test(`${file}: runs, shortened (small net, synthetic text, 3 updates)`, async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { runCli } = await import("../helpers/cli.js");
    const out = mkdtempSync(join(tmpdir(), "tbptt-text-recipe-"));
    const r = runCli([
      "train",
      join(dir, file),
      "--quiet",
      "--data.train",
      "synthetic:words?seed=1&chars=20000",
      "--data.valid",
      "",
      "--model.hiddenSize",
      "8",
      "--maxUpdates",
      "3",
      "--out",
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /done \(max-updates\)/);
  });
}
