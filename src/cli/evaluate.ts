/**
 * `tbptt eval --model DIR --data FILE` and `tbptt predict --model DIR --data FILE`:
 * a trained model over labelled sequences (eval: loss, frame error, per-class accuracy,
 * confusion) or any sequences (predict: per-frame labels and probabilities as JSON Lines).
 */
import { parseArgs } from "node:util";
import { applyNormalisation, toEngineSequences } from "../data/labelled.js";
import { makeSchedule, type ResetPolicy, type Schedule } from "../engine/schedule.js";
import { readLabelledFile } from "../io/dataset-files.js";
import { loadModelDir } from "../io/model-files.js";
import { evaluate } from "../train/evaluate.js";
import type { FrameMetrics } from "../train/metrics.js";

export const EVAL_USAGE = `Usage: tbptt eval --model DIR --data FILE [--streams B] [--json]
       tbptt predict --model DIR --data FILE [--streams B] [--out FILE]

eval: loss per frame, frame error, per-class accuracy and the confusion matrix of a
trained model (a directory written by tbptt train: OUT/model or OUT/best) on labelled
sequences (JSON Lines or the binary form, docs/data.md).
predict: one JSON line per sequence: {"id", "labels": [...], "probs": [[...], ...]}.`;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: "string" },
      data: { type: "string" },
      streams: { type: "string", default: "8" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(EVAL_USAGE);
    process.exit(0);
  }
  if (!values.model) throw new Error(`--model DIR is required\n\n${EVAL_USAGE}`);
  if (!values.data) throw new Error(`--data FILE is required\n\n${EVAL_USAGE}`);
  const streams = Number(values.streams);
  if (!Number.isInteger(streams) || streams < 1)
    throw new Error(`--streams: expected an integer ≥ 1, got ${values.streams}`);
  return { model: values.model, data: values.data, streams, out: values.out, json: values.json };
}

function load(argv: string[]) {
  const o = options(argv);
  const { model, meta } = loadModelDir(o.model);
  const set = readLabelledFile(o.data, {
    inputSize: model.config.inputSize,
    classes: meta.classes,
    classCount: model.config.outputSize,
  });
  if (meta.normalisation) applyNormalisation(set, meta.normalisation);
  const saved = meta.schedule as { reset?: ResetPolicy; layout?: "aligned" | "packed" } | undefined;
  const schedule: Schedule = makeSchedule({
    reset: saved?.reset ?? "sequence",
    layout: saved?.layout ?? "aligned",
  });
  return { o, model, meta, set, schedule };
}

export function formatConfusion(metrics: FrameMetrics, names: readonly string[]): string {
  const C = metrics.classes;
  const width = Math.max(5, ...names.map((n) => n.length)) + 1;
  const lines = [["true\\pred", ...names].map((s) => s.padStart(width)).join("")];
  for (let c = 0; c < C; c++) {
    const row = [names[c] as string];
    for (let p = 0; p < C; p++) row.push(String(metrics.confusion[c * C + p]));
    lines.push(row.map((s) => s.padStart(width)).join(""));
  }
  return lines.join("\n");
}

export async function evalCommand(argv: string[]): Promise<FrameMetrics> {
  const { o, model, meta, set, schedule } = load(argv);
  const metrics = evaluate(
    model,
    toEngineSequences(set),
    schedule,
    Math.min(o.streams, set.sequences.length),
  );
  const names = meta.classes ?? Array.from({ length: model.config.outputSize }, (_, i) => String(i));
  const perClass = metrics.perClassAccuracy();
  if (o.json) {
    console.log(
      JSON.stringify({
        ...metrics.summary(),
        perClassAccuracy: Object.fromEntries(names.map((n, i) => [n, perClass[i]])),
      }),
    );
    return metrics;
  }
  console.log(`${set.source}: ${metrics.frames} labelled frames in ${set.sequences.length} sequences`);
  console.log(
    `loss per frame ${metrics.lossPerFrame.toFixed(4)}, frame error ${(100 * metrics.frameError).toFixed(2)}%`,
  );
  console.log(
    `per-class accuracy: ${names.map((n, i) => `${n} ${Number.isNaN(perClass[i]) ? "-" : (100 * (perClass[i] as number)).toFixed(1)}%`).join(", ")}`,
  );
  if (model.config.outputSize <= 40) console.log(formatConfusion(metrics, names));
  return metrics;
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { o, model, meta, set, schedule } = load(argv);
  const C = model.config.outputSize;
  const labels = set.sequences.map((s) => new Array<string | number>(s.labels.length));
  const probs = set.sequences.map((s) => new Array<number[]>(s.labels.length));
  evaluate(model, toEngineSequences(set), schedule, Math.min(o.streams, set.sequences.length), (frame) => {
    let best = 0;
    const row: number[] = [];
    for (let c = 0; c < C; c++) {
      const p = frame.probs[frame.probsOffset + c] as number;
      row.push(Number(p.toPrecision(6)));
      if (p > (frame.probs[frame.probsOffset + best] as number)) best = c;
    }
    (labels[frame.sequence] as (string | number)[])[frame.position] = meta.classes
      ? (meta.classes[best] as string)
      : best;
    (probs[frame.sequence] as number[][])[frame.position] = row;
  });
  const lines = set.sequences.map((s, i) => JSON.stringify({ id: s.id, labels: labels[i], probs: probs[i] }));
  const text = `${lines.join("\n")}\n`;
  if (o.out) {
    const { writeFileAtomicSync } = await import("../io/atomic-write.js");
    writeFileAtomicSync(o.out, new TextEncoder().encode(text));
  } else process.stdout.write(text);
}
