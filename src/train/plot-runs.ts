/**
 * Learning curves of training runs from their logs (isomorphic; `tbptt plot`), the way
 * TensorBoard overlays runs: one colour per run in every panel, a grid of panels with the
 * training loss, the validation loss and the validation metric in columns and, in rows,
 * the x axes a schedule comparison needs: epochs, updates and training time (validation
 * excluded). The points come from log.jsonl (docs/training.md): "epoch" lines for the
 * training loss per epoch, "update" lines (every logEvery updates) for the running
 * training loss against updates when there are at least as many as epochs,
 * "validation" lines (or, in logs without them, the epoch lines' validation) for the rest.
 */
import { isErrorRate } from "./figures.js";
import type { CurvePanel, CurveSeries } from "./render-curves.js";

/** One run: a name for the legend and its log's entries (parsed log.jsonl lines). */
export interface RunLog {
  name: string;
  entries: readonly Record<string, unknown>[];
}

/** The validation metrics `plot` prefers, in order, when none is asked for. */
export const PREFERRED_METRICS = ["bitsPerChar", "bitsPerWord", "frameError", "rmse"] as const;

const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);

interface Point {
  epochs: number;
  updates: number;
  seconds: number;
  loss: number;
  metric: Record<string, number>;
}

/** The validation figures of an entry: its `valid` summary and the task figures beside it. */
function figuresOf(entry: Record<string, unknown>): Record<string, number> {
  const valid = (entry.valid ?? {}) as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(valid)) if (typeof v === "number") out[k] = v;
  for (const k of ["frameError39", "bitsPerChar", "bitsPerWord", "perplexity"])
    if (typeof entry[k] === "number") out[k] = entry[k] as number;
  return out;
}

function validationPoints(entries: readonly Record<string, unknown>[]): Point[] {
  const validations = entries.filter((e) => e.event === "validation");
  // Logs written before validation lines existed: each epoch line carries its validation.
  const source = validations.length > 0 ? validations : entries.filter((e) => e.event === "epoch" && e.valid);
  return source.map((e) => ({
    epochs: e.event === "epoch" ? num(e.epoch) : num(e.epochs),
    updates: num(e.updates),
    seconds: num(e.trainSeconds),
    loss: num((e.valid as Record<string, unknown>).lossPerFrame),
    metric: figuresOf(e),
  }));
}

/** The metric to plot: `asked`, else the first of PREFERRED_METRICS every run's validations carry. */
export function chooseMetric(runs: readonly RunLog[], asked?: string): string | null {
  const carried = runs.map((r) => new Set(validationPoints(r.entries).flatMap((p) => Object.keys(p.metric))));
  if (asked !== undefined) {
    const missing = runs.filter((_, i) => !carried[i]?.has(asked)).map((r) => r.name);
    if (missing.length > 0)
      throw new Error(
        `--metric ${asked}: not in the validation lines of ${missing.join(", ")}; they carry ${[...(carried[0] ?? [])].join(", ") || "no validation"}`,
      );
    return asked;
  }
  return PREFERRED_METRICS.find((m) => carried.length > 0 && carried.every((c) => c.has(m))) ?? null;
}

/**
 * The panels of the runs' curves (see the file comment): rows epochs, updates and
 * training time; columns training loss, validation loss and the validation `metric`
 * (error rates in percent). Every panel lists every run, so a run keeps its colour.
 */
export function runCurvePanels(runs: readonly RunLog[], metric: string | null): CurvePanel[] {
  const percent = metric !== null && isErrorRate(metric);
  const metricLabel = metric === null ? "(no validation)" : percent ? `${metric} (%)` : metric;
  const axes = [
    { key: "epochs", label: "epochs" },
    { key: "updates", label: "updates" },
    { key: "seconds", label: "training time (s)" },
  ] as const;
  const panels: CurvePanel[] = [];
  for (const axis of axes) {
    const train: CurveSeries[] = [];
    const valid: CurveSeries[] = [];
    const figure: CurveSeries[] = [];
    for (const run of runs) {
      const epochs = run.entries.filter((e) => e.event === "epoch");
      const updates = run.entries.filter((e) => e.event === "update");
      const trainPoints: [number, number][] =
        // The running loss of "update" lines when they are at least as many as the epochs (logEvery).
        axis.key === "updates" && updates.length >= epochs.length && updates.length > 0
          ? updates.map((e) => [num(e.update), num(e.loss)])
          : epochs.map((e) => [
              axis.key === "epochs"
                ? num(e.epoch)
                : axis.key === "updates"
                  ? num(e.updates)
                  : num(e.trainSeconds),
              num(e.trainLossPerFrame),
            ]);
      const points = validationPoints(run.entries);
      const x = (p: Point) => p[axis.key];
      train.push({ name: run.name, points: trainPoints });
      valid.push({ name: run.name, points: points.map((p) => [x(p), p.loss]) });
      figure.push({
        name: run.name,
        points:
          metric === null
            ? []
            : points.map((p) => [x(p), (percent ? 100 : 1) * (p.metric[metric] ?? Number.NaN)]),
      });
    }
    panels.push(
      {
        title: `training loss by ${axis.label}`,
        xLabel: axis.label,
        yLabel: "loss per frame",
        series: train,
      },
      {
        title: `validation loss by ${axis.label}`,
        xLabel: axis.label,
        yLabel: "loss per frame",
        series: valid,
      },
      {
        title: `validation ${metricLabel} by ${axis.label}`,
        xLabel: axis.label,
        yLabel: metricLabel,
        series: figure,
      },
    );
  }
  return panels;
}
