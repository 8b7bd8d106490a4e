/**
 * `tbptt gradient`'s report as text: the sample, the lag profile (state-gradient norms at
 * τ = 0, 1, 2, 5, 10, … and the weight shares at each k2), the truncation bias per k2
 * with its spread and cost, and the recommendation beside full BPTT's cost.
 */
import { describeSchedule } from "../engine/explain.js";
import { defaultK2s, type GradientReport } from "./analyse.js";
import type { ScheduleCost } from "./cost.js";
import type { Spread } from "./spread.js";

const k = (v: number) => (Number.isFinite(v) ? String(v) : "∞");

/** τ = 0, 1, 2, 5, 10, 20, … below `count`, and the last. */
export function profileLags(count: number): number[] {
  const out = [0, ...defaultK2s(count)];
  if (count - 1 > (out[out.length - 1] as number)) out.push(count - 1);
  return out;
}

const sci = (v: number) => (v === 0 ? "0" : v.toExponential(2));
const fixed = (v: number, digits: number) => v.toFixed(digits);
/** A share: 4 decimals, or 3 significant digits when smaller than 0.001 (never "-0.0000"). */
const share = (v: number) => (v === 0 || Math.abs(v) >= 1e-3 ? fixed(v, 4) : v.toExponential(2));

function spreadText(s: Spread, format: (v: number) => string): string {
  return `${format(s.mean)} ± ${format(s.std)} [${format(s.min)} … ${format(s.max)}]`;
}

function costText(c: ScheduleCost): string {
  return `${fixed(c.backwardPerForward, 2)} backward steps per forward step, at most ${c.peakStoredSteps} steps stored (ring ${c.ringSteps})`;
}

function table(rows: string[][], align: ("l" | "r")[]): string[] {
  const widths = align.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) =>
    `  ${r.map((cell, c) => (align[c] === "r" ? cell.padStart(widths[c] as number) : cell.padEnd(widths[c] as number))).join("  ")}`.trimEnd(),
  );
}

/** A gradient report as text: the lag profile, one line per k2, the recommendation. */
export function renderGradientText(report: GradientReport, heading?: string): string {
  const { sample, lagProfile, truncation, full, recommendation, tolerance } = report;
  const lines: string[] = [];
  if (heading) lines.push(heading);
  lines.push(
    `schedule: ${describeSchedule(report.schedule)}; ${report.streams} ${report.streams === 1 ? "stream" : "streams"}`,
    `sample: the first ${sample.updates} updates (${sample.updatesWithLoss} with losses) over ${sample.sequences} sequences, ${sample.ticks} ticks, ${sample.losses} losses; the longest history is ${sample.longestHistory} steps`,
    "",
  );
  if (lagProfile.sequences < sample.sequences)
    lines.push(
      `(the lag profile is averaged over the sample's first ${lagProfile.sequences} sequences, ${lagProfile.losses} losses)`,
      "",
    );
  const state = lagProfile.stateGradient;
  if (state) {
    lines.push("lag profile: mean ‖∂L_s/∂h_{s−τ}‖ over the losses that reach τ steps back");
    const rows = [["τ", "mean norm", "losses"]];
    for (const tau of profileLags(state.meanNorm.length))
      rows.push([String(tau), sci(state.meanNorm[tau] as number), String(state.losses[tau])]);
    lines.push(...table(rows, ["r", "r", "r"]), "");
  }
  lines.push("share of the summed weight gradient from lags ≥ τ (by projection on it, and by norm)");
  lines.push(
    ...table(
      [
        ["τ", "share", "norm share"],
        ...lagProfile.weightShare.map((s) => [String(s.lag), share(s.share), share(s.normShare)]),
      ],
      ["r", "r", "r"],
    ),
    "",
  );
  lines.push(
    `truncation bias against full BPTT (k2 = ∞), per update: mean ± sd [min … max] over ${sample.updatesWithLoss} updates`,
  );
  lines.push(
    ...table(
      [
        ["k2", "truncation", "cosine", "relative error", "backward/forward", "peak stored"],
        ...truncation.map((r) => [
          String(r.k2),
          r.truncation,
          spreadText(r.cosine, (v) => fixed(v, 4)),
          spreadText(r.relativeError, sci),
          fixed(r.cost.backwardPerForward, 2),
          String(r.cost.peakStoredSteps),
        ]),
        [
          "∞",
          report.schedule.truncation,
          "1",
          "0",
          fixed(full.cost.backwardPerForward, 2),
          String(full.cost.peakStoredSteps),
        ],
      ],
      ["r", "l", "l", "l", "r", "r"],
    ),
    "",
  );
  if (Number.isFinite(recommendation.k2)) {
    lines.push(
      `recommendation: k2 = ${k(recommendation.k2)} (${recommendation.truncation}), mean cosine ${fixed(recommendation.cosine, 4)} ≥ ${tolerance}: ${costText(recommendation.cost)}`,
      `full BPTT (k2 = ∞): ${costText(full.cost)}`,
    );
    const r = recommendation.cost;
    if (
      r.backwardPerForward >= full.cost.backwardPerForward &&
      r.peakStoredSteps >= full.cost.peakStoredSteps
    )
      lines.push(
        `(on this data k2 = ${recommendation.k2} saves neither backward steps nor memory against full BPTT)`,
      );
  } else {
    lines.push(
      `recommendation: full BPTT (k2 = ∞): no measured k2 reaches a mean cosine of ${tolerance}; ${costText(full.cost)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
