/**
 * Truncation bias: for each k2, how far the truncated TBPTT gradient of an update is
 * from the full-BPTT gradient of the same losses, update by update.
 *
 * The reference is the engine's own k2 = ∞ (each loss back to its last reset; held to
 * the oracle by test/engine). Every run uses the configured schedule — its k1, updates,
 * resets, layout, flush and reduction — with only k2 changed; window truncation needs
 * k2 ≥ k1, so below k1 a row is measured with per-loss truncation (each loss back k2
 * steps) and says so. Per update i with losses: cosine(g_i, f_i) and ‖g_i − f_i‖/‖f_i‖.
 */
import type { SequenceLike } from "../engine/engine.js";
import type { Schedule, Truncation } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { eachUpdateGradient, perLossGradients } from "./runs.js";
import { cosine, relativeError, type Spread, spread } from "./spread.js";

export interface TruncationRow {
  k2: number;
  /** The configured truncation, or "per-loss" where window truncation cannot have this k2 (k2 < k1). */
  truncation: Truncation;
  cosine: Spread;
  relativeError: Spread;
  /** The values behind the spreads, one per update with losses, in update order. */
  perUpdate: { cosine: number[]; relativeError: number[] };
}

export interface BiasResult {
  rows: TruncationRow[];
  /** Updates in the sample, and how many had losses (the others have no gradient to compare). */
  updates: number;
  updatesWithLoss: number;
}

/** The truncation a k2 is measured with: the schedule's, unless window truncation cannot reach below k1. */
export function truncationFor(schedule: Schedule, k2: number): Truncation {
  return schedule.truncation === "window" && k2 < schedule.k1 ? "per-loss" : schedule.truncation;
}

export function truncationBias(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  ticks: number,
  k2s: readonly number[],
  onProgress?: (stage: string) => void,
): BiasResult {
  const P = model.params.length;
  // The reference: each update's full-BPTT gradient, kept in float64.
  onProgress?.("full BPTT (k2 = ∞)");
  const full: Float64Array[] = [];
  const times: number[] = [];
  const losses: number[] = [];
  eachUpdateGradient(
    model,
    sequences,
    { ...schedule, k2: Number.POSITIVE_INFINITY },
    streams,
    (g, record) => {
      full.push(Float64Array.from(g));
      times.push(record.time);
      losses.push(record.losses);
    },
  );
  const compared = losses.map((n) => n > 0);

  const rows: TruncationRow[] = [];
  for (const k2 of k2s) {
    const truncation = truncationFor(schedule, k2);
    onProgress?.(`k2 = ${k2} (${truncation})`);
    const cos: number[] = [];
    const rel: number[] = [];
    const compare = (i: number, g: ArrayLike<number>) => {
      if (!compared[i]) return;
      cos.push(cosine(g, full[i] as Float64Array));
      rel.push(relativeError(g, full[i] as Float64Array));
    };
    if (truncation === "per-loss") {
      const scaled = new Float64Array(P);
      perLossGradients(model, sequences, schedule, streams, k2, ticks, times, (i, sum) => {
        const scale =
          schedule.reduction === "mean" && (losses[i] as number) > 0 ? 1 / (losses[i] as number) : 1;
        for (let j = 0; j < P; j++) scaled[j] = scale * (sum[j] as number);
        compare(i, scaled);
      });
    } else {
      let index = 0;
      eachUpdateGradient(model, sequences, { ...schedule, k2 }, streams, (g, record) => {
        if (record.time !== times[index])
          throw new Error(
            `k2 = ${k2}: update ${index} ends at ${record.time}, the reference's at ${times[index]}`,
          );
        compare(index++, g);
      });
    }
    rows.push({
      k2,
      truncation,
      cosine: spread(cos),
      relativeError: spread(rel),
      perUpdate: { cosine: cos, relativeError: rel },
    });
  }
  return { rows, updates: full.length, updatesWithLoss: compared.filter(Boolean).length };
}
