// `tbptt compare` on the bundled speech corpus: the four schedules of issue 12 in one
// command; the output reproduces from the seed (two comparisons agree in everything but
// wall time); a comparison interrupted with Ctrl-C continues when the same command runs
// again and ends where an uninterrupted one does; finished runs are reused, not retrained.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, runCli, startCli } from "../helpers/cli.js";

const RECIPE = join(ROOT, "recipes", "speech", "compare-schedules.json");
const SCHEDULES = ["1,inf", "inf,inf", "20,20", "10,30"].flatMap((s) => ["--schedule", s]);
const dir = mkdtempSync(join(tmpdir(), "tbptt-compare-"));
const common = [
  "compare",
  RECIPE,
  ...SCHEDULES,
  "--budget",
  "epochs=1",
  "--quiet",
  "--data.train",
  join(ROOT, "data", "synth-timit-small"),
  "--data.cache",
  join(dir, "cache"),
];

interface RunJson {
  spec: { label: string };
  reason: string;
  totals: { updates: number; forwardSteps: number; backwardSteps: number; peakStoredSteps: number };
  curve: { updates: number; value: number; epochs: number }[];
}

const read = (out: string) =>
  JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as { runs: RunJson[] };
/** compare.json without what a clock decides. */
const timeless = (out: string) =>
  JSON.stringify(
    JSON.parse(readFileSync(join(out, "compare.json"), "utf8"), (k, v) =>
      k === "trainSeconds" ? undefined : v,
    ),
  );
const logs = (out: string) =>
  ["k1-1_k2-inf", "k1-inf_k2-inf", "k1-20_k2-20", "k1-10_k2-30"].map((n) =>
    readFileSync(join(out, "runs", n, "log.jsonl"), "utf8"),
  );

test("compare trains the four schedules on the bundled corpus, reproducibly, and resumes after Ctrl-C", async () => {
  const a = join(dir, "a");
  const first = runCli([...common, "--out", a]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^\| schedule \(k1,k2\) \| stopped \| final frame error/);
  for (const f of ["compare.json", "compare.md", "compare.svg"]) assert.ok(existsSync(join(a, f)), f);
  const { runs } = read(a);
  assert.deepEqual(
    runs.map((r) => r.spec.label),
    ["1,inf", "inf,inf", "20,20", "10,30"],
  );
  // Same data, one epoch: the same frames forward; each schedule's own backward cost and memory.
  const [frame, sentence, chunked, overlapping] = runs as [RunJson, RunJson, RunJson, RunJson];
  const frames = sentence.totals.forwardSteps;
  for (const r of runs) assert.equal(r.totals.forwardSteps, frames, r.spec.label);
  assert.equal(sentence.totals.backwardSteps, frames);
  assert.equal(chunked.totals.backwardSteps, frames);
  assert.equal(frame.totals.updates, frames, "frame-wise: an update per frame");
  assert.ok(frame.totals.backwardSteps > 50 * frames, "frame-wise: about T/2 backward steps per frame");
  assert.equal(chunked.totals.peakStoredSteps, 20);
  assert.equal(overlapping.totals.peakStoredSteps, 30);
  assert.ok(sentence.totals.peakStoredSteps > 100, "sentence-wise stores whole utterances");
  // Same initial weights: every curve starts at the same value; then the schedules differ.
  assert.equal(new Set(runs.map((r) => r.curve[0]?.value)).size, 1);
  assert.equal(runs[0]?.curve[0]?.updates, 0);
  assert.ok(new Set(runs.map((r) => r.curve[r.curve.length - 1]?.value)).size > 1);

  // The same command into another folder, interrupted during its first (frame-wise) run.
  const b = join(dir, "b");
  const child = startCli([...common, "--out", b]);
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const log = join(b, "runs", "k1-1_k2-inf", "log.jsonl");
  const until = Date.now() + 120_000;
  while (!existsSync(log) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  child.kill("SIGINT");
  assert.equal(await exited, 130);
  assert.equal(read(b).runs[0]?.reason, "interrupted");
  const again = runCli([...common, "--out", b]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /\[1\/4\] schedule 1,inf: .* \(resuming\)/);
  assert.equal(timeless(b), timeless(a), "reproduced from the seed, across an interruption");

  // Once more into the first folder: nothing is trained again.
  const before = logs(a);
  const reused = runCli([...common, "--out", a]);
  assert.equal(reused.status, 0, reused.stderr);
  assert.equal((reused.stderr.match(/finished earlier, reused/g) ?? []).length, 4);
  assert.deepEqual(logs(a), before);
  assert.equal(timeless(a), timeless(b));
});

test("compare refuses bad schedules and budgets with status 2, and a bidirectional model's truncated schedules", () => {
  const bad = runCli(["compare", RECIPE, "--schedule", "20,5"]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /truncation "window" needs k2 ≥ k1/);
  assert.match(bad.stderr, /Usage: tbptt compare CONFIG\.json\|RECIPE --schedule K1,K2/);
  const budget = runCli(["compare", RECIPE, "--schedule", "1,inf", "--budget", "hours=2"]);
  assert.equal(budget.status, 2);
  assert.match(budget.stderr, /--budget: expected epochs=N, updates=N, steps=N/);
  const none = runCli(["compare", RECIPE]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /give at least one --schedule K1,K2/);
  const cfg = join(dir, "bidirectional.json");
  const recipe = JSON.parse(readFileSync(RECIPE, "utf8"));
  writeFileSync(cfg, JSON.stringify({ ...recipe, model: { ...recipe.model, bidirectional: true } }));
  const bi = runCli(["compare", cfg, "--schedule", "inf,inf", "--schedule", "20,20"]);
  assert.equal(bi.status, 2);
  assert.match(bi.stderr, /schedule 20,20: a bidirectional model trains only with k1 = k2 = Infinity/);
});
