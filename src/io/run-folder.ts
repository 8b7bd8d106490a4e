/**
 * A training run's folder (Node-only), opened the one way that cannot lose a run:
 *   1. take the folder's lock (src/io/run-lock.ts): one writer per folder;
 *   2. remove temporary files a killed write left behind (`.NAME.PID.HEX.tmp`, see
 *      atomic-write.ts) whose process is gone: with the lock held, none is in progress;
 *   3. by mode: "start" refuses a folder that already holds a run (finished or not)
 *      and says how to continue it or start over; "overwrite" deletes the previous
 *      run's files first (only the files a run writes, never anything else);
 *      "resume" needs the run's checkpoint and its config.json.
 * The same function serves `tbptt train` and library code that trains into a folder.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { TbpttError } from "../core/errors.js";
import { acquireRunLock, describeOwner, type RunLock } from "./run-lock.js";
import { removeAbandonedTemps } from "./stray-temps.js";

export type RunMode = "start" | "resume" | "overwrite";

export interface RunFolderPaths {
  dir: string;
  config: string;
  checkpoint: string;
  log: string;
  /** The data fingerprint, file by file (src/io/data-fingerprint.ts). */
  data: string;
  best: string;
  model: string;
}

export function runFolderPaths(dir: string): RunFolderPaths {
  return {
    dir,
    config: join(dir, "config.json"),
    checkpoint: join(dir, "checkpoint.safetensors"),
    log: join(dir, "log.jsonl"),
    data: join(dir, "data.json"),
    best: join(dir, "best"),
    model: join(dir, "model"),
  };
}

const RUN_FILES = ["config.json", "checkpoint.safetensors", "log.jsonl", "data.json"] as const;
const MODEL_DIRS = ["best", "model"] as const;
const MODEL_FILES = ["model.json", "model.safetensors"] as const;

/** A temporary file of an atomic write: `.NAME.PID.HEX.tmp`. */
const STRAY_TEMP = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

/** The entries of a previous run that `dir` holds (files, and model folders holding a model). */
export function existingRunEntries(dir: string): string[] {
  const found: string[] = RUN_FILES.filter((f) => existsSync(join(dir, f)));
  for (const d of MODEL_DIRS) {
    if (MODEL_FILES.some((f) => existsSync(join(dir, d, f)))) found.push(`${d}/`);
  }
  return found;
}

/** One phrase for what the run in `dir` got to, from its log (best effort). */
export function describeRun(dir: string): string {
  let lines: string[];
  try {
    lines = readFileSync(join(dir, "log.jsonl"), "utf8").split("\n");
  } catch {
    return "a run";
  }
  let epochs = 0;
  let updates = 0;
  let end: string | null = null;
  for (const line of lines) {
    if (line.trim() === "") continue;
    try {
      const e = JSON.parse(line) as { event?: string; epoch?: number; updates?: number; reason?: string };
      if (e.event === "epoch") {
        epochs = e.epoch ?? epochs; // epochs are counted from 1 in the log
        updates = e.updates ?? updates;
      } else if (e.event === "end") end = e.reason ?? "done";
      else if (e.event === "start" || e.event === "resume") end = null;
    } catch {
      // a torn last line (the log is appended, not replaced): ignore it
    }
  }
  const progress = `${epochs} epoch${epochs === 1 ? "" : "s"} done${updates > 0 ? `, ${updates} updates` : ""}`;
  return end === null || end === "interrupted"
    ? `an unfinished run (${progress})`
    : `a finished run (${progress}, stopped by ${end})`;
}

/** Removes atomic-write temporaries of dead processes in the folder and its model folders; returns their paths. */
export function removeStrayTemps(dir: string): string[] {
  return [dir, ...MODEL_DIRS.map((d) => join(dir, d))].flatMap((sub) =>
    removeAbandonedTemps(sub, STRAY_TEMP, 0),
  );
}

function removeRunEntries(dir: string): void {
  for (const f of RUN_FILES) rmIfPresent(join(dir, f));
  for (const d of MODEL_DIRS) {
    for (const f of MODEL_FILES) rmIfPresent(join(dir, d, f));
    try {
      rmdirSync(join(dir, d)); // only when nothing else is in it
    } catch {
      // not there, or holds files that are not a run's: leave it
    }
  }
}

function rmIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      throw new TbpttError(`${path}: cannot delete: ${(e as Error).message}`);
  }
}

export interface OpenRunOptions {
  mode: RunMode;
  /** The command line, recorded in the lock so a second process can name the first. */
  command: string;
  /** How to continue the run, and how to start over, as the caller spells them (messages). */
  resumeHint?: string;
  overwriteHint?: string;
  /** Told each note as it happens (a refusal that follows still shows what was done first). */
  onNote?: (line: string) => void;
}

export interface RunFolder {
  paths: RunFolderPaths;
  lock: RunLock;
  /** Releases the lock. */
  close(): void;
}

/** Opens `dir` for a run in `mode` (see the file comment); throws a TbpttError saying why not. */
export function openRunFolder(dir: string, options: OpenRunOptions): RunFolder {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new TbpttError(`${dir}: cannot create the run folder: ${(e as Error).message}`);
  }
  if (!statSync(dir).isDirectory()) throw new TbpttError(`${dir}: the run folder is a file`);
  const lock = acquireRunLock(dir, options.command);
  const paths = runFolderPaths(dir);
  const note = options.onNote ?? (() => undefined);
  try {
    if (lock.tookOver) {
      const { owner, reason } = lock.tookOver;
      note(
        `took over the stale lock ${lock.path} (${owner ? describeOwner(owner) : "unreadable"}; ${reason})`,
      );
    }
    const strays = removeStrayTemps(dir);
    if (strays.length > 0)
      note(`removed ${strays.length} temporary file(s) left by an interrupted write: ${strays.join(", ")}`);
    const existing = existingRunEntries(dir);
    if (options.mode === "start" && existing.length > 0) {
      throw new TbpttError(
        `${dir} already holds ${describeRun(dir)} (${existing.join(", ")}); tbptt does not overwrite a run. ` +
          `To continue it: ${options.resumeHint ?? "resume it"}. ` +
          `To delete it and start over: ${options.overwriteHint ?? "overwrite it"}. ` +
          "Or give the new run another folder (--out).",
      );
    }
    if (options.mode === "overwrite" && existing.length > 0) {
      const what = describeRun(dir);
      removeRunEntries(dir);
      note(`deleted ${what} in ${dir} (--overwrite)`);
    }
    if (options.mode === "resume") {
      if (!existsSync(paths.checkpoint)) {
        throw new TbpttError(
          existing.length === 0
            ? `${dir}: no run to resume (no checkpoint.safetensors)`
            : `${paths.checkpoint}: no checkpoint: the run stopped before its first one; start it again (${options.overwriteHint ?? "overwrite it"})`,
        );
      }
      if (!existsSync(paths.config)) {
        throw new TbpttError(
          `${paths.config}: missing, so the configuration cannot be checked against the run's; ` +
            "tbptt does not resume without it (restore it, or start over)",
        );
      }
    }
  } catch (e) {
    lock.release();
    throw e;
  }
  return { paths, lock, close: () => lock.release() };
}
