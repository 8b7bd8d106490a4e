/**
 * What an engine run reports and takes: the record of each update (its steps forward, back and
 * stored, its losses, where each stream's window and sequence began), the update function the
 * optimizer supplies, the run's options and totals. Shared by the TBPTT engine and the online
 * engines (src/online).
 */
import type { FloatArray } from "../core/types.js";
import type { PlannerPosition, UpdatePlan } from "./planner.js";

/**
 * What one update did: its index and last step, the losses it used, the steps it went forward, back
 * and kept.
 */
export interface UpdateRecord {
  index: number;
  time: number;
  previousTime: number;
  /** Per stream: the first step its backward pass reached, −1 where the stream had no step. */
  windowStart: number[];
  /**
   * Per stream: the step at which the last sequence it had a step of in this update began (that
   * sequence's position 0), −1 where the stream had no step in this update. Lets a caller place
   * an update within its sequence, as `tbptt schedule` does (the playground's live timeline).
   */
  sequenceStart: number[];
  /** Losses (labelled, active steps) this update used, and their sum. */
  losses: number;
  lossSum: number;
  forwardSteps: number;
  backwardSteps: number;
  storedSteps: number;
}

/** The optimizer's side: called with the gradient of each update; return false to stop the run. */
export type UpdateFn = (grads: FloatArray, record: UpdateRecord) => boolean | undefined;

/** Options of `Engine.run`: resume point and state, forward-only evaluation, hooks around each update. */
export interface RunOptions {
  /** Continue from a planner position (engine.position()) ... */
  start?: PlannerPosition;
  /** ... with this carried state (model.saveState() at that position). */
  state?: ArrayLike<number>;
  /** Called before each update's forward steps are written, e.g. to add weight noise. */
  beforeUpdate?: (plan: UpdatePlan) => void;
  /** false: forward only (evaluation), no backward, updates still reported. */
  train?: boolean;
  /** Called after each forward chunk with the update's plan, e.g. to read model.probs at engine.slotOf(time). */
  onForward?: (plan: UpdatePlan) => void;
  /**
   * Schedule outputUpdate "step", training: called after every step that has a loss, with
   * the gradient of that step's losses in the output layer's part of `grads`
   * (model.outputParams; the rest is zero); it should change the output weights (the
   * optimizer's step). The gradient is cleared when it returns.
   */
  onOutputStep?: (grads: FloatArray, step: OutputStepRecord) => void;
}

/** One step's losses when the output layer is updated after every step (outputUpdate "step"). */
export interface OutputStepRecord {
  time: number;
  /** Losses at this step (labelled, active streams) and their sum. */
  losses: number;
  lossSum: number;
  /**
   * The parts of `grads` that may be non-zero: `count` ranges [from, to) of parameter
   * offsets as pairs in `ranges` (a class-factorised output touches only the target's
   * class; otherwise one range, the whole output layer). Valid during the call.
   */
  ranges: Int32Array;
  count: number;
}

/** Totals of an `Engine.run`: updates, steps, losses and their sum, and whether `onUpdate` stopped it. */
export interface RunSummary {
  updates: number;
  steps: number;
  losses: number;
  lossSum: number;
  stopped: boolean;
}

/** Hands each update of a run to onUpdate (until it returns false) and sums the run. */
export function runUpdates(
  updates: Iterable<{ grads: FloatArray; record: UpdateRecord }>,
  onUpdate: UpdateFn,
): RunSummary {
  const summary: RunSummary = { updates: 0, steps: 0, losses: 0, lossSum: 0, stopped: false };
  for (const { grads, record } of updates) {
    summary.updates++;
    summary.steps += record.forwardSteps;
    summary.losses += record.losses;
    summary.lossSum += record.lossSum;
    if (onUpdate(grads, record) === false) {
      summary.stopped = true;
      break;
    }
  }
  return summary;
}
