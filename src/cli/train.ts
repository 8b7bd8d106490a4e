/**
 * `tbptt train CONFIG.json [--resume | --overwrite] [--quiet] [--key.path value …]`: wires a
 * validated config, the task's data, a model, the trainer and the run folder (opened by
 * src/io/run-folder.ts: locked, never overwritten by accident):
 *   OUT/config.json       the resolved config
 *   OUT/checkpoint.safetensors  the latest checkpoint (atomic; --resume continues from it)
 *   OUT/best/             the best model by the validation metric
 *   OUT/model/            the model at the end of the run
 *   OUT/log.jsonl         one JSON object per epoch and every logEvery updates
 * Ctrl-C or SIGTERM writes a checkpoint at the next point a resumed run continues exactly, then exits.
 */
import { appendFileSync, existsSync, statSync } from "node:fs";
import { totalmem } from "node:os";
import { join } from "node:path";
import { TbpttError, UsageError } from "../core/errors.js";
import { makeSchedule } from "../engine/schedule.js";
import {
  readSafetensorsFileSync,
  writeFileAtomicSync,
  writeSafetensorsFileSync,
} from "../io/atomic-write.js";
import { readConfigFile } from "../io/config-file.js";
import { saveModelDir } from "../io/model-files.js";
import { missingConfigMessage, openRunFolder, type RunFolder, runFolderPaths } from "../io/run-folder.js";
import { prepareResume, startRunData } from "../io/run-resume.js";
import { loadTaskData } from "../io/task-files.js";
import { decodeCheckpoint, encodeCheckpoint } from "../train/checkpoint-codec.js";
import type { TrainConfig } from "../train/config.js";
import { showValue } from "../train/config-diff.js";
import { metricPhrases } from "../train/evaluate.js";
import { figurePhrases } from "../train/figures.js";
import { checkRunMemory } from "../train/memory-check.js";
import { FrameMetrics } from "../train/metrics.js";
import {
  backendForConfig,
  createModelForConfig,
  modelConfigFor,
  savedModelMeta,
  trainerOptionsFromConfig,
} from "../train/setup.js";
import { modelSummary, renderSummary } from "../train/summary.js";
import { type EpochSummary, Trainer } from "../train/trainer.js";
import type { ValidationPoint } from "../train/validation-points.js";
import { docsLine } from "./help.js";
import { createProgress, type Progress } from "./progress.js";

export const TRAIN_USAGE = `Usage: tbptt train CONFIG.json|RECIPE [--resume | --overwrite] [--quiet] [--KEY.PATH VALUE ...]

Train a model as CONFIG.json says, or a bundled recipe by name (tbptt recipes lists
them: tbptt train speech/quickstart). Relative paths in the file are relative to the
file; paths typed here, and the run folder "out", to the working directory. Any config
key can be overridden, e.g. --epochs 3 --schedule.k1 20 --schedule.k2 inf
--schedule.reset every:5 --optimizer.lr 0.001.

  --resume         continue from OUT/checkpoint.safetensors (bit-identical to an uninterrupted run)
  --overwrite      delete the run already in OUT and start over (without it, tbptt refuses)
  --unset KEY.PATH remove a key the file sets, so its default applies (e.g. --unset data.valid)
  --skip-bad       speech: read the rest of the corpus when a file is bad, and list what was skipped
  --quiet          no progress bar; one line per epoch

${docsLine("config.md", "training.md")}`;

export interface TrainArgs {
  configPath: string;
  resume: boolean;
  overwrite: boolean;
  quiet: boolean;
  overrides: [string, string | undefined][];
}

export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  let configPath: string | null = null;
  let resume = false;
  let overwrite = false;
  let quiet = false;
  const overrides: [string, string | undefined][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--resume") resume = true;
    else if (arg === "--overwrite") overwrite = true;
    else if (arg === "--quiet") quiet = true;
    else if (arg === "--skip-bad") overrides.push(["data.skipBad", "true"]);
    else if (arg === "--unset") {
      const key = argv[i + 1];
      if (key === undefined || key.startsWith("--"))
        throw new UsageError("--unset: expected a KEY.PATH to remove from the config");
      overrides.push([key, undefined]);
      i++;
    } else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      if (eq > 0) overrides.push([arg.slice(2, eq), arg.slice(eq + 1)]);
      else {
        const value = argv[i + 1];
        if (value === undefined) throw new UsageError(`${arg}: expected a value`);
        overrides.push([arg.slice(2), value]);
        i++;
      }
    } else if (configPath === null) configPath = arg;
    else throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (one CONFIG.json only)`);
  }
  if (configPath === null) throw new UsageError(`missing CONFIG.json\n\n${TRAIN_USAGE}`);
  if (resume && overwrite)
    throw new UsageError("--resume continues the run in OUT, --overwrite deletes it: give one of them");
  return { configPath, resume, overwrite, quiet, overrides };
}

/** The config `path` names (a file, or a bundled recipe's name) with `overrides` applied (src/io/config-file.ts). */
export function readConfig(path: string, overrides: TrainArgs["overrides"] = []): TrainConfig {
  return readConfigFile(path, overrides).config;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

export interface TrainOutcome {
  epochs: EpochSummary[];
  points: ValidationPoint[];
  reason: string;
  out: string;
}

/** `s` as one shell word (for commands printed to be copied). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The config of `tbptt train ARG`: ARG a config file (or a recipe's name), or with
 * --resume a run folder, whose own config.json is then the config (and `out` the folder).
 */
function configFor(args: TrainArgs): { config: TrainConfig; runFolder: string | null } {
  const path = args.configPath;
  if (!existsSync(path) || !statSync(path).isDirectory())
    return { config: readConfig(path, args.overrides), runFolder: null };
  if (!args.resume)
    throw new UsageError(
      `${path} is a folder; to continue the run in it: tbptt train --resume ${shellWord(path)}; to start one, give a config file (CONFIG.json)`,
    );
  const saved = runFolderPaths(path).config;
  if (!existsSync(saved)) throw new TbpttError(missingConfigMessage(saved));
  return { config: readConfig(saved, [...args.overrides, ["out", path]]), runFolder: path };
}

export async function trainCommand(argv: string[]): Promise<TrainOutcome> {
  const args = parseTrainArgs(argv);
  const { config } = configFor(args);
  const progress = createProgress({ quiet: args.quiet });
  makeSchedule(config.schedule); // a bad schedule fails before any data is read
  const out = config.out;
  const command = ["tbptt", "train", ...argv].map(shellWord).join(" ");
  const again = ["tbptt", "train", ...argv.filter((a) => a !== "--resume" && a !== "--overwrite")]
    .map(shellWord)
    .join(" ");
  // The folder first (lock, a run already there), so a refusal comes before minutes of data loading.
  const folder = openRunFolder(out, {
    mode: args.resume ? "resume" : args.overwrite ? "overwrite" : "start",
    command,
    resumeHint: `tbptt train --resume ${shellWord(out)}`,
    overwriteHint: `${again} --overwrite`,
    onNote: (line) => progress.message(line),
  });
  try {
    // The run folder's own config carries every override: resuming needs nothing else.
    return await trainInFolder(args, config, folder, progress, `tbptt train --resume ${shellWord(out)}`);
  } finally {
    folder.close();
  }
}

async function trainInFolder(
  args: TrainArgs,
  config: TrainConfig,
  folder: RunFolder,
  progress: Progress,
  resumeCommand: string,
): Promise<TrainOutcome> {
  // Before the data is loaded: what resuming must match (config keys, the data's fingerprint).
  const resume = args.resume ? prepareResume(folder.paths, config) : null;
  const runData = resume?.data ?? startRunData(folder.paths, config);
  const data = await loadTaskData(config);
  for (const line of data.warnings ?? []) progress.message(line);
  const architecture = modelConfigFor(config, data, args.configPath);
  const { backend, fallbackReasons } = await backendForConfig(config);
  if (fallbackReasons.length > 0 && config.backend !== "plain") {
    progress.message(`backend: ${backend.name} (${fallbackReasons.join("; ")})`);
  }
  // What is about to run (as tbptt summary prints it, without the tensor table), measured
  // without allocating, and refused when it cannot fit this machine.
  const summary = modelSummary(architecture, {
    schedule: makeSchedule(config.schedule),
    streams: config.streams,
    lengths: data.train.map((s) => s.length),
    optimizer: config.optimizer,
    dtype: config.dtype,
    backend: backend.name,
  });
  checkRunMemory(summary, {
    limitBytes: totalmem(),
    limitName: "this machine's memory",
    source: args.configPath,
    ...(config.model.outputSize === undefined && config.task === "sequences"
      ? { outputSizeNote: `the largest class index in ${config.data.train} + 1` }
      : {}),
  });
  const model = createModelForConfig(
    config,
    architecture,
    backend,
    config.init ? { tensors: readSafetensorsFileSync(config.init).tensors, source: config.init } : undefined,
  );
  const per = model.head.config.per;
  for (const line of renderSummary(summary)) progress.message(line);

  // What using the model later needs: the task's metadata and how its streams were laid out.
  const meta = savedModelMeta(data.meta, config);
  const out = folder.paths.dir;
  const { config: configFile, checkpoint: checkpointFile, log: logFile } = folder.paths;
  const resolved = JSON.stringify(config, (_, v) => (v === Number.POSITIVE_INFINITY ? "Infinity" : v), 2);
  // A language model is judged by its loss (bits per character), a labeller by its frame error.
  const trainer = new Trainer(
    model,
    data.train,
    data.valid,
    trainerOptionsFromConfig(config, config.task === "text" ? "loss" : "frameError"),
  );
  if (resume) {
    trainer.restore(decodeCheckpoint(model, resume.checkpoint, checkpointFile), checkpointFile);
    const changed = resume.changes.map((d) => `${d.key} ${showValue(d.run)} → ${showValue(d.now)}`);
    progress.message(
      `resuming from ${checkpointFile}${changed.length > 0 ? `; changed: ${changed.join(", ")}` : ""}`,
    );
  }
  // config.json is what `--resume OUT` continues with: the new limits, when resuming changed them.
  if (!resume || resume.changes.length > 0)
    writeFileAtomicSync(configFile, new TextEncoder().encode(`${resolved}\n`));
  runData.save();
  // Ctrl-C (SIGINT) and SIGTERM (what schedulers and containers send) are ours from here
  // on, and mean the same: checkpoint at the next resumable update, then exit. The run's
  // first log line means they are handled. A second one quits at once.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(signal === "SIGTERM" ? 143 : 130);
    interrupted = true;
    const again = signal === "SIGTERM" ? "SIGTERM again" : "Ctrl-C again";
    progress.message(
      `\n${signal === "SIGTERM" ? "SIGTERM" : "interrupt"}: writing a checkpoint at the next resumable update (${again} to quit at once)`,
    );
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const log = (entry: Record<string, unknown>) =>
    appendFileSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  log({
    event: resume ? "resume" : "start",
    ...(resume && resume.changes.length > 0 ? { changes: resume.changes } : {}),
    backend: backend.name,
    data: data.describe,
    parameters: model.layout.size,
  });

  const totalSteps = data.train.reduce((n, s) => n + s.length, 0);
  let epochShown = -1;
  let runningLoss = Number.NaN;
  const result = await trainer.run({
    onUpdate(record, info) {
      if (info.epoch !== epochShown) {
        epochShown = info.epoch;
        progress.startEpoch(info.epoch, config.epochs, totalSteps);
      }
      if (record.losses > 0) {
        const loss = record.lossSum / record.losses;
        runningLoss = Number.isFinite(runningLoss) ? 0.95 * runningLoss + 0.05 * loss : loss;
      }
      progress.update(Math.min(info.stepsInEpoch * 1, totalSteps), runningLoss);
      if (info.updates % config.logEvery === 0) {
        log({
          event: "update",
          epoch: info.epoch,
          update: info.updates,
          loss: runningLoss,
          gradNorm: info.gradNorm,
          lr: info.lr,
        });
      }
    },
    onBadUpdate(info) {
      progress.message(
        `update ${info.update}: non-finite loss or gradient (loss ${info.lossSum}, gradient norm ${info.gradNorm}); skipped (${info.inARow} in a row)`,
      );
      log({ event: "bad-update", ...info });
    },
    onValidation(point) {
      const { validMetrics, ...rest } = point;
      const extra = validMetrics instanceof FrameMetrics && data.report ? data.report(validMetrics) : {};
      log({ event: "validation", ...rest, ...extra });
      // Epoch ends have their own line; the points between them (validateEvery, a budget's end) get one here.
      if (point.at === "every" || point.at === "final")
        progress.message(
          [
            `validation at update ${point.updates} (epoch ${point.epochs.toFixed(2)})`,
            `valid loss ${point.valid.lossPerFrame.toFixed(4)}`,
            ...metricPhrases(point.valid, per).map((p) => `valid ${p}`),
            ...figurePhrases(extra),
          ].join(" | "),
        );
    },
    onEpoch(summary) {
      epochShown = -1;
      const extra =
        summary.validMetrics instanceof FrameMetrics && data.report ? data.report(summary.validMetrics) : {};
      const parts = [
        `epoch ${summary.epoch}/${config.epochs}`,
        `train loss ${summary.trainLossPerFrame.toFixed(4)}`,
        summary.valid ? `valid loss ${summary.valid.lossPerFrame.toFixed(4)}` : null,
        ...(summary.valid ? metricPhrases(summary.valid, per).map((p) => `valid ${p}`) : []),
        ...figurePhrases(extra),
        `${summary.seconds.toFixed(1)} s`,
        summary.best ? "(best)" : null,
      ].filter((p) => p !== null);
      progress.endEpoch(parts.join(" | "));
      const { validMetrics: _, ...rest } = summary;
      log({ event: "epoch", ...rest, ...extra });
    },
    saveCheckpoint(checkpoint) {
      const { tensors, metadata } = encodeCheckpoint(model, checkpoint, runData.checkpointMetadata);
      writeSafetensorsFileSync(checkpointFile, tensors, metadata);
    },
    saveBest() {
      saveModelDir(join(out, "best"), model, meta);
    },
    stopRequested: () => interrupted,
  });
  for (const signal of SIGNALS) process.off(signal, onSignal);
  saveModelDir(join(out, "model"), model, meta);
  const { updates, forwardSteps, backwardSteps, trainSeconds, peakStoredSteps } = result.state;
  log({
    event: "end",
    reason: result.reason,
    updates,
    forwardSteps,
    backwardSteps,
    trainSeconds,
    peakStoredSteps,
  });
  if (result.reason === "bad-updates") {
    throw new TbpttError(
      `stopped after ${config.maxBadUpdates} updates in a row with a non-finite loss or gradient; the last good checkpoint is ${checkpointFile} (try a smaller optimizer.lr or clip.norm)`,
    );
  }
  if (result.reason === "interrupted") {
    progress.message(`interrupted; checkpoint written to ${checkpointFile}. Resume with: ${resumeCommand}`);
  }
  // The last validation: an epoch's end, or the one a budget made inside an epoch.
  const last = result.points[result.points.length - 1];
  if (last) {
    const extra =
      last.validMetrics instanceof FrameMetrics && data.report ? data.report(last.validMetrics) : {};
    const metrics = [...metricPhrases(last.valid, per), ...figurePhrases(extra)];
    progress.message(
      `done (${result.reason}): validation ${metrics.join(", ")}; model in ${join(out, "model")}, best in ${join(out, "best")}`,
    );
  } else progress.message(`done (${result.reason}); model in ${join(out, "model")}`);
  return { epochs: result.epochs, points: result.points, reason: result.reason, out };
}
