/**
 * `tbptt gradient CONFIG|RUN`: the gradient horizon and truncation bias of a model on its
 * training data (src/gradient/analyse.ts, docs/gradient.md). CONFIG.json measures the
 * model the config would train, at initialisation (its seed); a run folder (with
 * config.json) measures its trained weights (best/, else model/), and a model folder
 * inside a run (RUN/best, RUN/model) those. Wires, prints; `--svg` writes atomically.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../core/errors.js";
import { makeSchedule } from "../engine/schedule.js";
import { analyseGradient, DEFAULT_GRADIENT_UPDATES, DEFAULT_TOLERANCE } from "../gradient/analyse.js";
import { renderGradientSvg } from "../gradient/render-svg.js";
import { renderGradientText } from "../gradient/render-text.js";
import { readSafetensorsFileSync, writeFileAtomic } from "../io/atomic-write.js";
import { loadModelDir } from "../io/model-files.js";
import { loadTaskData } from "../io/task-files.js";
import type { SequenceModel } from "../nn/model.js";
import { backendForConfig, createModelForConfig, modelConfigFor } from "../train/setup.js";
import { docsLine } from "./help.js";
import { readConfig } from "./train.js";

export const GRADIENT_USAGE = `Usage: tbptt gradient CONFIG.json|RUN [--k2 LIST] [--updates N] [--tolerance C]
                      [--json] [--svg FILE] [--seed N] [--dtype float32|float64] [--KEY.PATH VALUE ...]

How far back does the gradient reach, and which k2 is enough? Over the first N updates
of the configured schedule on the training data (parameters fixed):
  - the lag profile: mean ‖∂L_s/∂h_{s−τ}‖ for every τ, and the share of the summed weight
    gradient from lags ≥ τ;
  - per k2 (with the configured k1): cosine and relative error of each update's truncated
    gradient against full BPTT's (k2 = ∞), mean ± sd [min … max];
  - the smallest k2 whose mean cosine reaches the tolerance, with its cost beside full BPTT's.

CONFIG.json measures the model at initialisation; a run folder (tbptt train's OUT) its
trained weights, from best/ (else model/); RUN/best or RUN/model that model.

  --k2 LIST        k2 values, e.g. 1,2,5,10,20 (default 1, 2, 5, 10, … below the longest history, and the config's k2)
  --updates N      updates in the sample (default ${DEFAULT_GRADIENT_UPDATES})
  --tolerance C    the mean cosine a recommended k2 must reach (default ${DEFAULT_TOLERANCE})
  --seed N         the order sequences are sampled in, when each starts from a reset (default 1)
  --dtype D        float32 (the config's backend, fast) or float64 (plain, exact); default the config's dtype
  --json           print the whole report as JSON
  --svg FILE       also write the four plots as one SVG picture
  --no-state       skip ‖∂L_s/∂h_{s−τ}‖ (one backward sweep per loss's whole history)
  --profile-steps N  the lag profile's budget: the sample's first sequences with Σ length² ≤ N (default 1048576)
  --KEY.PATH VALUE override a config key, as tbptt train does (e.g. --streams 4)

${docsLine("gradient.md")}`;

interface GradientArgs {
  target: string;
  k2?: number[];
  updates?: number;
  tolerance?: number;
  seed?: number;
  dtype?: "float32" | "float64";
  json: boolean;
  svg?: string;
  state: boolean;
  profileSteps?: number;
  overrides: [string, string][];
}

function integer(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || text === "" || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(text ?? "")}`);
  return n;
}

export function parseGradientArgs(argv: readonly string[]): GradientArgs {
  const args: GradientArgs = { target: "", json: false, state: true, overrides: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0 && arg.startsWith("--")) return arg.slice(eq + 1);
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`${flag}: expected a value`);
      return value;
    };
    if (flag === "--json") args.json = true;
    else if (flag === "--no-state") args.state = false;
    else if (flag === "--k2")
      args.k2 = takeValue()
        .split(",")
        .map((v) => integer("--k2", v.trim(), 1));
    else if (flag === "--updates") args.updates = integer("--updates", takeValue(), 1);
    else if (flag === "--profile-steps") args.profileSteps = integer("--profile-steps", takeValue(), 1);
    else if (flag === "--seed") args.seed = integer("--seed", takeValue(), Number.MIN_SAFE_INTEGER);
    else if (flag === "--tolerance") {
      const text = takeValue();
      const c = Number(text);
      if (text === "" || !(c > 0 && c <= 1))
        throw new UsageError(`--tolerance: expected a cosine in (0, 1], got ${JSON.stringify(text)}`);
      args.tolerance = c;
    } else if (flag === "--dtype") {
      const d = takeValue();
      if (d !== "float32" && d !== "float64")
        throw new UsageError(`--dtype: expected float32 or float64, got ${JSON.stringify(d)}`);
      args.dtype = d;
    } else if (flag === "--svg") {
      const file = takeValue();
      if (file === "") throw new UsageError("--svg: expected a file name");
      args.svg = file;
    } else if (arg.startsWith("--")) args.overrides.push([flag.slice(2), takeValue()]);
    else if (args.target === "") args.target = arg;
    else
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (one CONFIG.json or RUN folder only)`);
  }
  if (args.target === "") throw new UsageError(`missing CONFIG.json or RUN folder\n\n${GRADIENT_USAGE}`);
  return args;
}

/** Where the config and the weights come from, for a config file, a run folder or a model folder in a run. */
function locate(target: string): { config: string; weights: string | null } {
  if (!existsSync(target)) throw new UsageError(`${target}: no such config file or run folder`);
  if (!statSync(target).isDirectory()) return { config: target, weights: null };
  if (existsSync(join(target, "model.json"))) {
    const config = join(dirname(target), "config.json");
    if (!existsSync(config))
      throw new UsageError(`${target}: a model folder, but ${config} (its run's config) is missing`);
    return { config, weights: target };
  }
  const config = join(target, "config.json");
  if (!existsSync(config)) throw new UsageError(`${target}: not a run folder (no config.json)`);
  for (const dir of ["best", "model"])
    if (existsSync(join(target, dir, "model.json"))) return { config, weights: join(target, dir) };
  throw new UsageError(`${target}: the run has no trained model yet (no best/ or model/)`);
}

export async function gradientCommand(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(GRADIENT_USAGE);
    return;
  }
  const args = parseGradientArgs(argv);
  const where = locate(args.target);
  const config = readConfig(where.config, args.overrides);
  if (args.dtype) config.dtype = args.dtype;
  const schedule = makeSchedule(config.schedule);
  const data = await loadTaskData(config);
  for (const line of data.warnings ?? []) console.error(line);
  const { backend } = await backendForConfig(config);
  let model: SequenceModel;
  let what: string;
  if (where.weights) {
    model = loadModelDir(where.weights, backend).model;
    for (const key of ["inputSize", "outputSize"] as const)
      if (model.config[key] !== data[key])
        throw new UsageError(
          `${where.weights}: the model's ${key} is ${model.config[key]}, the data's ${data[key]}`,
        );
    what = `the trained model in ${where.weights}`;
  } else {
    model = createModelForConfig(
      config,
      modelConfigFor(config, data, where.config),
      backend,
      config.init
        ? { tensors: readSafetensorsFileSync(config.init).tensors, source: config.init }
        : undefined,
    );
    what = `the model of ${where.config} at initialisation (seed ${config.seed}${config.init ? `, weights ${config.init}` : ""})`;
  }
  const started = Date.now();
  const report = analyseGradient(model, data.train, {
    schedule,
    streams: config.streams,
    ...(args.k2 ? { k2: args.k2 } : {}),
    ...(args.updates ? { updates: args.updates } : {}),
    ...(args.tolerance ? { tolerance: args.tolerance } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    stateProfile: args.state,
    ...(args.profileSteps ? { profileSteps: args.profileSteps } : {}),
    onProgress: args.json ? undefined : (stage) => console.error(`  ${stage}`),
  });
  const heading = `tbptt gradient: ${what}; ${data.describe}; ${backend.name}, ${(Date.now() - started) / 1000} s`;
  if (args.json) {
    const json = { target: args.target, model: what, backend: backend.name, ...report };
    console.log(JSON.stringify(json, (_, v) => (v === Number.POSITIVE_INFINITY ? "Infinity" : v), 2));
  } else console.log(renderGradientText(report, heading));
  if (args.svg) {
    await writeFileAtomic(args.svg, new TextEncoder().encode(renderGradientSvg(report)));
    console.error(`wrote ${args.svg}`);
  }
}
