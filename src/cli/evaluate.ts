/**
 * `tbptt eval --model DIR --data FILE` and `tbptt predict --model DIR --data FILE`:
 * a trained model over labelled sequences (eval: loss, frame error, per-class accuracy,
 * confusion) or any sequences (predict: per-frame labels and probabilities as JSON Lines).
 */
import { TbpttError, UsageError } from "../core/errors.js";
import { writeFileAtomicSync } from "../io/atomic-write.js";
import { loadDataForModel } from "../io/model-data.js";
import { loadModelDir } from "../io/model-files.js";
import { persistenceBaseline } from "../train/baselines.js";
import { type Metrics, metricPhrases } from "../train/evaluate.js";
import { figurePhrases } from "../train/figures.js";
import { type FrameMetrics, MAX_CONFUSION_CLASSES } from "../train/metrics.js";
import { RegressionMetrics } from "../train/regression-metrics.js";
import { renderConfusionSvg, renderConfusionText } from "../train/render-confusion.js";
import { backendForConfig } from "../train/setup.js";
import { parseOptions } from "./args.js";
import { docsLine } from "./help.js";

export const EVAL_USAGE = `Usage: tbptt eval --model DIR --data FILE|CORPUS|TEXT [options]
       tbptt predict --model DIR --data FILE|CORPUS [--streams B] [--out FILE] [--skip-bad]

eval: a trained model (a folder written by tbptt train: OUT/model or OUT/best) on
labelled data, by what the model is:
  classes      loss per frame, frame error and per-class accuracy on labelled sequences
               (JSON Lines or the binary form, docs/data.md); --matrix adds the confusion
               matrix as text, --confusion FILE.svg as a picture
  speech       --data may be a TIMIT-layout corpus: --split picks TEST (default; the core
               test set unless the model was trained with coreTest false) or the
               validation speakers; adds frame error on the 39 folded phones
  text         --data is a text file or folder, read with the model's vocabulary:
               loss per symbol, bits per character (per word for words) and perplexity
  real values  RMSE and MAE in the data's units, overall and per dimension
               (model.output.kind "mse"); --persistence adds the baseline that predicts
               the next value equals the current one (targets y_t = x_{t+1})
predict: one JSON line per sequence, by the model's output: {"id", "labels": [...],
"probs": [[...], ...]} per frame, {"id", "label", "probs": [...]} for one class per
sequence, {"id", "predictions": [[...], ...]} or {"id", "prediction": [...]} for real
values (in the data's units); its sequences need no labels ("y" may be left out).

  --streams B    streams to run the data on (default: the validStreams the model was
                 trained with, so eval reproduces the training log's figure; else 8)
  --backend NAME auto (default, as training), native, wasm or plain
  --cache DIR    speech corpora: the feature cache (default: the one the model was
                 trained with, when it is on this machine; else ./.cache/tbptt-features)
  --json         eval: one JSON object with every figure (error rates as fractions)
  --matrix       eval, classes: print the confusion matrix as text
  --confusion F  eval, classes: write the confusion matrix as an SVG picture to F
  --persistence  eval, real values: add the persistence baseline
  --skip-bad     speech corpora: read the rest of the split when a file is bad, and
                 list what was skipped (as tbptt train --skip-bad)

${docsLine("data.md", "speech.md", "text.md", "library.md")}`;

function options(argv: string[]) {
  const { values } = parseOptions(
    {
      args: argv,
      options: {
        model: { type: "string" },
        data: { type: "string" },
        streams: { type: "string" },
        backend: { type: "string", default: "auto" },
        out: { type: "string" },
        split: { type: "string", default: "test" },
        confusion: { type: "string" },
        matrix: { type: "boolean", default: false },
        cache: { type: "string" },
        json: { type: "boolean", default: false },
        persistence: { type: "boolean", default: false },
        "skip-bad": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    },
    EVAL_USAGE,
  );
  if (values.help) {
    console.log(EVAL_USAGE);
    process.exit(0);
  }
  if (!values.model) throw new UsageError(`--model DIR is required\n\n${EVAL_USAGE}`);
  if (!values.data) throw new UsageError(`--data FILE is required\n\n${EVAL_USAGE}`);
  const streams = values.streams === undefined ? undefined : Number(values.streams);
  if (streams !== undefined && (!Number.isInteger(streams) || streams < 1))
    throw new UsageError(`--streams: expected an integer ≥ 1, got ${values.streams}`);
  const backends = ["auto", "native", "wasm", "plain"];
  if (!backends.includes(values.backend as string))
    throw new UsageError(`--backend: expected ${backends.join(", ")}, got ${values.backend}`);
  if (values.split !== "test" && values.split !== "validation")
    throw new UsageError(`--split: expected test or validation, got ${values.split}`);
  return {
    model: values.model,
    data: values.data,
    streams,
    out: values.out,
    json: values.json,
    split: values.split,
    confusion: values.confusion,
    matrix: values.matrix,
    cache: values.cache,
    persistence: values.persistence,
    skipBad: values["skip-bad"],
    backend: values.backend as "auto" | "native" | "wasm" | "plain",
  };
}

async function load(argv: string[], labelsOptional = false) {
  const o = options(argv);
  // The backend training chooses by default, so the figures are the ones it printed.
  const { backend } = await backendForConfig({ dtype: "float32", backend: o.backend });
  const trained = loadModelDir(o.model, backend);
  // By default the streams the run validated on, so eval reproduces the training log's figure.
  const streams = o.streams ?? trained.defaultStreams;
  const data = await loadDataForModel(trained, o.data, {
    streams,
    split: o.split as "test" | "validation",
    where: o.model,
    labelsOptional,
    skipBad: o.skipBad,
    ...(o.cache !== undefined ? { cache: o.cache } : {}),
  });
  // What --skip-bad left out, on stderr: stdout stays the figures or the predictions.
  for (const line of data.warnings ?? []) console.error(`tbptt: ${line}`);
  return { o: { ...o, streams }, trained, ...data };
}

export async function evalCommand(argv: string[]): Promise<Metrics> {
  const loaded = await load(argv);
  const { o, trained, sequences, source, report } = loaded;
  const { model, meta } = trained;
  if (o.persistence && model.head.targetSize === 0)
    throw new UsageError(
      "--persistence: the baseline is for real-valued outputs; this model outputs classes",
    );
  const evaluation = trained.evaluateSequences(sequences, {
    streams: o.streams,
    ...(report ? { report: (m) => report(m as FrameMetrics) } : {}),
  });
  const evaluated = evaluation.metrics;
  if (evaluated instanceof RegressionMetrics) return reportRegression(loaded, evaluated, o.persistence);
  const metrics = evaluated;
  const names = meta.classes ?? Array.from({ length: model.config.outputSize }, (_, i) => String(i));
  const extra: Record<string, number> = report ? report(metrics) : {};
  if ((o.confusion || o.matrix) && !metrics.hasConfusion)
    throw new TbpttError(
      `--${o.confusion ? "confusion" : "matrix"}: the model has ${names.length} classes; a confusion matrix is kept for at most ${MAX_CONFUSION_CLASSES}`,
    );
  if (o.confusion) {
    writeFileAtomicSync(
      o.confusion,
      new TextEncoder().encode(renderConfusionSvg(metrics, names, `${o.model} on ${source}`)),
    );
  }
  if (o.json) {
    console.log(JSON.stringify({ ...evaluation.summary, perClassAccuracy: evaluation.perClassAccuracy }));
    return metrics;
  }
  if (meta.task === "text") {
    // A language model: its loss in nats per symbol, bits and perplexity; no per-class lines.
    console.log(`${source}: ${metrics.frames} symbols predicted in ${sequences.length} streams`);
    console.log(
      [`loss per symbol ${metrics.lossPerFrame.toFixed(4)} nats`, ...figurePhrases(extra)].join(", "),
    );
  } else {
    console.log(
      model.head.config.per === "sequence"
        ? `${source}: ${metrics.frames} labelled sequences of ${sequences.length}`
        : `${source}: ${metrics.frames} labelled frames in ${sequences.length} sequences`,
    );
    console.log(
      [
        `loss per frame ${metrics.lossPerFrame.toFixed(4)}`,
        ...metricPhrases(metrics.summary(), model.head.config.per),
        ...figurePhrases(extra),
      ].join(", "),
    );
    // A word vocabulary's thousands of classes: the per-class figures stay in --json.
    if (names.length <= 80)
      console.log(
        `per-class accuracy: ${Object.entries(evaluation.perClassAccuracy ?? {})
          .filter(([, a]) => !Number.isNaN(a))
          .map(([n, a]) => `${n} ${(100 * a).toFixed(1)}%`)
          .join(", ")}`,
      );
  }
  if (o.matrix) console.log(renderConfusionText(metrics, names));
  if (o.confusion) console.log(`confusion matrix picture: ${o.confusion}`);
  return metrics;
}

/** eval of a model with real-valued outputs: RMSE and MAE in the data's units, overall and per dimension. */
function reportRegression(
  loaded: Awaited<ReturnType<typeof load>>,
  metrics: RegressionMetrics,
  persistence: boolean,
): RegressionMetrics {
  const { o, trained, sequences, source } = loaded;
  const { model, meta } = trained;
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
  const { o, trained, sequences, ids } = await load(argv, true);
  const predictions = trained.predictSequences(sequences, { streams: o.streams });
  const lines = ids.map((id, i) => JSON.stringify({ id, ...predictions[i] }));
  const text = `${lines.join("\n")}\n`;
  if (o.out) writeFileAtomicSync(o.out, new TextEncoder().encode(text));
  else process.stdout.write(text);
}
