/**
 * One writer per run folder (Node-only): `OUT/run.lock`, created with O_EXCL, holds the
 * owner's process id, host, boot id, start time and command line. A second process
 * finds it and fails, naming the holder. A lock left by a process that died (SIGKILL,
 * a power cut) is stale: its process no longer runs on this host, or the host has
 * rebooted since (Linux's boot id differs), or it names our own process id (a
 * container restarted with the same pid). A stale lock is taken over, and the taker
 * says so. A lock from another host cannot be checked from here: it is refused, with
 * the way to remove it.
 *
 * Why not an npm lock package: the well-kept ones (proper-lockfile) detect staleness by
 * age, refreshing the lock's time from a timer; a long synchronous pass (validation of
 * a large set) starves that timer and the lock would look stale while its owner works.
 * Liveness of the owning process is the question we need answered.
 *
 * Take-over is serialised by a second file, `run.lock.takeover` (also O_EXCL), so two
 * processes that find the same stale lock at once cannot both take it: the one that
 * loses finds the winner's live lock and fails like any second writer.
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { TbpttError } from "../core/errors.js";

export const LOCK_FILE = "run.lock";
const TAKEOVER_FILE = "run.lock.takeover";
/** A take-over file older than this, whose writer is gone, was left by a crash mid-take-over. */
const TAKEOVER_STALE_MS = 10_000;

export interface LockOwner {
  pid: number;
  host: string;
  bootId: string | null;
  started: string;
  command: string;
  token: string;
}

export interface StaleLock {
  /** Who held it; null when the lock file was unreadable. */
  owner: LockOwner | null;
  /** Why it was stale. */
  reason: string;
}

export interface RunLock {
  readonly path: string;
  /** The stale lock this process took over, if it did (for a message). */
  readonly tookOver: StaleLock | null;
  /** Removes the lock if it is still ours; safe to call more than once. */
  release(): void;
}

function bootId(): string | null {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(path: string): LockOwner | null | "gone" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw e;
  }
  try {
    const v = JSON.parse(text) as LockOwner;
    return typeof v.pid === "number" && typeof v.host === "string" ? v : null;
  } catch {
    return null; // half-written by a process killed between create and write
  }
}

/** Why `owner`'s lock is stale, or null when its process may still be running. */
function staleReason(owner: LockOwner, self: { host: string; bootId: string | null }): string | null {
  if (owner.host !== self.host) return null;
  if (owner.bootId && self.bootId && owner.bootId !== self.bootId) return "the machine has restarted since";
  if (owner.pid === process.pid) return `its process id ${owner.pid} is now this process's`;
  if (!processAlive(owner.pid)) return `process ${owner.pid} is no longer running`;
  return null;
}

/** Waits `ms` milliseconds synchronously (the lock is taken before any event loop work). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new TbpttError(`${path}: cannot create the run lock: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

export function describeOwner(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host}, started ${owner.started}${owner.command ? ` (${owner.command})` : ""}`;
}

/** Removes a take-over file left by a process that crashed part way through a take-over. */
function clearDeadTakeover(path: string): void {
  const owner = readOwner(path);
  if (owner === "gone") return;
  let age = 0;
  try {
    age = Date.now() - statSync(path).mtimeMs;
  } catch {
    return;
  }
  const dead = owner === null || owner.host !== hostname() || !processAlive(owner.pid);
  if (dead && age > TAKEOVER_STALE_MS) unlinkIfPresent(path);
}

/**
 * Takes the lock of run folder `dir` (which must exist) for this process, or throws a
 * TbpttError naming the process that holds it.
 */
export function acquireRunLock(dir: string, command: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const takeoverPath = join(dir, TAKEOVER_FILE);
  const self = { host: hostname(), bootId: bootId() };
  const mine: LockOwner = {
    pid: process.pid,
    host: self.host,
    bootId: self.bootId,
    started: new Date().toISOString(),
    command,
    token: randomBytes(8).toString("hex"),
  };
  const text = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(path, text)) return makeLock(path, mine.token, null);
    let owner = readOwner(path);
    if (owner === null) {
      pause(25); // perhaps being written right now: give its writer a moment, then look again
      owner = readOwner(path);
    }
    if (owner === "gone") continue; // released just now: try again
    const reason =
      owner === null
        ? "it is unreadable (its writer was killed while creating it)"
        : staleReason(owner, self);
    if (reason === null) {
      const holder = owner as LockOwner;
      const remote = holder.host !== self.host;
      throw new TbpttError(
        `${dir} is in use by ${describeOwner(holder)}: one training process per run folder. ` +
          (remote
            ? `tbptt cannot tell from ${self.host} whether it still runs; if it does not, delete ${path}`
            : "Wait for it to finish, stop it, or choose another folder (--out)"),
      );
    }
    // Stale: take it over, one process at a time.
    clearDeadTakeover(takeoverPath);
    if (!createExclusive(takeoverPath, text)) {
      pause(25); // another process is taking it over: look again in a moment
      continue;
    }
    try {
      const again = readOwner(path);
      const same = again === "gone" || again === null || (owner !== null && again.token === owner.token);
      if (same) {
        unlinkIfPresent(path);
        if (createExclusive(path, text)) return makeLock(path, mine.token, { owner, reason });
      }
    } finally {
      unlinkIfPresent(takeoverPath);
    }
  }
  throw new TbpttError(`${path}: could not take the run lock (it kept changing hands)`);
}

function makeLock(path: string, token: string, tookOver: StaleLock | null): RunLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    const owner = readOwner(path);
    if (owner !== "gone" && owner !== null && owner.token === token) unlinkIfPresent(path);
  };
  // A process that exits without releasing (process.exit on a second Ctrl-C) still does.
  process.once("exit", release);
  return {
    path,
    tookOver,
    release() {
      process.off("exit", release);
      release();
    },
  };
}
