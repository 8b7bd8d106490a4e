// A run folder is never overwritten by accident, and has one writer: `tbptt train` into a
// folder holding a run refuses (the run's files untouched) and says how to resume or start
// over; --overwrite replaces only the run's own files; a second process on a running
// folder fails naming the first; stray temporary files of a killed write are removed.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli, startCli } from "../helpers/cli.js";
import { config, setup, waitFor } from "../helpers/train-run.js";

/** The bytes of every file of a run (the lock aside), by name. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of [
    "config.json",
    "checkpoint.safetensors",
    "log.jsonl",
    "best/model.safetensors",
    "model/model.safetensors",
  ])
    if (existsSync(join(dir, name))) out.set(name, readFileSync(join(dir, name)));
  return out;
}

test("train into a folder holding a run refuses, leaves it intact, and names --resume and --overwrite", () => {
  const dir = setup();
  const cfg = config(dir, "run", { epochs: 2 });
  assert.equal(runCli(["train", cfg, "--quiet"]).status, 0);
  const before = snapshot(join(dir, "run"));
  assert.equal(before.size, 5);
  const again = runCli(["train", cfg, "--quiet", "--epochs", "1"]);
  assert.equal(again.status, 1, again.stderr);
  assert.match(
    again.stderr,
    /already holds a finished run \(2 epochs done, \d+ updates, stopped by epochs\)/,
  );
  assert.match(again.stderr, /tbptt does not overwrite a run/);
  // Each way forward is spelled out in full, with the same overrides.
  assert.ok(again.stderr.includes(`tbptt train --resume ${join(dir, "run")}.`), again.stderr);
  assert.ok(again.stderr.includes(`tbptt train ${cfg} --quiet --epochs 1 --overwrite`), again.stderr);
  assert.deepEqual(snapshot(join(dir, "run")), before);
  assert.ok(!existsSync(join(dir, "run", "run.lock")), "the refused process released its lock");
});

test("--overwrite replaces the run's files (and only those); --resume with --overwrite is a usage error", () => {
  const dir = setup();
  const cfg = config(dir, "run", { epochs: 2 });
  assert.equal(runCli(["train", cfg, "--quiet"]).status, 0);
  writeFileSync(join(dir, "run", "notes.txt"), "mine");
  mkdirSync(join(dir, "run", "best", "plots"));
  const oldLog = readFileSync(join(dir, "run", "log.jsonl"), "utf8");
  const r = runCli(["train", cfg, "--quiet", "--epochs", "1", "--overwrite"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /deleted a finished run \(2 epochs done.*\(--overwrite\)/);
  const log = readFileSync(join(dir, "run", "log.jsonl"), "utf8");
  assert.ok(!log.includes(oldLog.split("\n")[0] as string), "the old log was not kept");
  assert.equal(log.match(/"event":"epoch"/g)?.length, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, "run", "config.json"), "utf8")).epochs, 1);
  assert.equal(readFileSync(join(dir, "run", "notes.txt"), "utf8"), "mine");
  assert.ok(existsSync(join(dir, "run", "best", "plots")));
  const both = runCli(["train", cfg, "--resume", "--overwrite"]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /give one of them/);
});

test("a second process on a running folder fails naming the first; the first finishes", async () => {
  const dir = setup();
  const cfg = config(dir, "busy", { epochs: 200 });
  const first = startCli(["train", cfg, "--quiet"]);
  let firstErr = "";
  first.stderr?.on("data", (d) => {
    firstErr += d;
  });
  const exited = new Promise<number | null>((r) => first.on("exit", (code) => r(code)));
  await waitFor(() => existsSync(join(dir, "busy", "log.jsonl")), 60_000);
  const second = runCli(["train", cfg, "--quiet", "--overwrite"]);
  first.kill("SIGINT");
  assert.equal(second.status, 1, second.stderr);
  assert.match(
    second.stderr,
    new RegExp(`is in use by process ${first.pid} on .*one training process per run folder`),
  );
  assert.equal(await exited, 0, firstErr);
  assert.match(firstErr, /interrupted; checkpoint written/);
  assert.ok(!existsSync(join(dir, "busy", "run.lock")));
});

test("a lock left by a killed run is taken over, and its stray temporary files removed", async () => {
  const dir = setup();
  const cfg = config(dir, "killed", { epochs: 200 });
  const child = startCli(["train", cfg, "--quiet"]);
  const exited = new Promise((r) => child.on("exit", r));
  await waitFor(() => existsSync(join(dir, "killed", "checkpoint.safetensors")), 60_000);
  child.kill("SIGKILL");
  await exited;
  assert.ok(existsSync(join(dir, "killed", "run.lock")), "SIGKILL leaves the lock");
  // Forgetting --resume: refused, an unfinished run; the stale lock is taken over on the way.
  const forgot = runCli(["train", cfg, "--quiet"]);
  assert.equal(forgot.status, 1);
  assert.match(forgot.stderr, /already holds an unfinished run \(0 epochs done\)/);
  assert.match(
    forgot.stderr,
    new RegExp(`took over the stale lock .*process ${child.pid} is no longer running`),
  );
  const stray = join(dir, "killed", `.checkpoint.safetensors.${child.pid}.0123456789ab.tmp`);
  writeFileSync(stray, "half a checkpoint");
  const resumed = runCli(["train", cfg, "--quiet", "--resume", "--epochs", "1"]);
  assert.match(resumed.stderr, /removed 1 temporary file\(s\) left by an interrupted write/);
  assert.ok(!existsSync(stray));
});
