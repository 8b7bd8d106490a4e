// One writer per run folder: the lock names its holder, a stale lock (dead process,
// our own pid, unreadable) is taken over with a reason, another host's lock is refused,
// and of several processes racing for one stale lock exactly one wins.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { TbpttError } from "../../src/core/errors.js";
import { acquireRunLock, LOCK_FILE } from "../../src/io/run-lock.js";

const root = mkdtempSync(join(tmpdir(), "tbptt-lock-"));
after(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => mkdtempSync(join(root, "run-"));

/** The pid of a process that has exited (so no process has it, for now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

function writeLock(dir: string, owner: Record<string, unknown>): void {
  writeFileSync(
    join(dir, LOCK_FILE),
    JSON.stringify({
      host: hostname(),
      bootId: null,
      started: "2024-01-01T00:00:00.000Z",
      command: "x",
      token: "t",
      ...owner,
    }),
  );
}

test("a held lock refuses a second taker, naming the holder; released, it can be taken again", () => {
  const dir = fresh();
  const lock = acquireRunLock(dir, "tbptt train a.json");
  assert.equal(lock.tookOver, null);
  const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"));
  assert.equal(owner.pid, process.pid);
  // Our own pid in the lock reads as stale, so a live holder is simulated by the parent process.
  writeLock(dir, { pid: process.ppid, token: "other" });
  assert.throws(
    () => acquireRunLock(dir, "tbptt train b.json"),
    (e: Error) =>
      e instanceof TbpttError &&
      e.message.includes(`process ${process.ppid} on ${hostname()}`) &&
      /one training process per run folder/.test(e.message),
  );
  // Not ours any more (the token differs): release leaves the other holder's lock alone.
  lock.release();
  assert.ok(existsSync(join(dir, LOCK_FILE)));
  rmSync(join(dir, LOCK_FILE));
  const again = acquireRunLock(dir, "c");
  again.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
});

test("stale locks are taken over, each with its reason", () => {
  const linux = existsSync("/proc/sys/kernel/random/boot_id"); // boot ids are Linux's
  const cases: [string, (dir: string) => void, RegExp][] = [
    ["dead process", (dir) => writeLock(dir, { pid: deadPid() }), /is no longer running/],
    ["own pid", (dir) => writeLock(dir, { pid: process.pid }), /now this process's/],
    ["unreadable", (dir) => writeFileSync(join(dir, LOCK_FILE), '{"pid": 12'), /unreadable/],
  ];
  if (linux)
    cases.push(["other boot", (dir) => writeLock(dir, { pid: process.ppid, bootId: "x" }), /restarted/]);
  for (const [name, setup, reason] of cases) {
    const dir = fresh();
    setup(dir);
    const lock = acquireRunLock(dir, "new");
    assert.ok(lock.tookOver, name);
    assert.match(lock.tookOver.reason, reason, name);
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8")).pid, process.pid, name);
    lock.release();
  }
});

test("a lock held on another host is refused with the way to remove it", () => {
  const dir = fresh();
  writeLock(dir, { pid: 1, host: "elsewhere.example" });
  assert.throws(
    () => acquireRunLock(dir, "x"),
    (e: Error) => /cannot tell from .* whether it still runs; if it does not, delete/.test(e.message),
  );
});

test("of several processes racing for one stale lock, exactly one wins", async () => {
  const dir = fresh();
  writeLock(dir, { pid: deadPid() });
  const go = join(dir, "go");
  const children = Array.from({ length: 4 }, () =>
    spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "run-lock-child.ts"), dir, go], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const exits = children.map((c) => new Promise((r) => c.on("exit", r)));
  const lines = children.map(
    (c) =>
      new Promise<string>((resolve) => {
        let out = "";
        c.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out.trim());
        });
      }),
  );
  // Let every child start and wait for the signal, so they race.
  await new Promise((r) => setTimeout(r, 1500));
  writeFileSync(go, "");
  const results = await Promise.all(lines);
  for (const c of children) c.stdin.end();
  await Promise.all(exits);
  const winners = results.filter((r) => r.startsWith("won"));
  assert.equal(winners.length, 1, results.join("\n"));
  for (const r of results.filter((r) => !r.startsWith("won"))) assert.match(r, /is in use by process/);
  assert.ok(!existsSync(join(dir, LOCK_FILE)), "the winner released the lock");
});
