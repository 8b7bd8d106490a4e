/**
 * The schedule explainer: what a TBPTT(k1, k2) schedule does to one sequence of T
 * steps (one stream, every step labelled), computed by the engine's own Planner with
 * no model. It answers the seed's question — when do we back-propagate, and when do
 * we update? — per update (t', t, the steps its backward pass covers, the losses it
 * uses and how far back each flows) and in total (docs/schedule.md, "What every
 * update reports"). `tbptt schedule` prints it; docs/schedule.md shows it.
 *
 * Totals:
 *   updates         how many times the parameters change;
 *   forwardSteps    Σ over updates of its own steps (t − t'): T, always;
 *   backwardSteps   Σ over updates of UpdatePlan.backwardSteps: the sweep's length for
 *                   window truncation, Σ over its losses of their spans for per-loss;
 *   peakStoredSteps max over updates of t − sweepStart + 1, the activations an update
 *                   needs at once (the engine's ring holds Planner.capacity() ≥ this);
 *   history*        per loss L_s, the number of steps its gradient flows through,
 *                   s itself included: s − lossStart + 1; min, mean and max over all T.
 */
import { TbpttError } from "../core/errors.js";
import { Planner } from "./planner.js";
import type { Schedule } from "./schedule.js";

/** A schedule's totals over a sequence: updates, forward and backward steps, the most steps stored. */
export interface ScheduleTotals {
  updates: number;
  forwardSteps: number;
  backwardSteps: number;
  peakStoredSteps: number;
  historyMin: number;
  historyMean: number;
  historyMax: number;
}

/** One update, as the planner planned it. */
export interface UpdateRow {
  index: number;
  /** t': the previous update's last step (−1 for the first). */
  previousTime: number;
  /** t: this update's last step; its own steps (the losses it uses) are t' + 1 … t. */
  time: number;
  /** The first step the backward pass reaches: it covers sweepStart … t. */
  sweepStart: number;
  backwardSteps: number;
  storedSteps: number;
  /** lossStart[k]: the first step the loss at step t' + 1 + k flows back to. */
  lossStart: Int32Array;
}

/** What `explainSchedule` returns: the schedule, one row per update, the totals. */
export interface Explanation {
  schedule: Schedule;
  /** T: the sequence's length. */
  length: number;
  /** Planner.capacity(): the ring of stored steps the engine allocates. */
  capacity: number;
  /** The reset points (steps entered with s_0), ascending; always includes 0. */
  resets: number[];
  totals: ScheduleTotals;
  /** The update rows kept: all of them, or (with maxRows) the first and the last ones. */
  rows: UpdateRow[];
  /** Rows not kept (between rows[omittedAt − 1] and rows[omittedAt]); 0 when all are. */
  omittedRows: number;
  omittedAt: number;
}

/** Options of `explainSchedule`. */
export interface ExplainOptions {
  /**
   * Keep at most this many update rows, the first ceil(n/2) and the last floor(n/2), so a
   * very long sequence costs no memory per update; the totals still count every update.
   * Default: keep all.
   */
  maxRows?: number;
}

/**
 * The longest sequence explained: the planner walks it step by step and holds an update's
 * ticks, so a million steps take about two seconds and 300 MB at worst (k1 = ∞, measured
 * here), a billion would take hours. Past a few multiples of k1 and k2 the totals grow
 * linearly in the length, so a shorter length tells the same story.
 */
export const MAX_EXPLAIN_LENGTH = 1_000_000;

/** Runs the planner over one sequence of `length` steps (B = 1) and sums what it plans. */
export function explainSchedule(
  schedule: Schedule,
  length: number,
  options: ExplainOptions = {},
): Explanation {
  if (!Number.isInteger(length) || length < 1) {
    throw new Error(`length: expected an integer ≥ 1, got ${JSON.stringify(length)}`);
  }
  if (length > MAX_EXPLAIN_LENGTH) throw new TbpttError(tooLongMessage(length));
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  if (!(maxRows === Number.POSITIVE_INFINITY || (Number.isInteger(maxRows) && maxRows >= 0))) {
    throw new Error(`maxRows: expected an integer ≥ 0, got ${JSON.stringify(options.maxRows)}`);
  }
  const headCount = Math.ceil(maxRows / 2);
  const tailCount = maxRows - headCount;
  const planner = new Planner(schedule, 1, [length]);
  const rows: UpdateRow[] = [];
  // The last tailCount rows beyond the head, in a circular buffer.
  const tail: UpdateRow[] = [];
  let tailNext = 0;
  const resets: number[] = [];
  const totals: ScheduleTotals = {
    updates: 0,
    forwardSteps: 0,
    backwardSteps: 0,
    peakStoredSteps: 0,
    historyMin: Number.POSITIVE_INFINITY,
    historyMean: 0,
    historyMax: 0,
  };
  let historySum = 0;
  let losses = 0;
  for (let plan = planner.next(); plan; plan = planner.next()) {
    for (const tick of plan.ticks) if (tick.steps[0]?.reset) resets.push(tick.time);
    // B = 1: lossStart has one entry per tick, in time order (a fresh array per plan).
    const lossStart = plan.lossStart;
    lossStart.forEach((start, k) => {
      const history = plan.previousTime + 1 + k - start + 1;
      historySum += history;
      losses++;
      if (history < totals.historyMin) totals.historyMin = history;
      if (history > totals.historyMax) totals.historyMax = history;
    });
    const row: UpdateRow = {
      index: plan.index,
      previousTime: plan.previousTime,
      time: plan.time,
      sweepStart: plan.sweepStart,
      backwardSteps: plan.backwardSteps,
      storedSteps: plan.storedSteps,
      lossStart,
    };
    if (rows.length < headCount) rows.push(row);
    else if (tailCount > 0) {
      if (tail.length < tailCount) tail.push(row);
      else tail[tailNext] = row;
      tailNext = (tailNext + 1) % tailCount;
    }
    totals.updates++;
    totals.forwardSteps += plan.ticks.length;
    totals.backwardSteps += plan.backwardSteps;
    totals.peakStoredSteps = Math.max(totals.peakStoredSteps, plan.storedSteps);
  }
  totals.historyMean = historySum / losses;
  const omittedAt = rows.length;
  const kept = tail.length < tailCount ? tail : [...tail.slice(tailNext), ...tail.slice(0, tailNext)];
  rows.push(...kept);
  return {
    schedule,
    length,
    capacity: planner.capacity(),
    resets,
    totals,
    rows,
    omittedRows: totals.updates - rows.length,
    omittedAt,
  };
}

/** "k1 = 5, k2 = 20, window, reset sequence": a schedule in one line. */
export function describeSchedule(schedule: Schedule): string {
  const n = (v: number) => (Number.isFinite(v) ? String(v) : "∞");
  const reset = typeof schedule.reset === "object" ? `every:${schedule.reset.every}` : schedule.reset;
  const flush = schedule.flush ? "" : ", no flush";
  const output = schedule.outputUpdate === "step" ? ", output layer every step" : "";
  return `k1 = ${n(schedule.k1)}, k2 = ${n(schedule.k2)}, ${schedule.truncation}, reset ${reset}${flush}${output}`;
}

/** Why a length is refused (the CLI names its option in front). */
export function tooLongMessage(length: number): string {
  return `length ${length} is more than the ${MAX_EXPLAIN_LENGTH.toLocaleString("en-US")} steps explained (the planner walks every step: a billion would take hours); the totals grow linearly once the length is many times k1 and k2, so explain a shorter sequence and scale them`;
}
