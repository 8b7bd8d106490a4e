/**
 * `tbptt compare CONFIG.json --schedule K1,K2 … [--budget UNIT=N]`: one config trained
 * under several TBPTT(k1, k2) schedules for the same budget (src/train/compare.ts), each
 * run a normal run folder (`tbptt train` with overrides), so an interrupted comparison
 * continues where it stopped when the same command runs again:
 *   OUT/runs/k1-K1_k2-K2/   each schedule's run folder (config.json, checkpoint, log.jsonl, best/, model/)
 *   OUT/compare.json        the comparison: budget, metric, each run's totals and curve
 *   OUT/compare.md          the table
 *   OUT/compare.svg         the validation metric against epochs, compute and wall time
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TbpttError, UsageError } from "../core/errors.js";
import { writeFileAtomicSync } from "../io/atomic-write.js";
import { existingRunEntries } from "../io/run-folder.js";
import { lastEnd, readRunLog, runRecordFromLog } from "../io/run-log.js";
import {
  type Budget,
  type Comparison,
  compareSchedules,
  type MetricSpec,
  parseBudget,
  parseEvery,
  parseScheduleSpec,
  type RunRecord,
  type RunSettings,
  type ScheduleSpec,
} from "../train/compare.js";
import { comparisonTable, renderComparisonSvg } from "../train/render-compare.js";
import type { ValidateEvery } from "../train/validation-points.js";
import { docsLine } from "./help.js";
import { readConfig, trainCommand } from "./train.js";

export const COMPARE_USAGE = `Usage: tbptt compare CONFIG.json|RECIPE --schedule K1,K2 [--schedule K1,K2 ...] [options] [--KEY.PATH VALUE ...]

Train the model of CONFIG.json under each TBPTT(k1, k2) schedule for the same budget,
from the same initial weights and in the same data order, and compare them: a table of
the final and best validation figure, updates, forward and backward steps, training time
and peak stored steps, and curves of the validation metric against epochs, compute and
wall time (docs/compare.md). Run the same command again to continue an interrupted
comparison; finished runs are reused.

  --schedule K1,K2[,per-loss]  a schedule (inf for Infinity), e.g. 1,inf  inf,inf  20,20  10,30  10,5,per-loss
  --budget UNIT=N    epochs=N, updates=N, steps=N (forward + backward) or seconds=N of training
                     (default: the config's epochs); early stopping and the config's own budgets are off
  --every UNIT=N     also validate every N updates or steps (default: 10 points along an
                     updates or steps budget, else at each epoch's end), besides the epochs' ends
  --metric NAME      frameError, frameError39, loss, bitsPerChar, rmse or mae (default:
                     bitsPerChar for text, rmse for real-valued outputs, else frameError)
  --out DIR          where to write (default: the config's out followed by -compare)
  --quiet            no progress bars
  --KEY.PATH VALUE   override a config key for every run, as tbptt train does (--unset KEY.PATH too)

${docsLine("compare.md")}`;

interface CompareArgs {
  configPath: string;
  schedules: ScheduleSpec[];
  budget: Budget | null;
  every?: ValidateEvery;
  metric: string | null;
  out: string | null;
  quiet: boolean;
  overrides: [string, string | undefined][];
}

function parseCompareArgs(argv: readonly string[]): CompareArgs {
  const args: CompareArgs = {
    configPath: "",
    schedules: [],
    budget: null,
    metric: null,
    out: null,
    quiet: false,
    overrides: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--quiet") {
      args.quiet = true;
      continue;
    }
    if (arg === "--unset") {
      const key = argv[++i];
      if (key === undefined || key.startsWith("--")) throw new UsageError("--unset: expected a KEY.PATH");
      args.overrides.push([key, undefined]);
      continue;
    }
    if (!arg.startsWith("--")) {
      if (args.configPath)
        throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (one CONFIG.json only)`);
      args.configPath = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const [name, value] = eq > 0 ? [arg.slice(2, eq), arg.slice(eq + 1)] : [arg.slice(2), argv[++i]];
    if (value === undefined) throw new UsageError(`--${name}: expected a value`);
    if (name === "schedule") args.schedules.push(asUsage(() => parseScheduleSpec(value)));
    else if (name === "budget") args.budget = asUsage(() => parseBudget(value));
    else if (name === "every") args.every = asUsage(() => parseEvery(value));
    else if (name === "metric") args.metric = value;
    else if (name === "out") args.out = value;
    else if (name.startsWith("schedule.") && ["k1", "k2", "truncation"].includes(name.slice(9)))
      throw new UsageError(`--${name}: the schedules compared are given with --schedule K1,K2[,TRUNCATION]`);
    else args.overrides.push([name, value]);
  }
  if (!args.configPath) throw new UsageError("missing CONFIG.json");
  if (args.schedules.length === 0) throw new UsageError("give at least one --schedule K1,K2");
  return args;
}

/** A bad option value is a usage error (status 2). */
function asUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The overrides that make a run of `spec` under `settings` in `dir` (every budget key set, so only ours count). */
function runOverrides(spec: ScheduleSpec, settings: RunSettings, dir: string): string[] {
  const value = (v: unknown) => (v === undefined ? "null" : JSON.stringify(v));
  return [
    ["out", dir],
    ["schedule.k1", Number.isFinite(spec.k1) ? String(spec.k1) : "Infinity"],
    ["schedule.k2", Number.isFinite(spec.k2) ? String(spec.k2) : "Infinity"],
    ["schedule.truncation", spec.truncation],
    ["epochs", String(settings.epochs)],
    ["maxUpdates", value(settings.maxUpdates)],
    ["maxSteps", value(settings.maxSteps)],
    ["maxSeconds", value(settings.maxSeconds)],
    ["earlyStopping", "null"],
    ["validateAtStart", "true"],
    ...(settings.validateEvery ? [["validateEvery", JSON.stringify(settings.validateEvery)]] : []),
  ].flatMap(([k, v]) => [`--${k}`, v as string]);
}

function writeOutputs(out: string, configPath: string, comparison: Comparison): void {
  const json = JSON.stringify(
    { config: configPath, ...comparison },
    (_, v) => (v === Number.POSITIVE_INFINITY ? "Infinity" : v),
    2,
  );
  const encode = (text: string) => new TextEncoder().encode(text);
  writeFileAtomicSync(join(out, "compare.json"), encode(`${json}\n`));
  writeFileAtomicSync(join(out, "compare.md"), encode(`${comparisonTable(comparison)}\n`));
  writeFileAtomicSync(join(out, "compare.svg"), encode(renderComparisonSvg(comparison)));
}

/** Runs `tbptt compare`; returns the exit status (130: interrupted); a UsageError means status 2. */
export async function compareCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(COMPARE_USAGE);
    return 0;
  }
  let args: CompareArgs;
  try {
    args = parseCompareArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`compare: ${e.message}\n\n${COMPARE_USAGE}`);
    throw e;
  }
  const base = readConfig(args.configPath, args.overrides);
  if (base.model.bidirectional) {
    const bad = args.schedules.find((s) => Number.isFinite(s.k1) || Number.isFinite(s.k2));
    if (bad) {
      throw new UsageError(
        `compare: schedule ${bad.label}: a bidirectional model trains only with k1 = k2 = Infinity (it needs the whole sequence before its first output); compare schedules on a unidirectional model`,
      );
    }
  }
  const byTask =
    base.task === "text" ? "bitsPerChar" : base.model.output?.kind === "mse" ? "rmse" : "frameError";
  const metric: MetricSpec = { key: args.metric ?? byTask };
  const out = args.out ?? `${base.out}-compare`;
  const budget = args.budget ?? { unit: "epochs", value: base.epochs };
  const passed = args.overrides.flatMap(([k, v]) => (v === undefined ? ["--unset", k] : [`--${k}`, v]));
  let interrupted = false;

  const train = async (spec: ScheduleSpec, settings: RunSettings): Promise<RunRecord> => {
    const dir = join(out, "runs", spec.name);
    const done = runRecordFromLog(readRunLog(dir));
    const runArgs = [args.configPath, ...passed, ...runOverrides(spec, settings, dir)];
    if (args.quiet) runArgs.push("--quiet");
    const index = args.schedules.indexOf(spec) + 1;
    const head = `[${index}/${args.schedules.length}] schedule ${spec.label}: ${dir}`;
    if (done && done.reason !== "interrupted") {
      console.error(`${head} (finished earlier, reused)`);
      return done;
    }
    // A run with a checkpoint continues; one killed before its first checkpoint has nothing to keep.
    const resume = existsSync(join(dir, "checkpoint.safetensors"));
    const restart = !resume && existingRunEntries(dir).length > 0;
    console.error(
      `${head}${resume ? " (resuming)" : restart ? " (starting again: it stopped before its first checkpoint)" : ""}`,
    );
    try {
      const outcome = await trainCommand([
        ...runArgs,
        ...(resume ? ["--resume"] : restart ? ["--overwrite"] : []),
      ]);
      if (outcome.reason === "interrupted") interrupted = true;
    } catch (e) {
      // A run that diverged is a result of the comparison (reported as such), not a failure of it.
      if (lastEnd(readRunLog(dir))?.reason !== "bad-updates") throw e;
      console.error(`  ${(e as Error).message}`);
    }
    const record = runRecordFromLog(readRunLog(dir));
    if (!record) throw new TbpttError(`${dir}/log.jsonl: the run ended without an end line`);
    return record;
  };

  const comparison = await compareSchedules({
    schedules: args.schedules,
    budget,
    every: args.every,
    metric,
    train,
    onRun: (partial) => writeOutputs(out, args.configPath, partial),
    stopRequested: () => interrupted,
  });
  if (interrupted) {
    console.error(`interrupted; run the same command again to continue (finished runs are reused): ${out}`);
    return 130;
  }
  console.log(comparisonTable(comparison));
  console.log(`\n${join(out, "compare.md")}, ${join(out, "compare.json")}, ${join(out, "compare.svg")}`);
  return 0;
}
