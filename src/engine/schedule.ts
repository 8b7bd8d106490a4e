/**
 * The TBPTT(k1, k2) schedule: the contract docs/schedule.md states.
 *   k1 (`updateEvery`): update after every k1 forward steps (Infinity: once per sequence);
 *   k2 (`stepsBack`): gradients flow at most k2 steps back (Infinity: to the last reset);
 *   truncation "window" (Williams & Peng 1990: BPTT(h; h') with h = k2, h' = k1) or
 *   "per-loss" (each loss back through its own last k2 steps; Mikolov 2012);
 *   reset "sequence" | { every: N } | "never"; flush at sequence end; reduction sum | mean;
 *   layout "aligned" | "packed" for B streams in lockstep;
 *   outputUpdate "k1" (the output layer changes with the rest, at each update) or "step"
 *   (rnnlm, Mikolov 2012: the output layer changes after every step, see docs/rnnlm.md).
 */
import { TbpttError } from "../core/errors.js";

/** How gradients are cut: "window" (each update back through its window) or "per-loss" (each loss back k2 steps). */
export type Truncation = "window" | "per-loss";
/** When the carried state returns to zero: at each sequence's start, never, or every N steps. */
export type ResetPolicy = "sequence" | "never" | { every: number };
/** How an update's losses combine: summed, or averaged over them. */
export type Reduction = "sum" | "mean";
/**
 * "aligned": each stream starts a new sequence in step with the others; "packed": each runs on
 * through its own sequences (char-rnn).
 */
export type StreamLayout = "aligned" | "packed";
/**
 * When the output layer's parameters change. "k1": at each update, with the rest, from the
 * update's losses back-propagated with the current weights. "step" (the rnnlm toolkit's
 * rule): after every step, from that step's loss alone; the error that step sends into the
 * network is computed then, with the output weights of that moment, stored, and injected
 * into the recurrent backward pass of the update that owns the step.
 */
export type OutputUpdate = "k1" | "step";
/**
 * How an update's gradient is computed: "tbptt" back-propagates through stored steps (this
 * engine); "rtrl" (Williams & Zipser 1989) and "uoro" (Tallec & Ollivier 2017) carry the
 * state's sensitivity to the parameters forward in time instead, storing no history
 * (src/online, docs/online.md). k1 and the resets mean the same for all three.
 */
export type Algorithm = "tbptt" | "rtrl" | "uoro";

/** A complete TBPTT(k1, k2) schedule (docs/schedule.md); `makeSchedule` fills in and checks one. */
export interface Schedule {
  k1: number;
  k2: number;
  truncation: Truncation;
  reset: ResetPolicy;
  flush: boolean;
  reduction: Reduction;
  layout: StreamLayout;
  outputUpdate: OutputUpdate;
  /** Absent: "tbptt". */
  algorithm?: Algorithm;
}

export const DEFAULT_SCHEDULE: Schedule = {
  k1: Number.POSITIVE_INFINITY,
  k2: Number.POSITIVE_INFINITY,
  truncation: "window",
  reset: "sequence",
  flush: true,
  reduction: "sum",
  layout: "aligned",
  outputUpdate: "k1",
  algorithm: "tbptt",
};

function checkSteps(name: string, value: unknown): number {
  if (value === "Infinity" || value === "inf") return Number.POSITIVE_INFINITY;
  if (
    typeof value !== "number" ||
    !(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1))
  ) {
    throw new TbpttError(
      `schedule.${name}: expected an integer ≥ 1 or Infinity, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Validates and completes a schedule; every error says what is allowed. */
export function makeSchedule(partial: Partial<Record<keyof Schedule, unknown>>): Schedule {
  const s = { ...DEFAULT_SCHEDULE, ...partial } as Record<keyof Schedule, unknown>;
  const k1 = checkSteps("k1", s.k1);
  const k2 = checkSteps("k2", s.k2);
  if (s.truncation !== "window" && s.truncation !== "per-loss") {
    throw new TbpttError(
      `schedule.truncation: expected "window" or "per-loss", got ${JSON.stringify(s.truncation)}`,
    );
  }
  const truncation = s.truncation as Truncation;
  if (truncation === "window" && k2 < k1) {
    throw new TbpttError(
      `schedule: truncation "window" needs k2 ≥ k1 (its window is the update's own k1 steps plus k2 − k1 of history), got k1 = ${k1}, k2 = ${k2}; for k2 < k1 (each loss back k2 steps, as Mikolov 2012) use truncation "per-loss"`,
    );
  }
  const reset = s.reset;
  if (typeof reset === "object" && reset !== null) {
    const every = (reset as { every?: unknown }).every;
    const keys = Object.keys(reset);
    if (
      keys.length !== 1 ||
      keys[0] !== "every" ||
      typeof every !== "number" ||
      !Number.isInteger(every) ||
      every < 1
    ) {
      throw new TbpttError(
        `schedule.reset: expected { "every": N } with an integer N ≥ 1, got ${JSON.stringify(reset)}`,
      );
    }
  } else if (reset !== "sequence" && reset !== "never") {
    throw new TbpttError(
      `schedule.reset: expected "sequence", "never" or { "every": N }, got ${JSON.stringify(reset)}`,
    );
  }
  if (typeof s.flush !== "boolean")
    throw new TbpttError(`schedule.flush: expected true or false, got ${JSON.stringify(s.flush)}`);
  if (s.reduction !== "sum" && s.reduction !== "mean") {
    throw new TbpttError(`schedule.reduction: expected "sum" or "mean", got ${JSON.stringify(s.reduction)}`);
  }
  if (s.layout !== "aligned" && s.layout !== "packed") {
    throw new TbpttError(`schedule.layout: expected "aligned" or "packed", got ${JSON.stringify(s.layout)}`);
  }
  if (s.outputUpdate !== "k1" && s.outputUpdate !== "step") {
    throw new TbpttError(
      `schedule.outputUpdate: expected "k1" (the output layer changes at each update) or "step" (after every step, as rnnlm), got ${JSON.stringify(s.outputUpdate)}`,
    );
  }
  const algorithm = s.algorithm ?? "tbptt";
  if (algorithm !== "tbptt" && algorithm !== "rtrl" && algorithm !== "uoro") {
    throw new TbpttError(
      `schedule.algorithm: expected "tbptt", "rtrl" or "uoro", got ${JSON.stringify(algorithm)}`,
    );
  }
  if (algorithm !== "tbptt") {
    // RTRL and UORO follow every loss back to the last reset, forward in time: nothing to truncate.
    if (k2 !== Number.POSITIVE_INFINITY || truncation !== "window")
      throw new TbpttError(
        `schedule: algorithm "${algorithm}" carries every loss's gradient back to the last reset (k2 = Infinity, truncation "window"), got k2 = ${k2}, truncation "${truncation}"`,
      );
    if (s.outputUpdate !== "k1")
      throw new TbpttError(
        `schedule.outputUpdate: algorithm "${algorithm}" updates all parameters together every k1 steps ("k1"), got ${JSON.stringify(s.outputUpdate)}`,
      );
  }
  return {
    k1,
    k2,
    truncation,
    reset: reset as ResetPolicy,
    flush: s.flush,
    reduction: s.reduction,
    layout: s.layout,
    outputUpdate: s.outputUpdate,
    algorithm,
  };
}

/** k1 or k2 as typed: Infinity spelled any usual way (inf, ∞), numbers as numbers, anything else left for makeSchedule to reject. */
export function stepsFromText(text: string): unknown {
  const t = text.trim();
  if (/^(inf|infinity|∞)$/i.test(t)) return Number.POSITIVE_INFINITY;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return t;
}

/** Parses a CLI reset value: "sequence", "never", "every:N" or "N". */
export function parseReset(text: string): ResetPolicy {
  if (text === "sequence" || text === "never") return text;
  const m = /^(?:every[:=])?(\d+)$/.exec(text);
  if (m) return { every: Number(m[1]) };
  throw new TbpttError(`--reset: expected sequence, never or every:N, got ${JSON.stringify(text)}`);
}

export function describeReset(reset: ResetPolicy): string {
  return typeof reset === "object" ? `every:${reset.every}` : reset;
}
