// Limits a user meets, each named (issue 10, item 6): a write that fails on its descriptor
// (ENOSPC, a quota, the file size limit: the system's error carries no path) names the
// file the user asked for; `tbptt schedule --length` past what the explainer walks in
// seconds is refused at once, exit 2, rather than running for hours.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TbpttError } from "../../src/core/errors.js";
import { explainSchedule, MAX_EXPLAIN_LENGTH } from "../../src/engine/explain.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { ROOT, runCli } from "../helpers/cli.js";

test("a write that fails on its descriptor names the file (here: the file size limit)", {
  skip: existsSync("/bin/bash") ? false : "no bash",
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-write-fail-"));
  const rows = Array.from({ length: 4 }, (_, i) =>
    JSON.stringify({
      x: [
        [i, 1],
        [1, i],
      ],
      y: [0, 1],
    }),
  );
  writeFileSync(join(dir, "d.jsonl"), `${rows.join("\n")}\n`);
  const config = join(dir, "c.json");
  // 64 hidden units: a 17 KB checkpoint, past a 4 KB file size limit (ulimit -f counts KB).
  writeFileSync(
    config,
    JSON.stringify({
      model: { cell: "rnn", hiddenSize: 64 },
      data: { train: join(dir, "d.jsonl") },
      epochs: 1,
      out: join(dir, "run"),
    }),
  );
  const main = join(ROOT, "src", "cli", "main.ts");
  const r = spawnSync(
    "/bin/bash",
    [
      "-c",
      `ulimit -f 4; exec "$0" --import "$1" "$2" train "$3" --quiet`,
      process.execPath,
      import.meta.resolve("tsx"),
      main,
      config,
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`^tbptt: ${join(dir, "run", "checkpoint.safetensors")}: cannot write: file too large`, "m"),
  );
  assert.doesNotMatch(r.stderr, /internal error|\.tmp/);
  // No temporary file is left behind.
  assert.deepEqual(
    readdirSync(join(dir, "run")).filter((f) => f.endsWith(".tmp")),
    [],
  );
});

test("schedule --length past the explainer's limit is refused at once, exit 2", () => {
  const r = runCli(["schedule", "--k1", "5", "--k2", "10", "--length", "1000000000"]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^tbptt schedule: --length 1000000000 is more than the 1,000,000 steps explained/);
  assert.match(r.stderr, /explain a shorter sequence and scale them/);
  assert.throws(() => explainSchedule(makeSchedule({}), MAX_EXPLAIN_LENGTH + 1), TbpttError);
  // The limit itself is explained.
  const edge = runCli([
    "schedule",
    "--k1",
    "1000",
    "--k2",
    "1000",
    "--length",
    String(MAX_EXPLAIN_LENGTH),
    "--json",
  ]);
  assert.equal(edge.status, 0, edge.stderr);
  assert.equal(JSON.parse(edge.stdout).forwardSteps, MAX_EXPLAIN_LENGTH);
});
