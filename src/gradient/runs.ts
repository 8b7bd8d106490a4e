/**
 * The engine runs the measurements are made of. The parameters never change (no update
 * is applied), so every run over a sample sees the same forward pass and the same
 * updates, and the stored activations are exact whatever k2 is (docs/schedule.md: with k2 > k1
 * a window uses stored activations with the current parameters; here they are equal).
 *
 * Per-loss truncation in the engine carries one lane per loss of an update, min(k1, k2)
 * of them, each over k1 + k2 − 1 stored slots; with k1 = ∞ that is k2 lanes over a whole
 * sequence. The gradient of each loss does not depend on which update takes it, so
 * `perLossGradients` runs the schedule with a smaller k1' (a divisor of k1, bounded by a
 * memory budget) and adds up the k1' updates that make each of the schedule's updates:
 * with flush and resets the same, every k1 boundary is a k1' boundary.
 */
import type { FloatArray } from "../core/types.js";
import { Engine, type SequenceLike, type UpdateRecord } from "../engine/engine.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";

/** Floats the lanes of one stored slot and stream may take before k1' is lowered (2^25: 256 MiB in float64). */
const LANE_BUDGET = 2 ** 25;
const MAX_LANES = 16;

/** Runs the engine over `sequences` without changing the parameters; `visit` sees each update's gradient. */
export function eachUpdateGradient(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  visit: (grads: FloatArray, record: UpdateRecord) => void,
): void {
  new Engine(model, schedule, streams).run(sequences, (grads, record) => {
    visit(grads, record);
    return true;
  });
}

/** Adjoint values one stored slot holds per lane and stream (every layer's ∂A and ∂output). */
function laneFloats(model: SequenceModel): number {
  let n = model.config.outputSize;
  for (const layer of model.layers) {
    n += layer.outputSize;
    for (const d of layer.directions) n += 2 * d.gates + d.stateWidth;
  }
  return n;
}

/**
 * k1' for per-loss runs: the most lanes (≤ 16) whose buffers fit the budget, a divisor of
 * k1 when k1 is finite (so the schedule's update boundaries are among the run's).
 */
export function perLossLanes(
  model: SequenceModel,
  k1: number,
  k2: number,
  streams: number,
  ticks: number,
): number {
  const perLane = laneFloats(model) * streams;
  let best = 1;
  for (let lanes = 1; lanes <= MAX_LANES; lanes++) {
    if (Number.isFinite(k1) && k1 % lanes !== 0) continue;
    const slots = Math.min(lanes + Math.min(k2, ticks) - 1, ticks);
    if (lanes * slots * perLane <= LANE_BUDGET) best = lanes;
  }
  return best;
}

/**
 * Per-loss truncation at `k2` over `sequences`, each loss's gradient summed (reduction
 * sum). With `boundaries` (the schedule's update times, ascending), `visit(i, sum)` gets
 * the sum over the losses of update i when its last step is reached; returns the sum
 * over every loss. `visit` may not keep `sum` (it is cleared after the call).
 */
export function perLossGradients(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  k2: number,
  ticks: number,
  boundaries: readonly number[] | null,
  visit?: (index: number, sum: Float64Array) => void,
): Float64Array {
  const lanes = perLossLanes(model, schedule.k1, k2, streams, ticks);
  const run: Schedule = { ...schedule, k1: lanes, k2, truncation: "per-loss", reduction: "sum" };
  const P = model.params.length;
  const total = new Float64Array(P);
  const part = new Float64Array(P);
  let next = 0;
  eachUpdateGradient(model, sequences, run, streams, (grads, record) => {
    for (let i = 0; i < P; i++) {
      total[i] += grads[i] as number;
      part[i] += grads[i] as number;
    }
    if (!boundaries) return;
    const end = boundaries[next];
    if (end === undefined || record.time > end)
      throw new Error(
        `per-loss run: update ending at ${record.time} crosses the schedule's update at ${end}`,
      );
    if (record.time === end) {
      visit?.(next, part);
      part.fill(0);
      next++;
    }
  });
  if (boundaries && next !== boundaries.length)
    throw new Error(`per-loss run: met ${next} of the schedule's ${boundaries.length} updates`);
  return total;
}
