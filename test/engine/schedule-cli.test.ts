// `tbptt schedule` (src/cli/schedule.ts), called as a function with captured output.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { scheduleCommand } from "../../src/cli/schedule.js";
import { explainSchedule } from "../../src/engine/explain.js";
import { renderSvg } from "../../src/engine/render-svg.js";
import { makeSchedule } from "../../src/engine/schedule.js";

interface Outcome {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the command, capturing its output and exit status (and restoring process.exitCode). */
async function run(...argv: string[]): Promise<Outcome> {
  let stdout = "";
  let stderr = "";
  const saved = process.exitCode;
  process.exitCode = 0;
  try {
    await scheduleCommand(argv, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = saved;
  }
}

const KEYS = [
  "updates",
  "forwardSteps",
  "backwardSteps",
  "peakStoredSteps",
  "historyMin",
  "historyMean",
  "historyMax",
];

test("prints the timeline, the legend and the totals", async () => {
  const r = await run("--k1", "5", "--k2", "20", "--length", "100");
  assert.equal(r.exitCode, 0);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /^schedule: k1 = 5, k2 = 20, window, reset sequence; T = 100 steps/);
  assert.match(r.stdout, /^#20 +·+░{15}█{5} {2}t' = +94 {2}t = +99 {2}backward 80…99 \(20 steps\)$/m);
  assert.match(r.stdout, /legend: █/);
  assert.match(r.stdout, /^updates {12}20$/m);
  assert.match(r.stdout, /^backward steps {5}370 /m);
  assert.match(r.stdout, /^history per loss {3}min 1, mean 16.50, max 20 steps$/m);
});

test("--json prints only the totals, one JSON object with exactly the documented keys", async () => {
  const r = await run("--k1", "1", "--k2", "Infinity", "--length", "100", "--json");
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout.trimEnd().split("\n").length, 1);
  const totals = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(totals), KEYS);
  assert.deepEqual(totals, {
    updates: 100,
    forwardSteps: 100,
    backwardSteps: 5050,
    peakStoredSteps: 100,
    historyMin: 1,
    historyMean: 50.5,
    historyMax: 100,
  });
});

test("k1 and k2 accept Infinity, inf and ∞; the defaults are sentence-wise", async () => {
  const sentence = {
    updates: 1,
    forwardSteps: 40,
    backwardSteps: 40,
    peakStoredSteps: 40,
    historyMin: 1,
    historyMean: 20.5,
    historyMax: 40,
  };
  for (const [k1, k2] of [
    ["Infinity", "Infinity"],
    ["inf", "INF"],
    ["∞", "infinity"],
  ]) {
    const r = await run("--k1", k1 as string, "--k2", k2 as string, "--length", "40", "--json");
    assert.deepEqual(JSON.parse(r.stdout), sentence);
  }
  assert.deepEqual(JSON.parse((await run("--length", "40", "--json")).stdout), sentence);
});

test("--truncation per-loss and --reset every:N reach the schedule", async () => {
  const p = JSON.parse(
    (await run("--k1", "10", "--k2", "5", "--truncation", "per-loss", "--length", "100", "--json")).stdout,
  );
  assert.equal(p.backwardSteps, 490);
  assert.equal(p.peakStoredSteps, 14);
  const e = JSON.parse(
    (await run("--k1", "inf", "--k2", "inf", "--reset", "every:30", "--length", "100", "--json")).stdout,
  );
  assert.equal(e.updates, 4);
  assert.equal(e.historyMax, 30);
  const n = JSON.parse(
    (await run("--k1", "20", "--k2", "20", "--reset", "never", "--length", "100", "--json")).stdout,
  );
  assert.equal(n.updates, 5);
  const text = await run("--k1", "20", "--k2", "20", "--reset", "every:30", "--length", "100");
  assert.match(text.stdout, /^reset {2}R {29}R/m);
});

test("--width buckets and --rows elides", async () => {
  const r = await run("--k1", "100", "--k2", "200", "--length", "5000", "--width", "50", "--rows", "4");
  assert.match(r.stdout, /1 column = 100 steps/);
  assert.match(r.stdout, /\(46 more updates not shown; --rows 0 shows all\)/);
  const all = await run("--k1", "100", "--k2", "200", "--length", "5000", "--rows", "0");
  assert.equal(all.stdout.split("\n").filter((l) => l.startsWith("#")).length, 50);
});

test("--svg FILE writes the SVG atomically (no temporary file left) and --json still prints only JSON", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-schedule-"));
  const file = join(dir, "timeline.svg");
  writeFileSync(file, "old contents");
  const r = await run("--k1", "5", "--k2", "20", "--length", "100", "--json", "--svg", file);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(Object.keys(JSON.parse(r.stdout)), KEYS);
  assert.equal(r.stderr, `wrote ${file}\n`);
  assert.deepEqual(readdirSync(dir), ["timeline.svg"]);
  const expected = renderSvg(explainSchedule(makeSchedule({ k1: 5, k2: 20 }), 100));
  assert.equal(readFileSync(file, "utf8"), expected);
});

test("an SVG that cannot be written fails with status 1 and says where", async () => {
  const r = await run("--length", "10", "--json", "--svg", join(tmpdir(), "no-such-dir-tbptt", "x.svg"));
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /^tbptt schedule: --svg: cannot write .*no-such-dir-tbptt\/x\.svg: ENOENT/);
});

test("--help prints the usage", async () => {
  const r = await run("--help");
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /^Usage: tbptt schedule --k1 K1 --k2 K2 --length T/);
  assert.match(r.stdout, /--reset POLICY {7}sequence \(default\), never, or every:N/);
});

const invalid: [string, string[], RegExp][] = [
  ["k1 < 1", ["--k1", "0", "--k2", "5"], /schedule\.k1: expected an integer ≥ 1 or Infinity, got 0/],
  ["k2 < 1", ["--k1", "1", "--k2=-3"], /schedule\.k2: expected an integer ≥ 1 or Infinity, got -3/],
  [
    "non-integer k1",
    ["--k1", "2.5", "--k2", "5"],
    /schedule\.k1: expected an integer ≥ 1 or Infinity, got 2\.5/,
  ],
  [
    "a word for k2",
    ["--k1", "2", "--k2", "lots"],
    /schedule\.k2: expected an integer ≥ 1 or Infinity, got "lots"/,
  ],
  [
    "window with k2 < k1 (suggests per-loss)",
    ["--k1", "20", "--k2", "5"],
    /truncation "window" needs k2 ≥ k1 .* got k1 = 20, k2 = 5; for k2 < k1 .* use truncation "per-loss"/,
  ],
  [
    "every:0",
    ["--reset", "every:0"],
    /schedule\.reset: expected \{ "every": N \} with an integer N ≥ 1, got \{"every":0\}/,
  ],
  [
    "an unknown reset",
    ["--reset", "sometimes"],
    /--reset: expected sequence, never or every:N, got "sometimes"/,
  ],
  [
    "an unknown truncation",
    ["--truncation", "perloss"],
    /schedule\.truncation: expected "window" or "per-loss", got "perloss"/,
  ],
  ["an unknown option", ["--k3", "4"], /Unknown option '--k3'[\s\S]*Usage: tbptt schedule/],
  ["a positional argument", ["extra"], /Unexpected argument 'extra'/],
  ["length 0", ["--length", "0"], /--length: expected an integer ≥ 1, got "0"/],
  ["a fractional length", ["--length", "2.5"], /--length: expected an integer ≥ 1, got "2\.5"/],
  ["a small width", ["--width", "3"], /--width: expected an integer ≥ 10, got "3"/],
];

for (const [what, args, message] of invalid) {
  test(`rejects ${what} with its message and exit status 2`, async () => {
    const argv = args.includes("--length") ? args : [...args, "--length", "50"];
    const r = await run(...argv);
    assert.equal(r.exitCode, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^tbptt schedule: /);
    assert.match(r.stderr, message);
  });
}

test("a missing --length is an error with the usage", async () => {
  const r = await run("--k1", "5", "--k2", "20");
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /--length T is required[\s\S]*Usage:/);
});
