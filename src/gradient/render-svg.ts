/**
 * `tbptt gradient --svg`: the report as one standalone SVG, four panels stacked —
 *   1. the state-gradient lag profile, mean ‖∂L_s/∂h_{s−τ}‖ against τ (log scale);
 *   2. the share of the summed weight gradient from lags ≥ τ, at each measured k2;
 *   3. cosine with full BPTT against k2: mean, the min–max spread as a bar, the tolerance
 *      and the recommended k2;
 *   4. relative error against k2, likewise (log scale).
 */
import { describeSchedule } from "../engine/explain.js";
import type { GradientReport, GradientRow } from "./analyse.js";
import { CHART, type ChartSpec, chart, escapeXml, type Series } from "./chart.js";
import type { Spread } from "./spread.js";

const BLUE = "#1f4e9c";
const ORANGE = "#d35400";

/** One series per truncation in the rows (per-loss below k1, window from k1), mean with a min–max bar. */
function byTruncation(
  rows: readonly GradientRow[],
  figure: (row: GradientRow) => Spread,
  colour: string,
): Series[] {
  const kinds = [...new Set(rows.map((r) => r.truncation))];
  return kinds.map((kind) => {
    const mine = rows.filter((r) => r.truncation === kind);
    return {
      points: mine.map((r) => [r.k2, figure(r).mean] as [number, number]),
      ranges: mine.map((r) => [figure(r).min, figure(r).max] as [number, number]),
      colour,
      label: `${kind}: mean, min–max`,
      dashed: kinds.length > 1 && kind === "per-loss",
    };
  });
}

/** A gradient report as an SVG picture: the lag profile and each k2's agreement with full BPTT. */
export function renderGradientSvg(report: GradientReport, title?: string): string {
  const { lagProfile, truncation, recommendation, tolerance } = report;
  const k2s = truncation.map((r) => r.k2);
  const mark = Number.isFinite(recommendation.k2)
    ? { x: recommendation.k2, label: `k2 = ${recommendation.k2}` }
    : undefined;
  const panels: ChartSpec[] = [];
  const state = lagProfile.stateGradient;
  if (state) {
    panels.push({
      title: "mean ‖∂L_s/∂h_{s−τ}‖ over the losses that reach τ back",
      xLabel: "lag τ (steps)",
      xLog: false,
      yLog: true,
      series: [{ points: state.meanNorm.map((v, tau) => [tau, v]), colour: BLUE, label: "mean norm" }],
    });
  }
  panels.push(
    {
      title: "share of the summed weight gradient from lags ≥ τ",
      xLabel: "τ (steps)",
      xLog: true,
      yLog: false,
      yInclude: [0, 1],
      series: [
        { points: lagProfile.weightShare.map((s) => [s.lag, s.share]), colour: BLUE, label: "by projection" },
        {
          points: lagProfile.weightShare.map((s) => [s.lag, s.normShare]),
          colour: ORANGE,
          label: "by norm",
          dashed: true,
        },
      ],
    },
    {
      title: "cosine of the truncated update gradient with full BPTT's",
      xLabel: "k2 (steps)",
      xLog: true,
      yLog: false,
      yInclude: [1],
      hlines: [{ y: tolerance, label: `tolerance ${tolerance}` }],
      ...(mark ? { vline: mark } : {}),
      series: byTruncation(truncation, (r) => r.cosine, BLUE),
    },
    {
      title: "relative error ‖g − g_full‖ / ‖g_full‖",
      xLabel: "k2 (steps)",
      xLog: true,
      yLog: true,
      ...(mark ? { vline: mark } : {}),
      series: byTruncation(truncation, (r) => r.relativeError, ORANGE),
    },
  );
  const heading = title ?? `gradient horizon and truncation bias · ${describeSchedule(report.schedule)}`;
  const sub = `${report.sample.updatesWithLoss} updates, ${report.sample.losses} losses · k2 measured: ${k2s.join(", ")}`;
  const panelHeight = CHART.top + CHART.height + CHART.bottom + 14;
  const width = CHART.left + CHART.width + CHART.right;
  const height = 50 + panels.length * panelHeight;
  const body = panels.flatMap((p, i) => chart(p, 50 + i * panelHeight));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${CHART.left}" y="20" font-size="14" font-weight="bold" fill="#222">${escapeXml(heading)}</text>`,
    `<text x="${CHART.left}" y="38" font-size="11" fill="#222">${escapeXml(sub)}</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}
