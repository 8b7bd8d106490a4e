/**
 * `tbptt summary CONFIG|RECIPE [--json] [--KEY.PATH VALUE …]`: what a training config
 * builds, before training: the data, the architecture with its parameter tensors, the
 * parameter count, the backend, and the memory the run takes (src/train/summary.ts).
 */
import { UsageError } from "../core/errors.js";
import { makeSchedule } from "../engine/schedule.js";
import { loadTaskData } from "../io/task-files.js";
import { backendForConfig, modelConfigFor } from "../train/setup.js";
import { modelSummary, renderSummary } from "../train/summary.js";
import { docsLine } from "./help.js";
import { parseTrainArgs, readConfig } from "./train.js";

export const SUMMARY_USAGE = `Usage: tbptt summary CONFIG.json|RECIPE [--json] [--KEY.PATH VALUE ...]

The model a training config builds, without training it: the data it reads, the layers
and their parameter tensors (PyTorch names and shapes), the parameter count, the backend,
and the memory of a run: parameters, gradients and optimizer state, plus the activations
each stream keeps (as many steps as the schedule needs stored). Overrides as tbptt train.

  --json   the summary as one JSON object

${docsLine("config.md", "schedule.md")}`;

export async function summaryCommand(argv: string[]): Promise<void> {
  const json = argv.includes("--json");
  const rest = argv.filter((a) => a !== "--json");
  if (rest.length === 0) throw new UsageError(`summary: missing CONFIG.json\n\n${SUMMARY_USAGE}`);
  const args = parseTrainArgs(rest);
  const config = readConfig(args.configPath, args.overrides);
  const schedule = makeSchedule(config.schedule);
  const data = await loadTaskData(config);
  const architecture = modelConfigFor(config, data, args.configPath);
  const { backend } = await backendForConfig(config);
  const summary = modelSummary(architecture, {
    schedule,
    streams: config.streams,
    lengths: data.train.map((s) => s.length),
    optimizer: config.optimizer,
    dtype: config.dtype,
    backend: backend.name,
  });
  if (json) {
    console.log(JSON.stringify({ data: data.describe, ...summary }));
    return;
  }
  console.log(`data: ${data.describe}`);
  for (const line of renderSummary(summary, { tensors: true })) console.log(line);
}
