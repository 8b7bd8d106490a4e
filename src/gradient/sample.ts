/**
 * Which updates the gradient measurements look at: the first `updates` updates of the
 * schedule over the data, exactly as training would make them, and the data they consume
 * and no more. With a reset at every sequence the sequences are taken in a seeded random
 * order first (each sequence starts from s_0, so any order is a real run's order); with
 * state carried across sequences (reset never or every N) the data's own order is kept,
 * and the sample is the start of the data: its full-BPTT gradient reaches back to the
 * data's first step, the last real reset.
 *
 * Cutting every sequence after the sample's last tick changes nothing before it: the
 * planner's update times depend on the next tick only (a reset there flushes), and the
 * end of the data always updates, which is where the last sampled update ends anyway.
 * So every run over the sample (any k2, window or per-loss) makes the same updates.
 */
import { Rng } from "../core/random.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceLike } from "../engine/engine.js";
import { Planner } from "../engine/planner.js";
import type { Schedule } from "../engine/schedule.js";

export interface UpdateSample {
  /** The sequences the sampled updates consume, in the order they are laid out, each cut after its last sampled step. */
  sequences: SequenceLike[];
  /** Updates in the sample: as asked, or fewer when the data holds fewer. */
  updates: number;
  /** Clock ticks the sample spans: the last sampled update's time + 1. */
  ticks: number;
  /** Labelled steps (losses) in the sample, over all streams. */
  losses: number;
}

/** The first `length` steps of a sequence. */
class PrefixSequence implements SequenceLike {
  readonly targetSize?: number;

  readonly inputIndex?: (position: number) => number;

  constructor(
    private readonly inner: SequenceLike,
    readonly length: number,
  ) {
    if (inner.targetSize !== undefined) this.targetSize = inner.targetSize;
    // One-hot inputs stay symbols (the engine's lookup), as in the run being sampled.
    if (inner.inputIndex) this.inputIndex = inner.inputIndex.bind(inner);
  }

  writeInput(position: number, out: FloatArray, offset: number): void {
    this.inner.writeInput(position, out, offset);
  }

  label(position: number): number {
    return this.inner.label(position);
  }

  writeTarget(position: number, out: FloatArray, offset: number): void {
    this.inner.writeTarget?.(position, out, offset);
  }
}

export function sampleUpdates(
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  updates: number,
  seed: number,
): UpdateSample {
  if (!Number.isInteger(updates) || updates < 1)
    throw new Error(`updates: expected an integer ≥ 1, got ${JSON.stringify(updates)}`);
  if (sequences.length === 0) throw new Error("no sequences to sample updates from");
  const order = sequences.map((_, i) => i);
  if (schedule.reset === "sequence") new Rng(seed).shuffle(order);
  const ordered = order.map((i) => sequences[i] as SequenceLike);
  const planner = new Planner(
    schedule,
    streams,
    ordered.map((s) => s.length),
  );
  // The last step of each sequence that a sampled update forwards (−1: not reached).
  const lastStep = new Int32Array(ordered.length).fill(-1);
  let made = 0;
  let ticks = 0;
  let losses = 0;
  for (let plan = planner.next(); plan && made < updates; plan = planner.next()) {
    for (const tick of plan.ticks) {
      for (const step of tick.steps) {
        if (!step) continue;
        lastStep[step.sequence] = Math.max(lastStep[step.sequence] as number, step.position);
        if ((ordered[step.sequence] as SequenceLike).label(step.position) >= 0) losses++;
      }
    }
    ticks = plan.time + 1;
    made++;
  }
  // Sequences are handed out in order, so the used ones are a prefix of `ordered`.
  let used = 0;
  while (used < ordered.length && (lastStep[used] as number) >= 0) used++;
  const cut = ordered.slice(0, used).map((s, i) => {
    const length = (lastStep[i] as number) + 1;
    return length === s.length ? s : new PrefixSequence(s, length);
  });
  return { sequences: cut, updates: made, ticks, losses };
}

/** The data the lag profile is averaged over: a part of the sample, with its streams, ticks and losses. */
export interface ProfileSample {
  sequences: SequenceLike[];
  streams: number;
  ticks: number;
  losses: number;
}

/** Rows × steps back the lag profile may cost by default: about a million. */
export const DEFAULT_PROFILE_STEPS = 2 ** 20;

/**
 * The lag profile costs one backward step per loss and step of its history (and the weight
 * shares about that again per τ), so it is averaged over the sample's first sequences only,
 * as many as keep Σ length² within `budget` (at least one). That is exact where each
 * sequence is its own history: with a reset at every sequence (any streams will do), or with
 * packed streams that carry their state and hold one sequence each (a text cut into B
 * streams: the first n are streams 0 … n − 1 of training). Otherwise the whole sample is used.
 */
export function profileSample(
  sample: UpdateSample,
  schedule: Schedule,
  streams: number,
  budget: number,
): ProfileSample {
  const { sequences } = sample;
  const ownHistory =
    schedule.reset === "sequence" || (schedule.layout === "packed" && sequences.length <= streams);
  let n = sequences.length;
  if (ownHistory) {
    let cost = 0;
    for (n = 0; n < sequences.length; n++) {
      cost += (sequences[n] as SequenceLike).length ** 2;
      if (n > 0 && cost > budget) break;
    }
  }
  if (n === sequences.length)
    return { sequences: [...sequences], streams, ticks: sample.ticks, losses: sample.losses };
  const part = sequences.slice(0, n);
  const used = Math.min(streams, n);
  const planner = new Planner(
    schedule,
    used,
    part.map((s) => s.length),
  );
  let ticks = 0;
  let losses = 0;
  for (let plan = planner.next(); plan; plan = planner.next()) {
    ticks = plan.time + 1;
    for (const tick of plan.ticks)
      for (const step of tick.steps)
        if (step && (part[step.sequence] as SequenceLike).label(step.position) >= 0) losses++;
  }
  return { sequences: part, streams: used, ticks, losses };
}
