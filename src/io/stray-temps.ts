/**
 * Temporary files left by writes that were killed part way (Node-only). An atomic write
 * goes to a temporary file named after its writer's process id, then renames it over the
 * target (atomic-write.ts, feature-cache.ts); SIGKILL between the two leaves the
 * temporary file behind. It is removed at the next write to the same place once it is
 * clearly abandoned: its process is gone (or is us) and it has not changed for a while
 * (a writer on another host sharing the folder would still be touching it).
 */
import { readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** A temporary file untouched this long, whose process is gone, is abandoned. */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;

function processGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes the files in `dir` whose name matches `pattern` (its first group: the writer's
 * process id) and that are abandoned; returns their paths. Never throws: a folder that
 * cannot be read, or a file that vanished meanwhile, is simply skipped.
 */
export function removeAbandonedTemps(
  dir: string,
  pattern: RegExp,
  /** How long untouched; 0 where no writer elsewhere can be at work (a locked run folder). */
  minAgeMs = ABANDONED_AFTER_MS,
): string[] {
  const now = Date.now();
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isFile() || now - st.mtimeMs < minAgeMs || !processGone(Number(m[1]))) continue;
      unlinkSync(path);
      removed.push(path);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Escapes `text` for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
