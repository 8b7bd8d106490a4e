// The runs behind docs/results-online.md: one training config, trained by the library's
// Trainer for a budget of seconds with the algorithm the config (or an override) names,
// validated every few seconds of training on a copy of the model (evaluation time is not
// counted), and, with --variance M, UORO's gradient estimate measured against the exact
// gradient at the start, the middle and the end of the run. Writes one JSON file.
//
//   node --import tsx scripts/online-results.ts run CONFIG.json --seconds 600 [--eval-factor 1.3]
//        [--variance 200] --out FILE.json [--schedule.algorithm uoro --key.path value …]
//   node --import tsx scripts/online-results.ts plot --svg FILE.svg --title TEXT A.json B.json …
//
// The variance: on the first B validation sequences (at most 60 steps of each, each from
// its start), the exact gradient of their summed loss (the engine with k1 = k2 = ∞),
// TBPTT(15, 15)'s (the sum of its chunks' gradients at the same weights) and M UORO
// estimates (seeds 1 … M, k1 = ∞), compared on the recurrent parameters only (the output
// layer's gradient is exact in all three).
import { readFileSync, writeFileSync } from "node:fs";
import type { FloatArray } from "../src/core/types.js";
import { Engine, type SequenceLike } from "../src/engine/engine.js";
import { makeSchedule } from "../src/engine/schedule.js";
import { CHART, type ChartSpec, chart, escapeXml, type Series } from "../src/gradient/chart.js";
import { readConfigFile } from "../src/io/config-file.js";
import { loadTaskData } from "../src/io/task-files.js";
import { SequenceModel } from "../src/nn/model.js";
import { OnlineEngine } from "../src/online/online-engine.js";
import { evaluateModel, type MetricsSummary } from "../src/train/evaluate.js";
import {
  backendForConfig,
  createModelForConfig,
  modelConfigFor,
  trainerOptionsFromConfig,
} from "../src/train/setup.js";
import { Trainer } from "../src/train/trainer.js";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** A sequence's first `length` steps. */
class Prefix implements SequenceLike {
  readonly length: number;
  constructor(
    private readonly inner: SequenceLike,
    length: number,
  ) {
    this.length = Math.min(length, inner.length);
  }
  writeInput(position: number, out: FloatArray, offset: number): void {
    this.inner.writeInput(position, out, offset);
  }
  label(position: number): number {
    return this.inner.label(position);
  }
}

interface VarianceRow {
  seconds: number;
  steps: number;
  /** Mean over the seeds of ‖g̃ − g‖² / ‖g‖², and of cos(g̃, g). */
  uoroRelativeVariance: number;
  uoroCosine: number;
  /** ‖mean of the M estimates − g‖ / ‖g‖ (→ 0 as 1/√M for an unbiased estimate). */
  uoroMeanError: number;
  /** TBPTT(15, 15) at the same weights: ‖g_T − g‖ / ‖g‖ and cos(g_T, g). */
  tbpttRelativeError: number;
  tbpttCosine: number;
}

function firstGradient(
  engine: Engine | OnlineEngine,
  sequences: readonly SequenceLike[],
  recurrent: number,
): Float64Array {
  const sum = new Float64Array(recurrent);
  for (const { grads } of engine.updates(sequences))
    for (let i = 0; i < recurrent; i++) sum[i] += grads[i] as number;
  return sum;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function measureVariance(
  probe: SequenceModel,
  valid: readonly SequenceLike[],
  streams: number,
  seeds: number,
) {
  const sequences = valid.slice(0, streams).map((s) => new Prefix(s, 60));
  const P = probe.outputParams.offset;
  const B = sequences.length;
  const exact = firstGradient(new Engine(probe, makeSchedule({}), B), sequences, P);
  const tbptt = firstGradient(new Engine(probe, makeSchedule({ k1: 15, k2: 15 }), B), sequences, P);
  const norm2 = dot(exact, exact);
  const mean = new Float64Array(P);
  let relativeVariance = 0;
  let cosine = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const g = firstGradient(
      new OnlineEngine(probe, makeSchedule({ algorithm: "uoro" }), B, seed),
      sequences,
      P,
    );
    let err = 0;
    for (let i = 0; i < P; i++) {
      err += ((g[i] as number) - (exact[i] as number)) ** 2;
      mean[i] += (g[i] as number) / seeds;
    }
    relativeVariance += err / norm2 / seeds;
    cosine += dot(g, exact) / Math.sqrt(dot(g, g) * norm2) / seeds;
  }
  const gap = (a: Float64Array) => Math.sqrt(dot(a, a) - 2 * dot(a, exact) + norm2) / Math.sqrt(norm2);
  return {
    uoroRelativeVariance: relativeVariance,
    uoroCosine: cosine,
    uoroMeanError: gap(mean),
    tbpttRelativeError: gap(tbptt),
    tbpttCosine: dot(tbptt, exact) / Math.sqrt(dot(tbptt, tbptt) * norm2),
  };
}

async function run(): Promise<void> {
  const configPath = args[1] as string;
  const seconds = Number(flag("--seconds") ?? 60);
  // Validation at 0.25 s of training and then every time the training time grows by this factor.
  const evalFactor = Number(flag("--eval-factor") ?? 1.3);
  const seeds = Number(flag("--variance") ?? 0);
  const out = flag("--out");
  if (!configPath || !out)
    throw new Error("usage: online-results.ts run CONFIG.json --seconds S --out FILE.json");
  const own = new Set(["--seconds", "--eval-factor", "--variance", "--out", "--label"]);
  const overrides: [string, string][] = [];
  for (let i = 2; i < args.length; i += 2) {
    const key = args[i] as string;
    if (!own.has(key)) overrides.push([key.replace(/^--/, ""), args[i + 1] as string]);
  }
  const { config } = readConfigFile(configPath, overrides);
  const data = await loadTaskData(config);
  if (!data.valid)
    throw new Error(`${configPath}: the runs need validation data (data.valid or validFraction)`);
  const { backend } = await backendForConfig(config);
  const architecture = modelConfigFor(config, data);
  const model = createModelForConfig(config, architecture, backend);
  const probe = new SequenceModel(architecture, backend);
  const options = { ...trainerOptionsFromConfig(config, "loss"), maxSeconds: seconds, epochs: 1_000_000 };
  const streams = config.validStreams ?? config.streams;
  let paused = 0;
  let pausedCpu = 0;
  const clock = () => performance.now() - paused;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6 - pausedCpu;
  };
  const start = clock();
  const startCpu = cpu();
  let steps = 0;
  let updates = 0;
  const points: {
    steps: number;
    updates: number;
    seconds: number;
    cpuSeconds: number;
    validLoss: number;
    frameError?: number;
  }[] = [];
  const variance: VarianceRow[] = [];
  const measure = (withVariance: boolean) => {
    const t0 = performance.now();
    const c0 = cpu();
    probe.params.set(model.params);
    const summary: MetricsSummary = evaluateModel(
      probe,
      data.valid as SequenceLike[],
      options.schedule,
      streams,
    ).summary();
    const at = { steps, updates, seconds: (clock() - start) / 1000, cpuSeconds: cpu() - startCpu };
    points.push({ ...at, validLoss: summary.lossPerFrame, frameError: summary.frameError });
    if (withVariance && seeds > 0)
      variance.push({
        seconds: at.seconds,
        steps,
        ...measureVariance(probe, data.valid as SequenceLike[], config.streams, seeds),
      });
    console.log(
      `${at.seconds.toFixed(1)} s, ${steps} steps: valid loss ${summary.lossPerFrame.toFixed(4)}${summary.frameError !== undefined ? `, error ${(100 * summary.frameError).toFixed(1)} %` : ""}`,
    );
    paused += performance.now() - t0;
    pausedCpu += cpu() - c0;
  };
  measure(true);
  let nextEval = 0.25;
  let halfway = false;
  const trainer = new Trainer(model, data.train, null, options);
  const result = await trainer.run({
    now: clock,
    onUpdate(record) {
      steps += record.forwardSteps;
      updates++;
      const elapsed = (clock() - start) / 1000;
      if (elapsed >= nextEval) {
        while (nextEval <= elapsed) nextEval *= evalFactor;
        const variancePoint = !halfway && elapsed >= seconds / 2;
        halfway ||= variancePoint;
        measure(variancePoint);
      }
    },
  });
  measure(true);
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        command: `node --import tsx scripts/online-results.ts ${args.join(" ")}`,
        label: flag("--label") ?? options.schedule.algorithm,
        algorithm: options.schedule.algorithm,
        schedule: { ...options.schedule, k1: String(options.schedule.k1), k2: String(options.schedule.k2) },
        backend: backend.name,
        parameters: model.layout.size,
        streams: config.streams,
        stop: result.reason,
        points,
        variance,
      },
      null,
      1,
    )}\n`,
  );
}

const COLOURS = ["#1f4e9c", "#d35400", "#2e8b57", "#888888", "#8e44ad"];

interface RunFile {
  label: string;
  points: { steps: number; seconds: number; validLoss: number; frameError?: number }[];
}

/** Validation loss against steps and against training seconds, one line per run; frame error too where there is one. */
function plot(): void {
  const svg = flag("--svg");
  const title = flag("--title") ?? "";
  const yLabel = flag("--loss-label") ?? "validation loss per labelled step";
  const files = args.slice(1).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"));
  if (!svg || files.length === 0) throw new Error("usage: online-results.ts plot --svg FILE.svg A.json …");
  const runs = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as RunFile);
  const series = (
    x: (p: RunFile["points"][number]) => number,
    y: (p: RunFile["points"][number]) => number | undefined,
  ) =>
    runs.map(
      (r, i): Series => ({
        points: r.points.filter((p) => x(p) > 0 && y(p) !== undefined).map((p) => [x(p), y(p) as number]),
        colour: COLOURS[i % COLOURS.length] as string,
        label: r.label,
      }),
    );
  const panels: ChartSpec[] = [
    {
      title: `${yLabel}, against steps of the stream clock`,
      xLabel: "steps",
      xLog: true,
      yLog: false,
      series: series(
        (p) => p.steps,
        (p) => p.validLoss,
      ),
    },
    {
      title: `${yLabel}, against training time`,
      xLabel: "seconds (wall, evaluation excluded)",
      xLog: true,
      yLog: false,
      series: series(
        (p) => p.seconds,
        (p) => p.validLoss,
      ),
    },
  ];
  if (runs.every((r) => r.points.every((p) => p.frameError !== undefined)))
    panels.push({
      title: "validation error, against training time",
      xLabel: "seconds (wall, evaluation excluded)",
      xLog: true,
      yLog: false,
      yInclude: [0],
      series: series(
        (p) => p.seconds,
        (p) => p.frameError,
      ),
    });
  const panelHeight = CHART.top + CHART.height + CHART.bottom + 14;
  const width = CHART.left + CHART.width + CHART.right;
  const height = 30 + panels.length * panelHeight;
  writeFileSync(
    svg,
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
      `<rect width="${width}" height="${height}" fill="#fff"/>`,
      `<text x="${CHART.left}" y="20" font-size="14" font-weight="bold" fill="#222">${escapeXml(title)}</text>`,
      ...panels.flatMap((p, i) => chart(p, 30 + i * panelHeight)),
      "</svg>",
      "",
    ].join("\n"),
  );
}

if (args[0] === "run") await run();
else if (args[0] === "plot") plot();
else throw new Error("usage: online-results.ts run|plot …");
