// Every memory recipe is a valid config on generated data, listed in its README, and
// runs through the command line (shortened to 3 updates).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { makeSchedule } from "../../src/engine/schedule.js";
import { isMemorySpec } from "../../src/tasks/memory/spec.js";
import { parseConfig } from "../../src/train/config.js";
import { runCli } from "../helpers/cli.js";

const dir = "recipes/memory";
const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
const readme = readFileSync(join(dir, "README.md"), "utf8");

test("the memory recipes: delayed recall, the latch and the adding problem (and recall learnt online)", () => {
  assert.deepEqual(files.sort(), ["adding.json", "delayed-recall.json", "latch.json", "online-recall.json"]);
});

for (const file of files) {
  test(`${file}: parses, generates its data, is listed, and trains through the CLI`, () => {
    const config = parseConfig(JSON.parse(readFileSync(join(dir, file), "utf8")), file);
    makeSchedule(config.schedule);
    assert.equal(config.task, "sequences");
    assert.ok(isMemorySpec(config.data.train) && isMemorySpec(config.data.valid ?? ""));
    assert.ok(readme.includes(`\`${file}\``), "README.md lists it");
    const out = mkdtempSync(join(tmpdir(), "tbptt-memory-recipe-"));
    const r = runCli(["train", join(dir, file), "--quiet", "--maxUpdates", "3", "--out", out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /done \(max-updates\)/);
  });
}
