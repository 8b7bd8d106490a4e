/**
 * What `--resume` may change. A resumed run continues bit for bit only with the
 * configuration it started with, so every difference is named (key, the run's value,
 * the new value) and refused, except the keys users legitimately change on resume:
 * budgets and stopping (train longer, or stop sooner), how often to checkpoint and log,
 * the description, the feature cache's folder, the backend (moving a run to a machine
 * without the native one; the numbers then differ in the last bits), and the data paths
 * (a moved corpus; the data fingerprint still has to match, src/io/data-fingerprint.ts).
 * docs/training.md lists them.
 */
import { TbpttError } from "../core/errors.js";
import type { TrainConfig } from "./config.js";

/** Keys (dotted paths, or a prefix ending in ".") that may differ from the run's on resume. */
export const RESUME_CHANGEABLE = [
  "epochs",
  "maxUpdates",
  "maxSeconds",
  "maxSteps",
  "earlyStopping.",
  "earlyStopping",
  "maxBadUpdates",
  "checkpointEvery",
  "logEvery",
  "validateEvery",
  "description",
  "backend",
  "data.cache",
  "data.skipBad",
  "data.train",
  "data.valid",
  "data.test",
  "init",
  "out",
] as const;

/** One key whose value differs: its dotted path and the two values (undefined: absent). */
export interface ConfigDifference {
  key: string;
  run: unknown;
  now: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every leaf where `a` and `b` differ, by dotted path, in the order of their keys. */
export function configDifferences(a: unknown, b: unknown, prefix = ""): ConfigDifference[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => configDifferences(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ key: prefix || "(the whole configuration)", run: a, now: b }];
}

export function changeableOnResume(key: string): boolean {
  return RESUME_CHANGEABLE.some((k) => (k.endsWith(".") ? key.startsWith(k) : key === k));
}

/** A value as the user would type it (Infinity as Infinity, absent as "(not set)"). */
export function showValue(v: unknown): string {
  if (v === undefined) return "(not set)";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  return JSON.stringify(v, (_, x) => (x === Number.POSITIVE_INFINITY ? "Infinity" : x));
}

/**
 * Compares the configuration a run started with (`run`, from `source`) with the one
 * given now. Returns the differences resume allows; throws a TbpttError naming every
 * other one with both values.
 */
export function checkResumeConfig(run: TrainConfig, now: TrainConfig, source: string): ConfigDifference[] {
  const differences = configDifferences(run, now);
  const refused = differences.filter((d) => !changeableOnResume(d.key));
  if (refused.length > 0) {
    const lines = refused.map((d) => `${d.key}: the run has ${showValue(d.run)}, now ${showValue(d.now)}`);
    throw new TbpttError(
      `${source}: the configuration differs from the run's in ${refused.length} key(s) that resuming cannot change:\n  ${lines.join("\n  ")}\n` +
        `Resume with the run's values (tbptt train --resume ${source.replace(/[/\\]config\.json$/, "")} uses them), or start a new run. ` +
        `Keys that may change on resume: ${RESUME_CHANGEABLE.filter((k) => !k.endsWith(".")).join(", ")}.`,
    );
  }
  return differences.filter((d) => d.key !== "out");
}
