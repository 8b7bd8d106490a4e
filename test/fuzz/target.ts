// A fuzz target is one parser or decoder and how to feed it, and the one invariant every
// input must keep: a valid result, or a TbpttError whose message names the source (the
// file name or field the parser was given). Anything else is classified as a finding:
// an internal error (TypeError, RangeError, a plain Error…), a TbpttError that does not
// say where the problem is, or a hang (an input that runs past the time limit).
import { TbpttError } from "../../src/core/errors.js";
import type { InputSpec } from "./mutate.js";

export interface FuzzTarget extends InputSpec {
  /** Short name: `npm run fuzz -- --only NAME`, and the test's title. */
  name: string;
  /** What it reads, for the report (e.g. "decodeAudio: SPHERE and RIFF WAV"). */
  title: string;
  /** The names an error's message must contain one of (the file names or fields passed in). */
  sources: readonly string[];
  /** Whether a message names its source, when that depends on the input (default: it contains one of `sources`). */
  names?: (message: string, input: Uint8Array) => boolean;
  /** Parses one input; returns (anything) when it is valid, throws when it is not. */
  run: (input: Uint8Array) => unknown;
}

export type Outcome = "valid" | "project" | "unnamed" | "internal" | "hang";

/** The outcomes in the order reports list them. */
export const OUTCOMES: readonly Outcome[] = ["valid", "project", "unnamed", "internal", "hang"];

export interface Classified {
  outcome: Outcome;
  /** The error, for the findings. */
  error?: unknown;
  milliseconds: number;
}

/** Runs `target` on `input` and sorts the result into an outcome; slower than `limitMs` is a hang. */
export function classify(target: FuzzTarget, input: Uint8Array, limitMs: number): Classified {
  const start = performance.now();
  let outcome: Outcome = "valid";
  let error: unknown;
  try {
    target.run(input);
  } catch (e) {
    error = e;
    if (!(e instanceof TbpttError)) outcome = "internal";
    else {
      const named = target.names
        ? target.names(e.message, input)
        : target.sources.some((s) => e.message.includes(s));
      outcome = named ? "project" : "unnamed";
    }
  }
  // A parser must not change every object: a key such as "__proto__" followed blindly does.
  for (const key in {}) {
    delete (Object.prototype as Record<string, unknown>)[key];
    outcome = "internal";
    error = new Error(`Object.prototype polluted with the key ${JSON.stringify(key)}`);
  }
  const milliseconds = performance.now() - start;
  if (milliseconds > limitMs) outcome = "hang";
  return { outcome, error, milliseconds };
}

/** What makes two findings the same: the outcome, the error's class and where it was thrown. */
export function findingKind(found: Classified): string {
  const e = found.error;
  if (found.outcome === "hang" || !(e instanceof Error)) return found.outcome;
  const frame = e.stack?.split("\n").find((l) => l.trim().startsWith("at ")) ?? "";
  return `${found.outcome}: ${e.name} ${frame.trim()}`;
}

/** One line naming a finding: its outcome, the error's class, message and where it was thrown. */
export function describeFinding(found: Classified): string {
  if (found.outcome === "hang") return `hang: ${found.milliseconds.toFixed(0)} ms`;
  const e = found.error;
  if (!(e instanceof Error)) return `${found.outcome}: threw ${String(e)}`;
  const frame = e.stack?.split("\n").find((l) => l.trim().startsWith("at ")) ?? "";
  return `${found.outcome}: ${e.name}: ${e.message.split("\n")[0]?.slice(0, 200)} ${frame.trim()}`;
}
