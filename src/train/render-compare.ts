/**
 * A comparison of schedules (compare.ts) as people read it: a Markdown table with the
 * final and best validation figure and each run's cost, and an SVG of the validation
 * metric against epochs, against forward + backward steps and against training time.
 */
import type { ComparedRun, Comparison, CurvePoint } from "./compare.js";
import { type CurvePanel, renderCurvesSvg } from "./render-curves.js";

/** A metric's name for people, and whether it prints as a percentage. */
export function metricLabel(key: string): { label: string; percent: boolean } {
  switch (key) {
    case "frameError":
      return { label: "frame error", percent: true };
    case "frameError39":
      return { label: "frame error (39 phones)", percent: true };
    case "loss":
      return { label: "loss (nats per frame)", percent: false };
    case "bitsPerChar":
      return { label: "bits per character", percent: false };
    case "rmse":
      return { label: "RMSE", percent: false };
    case "mae":
      return { label: "MAE", percent: false };
    default:
      return { label: key, percent: /error/i.test(key) };
  }
}

function formatValue(v: number | undefined, percent: boolean): string {
  if (v === undefined || !Number.isFinite(v)) return "—";
  return percent ? `${(100 * v).toFixed(2)}%` : v.toFixed(4);
}

/** Why a run ended, in a word. */
export function stopWord(reason: string): string {
  if (reason === "bad-updates") return "diverged";
  if (reason === "early-stopping" || reason === "interrupted") return reason;
  return "budget";
}

function epochsText(e: number): string {
  return Number.isInteger(e) ? String(e) : e.toFixed(2);
}

/** One row per schedule: final and best validation figure, updates, steps, time, peak stored steps. */
export function comparisonTable(c: Comparison): string {
  const { label, percent } = metricLabel(c.metric.key);
  const head = [
    "schedule (k1,k2)",
    "stopped",
    `final ${label}`,
    `best ${label} (at epoch)`,
    "epochs",
    "updates",
    "forward steps",
    "backward steps",
    "training s",
    "peak stored steps",
  ];
  const rows = c.runs.map((r: ComparedRun) => [
    r.spec.label,
    stopWord(r.reason),
    formatValue(r.final?.value, percent),
    r.best ? `${formatValue(r.best.value, percent)} (${epochsText(r.best.epochs)})` : "—",
    r.final ? epochsText(r.final.epochs) : "—",
    String(r.totals.updates),
    String(r.totals.forwardSteps),
    String(r.totals.backwardSteps),
    r.totals.trainSeconds.toFixed(1),
    String(r.totals.peakStoredSteps),
  ]);
  const right = head.map((_, i) => i >= 2);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(right.map((r) => (r ? "---:" : "---"))), ...rows.map(line)].join("\n");
}

/** Whether x values spread over more than `ratio` between the runs' ends (then a log axis reads better). */
function spread(runs: readonly ComparedRun[], x: (p: CurvePoint) => number, ratio = 20): boolean {
  const ends = runs.map((r) => (r.final ? x(r.final) : Number.NaN)).filter((v) => v > 0);
  return ends.length > 1 && Math.max(...ends) / Math.min(...ends) > ratio;
}

/** Three panels: the metric against epochs, forward + backward steps, and training seconds. */
export function renderComparisonSvg(c: Comparison, title?: string): string {
  const { label, percent } = metricLabel(c.metric.key);
  const y = (p: CurvePoint) => (percent ? 100 * p.value : p.value);
  const yLabel = `validation ${label}${percent ? " (%)" : ""}`;
  const axes: [string, string, (p: CurvePoint) => number][] = [
    ["against epochs", "epochs of training data", (p) => p.epochs],
    ["against compute", "forward + backward steps", (p) => p.forwardSteps + p.backwardSteps],
    ["against wall time", "seconds of training", (p) => p.trainSeconds],
  ];
  const panels: CurvePanel[] = axes.map(([name, xLabel, x], i) => ({
    title: name,
    xLabel,
    yLabel,
    logX: i > 0 && spread(c.runs, x),
    series: c.runs.map((r) => ({
      name: `${r.spec.label}${stopWord(r.reason) === "budget" ? "" : ` (${stopWord(r.reason)})`}`,
      points: r.curve.map((p) => [x(p), y(p)] as const),
    })),
  }));
  const budget = `${c.budget.value} ${c.budget.unit === "steps" ? "forward + backward steps" : c.budget.unit}`;
  return renderCurvesSvg(panels, { title: title ?? `TBPTT(k1, k2) schedules compared, budget ${budget}` });
}
