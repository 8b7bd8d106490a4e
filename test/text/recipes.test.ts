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
