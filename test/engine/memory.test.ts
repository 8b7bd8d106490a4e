// Constant memory: training through the Engine with k1 = k2 = 20 over one generated
// stream of 1,000,000 steps keeps a ring of Planner.capacity() = 20 slots, and the
// resident set does not grow with the stream's length. The run is bench/memory.ts in a
// child process started with --expose-gc (so every sample follows a full collection);
// a second, shorter run that keeps each update's gradient is the control: the same
// probe must see that growth. docs/notes/memory.md records the numbers.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import type { MemoryResult } from "../../bench/memory.js";

const MiB = 2 ** 20;

function measure(...args: string[]): MemoryResult {
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "bench/memory.ts", "--json", ...args],
    { encoding: "utf8", timeout: 170_000 },
  );
  assert.equal(r.status, 0, `bench/memory.ts failed (${r.signal ?? r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as MemoryResult;
}

test("1,000,000 steps of TBPTT(20, 20) on an LSTM: ring of 20 slots, rss grows < 5 MiB from 10% to 100%", {
  timeout: 180_000,
}, () => {
  const r = measure("--steps", "1000000");
  const mb = (b: number) => `${(b / MiB).toFixed(2)} MiB`;
  assert.equal(r.gc, true, "the child runs with --expose-gc");
  assert.equal(r.capacity, 20, "Planner.capacity() for k1 = k2 = 20");
  assert.equal(r.tapeCapacity, 20, "model.tape.capacity");
  assert.equal(r.updates, 50_000);
  assert.equal(r.samples.length, 10);
  assert.ok(r.growth10to100 < 5 * MiB, `rss grew by ${mb(r.growth10to100)}`);
  assert.ok(r.heapGrowth10to100 < 0.5 * MiB, `heapUsed grew by ${mb(r.heapGrowth10to100)}`);
  // No sample along the way is far above the first either.
  const first = r.samples[0]?.rss as number;
  for (const s of r.samples)
    assert.ok(s.rss - first < 5 * MiB, `rss at step ${s.step}: +${mb(s.rss - first)}`);
  // It really trained: the delay-2 task is learnt (chance is ln 4 ≈ 1.39 per step).
  assert.ok(r.meanLossLastTenth < 0.1, `mean loss over the last tenth ${r.meanLossLastTenth}`);
  assert.ok(r.meanLossLastTenth < r.meanLossFirstTenth);
});

test("the probe is sharp: keeping every update's gradient (10,000 × 484 floats) shows as growth", {
  timeout: 180_000,
}, () => {
  const r = measure("--steps", "200000", "--leak");
  assert.equal(r.updates, 10_000);
  assert.ok(r.growth10to100 > 10 * MiB, `rss grew by only ${(r.growth10to100 / MiB).toFixed(2)} MiB`);
});
