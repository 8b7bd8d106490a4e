/**
 * `analyseGradient`: the gradient horizon and the truncation bias of a model on its data
 * — how far back does the gradient reach, and which k2 keeps the update's gradient
 * within a tolerance of full BPTT, at what cost? (`tbptt gradient`, docs/gradient.md.)
 *
 * Over a sample of the schedule's updates (sample.ts), with the parameters fixed:
 *   - the lag profile: mean ‖∂L_s/∂h_{s−τ}‖ per τ (lag-profile.ts) and the share of the
 *     summed weight gradient from lags ≥ τ (weight-shares.ts), at τ = each k2, over the
 *     sample's first sequences within a budget (sample.ts, profileSample);
 *   - per k2, with the configured k1: cosine and relative error of each update's
 *     truncated gradient against its full-BPTT gradient (bias.ts), with their spread;
 *   - the recommendation: the smallest k2 whose mean cosine reaches the tolerance,
 *     with what it costs (cost.ts), beside full BPTT's cost.
 */
import type { SequenceLike } from "../engine/engine.js";
import type { Schedule, Truncation } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { type TruncationRow, truncationBias, truncationFor } from "./bias.js";
import { type ScheduleCost, scheduleCost } from "./cost.js";
import { type StateGradientProfile, stateGradientProfile } from "./lag-profile.js";
import { DEFAULT_PROFILE_STEPS, profileSample, sampleUpdates } from "./sample.js";
import { type WeightShare, weightShares } from "./weight-shares.js";

/**
 * Options of `analyseGradient`: the schedule measured, streams, the k2 values to compare, the
 * tolerance, how many updates.
 */
export interface GradientOptions {
  /**
   * The schedule whose updates are measured (its k2 is ignored but joins the k2 list when
   * finite; outputUpdate "step" is measured as "k1": with the parameters fixed, the
   * recurrent gradient is the same).
   */
  schedule: Schedule;
  /** B streams, as in training (default 1). */
  streams?: number;
  /** The k2 values to measure (finite, ≥ 1); default 1, 2, 5, 10, 20, 50, … below the longest history. */
  k2?: readonly number[];
  /** Updates in the sample (default 20). */
  updates?: number;
  /** The cosine a recommended k2 must reach on average (default 0.99). */
  tolerance?: number;
  /** Orders the sequences when each starts from a reset (default 1). */
  seed?: number;
  /** Measure ‖∂L_s/∂h_{s−τ}‖ too (default true): one more backward sweep per loss's history. */
  stateProfile?: boolean;
  /** The lag profile's budget: the sample's first sequences with Σ length² within it (default 2^20; sample.ts). */
  profileSteps?: number;
  /** Told what is being measured next (for a progress line). */
  onProgress?: (stage: string) => void;
}

/** One k2 of the comparison: how close its truncated gradients are to full BPTT's, and what it costs. */
export interface GradientRow extends TruncationRow {
  cost: ScheduleCost;
}

/**
 * What `analyseGradient` measured: the lag profile, one row per k2, and the recommended k2
 * (docs/gradient.md).
 */
export interface GradientReport {
  schedule: Schedule;
  streams: number;
  tolerance: number;
  sample: {
    updates: number;
    updatesWithLoss: number;
    ticks: number;
    losses: number;
    sequences: number;
    /** The longest history a loss has in the sample: the lag profile's extent. */
    longestHistory: number;
    seed: number;
  };
  lagProfile: {
    /** What the profile is averaged over: the sample's first `sequences` (all, or as many as the budget allows) on `streams`. */
    sequences: number;
    streams: number;
    losses: number;
    stateGradient: StateGradientProfile | null;
    weightShare: WeightShare[];
  };
  truncation: GradientRow[];
  full: { cost: ScheduleCost };
  recommendation: {
    /** The smallest measured k2 whose mean cosine reaches the tolerance; Infinity when none does. */
    k2: number;
    truncation: Truncation;
    cosine: number;
    cost: ScheduleCost;
  };
}

export const DEFAULT_GRADIENT_UPDATES = 20;
export const DEFAULT_TOLERANCE = 0.99;

/** 1, 2, 5, 10, 20, 50, … below `limit`. */
export function defaultK2s(limit: number): number[] {
  const out: number[] = [];
  for (let decade = 1; decade < limit; decade *= 10)
    for (const m of [1, 2, 5]) if (m * decade < limit) out.push(m * decade);
  return out;
}

/** The most steps a loss of the sample can reach back through, itself included. */
function longestHistory(schedule: Schedule, sample: ReturnType<typeof sampleUpdates>): number {
  if (schedule.reset === "sequence") return sample.sequences.reduce((m, s) => Math.max(m, s.length), 1);
  if (schedule.reset === "never") return sample.ticks;
  return Math.min(sample.ticks, schedule.reset.every);
}

export function checkMeasurable(model: SequenceModel): void {
  const { cell, bidirectional } = model.config;
  if (cell === "mlp")
    throw new Error('model.cell "mlp" has no recurrence: no gradient flows through time to measure');
  if (bidirectional)
    throw new Error(
      "a bidirectional model trains only with k2 = Infinity (its reverse direction needs the whole sequence, docs/schedule.md): there is no truncation to measure",
    );
}

/**
 * The gradient horizon and truncation bias of `model` on `sequences` (see the file comment; `tbptt
 * gradient`).
 */
export function analyseGradient(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  options: GradientOptions,
): GradientReport {
  checkMeasurable(model);
  // rnnlm's output rule (outputUpdate "step") changes the output weights after every step;
  // here the parameters stay fixed, so the recurrent part of the gradient is the same under
  // either rule, and the output layer's part (which no k2 changes) joins the update's.
  const schedule: Schedule = { ...options.schedule, outputUpdate: "k1" };
  const streams = options.streams ?? 1;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const seed = options.seed ?? 1;
  if (!(tolerance > 0 && tolerance <= 1))
    throw new Error(`tolerance: expected a cosine in (0, 1], got ${JSON.stringify(options.tolerance)}`);
  for (const k2 of options.k2 ?? []) {
    if (!Number.isInteger(k2) || k2 < 1)
      throw new Error(
        `k2: expected integers ≥ 1 (full BPTT, k2 = Infinity, is what every row is compared with), got ${JSON.stringify(k2)}`,
      );
  }
  const sample = sampleUpdates(
    sequences,
    schedule,
    streams,
    options.updates ?? DEFAULT_GRADIENT_UPDATES,
    seed,
  );
  if (sample.losses === 0)
    throw new Error("the sampled updates have no labelled steps: no gradient to measure");
  const history = longestHistory(schedule, sample);
  const asked = options.k2 ?? [
    ...defaultK2s(history),
    ...(Number.isFinite(schedule.k2) && schedule.k2 < history ? [schedule.k2] : []),
  ];
  const k2s = [...new Set(asked)].sort((a, b) => a - b);
  if (k2s.length === 0) k2s.push(1);

  options.onProgress?.(
    `sampled ${sample.updates} updates: ${sample.ticks} ticks, ${sample.losses} losses, histories up to ${history} steps`,
  );
  const bias = truncationBias(
    model,
    sample.sequences,
    schedule,
    streams,
    sample.ticks,
    k2s,
    options.onProgress,
  );
  const profile = profileSample(sample, schedule, streams, options.profileSteps ?? DEFAULT_PROFILE_STEPS);
  options.onProgress?.(
    `the weight gradient by lag, over ${profile.sequences.length} of the sample's ${sample.sequences.length} sequences`,
  );
  const weightShare = weightShares(model, profile.sequences, schedule, profile.streams, profile.ticks, k2s);
  const lengths = sample.sequences.map((s) => s.length);
  const costOf = (k2: number, truncation: Truncation) =>
    scheduleCost({ ...schedule, k2, truncation }, lengths, sample.ticks);
  const truncation = bias.rows.map((row) => ({ ...row, cost: costOf(row.k2, row.truncation) }));
  const fullCost = costOf(Number.POSITIVE_INFINITY, schedule.truncation);
  const chosen = truncation.find((row) => row.cosine.mean >= tolerance);
  if (options.stateProfile !== false) options.onProgress?.("the state gradient at every lag");
  const stateGradient =
    options.stateProfile === false
      ? null
      : stateGradientProfile(model, profile.sequences, schedule, profile.streams, profile.ticks);
  return {
    schedule,
    streams,
    tolerance,
    sample: {
      updates: sample.updates,
      updatesWithLoss: bias.updatesWithLoss,
      ticks: sample.ticks,
      losses: sample.losses,
      sequences: sample.sequences.length,
      longestHistory: history,
      seed,
    },
    lagProfile: {
      sequences: profile.sequences.length,
      streams: profile.streams,
      losses: profile.losses,
      stateGradient,
      weightShare,
    },
    truncation,
    full: { cost: fullCost },
    recommendation: chosen
      ? { k2: chosen.k2, truncation: chosen.truncation, cosine: chosen.cosine.mean, cost: chosen.cost }
      : {
          k2: Number.POSITIVE_INFINITY,
          truncation: truncationFor(schedule, Number.POSITIVE_INFINITY),
          cosine: 1,
          cost: fullCost,
        },
  };
}
