/**
 * The weight-gradient side of the lag profile: how much of the gradient comes from lags
 * ≥ τ. Over the profile's losses, with G = Σ_s ∇L_s (each loss back to its last reset) and
 * G_{<τ} = Σ_s ∇L_s through its last τ steps only (per-loss truncation at k2 = τ: lags
 * 0 … τ − 1), the part from lags ≥ τ is G − G_{<τ}:
 *   share(τ)     = ⟨G − G_{<τ}, G⟩ / ⟨G, G⟩   (additive over lags: Σ_τ of each lag's part = 1)
 *   normShare(τ) = ‖G − G_{<τ}‖ / ‖G‖         (per-loss truncation's relative error on G)
 * A loss's gradient does not depend on which update takes it, so both sums are over the
 * losses, whatever the schedule's k1 and reduction.
 */
import type { SequenceLike } from "../engine/engine.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { eachUpdateGradient, perLossGradients } from "./runs.js";
import { dot } from "./spread.js";

/** The share of the summed weight gradient that comes from lags of at least τ. */
export interface WeightShare {
  lag: number;
  share: number;
  normShare: number;
}

export function weightShares(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  streams: number,
  ticks: number,
  lags: readonly number[],
): WeightShare[] {
  const P = model.params.length;
  const full = new Float64Array(P);
  const sum: Schedule = { ...schedule, k2: Number.POSITIVE_INFINITY, reduction: "sum" };
  eachUpdateGradient(model, sequences, sum, streams, (g) => {
    for (let i = 0; i < P; i++) full[i] += g[i] as number;
  });
  const fullNormSq = dot(full, full);
  return lags.map((lag) => {
    const within = perLossGradients(model, sequences, schedule, streams, lag, ticks, null);
    let projection = 0;
    let rest = 0;
    for (let i = 0; i < P; i++) {
      const beyond = (full[i] as number) - (within[i] as number);
      projection += beyond * (full[i] as number);
      rest += beyond * beyond;
    }
    return {
      lag,
      share: fullNormSq > 0 ? projection / fullNormSq : 0,
      normShare: fullNormSq > 0 ? Math.sqrt(rest / fullNormSq) : 0,
    };
  });
}
