/**
 * `tbptt quickstart`: the README's first command. Trains a small LSTM phone classifier
 * (frame-wise, Graves & Schmidhuber 2005's task) on the synthetic TIMIT-layout corpus
 * that ships in data/synth-timit-small, then scores it on the corpus's unseen test
 * speakers: frame error on 61 and on 39 phones. No download, no Festival.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeSchedule } from "../engine/schedule.js";
import { loadModelDir } from "../io/model-files.js";
import { loadSpeechSplits } from "../io/speech-task.js";
import type { FrontEndSpec } from "../tasks/speech/fbank.js";
import { speechReport, speechSequences } from "../tasks/speech/task.js";
import { evaluate } from "../train/evaluate.js";
import { trainCommand } from "./train.js";

/** The package root: two folders up from this module, in src/cli and in dist/cli alike. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

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
  const { out } = await trainCommand([recipe, "--data.train", corpus, ...replace, ...argv]);
  const { model, meta } = loadModelDir(join(out, "best"));
  const splits = loadSpeechSplits(corpus, {
    coreTest: false,
    validSpeakers: 1,
    normalisation: meta.normalisation ?? null,
    frontEnd: meta.frontEnd as FrontEndSpec | undefined,
  });
  const metrics = evaluate(model, speechSequences(splits.test), makeSchedule({}), 8);
  const fer39 = speechReport(metrics).frameError39 as number;
  console.log(
    `test speakers (unseen): ${metrics.frames} frames, frame error ${(100 * metrics.frameError).toFixed(1)}% on 61 phones, ${(100 * fer39).toFixed(1)}% on 39 (chance: about 90%)`,
  );
}
