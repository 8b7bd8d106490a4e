/**
 * A memory task named in a config, like the synthetic text ("synthetic:words?…"):
 *
 *   "memory:recall?lag=20&symbols=4&distractors=4&sequences=1000&seed=1"
 *   "memory:latch?gap=20&length=100&sequences=200&seed=1"
 *   "memory:adding?length=100&sequences=1000&seed=1"
 *
 * `data.train` and `data.valid` of a `"task": "sequences"` config may be such a spec
 * (give the validation set another seed); the set is generated in memory, the same for
 * the same spec on every machine. docs/memory-tasks.md describes each task.
 */
import type { LabelledSet } from "../../data/labelled.js";
import { type AddingOptions, DEFAULT_ADDING, makeAddingSet } from "./adding.js";
import { DEFAULT_LATCH, type LatchOptions, makeLatchSet } from "./latch.js";
import { DEFAULT_RECALL, makeRecallSet, type RecallOptions } from "./recall.js";

/** The prefix of a memory task's spec in a config's data paths. */
export const MEMORY_PREFIX = "memory:";

/** True when a data path is a memory task's spec ("memory:recall?…", "memory:latch?…"). */
export function isMemorySpec(path: string): boolean {
  return path.startsWith(MEMORY_PREFIX);
}

/** A parsed memory task spec: its kind and settings. */
export type MemorySpec =
  | ({ kind: "recall" } & RecallOptions)
  | ({ kind: "latch" } & LatchOptions)
  | ({ kind: "adding" } & AddingOptions);

/** Each task's parameters and their defaults; `real` marks the one parameter that is not an integer. */
const TASKS = {
  recall: {
    defaults: DEFAULT_RECALL,
    real: [] as string[],
    example: "lag=20&symbols=4&sequences=1000&seed=1",
  },
  latch: { defaults: DEFAULT_LATCH, real: ["noise"], example: "gap=20&length=100&sequences=200&seed=1" },
  adding: { defaults: DEFAULT_ADDING, real: [] as string[], example: "length=100&sequences=1000&seed=1" },
} as const;

/** Parses "memory:KIND?key=value&…"; every error names the spec and what was expected. */
export function parseMemorySpec(spec: string): MemorySpec {
  const where = spec;
  if (!isMemorySpec(spec)) throw new Error(`${where}: a memory task starts with "${MEMORY_PREFIX}"`);
  const [kind, query = ""] = spec.slice(MEMORY_PREFIX.length).split("?", 2) as [string, string?];
  const task = TASKS[kind as keyof typeof TASKS];
  if (!task) {
    const known = Object.entries(TASKS).map(([k, t]) => `"memory:${k}?${t.example}"`);
    throw new Error(`${where}: unknown memory task "${kind}"; expected ${known.join(" or ")}`);
  }
  const out: Record<string, number> = { ...task.defaults };
  const keys = Object.keys(task.defaults);
  for (const part of query.split("&").filter((p) => p !== "")) {
    const [key, value = ""] = part.split("=", 2) as [string, string?];
    if (!keys.includes(key))
      throw new Error(`${where}: unknown parameter "${key}" of memory:${kind}; expected ${keys.join(", ")}`);
    const n = Number(value);
    const real = (task.real as readonly string[]).includes(key);
    if (value === "" || !Number.isFinite(n) || (!real && !Number.isInteger(n)))
      throw new Error(
        `${where}: ${key} must be ${real ? "a number" : "an integer"}, got ${JSON.stringify(value)}`,
      );
    out[key] = n;
  }
  return { kind, ...out } as MemorySpec;
}

/** The labelled set a spec names (its `source` is the spec, so messages name it). */
export function memoryTaskSet(spec: string): LabelledSet {
  const parsed = parseMemorySpec(spec);
  if (parsed.kind === "recall") return makeRecallSet(parsed, spec);
  if (parsed.kind === "latch") return makeLatchSet(parsed, spec);
  return makeAddingSet(parsed, spec);
}
