/**
 * Files that are either the old version or the new one, never half of each
 * (Node-only). The recipe is the POSIX one: write a temporary file in the
 * target's directory, fsync it, rename(2) it over the target (atomic within one
 * file system), then fsync the directory so the rename itself survives a power
 * cut. A process killed part way leaves the target untouched and, at worst, a
 * stray `.<name>.<pid>.<random>.tmp` beside it; the next write to the same target removes
 * it once abandoned (stray-temps.ts), and opening a run folder removes all of its own.
 *
 * On Windows a directory cannot be opened for fsync; that last step is skipped there.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import type { DecodedSafetensors, NamedTensor } from "./safetensors-types.js";
import { escapeRegExp, removeAbandonedTemps } from "./stray-temps.js";

/** Writes are issued in slices of this size, so a large file is never one enormous write(2). */
const CHUNK_BYTES = 1 << 24;

function tempPathFor(target: string): string {
  const abs = resolve(target);
  return join(dirname(abs), `.${basename(abs)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Removes abandoned temporaries of earlier, killed writes to `target`. */
function removeEarlierTemps(target: string): void {
  removeAbandonedTemps(
    dirname(target),
    new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`),
  );
}

/** The target's permission bits when it exists (kept across the replacement), else 0o666 before umask. */
function modeFor(existing: { mode: number } | undefined): number {
  return existing ? existing.mode & 0o7777 : 0o666;
}

async function statOrUndefined(path: string): Promise<{ mode: number } | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A system error of a write names the file the user asked for: a write or fsync on a
 * descriptor (ENOSPC, EDQUOT, EFBIG, EIO) carries no path at all, and an open or rename
 * names the temporary file, which the user never asked for and which is gone by then.
 */
function namingTarget(e: unknown, target: string): unknown {
  if (e && typeof (e as NodeJS.ErrnoException).code === "string") (e as NodeJS.ErrnoException).path = target;
  return e;
}

/**
 * Replaces `path` with `data` atomically: readers (and a crash at any moment) see
 * either the previous file or the complete new one. Resolves once the new file and
 * the directory entry are on disk.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const target = resolve(path);
  removeEarlierTemps(target);
  const temp = tempPathFor(target);
  const mode = modeFor(await statOrUndefined(target));
  let renamed = false;
  try {
    const handle = await open(temp, "wx", mode);
    try {
      for (let at = 0; at < data.length; ) {
        const { bytesWritten } = await handle.write(data, at, Math.min(CHUNK_BYTES, data.length - at));
        at += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    renamed = true;
    await fsyncDirectory(dirname(target));
  } catch (e) {
    if (!renamed) await unlink(temp).catch(() => undefined);
    throw namingTarget(e, target);
  }
}

/** `writeFileAtomic` for callers that cannot await (e.g. a checkpoint on exit). */
export function writeFileAtomicSync(path: string, data: Uint8Array): void {
  const target = resolve(path);
  removeEarlierTemps(target);
  const temp = tempPathFor(target);
  let existing: { mode: number } | undefined;
  try {
    existing = statSync(target);
  } catch {
    existing = undefined;
  }
  let renamed = false;
  try {
    const fd = openSync(temp, "wx", modeFor(existing));
    try {
      for (let at = 0; at < data.length; ) {
        at += writeSync(fd, data, at, Math.min(CHUNK_BYTES, data.length - at));
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
    renamed = true;
    if (process.platform !== "win32") {
      const dirFd = openSync(dirname(target), "r");
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
  } catch (e) {
    if (!renamed) {
      try {
        unlinkSync(temp);
      } catch {
        // The temporary file was never created, or is already gone.
      }
    }
    throw namingTarget(e, target);
  }
}

/** Reads and decodes a safetensors file; errors name `path`. */
export async function readSafetensorsFile(path: string): Promise<DecodedSafetensors> {
  return decodeSafetensors(await readFile(path), path);
}

/** `readSafetensorsFile`, synchronously. */
export function readSafetensorsFileSync(path: string): DecodedSafetensors {
  return decodeSafetensors(readFileSync(path), path);
}

/** Encodes `tensors` and `metadata` and writes them to `path` atomically. */
export async function writeSafetensorsFile(
  path: string,
  tensors: readonly NamedTensor[],
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** `writeSafetensorsFile`, synchronously. */
export function writeSafetensorsFileSync(
  path: string,
  tensors: readonly NamedTensor[],
  metadata?: Record<string, string>,
): void {
  writeFileAtomicSync(path, encodeSafetensors(tensors, metadata));
}
