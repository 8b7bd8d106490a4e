// The runs behind docs/results-online.md: one training config, trained by the library's
// Trainer for a budget of seconds with the algorithm the config (or an override) names,
// validated every few seconds of training on a copy of the model (evaluation time is not
// counted), and, with --variance M, UORO's gradient estimate measured against the exact
// gradient at the start, the middle and the end of the run. Writes one JSON file.
//
//   node --import tsx scripts/online-results.ts run CONFIG.json --seconds 600 [--eval-factor 1.3]
//        [--variance 200] --out FILE.json [--schedule.algorithm uoro --key.path value …]
//   node --import tsx scripts/online-results.ts plot --svg FILE.svg --title TEXT [--bits] [--error] [--hline Y:LABEL] A.json B.json …
//   node --import tsx scripts/online-results.ts table --target LOSS [--bits] A.json B.json …
//   node --import tsx scripts/online-results.ts ladder [--bits] --steps 1000,10000 --cpu 1,10 A.json …
//   node --import tsx scripts/online-results.ts variance A.json …
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
  points: { steps: number; seconds: number; cpuSeconds: number; validLoss: number; frameError?: number }[];
}
type Point = RunFile["points"][number];

/**
 * Validation loss against steps, wall time and CPU time, one line per run (--bits: in bits,
 * the loss divided by ln 2); with --error, the validation error against CPU time too.
 */
function plot(): void {
  const svg = flag("--svg");
  const title = flag("--title") ?? "";
  const bits = args.includes("--bits");
  const yLabel = bits ? "validation bits per character" : "validation loss per labelled step (nats)";
  const files = args
    .slice(1)
    .filter(
      (a, i, all) => a.endsWith(".json") && !["--svg", "--title", "--hline"].includes(all[i - 1] as string),
    );
  if (!svg || files.length === 0) throw new Error("usage: online-results.ts plot --svg FILE.svg A.json …");
  const runs = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as RunFile);
  const loss = (p: Point) => (bits ? p.validLoss / Math.LN2 : p.validLoss);
  const series = (x: (p: Point) => number, y: (p: Point) => number | undefined) =>
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
      series: series((p) => p.steps, loss),
    },
    {
      title: `${yLabel}, against wall time`,
      xLabel: "seconds of training (wall; validation excluded)",
      xLog: true,
      yLog: false,
      series: series((p) => p.seconds, loss),
    },
    {
      title: `${yLabel}, against CPU time`,
      xLabel: "CPU seconds of training (user + system)",
      xLog: true,
      yLog: false,
      series: series((p) => p.cpuSeconds, loss),
    },
  ];
  if (args.includes("--error"))
    panels.push({
      title: "validation error, against CPU time",
      xLabel: "CPU seconds of training (user + system)",
      xLog: true,
      yLog: false,
      yInclude: [0],
      series: series(
        (p) => p.cpuSeconds,
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

/**
 * One markdown row per run: what it did in its budget, its last validation figures, and
 * the first validation point at or below --target (loss, or bits with --bits): steps, wall
 * and CPU seconds to get there.
 */
function table(): void {
  const bits = args.includes("--bits");
  const target = Number(flag("--target"));
  const files = args.slice(1).filter((a) => a.endsWith(".json"));
  const unit = bits ? "bits/char" : "nats";
  console.log(
    `| run | steps | updates | wall s | CPU s | last valid loss (${unit}) | last error | first ≤ ${target}: steps | wall s | CPU s |`,
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const f of files) {
    const r = JSON.parse(readFileSync(f, "utf8")) as RunFile & { points: (Point & { updates: number })[] };
    const loss = (p: Point) => (bits ? p.validLoss / Math.LN2 : p.validLoss);
    const last = r.points[r.points.length - 1] as Point & { updates: number };
    const hit = r.points.find((p) => loss(p) <= target);
    const pct = (e: number | undefined) => (e === undefined ? "—" : `${(100 * e).toFixed(1)} %`);
    console.log(
      `| ${r.label} | ${last.steps} | ${last.updates} | ${last.seconds.toFixed(0)} | ${last.cpuSeconds.toFixed(1)} | ${loss(last).toFixed(4)} | ${pct(last.frameError)} | ${hit ? hit.steps : "not reached"} | ${hit ? hit.seconds.toFixed(1) : "—"} | ${hit ? hit.cpuSeconds.toFixed(1) : "—"} |`,
    );
  }
}

/**
 * The validation loss (or bits, --bits) of each run at the last validation point at or
 * before each step count of --steps and each CPU time of --cpu (a dash where the run had
 * not got there).
 */
function ladder(): void {
  const bits = args.includes("--bits");
  const steps = (flag("--steps") ?? "").split(",").filter(Boolean).map(Number);
  const cpu = (flag("--cpu") ?? "").split(",").filter(Boolean).map(Number);
  const files = args.slice(1).filter((a) => a.endsWith(".json"));
  const runs = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as RunFile);
  const loss = (p: Point) => (bits ? p.validLoss / Math.LN2 : p.validLoss);
  const at = (r: RunFile, x: (p: Point) => number, limit: number) => {
    const last = r.points[r.points.length - 1] as Point;
    const before = r.points.filter((p) => x(p) <= limit);
    return x(last) < limit || before.length === 0 ? "—" : loss(before[before.length - 1] as Point).toFixed(3);
  };
  const columns = [...steps.map((n) => `${n} steps`), ...cpu.map((c) => `${c} CPU s`)];
  console.log(`| run | ${columns.join(" | ")} |`);
  console.log(`| --- |${columns.map(() => " ---: |").join("")}`);
  for (const r of runs)
    console.log(
      `| ${r.label} | ${[...steps.map((n) => at(r, (p) => p.steps, n)), ...cpu.map((c) => at(r, (p) => p.cpuSeconds, c))].join(" | ")} |`,
    );
}

/** The variance rows of the runs that measured them (run --variance M), as a markdown table. */
function varianceTable(): void {
  const files = args.slice(1).filter((a) => a.endsWith(".json"));
  console.log(
    "| run | at (s, steps) | UORO E‖g̃ − g‖² / ‖g‖² | UORO mean cos(g̃, g) | ‖mean of M − g‖ / ‖g‖ | TBPTT(15, 15) ‖g_T − g‖ / ‖g‖ | TBPTT(15, 15) cos |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const f of files) {
    const r = JSON.parse(readFileSync(f, "utf8")) as { label: string; variance: VarianceRow[] };
    for (const v of r.variance)
      console.log(
        `| ${f.split("/").pop()} | ${v.seconds.toFixed(0)} s, ${v.steps} | ${v.uoroRelativeVariance.toPrecision(3)} | ${v.uoroCosine.toFixed(3)} | ${v.uoroMeanError.toFixed(2)} | ${v.tbpttRelativeError.toFixed(3)} | ${v.tbpttCosine.toFixed(3)} |`,
      );
  }
}

if (args[0] === "run") await run();
else if (args[0] === "variance") varianceTable();
else if (args[0] === "plot") plot();
else if (args[0] === "table") table();
else if (args[0] === "ladder") ladder();
else throw new Error("usage: online-results.ts run|plot|table|ladder|variance …");
