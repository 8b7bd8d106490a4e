/**
 * The lag profile of the state gradient: how strongly a loss L_s still depends on the
 * hidden state τ steps before it, ‖∂L_s/∂h_{s−τ}‖, averaged over the sample's losses
 * for every τ from 0 to the longest history (the back-propagated error of Williams &
 * Zipser 1995's BPTT, whose decay is the vanishing gradient of Bengio et al. 1994 and
 * Hochreiter 1991). h is the concatenation of every recurrent layer's output (for LSTMP
 * its projection r); a loss counts at lag τ only where h_{s−τ} lies after its last reset
 * (earlier states are s_0, a constant).
 *
 * One full backward pass per loss would cost O(losses × history). The engine's per-loss
 * truncation already runs one adjoint per loss ("lanes", docs/architecture.md) in one
 * sweep; with k2 longer than any history (the sample's ticks) each lane is the loss's
 * untruncated adjoint, and a probe on every recurrent direction (RecurrentDirection.
 * adjointProbe) reads ∂L_s/∂h at each step of the sweep. The layers run one after the
 * other (layer-major), so squares are summed over layers per (loss, lag) and the root is
 * taken when the update is done.
 */
import type { FloatArray } from "../core/types.js";
import { Engine, type SequenceLike } from "../engine/engine.js";
import type { UpdatePlan } from "../engine/planner.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { perLossLanes } from "./runs.js";

/** The mean norm of the state gradient ‖∂L_s/∂h_{s−τ}‖ at each lag τ. */
export interface StateGradientProfile {
  /** meanNorm[τ]: the mean over losses of ‖∂L_s/∂h_{s−τ}‖. */
  meanNorm: number[];
  /** losses[τ]: how many losses have a state τ steps back after their last reset. */
  losses: number[];
}

export function stateGradientProfile(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  ticks: number,
): StateGradientProfile {
  const B = streams;
  const lanes = perLossLanes(model, Number.POSITIVE_INFINITY, ticks, B, ticks);
  const run: Schedule = { ...schedule, k1: lanes, k2: ticks, truncation: "per-loss", reduction: "sum" };
  const engine = new Engine(model, run, B);
  const L = engine.lanes;
  // Per lane and stream: the squared norm at each lag, summed over the layers.
  const squares = new Float64Array(L * B * ticks);
  const normSum = new Float64Array(ticks);
  const count = new Float64Array(ticks);
  // Filled when an update's forward pass is done: which time each slot of the sweep holds,
  // and each lane's loss (time, and per stream its first step or −1 where there is no loss).
  let times = new Int32Array(0);
  const laneLoss = new Int32Array(L).fill(-1);
  const laneStart = new Int32Array(L * B).fill(-1);

  const onForward = (plan: UpdatePlan) => {
    const { tape } = model;
    if (times.length < tape.capacity) times = new Int32Array(tape.capacity);
    for (let time = plan.sweepStart; time <= plan.time; time++) times[engine.slotOf(time)] = time;
    laneLoss.fill(-1);
    laneStart.fill(-1);
    plan.ticks.forEach((tick, k) => {
      const lane = tick.time % L;
      laneLoss[lane] = tick.time;
      const row = engine.slotOf(tick.time) * B;
      for (let b = 0; b < B; b++) {
        const hasLoss = tape.active[row + b] === 1 && (tape.labels[row + b] as number) >= 0;
        laneStart[lane * B + b] = hasLoss ? (plan.lossStart[k * B + b] as number) : -1;
      }
    });
  };
  const probe = (slot: number, dh: FloatArray, width: number) => {
    const time = times[slot] as number;
    for (let lane = 0; lane < L; lane++) {
      const s = laneLoss[lane] as number;
      if (s < time) continue;
      for (let b = 0; b < B; b++) {
        const start = laneStart[lane * B + b] as number;
        if (start < 0 || time < start) continue;
        const row = (lane * B + b) * width;
        let sq = 0;
        for (let i = 0; i < width; i++) sq += (dh[row + i] as number) ** 2;
        squares[(lane * B + b) * ticks + (s - time)] += sq;
      }
    }
  };
  const directions = model.layers.flatMap((layer) => layer.directions);
  for (const d of directions) d.adjointProbe = (slot, dh) => probe(slot, dh, d.stateWidth);
  try {
    engine.run(
      sequences,
      () => {
        // The update's sweep is done: each of its losses' profile is complete.
        for (let lane = 0; lane < L; lane++) {
          const s = laneLoss[lane] as number;
          for (let b = 0; b < B; b++) {
            const start = laneStart[lane * B + b] as number;
            if (s < 0 || start < 0) continue;
            const base = (lane * B + b) * ticks;
            for (let lag = 0; lag <= s - start; lag++) {
              normSum[lag] += Math.sqrt(squares[base + lag] as number);
              count[lag]++;
              squares[base + lag] = 0;
            }
          }
        }
        return true;
      },
      { onForward },
    );
  } finally {
    for (const d of directions) d.adjointProbe = null;
  }
  let longest = ticks;
  while (longest > 0 && count[longest - 1] === 0) longest--;
  return {
    meanNorm: Array.from(normSum.subarray(0, longest), (v, lag) => v / (count[lag] as number)),
    losses: Array.from(count.subarray(0, longest)),
  };
}
