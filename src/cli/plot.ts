/**
 * `tbptt plot RUN_FOLDER… [--out curves.svg] [--metric KEY] [--title T]`: the learning
 * curves of one or more runs, overlaid with a legend (src/train/plot-runs.ts), as one SVG
 * picture written atomically.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { TbpttError, UsageError } from "../core/errors.js";
import { writeFileAtomicSync } from "../io/atomic-write.js";
import { chooseMetric, type RunLog, runCurvePanels } from "../train/plot-runs.js";
import { renderCurvesSvg } from "../train/render-curves.js";
import { parseOptions } from "./args.js";
import { docsLine } from "./help.js";

export const PLOT_USAGE = `Usage: tbptt plot RUN_FOLDER... [--out FILE.svg] [--metric KEY] [--title TEXT]

The learning curves of training runs (folders written by tbptt train), overlaid with a
legend, one colour per run: training loss, validation loss and a validation metric
against epochs, updates and training time (validation excluded), from each run's
log.jsonl. A run still going is drawn as far as it got.

  --out FILE.svg  where to write the picture (default curves.svg)
  --metric KEY    the validation figure: frameError, frameError39, rmse, mae,
                  bitsPerChar, perplexity… (default: bitsPerChar, bitsPerWord,
                  frameError or rmse, the first every run has)
  --title TEXT    a title above the panels

${docsLine("training.md")}`;

/** The parsed lines of a run folder's log.jsonl (a torn last line is skipped). */
export function readRunLog(folder: string): RunLog {
  const path = join(folder, "log.jsonl");
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new TbpttError(`${folder}: no such run folder`);
  if (!existsSync(path)) throw new TbpttError(`${folder}: not a run folder (no log.jsonl)`);
  const entries: Record<string, unknown>[] = [];
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    } catch (e) {
      // The log is appended as the run goes: its last line may be cut short by a crash.
      if (i < lines.length - 2)
        throw new TbpttError(`${path}:${i + 1}: invalid JSON: ${(e as Error).message}`);
    }
  });
  return { name: basename(resolve(folder)), entries };
}

function plotArgs(argv: string[]) {
  return parseOptions(
    {
      args: argv,
      options: { out: { type: "string" }, metric: { type: "string" }, title: { type: "string" } },
      allowPositionals: true,
    },
    PLOT_USAGE,
    "plot",
  );
}

export async function plotCommand(argv: string[]): Promise<void> {
  const { values, positionals: folders } = plotArgs(argv);
  if (folders.length === 0) throw new UsageError(`plot: give at least one RUN_FOLDER\n\n${PLOT_USAGE}`);
  const runs = folders.map(readRunLog);
  // Two folders of the same name (runs/a/model vs other/a/model): name them by their path.
  const names = runs.map((r) => r.name);
  runs.forEach((r, i) => {
    if (names.indexOf(r.name) !== names.lastIndexOf(r.name)) r.name = folders[i] as string;
  });
  const metric = chooseMetric(runs, values.metric);
  const out = values.out ?? "curves.svg";
  const svg = renderCurvesSvg(runCurvePanels(runs, metric), {
    columns: 3,
    ...(values.title ? { title: values.title } : {}),
  });
  writeFileAtomicSync(out, new TextEncoder().encode(svg));
  const what = `${runs.length} run${runs.length === 1 ? "" : "s"} (${runs.map((r) => r.name).join(", ")})`;
  console.log(`${out}: ${what}, validation ${metric ?? "none logged"}`);
}
