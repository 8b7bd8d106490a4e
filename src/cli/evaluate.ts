/**
 * `tbptt eval --model DIR --data FILE` and `tbptt predict --model DIR --data FILE`:
 * a trained model over labelled sequences (eval: loss, frame error, per-class accuracy,
 * confusion) or any sequences (predict: per-frame labels and probabilities as JSON Lines).
 */
import { parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";
import { writeFileAtomicSync } from "../io/atomic-write.js";
import { loadDataForModel, modelSchedule } from "../io/model-data.js";
import { loadModelDir } from "../io/model-files.js";
import { persistenceBaseline } from "../train/baselines.js";
import { evaluateModel, type Metrics, metricPhrases } from "../train/evaluate.js";
import { MAX_CONFUSION_CLASSES } from "../train/metrics.js";
import { predict } from "../train/predict.js";
import { RegressionMetrics } from "../train/regression-metrics.js";
import { renderConfusionSvg, renderConfusionText } from "../train/render-confusion.js";
import { backendForConfig } from "../train/setup.js";
import { docsLine } from "./help.js";

export const EVAL_USAGE = `Usage: tbptt eval --model DIR --data FILE|CORPUS [--split test|validation] [--streams B] [--json] [--confusion FILE.svg]
       tbptt predict --model DIR --data FILE [--streams B] [--out FILE]

eval: loss per frame, frame error, per-class accuracy and the confusion matrix of a
trained model (a directory written by tbptt train: OUT/model or OUT/best) on labelled
sequences (JSON Lines or the binary form, docs/data.md).
For a speech model, --data may be a TIMIT-layout corpus: --split picks TEST (default;
the core test set unless the model was trained with coreTest false) or the validation
speakers, and the report adds frame error on the 39 folded phones.
predict: one JSON line per sequence: {"id", "labels": [...], "probs": [[...], ...]};
its sequences need no labels ("y" may be left out).

  --streams B    streams to run the data on (default: the validStreams the model was
                 trained with, so eval reproduces the training log's figure; else 8)
  --backend NAME auto (default, as training), native, wasm or plain
  --persistence  real-valued outputs: add the persistence baseline (see below)

A model with real-valued outputs (model.output.kind "mse", docs/data.md) is evaluated by
RMSE and MAE in the data's units, overall and per dimension; --persistence adds the
baseline that predicts the next value equals the current one (targets y_t = x_{t+1}).
predict then writes {"id", "predictions": [[...], ...]} (per frame, in the data's units),
or {"id", "prediction": [...]}; a classifier with one label per sequence writes
{"id", "label", "probs": [...]}.

${docsLine("data.md", "speech.md", "text.md")}`;

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: "string" },
      data: { type: "string" },
      streams: { type: "string" },
      backend: { type: "string", default: "auto" },
      out: { type: "string" },
      split: { type: "string", default: "test" },
      confusion: { type: "string" },
      json: { type: "boolean", default: false },
      persistence: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(EVAL_USAGE);
    process.exit(0);
  }
  if (!values.model) throw new Error(`--model DIR is required\n\n${EVAL_USAGE}`);
  if (!values.data) throw new Error(`--data FILE is required\n\n${EVAL_USAGE}`);
  const streams = values.streams === undefined ? undefined : Number(values.streams);
  if (streams !== undefined && (!Number.isInteger(streams) || streams < 1))
    throw new Error(`--streams: expected an integer ≥ 1, got ${values.streams}`);
  const backends = ["auto", "native", "wasm", "plain"];
  if (!backends.includes(values.backend as string))
    throw new UsageError(`--backend: expected ${backends.join(", ")}, got ${values.backend}`);
  if (values.split !== "test" && values.split !== "validation")
    throw new Error(`--split: expected test or validation, got ${values.split}`);
  return {
    model: values.model,
    data: values.data,
    streams,
    out: values.out,
    json: values.json,
    split: values.split,
    confusion: values.confusion,
    persistence: values.persistence,
    backend: values.backend as "auto" | "native" | "wasm" | "plain",
  };
}

async function load(argv: string[], labelsOptional = false) {
  const o = options(argv);
  // The backend training chooses by default, so the figures are the ones it printed.
  const { backend } = await backendForConfig({ dtype: "float32", backend: o.backend });
  const loaded = loadModelDir(o.model, backend);
  // By default the streams the run validated on, so eval reproduces the training log's figure.
  const streams = o.streams ?? (loaded.meta.validStreams as number | undefined) ?? 8;
  const data = await loadDataForModel(loaded, o.data, {
    streams,
    split: o.split as "test" | "validation",
    where: o.model,
    labelsOptional,
  });
  return { o: { ...o, streams }, ...loaded, ...data, schedule: modelSchedule(loaded.meta) };
}

export async function evalCommand(argv: string[]): Promise<Metrics> {
  const loaded = await load(argv);
  const { o, model, meta, sequences, source, schedule, report } = loaded;
  if (o.persistence && model.head.targetSize === 0)
    throw new UsageError(
      "--persistence: the baseline is for real-valued outputs; this model outputs classes",
    );
  const evaluated = evaluateModel(
    model,
    sequences,
    schedule,
    Math.max(1, Math.min(o.streams, sequences.length)),
  );
  if (evaluated instanceof RegressionMetrics) return reportRegression(loaded, evaluated, o.persistence);
  const metrics = evaluated;
  const names = meta.classes ?? Array.from({ length: model.config.outputSize }, (_, i) => String(i));
  const perClass = metrics.perClassAccuracy();
  const extra: Record<string, number> = report ? report(metrics) : {};
  if (o.confusion && !metrics.hasConfusion)
    throw new Error(
      `--confusion: the model has ${names.length} classes; a confusion matrix is kept for at most ${MAX_CONFUSION_CLASSES}`,
    );
  if (o.confusion) {
    writeFileAtomicSync(
      o.confusion,
      new TextEncoder().encode(renderConfusionSvg(metrics, names, `${o.model} on ${source}`)),
    );
  }
  if (o.json) {
    console.log(
      JSON.stringify({
        ...metrics.summary(),
        ...extra,
        perClassAccuracy: Object.fromEntries(names.map((n, i) => [n, perClass[i]])),
      }),
    );
    return metrics;
  }
  console.log(
    model.head.config.per === "sequence"
      ? `${source}: ${metrics.frames} labelled sequences of ${sequences.length}`
      : `${source}: ${metrics.frames} labelled frames in ${sequences.length} sequences`,
  );
  console.log(
    [
      `loss per frame ${metrics.lossPerFrame.toFixed(4)}`,
      ...metricPhrases(metrics.summary(), model.head.config.per),
      ...Object.entries(extra).map(([k, v]) =>
        /error/i.test(k) ? `${k} ${(100 * v).toFixed(2)}%` : `${k} ${v.toFixed(4)}`,
      ),
    ].join(", "),
  );
  // A word vocabulary's thousands of classes: the per-class figures stay in --json.
  if (names.length <= 80)
    console.log(
      `per-class accuracy: ${names
        .map((n, i) => [n, perClass[i] as number] as const)
        .filter(([, a]) => !Number.isNaN(a))
        .map(([n, a]) => `${n} ${(100 * a).toFixed(1)}%`)
        .join(", ")}`,
    );
  if (names.length <= 80) console.log(renderConfusionText(metrics, names));
  if (o.confusion) console.log(`confusion matrix picture: ${o.confusion}`);
  return metrics;
}

/** eval of a model with real-valued outputs: RMSE and MAE in the data's units, overall and per dimension. */
function reportRegression(
  loaded: Awaited<ReturnType<typeof load>>,
  metrics: RegressionMetrics,
  persistence: boolean,
): RegressionMetrics {
  const { o, model, meta, sequences, source } = loaded;
  const baseline = persistence
    ? persistenceBaseline(sequences, model.config.inputSize, meta.normalisation).summary()
    : null;
  const perDimension = metrics.perDimension();
  if (o.json) {
    console.log(
      JSON.stringify({ ...metrics.summary(), perDimension, ...(baseline ? { persistence: baseline } : {}) }),
    );
    return metrics;
  }
  const per = model.head.config.per === "sequence" ? "sequence targets" : "frames with a target";
  console.log(
    `${source}: ${metrics.frames} ${per} in ${sequences.length} sequences, ${metrics.size} values each`,
  );
  console.log(
    [`loss per frame ${metrics.lossPerFrame.toFixed(4)}`, ...metricPhrases(metrics.summary())].join(", "),
  );
  if (metrics.size > 1)
    console.log(
      `per dimension: ${perDimension.rmse.map((r, d) => `${d}: RMSE ${r.toPrecision(4)}, MAE ${(perDimension.mae[d] as number).toPrecision(4)}`).join("; ")}`,
    );
  if (baseline)
    console.log(
      `persistence baseline (next value = current value): ${metricPhrases(baseline).join(", ")}; the model's RMSE is ${(metrics.rmse / (baseline.rmse as number)).toFixed(3)} of it`,
    );
  return metrics;
}

export async function predictCommand(argv: string[]): Promise<void> {
  const { o, model, meta, sequences, ids, schedule } = await load(argv, true);
  const predictions = predict(model, meta.classes, sequences, schedule, o.streams);
  const lines = ids.map((id, i) => JSON.stringify({ id, ...predictions[i] }));
  const text = `${lines.join("\n")}\n`;
  if (o.out) writeFileAtomicSync(o.out, new TextEncoder().encode(text));
  else process.stdout.write(text);
}
