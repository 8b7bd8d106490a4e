/**
 * Reading a run folder's log.jsonl back (docs/training.md): its validation points, and
 * how and where the last session ended. The log is appended line by line, so a process
 * killed mid-write can leave a partial last line: that one is ignored, any other
 * unreadable line is an error naming the file and line.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TbpttError } from "../core/errors.js";
import type { PointRecord, RunRecord } from "../train/compare.js";

export type LogEvent = Record<string, unknown> & { event: string };

export function readRunLog(runDir: string): LogEvent[] {
  const file = join(runDir, "log.jsonl");
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, "utf8").split("\n");
  const events: LogEvent[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      const last = lines.slice(i + 1).every((l) => l.trim() === "");
      if (last) return; // a write cut short by a kill
      throw new TbpttError(`${file}:${i + 1}: not a JSON object: ${(e as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as LogEvent).event !== "string")
      throw new TbpttError(`${file}:${i + 1}: expected a JSON object with an "event" key`);
    events.push(parsed as LogEvent);
  });
  return events;
}

/** How the run's last session ended: its end line, or null when it is still going or was killed. */
export function lastEnd(events: readonly LogEvent[]): LogEvent | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as LogEvent;
    if (e.event === "end") return e;
    if (e.event === "start" || e.event === "resume") return null;
  }
  return null;
}

/** The validation points and the totals of a run that has ended (null when it has not). */
export function runRecordFromLog(events: readonly LogEvent[]): RunRecord | null {
  const end = lastEnd(events);
  if (!end) return null;
  const n = (key: string) => (typeof end[key] === "number" ? (end[key] as number) : 0);
  return {
    reason: String(end.reason),
    points: events.filter((e) => e.event === "validation") as unknown as PointRecord[],
    totals: {
      updates: n("updates"),
      forwardSteps: n("forwardSteps"),
      backwardSteps: n("backwardSteps"),
      trainSeconds: n("trainSeconds"),
      peakStoredSteps: n("peakStoredSteps"),
    },
  };
}
