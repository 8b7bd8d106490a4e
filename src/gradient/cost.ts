/**
 * What a schedule costs on the sample's data, from the schedule explainer (src/engine/
 * explain.ts: one stream, a loss at every step): forward and backward steps, updates,
 * the most steps stored at once and the engine's ring. With a reset at every sequence the
 * sample's sequences are explained one by one and summed; with state carried across them
 * (reset never or every N) one stream as long as the sample is.
 */
import { explainSchedule } from "../engine/explain.js";
import type { Schedule } from "../engine/schedule.js";

/** What a schedule costs per update: forward and backward steps, and the steps stored. */
export interface ScheduleCost {
  updates: number;
  forwardSteps: number;
  backwardSteps: number;
  /** backwardSteps / forwardSteps: the compute beyond the forward pass. */
  backwardPerForward: number;
  /** The most steps one update needs stored. */
  peakStoredSteps: number;
  /** The ring of stored steps the engine allocates (Planner.capacity()). */
  ringSteps: number;
}

export function scheduleCost(schedule: Schedule, lengths: readonly number[], ticks: number): ScheduleCost {
  const cost: ScheduleCost = {
    updates: 0,
    forwardSteps: 0,
    backwardSteps: 0,
    backwardPerForward: 0,
    peakStoredSteps: 0,
    ringSteps: 0,
  };
  const counts = new Map<number, number>();
  if (schedule.reset === "sequence") for (const n of lengths) counts.set(n, (counts.get(n) ?? 0) + 1);
  else counts.set(ticks, 1);
  for (const [length, times] of counts) {
    const e = explainSchedule(schedule, length, { maxRows: 0 });
    cost.updates += times * e.totals.updates;
    cost.forwardSteps += times * e.totals.forwardSteps;
    cost.backwardSteps += times * e.totals.backwardSteps;
    cost.peakStoredSteps = Math.max(cost.peakStoredSteps, e.totals.peakStoredSteps);
    cost.ringSteps = Math.max(cost.ringSteps, e.capacity);
  }
  cost.backwardPerForward = cost.backwardSteps / cost.forwardSteps;
  return cost;
}
