/**
 * The schedule explainer: what a TBPTT(k1, k2) schedule does to one sequence of T
 * steps (one stream, every step labelled), computed by the engine's own Planner with
 * no model. It answers the seed's question — when do we back-propagate, and when do
 * we update? — per update (t', t, the steps its backward pass covers, the losses it
 * uses and how far back each flows) and in total (../shared/TBPTT.md, "What every
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
import { Planner } from "./planner.js";
import type { Schedule } from "./schedule.js";

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

export interface Explanation {
  schedule: Schedule;
  /** T: the sequence's length. */
  length: number;
  /** Planner.capacity(): the ring of stored steps the engine allocates. */
  capacity: number;
  /** The reset points (steps entered with s_0), ascending; always includes 0. */
  resets: number[];
  totals: ScheduleTotals;
  rows: UpdateRow[];
}

/** Runs the planner over one sequence of `length` steps (B = 1) and sums what it plans. */
export function explainSchedule(schedule: Schedule, length: number): Explanation {
  if (!Number.isInteger(length) || length < 1) {
    throw new Error(`length: expected an integer ≥ 1, got ${JSON.stringify(length)}`);
  }
  const planner = new Planner(schedule, 1, [length]);
  const rows: UpdateRow[] = [];
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
    // B = 1: lossStart has one entry per tick, in time order.
    const lossStart = Int32Array.from(plan.lossStart);
    lossStart.forEach((start, k) => {
      const history = plan.previousTime + 1 + k - start + 1;
      historySum += history;
      losses++;
      if (history < totals.historyMin) totals.historyMin = history;
      if (history > totals.historyMax) totals.historyMax = history;
    });
    rows.push({
      index: plan.index,
      previousTime: plan.previousTime,
      time: plan.time,
      sweepStart: plan.sweepStart,
      backwardSteps: plan.backwardSteps,
      storedSteps: plan.storedSteps,
      lossStart,
    });
    totals.updates++;
    totals.forwardSteps += plan.ticks.length;
    totals.backwardSteps += plan.backwardSteps;
    totals.peakStoredSteps = Math.max(totals.peakStoredSteps, plan.storedSteps);
  }
  totals.historyMean = historySum / losses;
  return { schedule, length, capacity: planner.capacity(), resets, totals, rows };
}

/** "k1 = 5, k2 = 20, window, reset sequence": a schedule in one line. */
export function describeSchedule(schedule: Schedule): string {
  const n = (v: number) => (Number.isFinite(v) ? String(v) : "∞");
  const reset = typeof schedule.reset === "object" ? `every:${schedule.reset.every}` : schedule.reset;
  const flush = schedule.flush ? "" : ", no flush";
  return `k1 = ${n(schedule.k1)}, k2 = ${n(schedule.k2)}, ${schedule.truncation}, reset ${reset}${flush}`;
}
