/**
 * Schedules side by side: the same model, from the same initial weights and in the same
 * data order, trained under each TBPTT(k1, k2) schedule for the same budget (epochs,
 * updates, forward + backward steps or seconds), with the validation metric recorded
 * against epochs, compute and wall time (`tbptt compare`, docs/compare.md).
 *
 * Nothing here trains by itself: `compareSchedules` hands each schedule's settings to a
 * `train` function — `trainerRunner` (an in-memory Trainer), or the CLI's run folders,
 * which make every run resumable — and summarises what comes back. Same weights and
 * order follow from the seed: every run initialises its model and shuffles its epochs
 * from the same seed, and only the schedule differs.
 */
import { TbpttError } from "../core/errors.js";
import type { SequenceLike } from "../engine/engine.js";
import { makeSchedule, stepsFromText, type Truncation } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import type { Metrics } from "./evaluate.js";
import { type StopReason, Trainer, type TrainerOptions } from "./trainer.js";
import type { RunTotals, ValidateEvery, ValidationPoint } from "./validation-points.js";

/** One schedule to compare: k1, k2 and the truncation; reset, layout, flush and reduction come from the config. */
export interface ScheduleSpec {
  k1: number;
  k2: number;
  truncation: Truncation;
  /** As written on the command line and in tables: "1,inf", "10,5,per-loss". */
  label: string;
  /** A folder name: "k1-1_k2-inf", "k1-10_k2-5_per-loss". */
  name: string;
}

/** What a comparison's budget counts: epochs, updates, forward + backward steps, or seconds. */
export type BudgetUnit = "epochs" | "updates" | "steps" | "seconds";
/** How much training every schedule gets: a value in a unit. */
export interface Budget {
  unit: BudgetUnit;
  value: number;
}

/** A validation point as a run reports it (a ValidationPoint, or a `validation` line of log.jsonl). */
export type PointRecord = Omit<ValidationPoint, "validMetrics"> & Record<string, unknown>;

/** What one schedule's run gives back. */
export interface RunRecord {
  /** Why it stopped: a StopReason, "bad-updates" when it diverged. */
  reason: StopReason | string;
  points: PointRecord[];
  totals: RunTotals & { peakStoredSteps: number };
}

/** The figure compared: "frameError", "loss" (nats per frame), or a task metric a point carries ("frameError39", "bitsPerChar"). */
export interface MetricSpec {
  key: string;
  /** Lower is better for every metric tbptt reports; set false for one where higher is. */
  lowerIsBetter?: boolean;
}

/** One point of a run's learning curve: where it was taken and the compared metric's value. */
export interface CurvePoint extends RunTotals {
  epochs: number;
  value: number;
}

/**
 * One schedule's run in a comparison: its spec, why it stopped, its totals, its curve, final and
 * best points.
 */
export interface ComparedRun {
  spec: ScheduleSpec;
  reason: string;
  totals: RunTotals & { peakStoredSteps: number };
  curve: CurvePoint[];
  final: CurvePoint | null;
  best: CurvePoint | null;
}

/** Every schedule's run under one budget and metric (`compareSchedules`). */
export interface Comparison {
  metric: MetricSpec;
  budget: Budget;
  runs: ComparedRun[];
}

/** The trainer settings every run gets for a budget: the budget alone decides when a run ends. */
export interface RunSettings {
  epochs: number;
  maxUpdates?: number;
  maxSteps?: number;
  maxSeconds?: number;
  validateEvery?: ValidateEvery;
  /** Always true: every curve starts at the initial weights, the same for every schedule. */
  validateAtStart: true;
}

/** Epochs allowed when the budget is not in epochs: enough that only the budget ends a run. */
export const UNBOUNDED_EPOCHS = 1_000_000;

/** Parses "K1,K2" or "K1,K2,TRUNCATION" (inf, Infinity or ∞ for Infinity); makeSchedule checks the numbers. */
export function parseScheduleSpec(text: string): ScheduleSpec {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length < 2 || parts.length > 3) {
    throw new TbpttError(
      `--schedule: expected K1,K2 or K1,K2,TRUNCATION (e.g. 1,inf or 10,5,per-loss), got ${JSON.stringify(text)}`,
    );
  }
  const truncation = (parts[2] ?? "window") as Truncation;
  const s = makeSchedule({
    k1: stepsFromText(parts[0] as string),
    k2: stepsFromText(parts[1] as string),
    truncation,
  });
  const show = (k: number) => (Number.isFinite(k) ? String(k) : "inf");
  const tail = truncation === "window" ? "" : `,${truncation}`;
  return {
    k1: s.k1,
    k2: s.k2,
    truncation: s.truncation,
    label: `${show(s.k1)},${show(s.k2)}${tail}`,
    name: `k1-${show(s.k1)}_k2-${show(s.k2)}${truncation === "window" ? "" : `_${truncation}`}`,
  };
}

function unitAndCount(flag: string, text: string, units: readonly string[]): [string, number] {
  const m = /^([a-z]+)=(\d+(?:\.\d+)?)$/.exec(text.trim());
  const unit = m?.[1] as string;
  const value = Number(m?.[2]);
  if (!m || !units.includes(unit) || !(value > 0) || (unit !== "seconds" && !Number.isInteger(value))) {
    throw new TbpttError(
      `${flag}: expected ${units.map((u) => `${u}=N`).join(", ")} with N a positive ${units.includes("seconds") ? "number (an integer but for seconds)" : "integer"}, got ${JSON.stringify(text)}`,
    );
  }
  return [unit, value];
}

/** Parses "epochs=N", "updates=N", "steps=N" (forward + backward) or "seconds=N". */
export function parseBudget(text: string): Budget {
  const [unit, value] = unitAndCount("--budget", text, ["epochs", "updates", "steps", "seconds"]);
  return { unit: unit as BudgetUnit, value };
}

/** Parses "updates=N" or "steps=N" (forward + backward): validate that often besides each epoch's end. */
export function parseEvery(text: string): ValidateEvery {
  const [unit, value] = unitAndCount("--every", text, ["updates", "steps"]);
  return unit === "updates" ? { updates: value } : { steps: value };
}

/**
 * The settings for a budget. Validation runs at each epoch's end, once at a budget's end,
 * and by default 10 times along an update or step budget (`every` overrides it).
 */
export function budgetSettings(budget: Budget, every?: ValidateEvery): RunSettings {
  const tenth = Math.max(1, Math.ceil(budget.value / 10));
  const always = { validateAtStart: true as const, epochs: UNBOUNDED_EPOCHS };
  switch (budget.unit) {
    case "epochs":
      return { ...always, epochs: budget.value, validateEvery: every };
    case "updates":
      return { ...always, maxUpdates: budget.value, validateEvery: every ?? { updates: tenth } };
    case "steps":
      return { ...always, maxSteps: budget.value, validateEvery: every ?? { steps: tenth } };
    case "seconds":
      return { ...always, maxSeconds: budget.value, validateEvery: every };
  }
}

/** The metric's value at a point (a validation figure, or a task metric the point carries), NaN where it has none. */
export function metricValue(point: PointRecord, metric: MetricSpec): number {
  const valid = point.valid as unknown as Record<string, unknown>;
  const v = metric.key === "loss" ? valid.lossPerFrame : (valid[metric.key] ?? point[metric.key]);
  return typeof v === "number" ? v : Number.NaN;
}

/** The metrics a point carries, for an error message. */
function metricsOf(point: PointRecord): string[] {
  const task = Object.keys(point).filter(
    (k) =>
      typeof point[k] === "number" && !/^(epochs|updates|forwardSteps|backwardSteps|trainSeconds)$/.test(k),
  );
  return ["loss", ...Object.keys(point.valid).filter((k) => k !== "lossPerFrame" && k !== "frames"), ...task];
}

/**
 * One run's curve (points in training order; a point logged twice, as after a resume
 * from an earlier checkpoint, is kept once), its final and its best value.
 */
export function summariseRun(spec: ScheduleSpec, record: RunRecord, metric: MetricSpec): ComparedRun {
  const byPlace = new Map<string, CurvePoint>();
  for (const p of record.points) {
    const value = metricValue(p, metric);
    const { updates, forwardSteps, backwardSteps, trainSeconds, epochs } = p;
    byPlace.set(`${updates}/${forwardSteps}/${backwardSteps}`, {
      updates,
      forwardSteps,
      backwardSteps,
      trainSeconds,
      epochs,
      value,
    });
  }
  const curve = [...byPlace.values()].sort((a, b) => a.updates - b.updates);
  const better = (a: number, b: number) => (metric.lowerIsBetter === false ? a > b : a < b);
  let best: CurvePoint | null = null;
  for (const p of curve)
    if (Number.isFinite(p.value) && (best === null || better(p.value, best.value))) best = p;
  return {
    spec,
    reason: record.reason,
    totals: record.totals,
    curve,
    final: curve[curve.length - 1] ?? null,
    best,
  };
}

/**
 * Options of `compareSchedules`: the schedules, the budget, the validation cadence, the metric, how
 * to train one run.
 */
export interface CompareOptions {
  schedules: readonly ScheduleSpec[];
  budget: Budget;
  /** Validate this often besides each epoch's end (default: see budgetSettings). */
  every?: ValidateEvery;
  metric: MetricSpec;
  /** Trains one schedule with these settings; `trainerRunner` does it in memory. */
  train(spec: ScheduleSpec, settings: RunSettings): Promise<RunRecord>;
  /** After each run, with the comparison so far (to write partial results). */
  onRun?(comparison: Comparison): void;
  /** Polled before each run: true ends the comparison with the runs done so far. */
  stopRequested?(): boolean;
}

/** Trains every schedule in turn under the same budget and summarises the runs. */
export async function compareSchedules(options: CompareOptions): Promise<Comparison> {
  const labels = options.schedules.map((s) => s.label);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice !== undefined) throw new TbpttError(`--schedule: ${twice} is given twice`);
  if (options.schedules.length === 0) throw new TbpttError("--schedule: give at least one schedule");
  const settings = budgetSettings(options.budget, options.every);
  const comparison: Comparison = { metric: options.metric, budget: options.budget, runs: [] };
  for (const spec of options.schedules) {
    if (options.stopRequested?.()) break;
    const record = await options.train(spec, settings);
    const run = summariseRun(spec, record, options.metric);
    const first = record.points[0];
    if (first && run.curve.every((p) => Number.isNaN(p.value))) {
      throw new TbpttError(
        `--metric ${options.metric.key}: the validation points carry no such figure; they have ${metricsOf(first).join(", ")}`,
      );
    }
    comparison.runs.push(run);
    options.onRun?.(comparison);
  }
  return comparison;
}

/** Options of `trainerRunner`: a model factory, the data, the trainer's other options, task metrics. */
export interface TrainerRunnerOptions {
  /** A fresh model with the initial weights, the same for every call. */
  makeModel(): SequenceModel;
  train: readonly SequenceLike[];
  valid: readonly SequenceLike[];
  /** The trainer's options but for the schedule (its reset, layout, flush, reduction) and the budget. */
  options: Omit<TrainerOptions, "schedule" | keyof RunSettings> & {
    schedule?: Partial<Omit<TrainerOptions["schedule"], "k1" | "k2" | "truncation">>;
  };
  /** Task metrics added to each point (e.g. bits per character). */
  report?(metrics: Metrics): Record<string, number>;
}

/** A `train` for compareSchedules that runs the Trainer in memory (no files, no resume). */
export function trainerRunner(r: TrainerRunnerOptions): CompareOptions["train"] {
  return async (spec, settings) => {
    const { schedule: base, ...options } = r.options;
    const schedule = makeSchedule({ ...base, k1: spec.k1, k2: spec.k2, truncation: spec.truncation });
    const model = r.makeModel();
    const trainer = new Trainer(model, r.train, r.valid, {
      ...options,
      ...settings,
      schedule,
      earlyStopping: undefined,
    });
    // each schedule's model and optimizer state go back to the backend for the next one
    const result = await trainer.run().finally(() => {
      trainer.dispose();
      model.dispose();
    });
    const { updates, forwardSteps, backwardSteps, trainSeconds, peakStoredSteps } = result.state;
    return {
      reason: result.reason,
      points: result.points.map(({ validMetrics, ...p }) => ({ ...p, ...(r.report?.(validMetrics) ?? {}) })),
      totals: { updates, forwardSteps, backwardSteps, trainSeconds, peakStoredSteps },
    };
  };
}
