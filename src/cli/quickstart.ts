/**
 * `tbptt quickstart`: the README's first command. Trains a small LSTM phone classifier
 * (frame-wise, Graves & Schmidhuber 2005's task) on the synthetic TIMIT-layout corpus
 * that ships in data/synth-timit-small, then scores it on the corpus's unseen test
 * speakers: frame error on 61 and on 39 phones. No download, no Festival.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { makeSchedule } from "../engine/schedule.js";
import { loadModelDir } from "../io/model-files.js";
import { PACKAGE_ROOT } from "../io/package-files.js";
import { featureCacheFor, loadSpeechSplits } from "../io/speech-task.js";
import type { FrontEndSpec } from "../tasks/speech/fbank.js";
import { speechReport, speechSequences } from "../tasks/speech/task.js";
import { evaluate } from "../train/evaluate.js";
import { docsLine } from "./help.js";
import { trainCommand } from "./train.js";

export const QUICKSTART_USAGE = `Usage: tbptt quickstart [--quiet] [--KEY.PATH VALUE ...]

Trains a small LSTM to label every 10 ms frame of speech with its phone, on the
synthetic TIMIT-layout corpus bundled with tbptt (the recipe speech/quickstart, in
runs/quickstart, replaced on each run unless --resume), then reports the frame error
on the corpus's unseen test speakers. Options are those of tbptt train.

${docsLine("speech.md", "config.md")}`;

export async function quickstartCommand(argv: string[]): Promise<void> {
  const recipe = join(PACKAGE_ROOT, "recipes", "speech", "quickstart.json");
  const corpus = join(PACKAGE_ROOT, "data", "synth-timit-small");
  if (!existsSync(recipe) || !existsSync(corpus))
    throw new Error(`quickstart: the bundled recipe or corpus is missing (${recipe}, ${corpus})`);
  console.error(
    `tbptt quickstart: ${recipe}\n  an LSTM learns to label every 10 ms frame with its phone, on ${corpus}`,
  );
  // The demo is meant to be run again: it replaces its own previous run (runs/quickstart)
  // unless asked to continue it.
  const replace = argv.includes("--resume") || argv.includes("--overwrite") ? [] : ["--overwrite"];
  const { out } = await trainCommand([recipe, ...replace, ...argv]);
  const { model, meta } = loadModelDir(join(out, "best"));
  const splits = loadSpeechSplits(corpus, {
    coreTest: false,
    validSpeakers: 1,
    normalisation: meta.normalisation ?? null,
    frontEnd: meta.frontEnd as FrontEndSpec | undefined,
    cache: featureCacheFor(meta),
  });
  const metrics = evaluate(model, speechSequences(splits.test), makeSchedule({}), 8);
  const fer39 = speechReport(metrics).frameError39 as number;
  console.log(
    `test speakers (unseen): ${metrics.frames} frames, frame error ${(100 * metrics.frameError).toFixed(1)}% on 61 phones, ${(100 * fer39).toFixed(1)}% on 39 (chance: about 90%)`,
  );
}
