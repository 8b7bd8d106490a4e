// Temporary files left by killed writes are removed at the next write to the same place,
// once abandoned (their process gone, untouched for ABANDONED_AFTER_MS); a live writer's
// and a recent one are left alone.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeFileAtomicSync } from "../../src/io/atomic-write.js";
import { FeatureCache } from "../../src/io/feature-cache.js";
import { ABANDONED_AFTER_MS } from "../../src/io/stray-temps.js";

const root = mkdtempSync(join(tmpdir(), "tbptt-stray-"));
after(() => rmSync(root, { recursive: true, force: true }));

function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
      .stdout,
  );
}

/** Writes `path` with a modification time `ageMs` in the past. */
function leave(path: string, ageMs: number): string {
  writeFileSync(path, "partial");
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
  return path;
}

test("an atomic write removes its target's abandoned temporaries, and only those", () => {
  const dir = mkdtempSync(join(root, "a-"));
  const dead = deadPid();
  const old = ABANDONED_AFTER_MS + 60_000;
  const abandoned = leave(join(dir, `.out.svg.${dead}.0a1b2c3d4e5f.tmp`), old);
  const recent = leave(join(dir, `.out.svg.${dead}.00000000000f.tmp`), 1000);
  const live = leave(join(dir, `.out.svg.${process.ppid}.0a1b2c3d4e5f.tmp`), old);
  const otherTarget = leave(join(dir, `.other.svg.${dead}.0a1b2c3d4e5f.tmp`), old);
  writeFileAtomicSync(join(dir, "out.svg"), new Uint8Array([1]));
  assert.ok(!existsSync(abandoned));
  for (const kept of [recent, live, otherTarget]) assert.ok(existsSync(kept), kept);
});

test("opening a feature cache removes abandoned temporaries of killed writes", () => {
  const dir = mkdtempSync(join(root, "cache-"));
  const old = ABANDONED_AFTER_MS + 60_000;
  const abandoned = leave(join(dir, `abc123.feat.${deadPid()}.0a1b2c3d.tmp`), old);
  const recent = leave(join(dir, `abc124.feat.${deadPid()}.0a1b2c3d.tmp`), 10);
  const entry = leave(join(dir, "abc123.feat"), old);
  new FeatureCache(dir);
  assert.ok(!existsSync(abandoned));
  assert.ok(existsSync(recent) && existsSync(entry));
});
