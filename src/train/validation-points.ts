/**
 * Where a run stands when it is validated, and when to validate between epochs.
 *
 * A schedule's cost is not its epochs: frame-wise updates (k1 = 1, k2 = ∞) back-propagate
 * T(T + 1)/2 steps per sequence of T steps where sentence-wise updates back-propagate T
 * (docs/schedule.md). So every validation point carries the run's cumulative compute
 * (forward and backward steps, as the engine reports them per update), its updates, its
 * training wall time (validation excluded) and the share of the data seen, and the
 * points can be drawn against any of them (`tbptt compare`).
 */
import type { SequenceLike } from "../engine/engine.js";
import type { Metrics, MetricsSummary } from "./evaluate.js";

/** Cumulative counters of a run, carried in its checkpoint so a resumed run continues them. */
export interface RunTotals {
  updates: number;
  forwardSteps: number;
  backwardSteps: number;
  /** Seconds spent training, validation excluded, summed over every session of the run. */
  trainSeconds: number;
}

export interface ValidationPoint extends RunTotals {
  /** Epochs of training data seen: whole epochs plus the share of the current epoch's labelled steps. */
  epochs: number;
  /** "start": the initial weights; "epoch": an epoch's end; "every": the validateEvery cadence; "final": the run stopped on a budget inside an epoch. */
  at: "start" | "epoch" | "every" | "final";
  valid: MetricsSummary;
  validMetrics: Metrics;
}

/** Validate every N updates and/or every N forward + backward steps, besides each epoch's end. */
export interface ValidateEvery {
  updates?: number;
  steps?: number;
}

/** Whether an update that took the totals from `before` to `after` crossed a multiple of a cadence. */
export function crossedCadence(
  every: ValidateEvery | undefined,
  before: RunTotals,
  after: RunTotals,
): boolean {
  if (!every) return false;
  const crossed = (n: number | undefined, a: number, b: number) =>
    n !== undefined && n > 0 && Math.floor(b / n) > Math.floor(a / n);
  return (
    crossed(every.updates, before.updates, after.updates) ||
    crossed(every.steps, before.forwardSteps + before.backwardSteps, after.forwardSteps + after.backwardSteps)
  );
}

/** The labelled steps of one epoch (the denominator of a point's fractional epochs). */
export function labelledSteps(sequences: readonly SequenceLike[]): number {
  let n = 0;
  for (const s of sequences) for (let t = 0; t < s.length; t++) if (s.label(t) >= 0) n++;
  return n;
}
