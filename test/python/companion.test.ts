// The PyTorch companion (python/tbptt_torch.py, docs/scale.md) against `tbptt train`: the
// same config, data and seed give the same weights after tens of updates, for every
// schedule kind (chunked, overlapping windows with k2 > k1, frame-wise, sentence-wise,
// per-loss with k2 < k1 and k2 > k1, resets every N with and without flush, packed
// streams), every cell, LSTMP, bidirectional nets, both heads per frame and per sequence,
// every optimizer, clipping, weight decay, learning-rate schedules, feature
// normalisation, both data formats and an init file. Both run in float64 (tbptt on its
// plain backend). The tolerance is on the weights' change from their start,
// ‖Δ_torch − Δ_tbptt‖ / ‖Δ_tbptt‖ ≤ 1e-9: the two differ only by rounding (the order of
// sums in matrix products, exp and tanh implementations), about 1e-16 per operation,
// which 30 updates amplify to at most ~1e-13 here; a schedule error gives 1e-3 or more
// (the controls below make the companion err on purpose and check it is caught).
// A two-process DistributedDataParallel run (torchrun, gloo, CPU) with 4 streams over 2
// workers equals a `tbptt train` run with 4 streams.
// Skips, saying why, where python3 has no torch.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { readSafetensorsFileSync } from "../../src/io/atomic-write.js";
import { readConfigFile } from "../../src/io/config-file.js";
import { readLabelledFile, writeLabelledBinary } from "../../src/io/dataset-files.js";
import { loadTaskData } from "../../src/io/task-files.js";
import { parameterTensors } from "../../src/nn/weights.js";
import {
  backendForConfig,
  createModelForConfig,
  modelConfigFor,
  trainerOptionsFromConfig,
} from "../../src/train/setup.js";
import { Trainer } from "../../src/train/trainer.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { relativeChange } from "../helpers/compare.js";

const PYTHON = process.env.TBPTT_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
const skip =
  probe.status === 0
    ? false
    : `PyTorch is not installed for ${PYTHON} (scripts/setup-system.sh installs python3-torch)`;
const COMPANION = join(ROOT, "python", "tbptt_torch.py");
const TOLERANCE = 1e-9;

type Json = Record<string, unknown>;

/** Seeded sequences of 3 features and 3–17 steps in four forms (docs/data.md), some frames masked. */
function writeData(dir: string): void {
  const rng = new Rng(21);
  const forms: Record<string, (x: number[][]) => Json> = {
    classes: (x) => ({
      y: x.map((f, t) => ((f[0] as number) + (t > 0 ? (x[t - 1]?.[1] as number) : 0) > 0 ? "up" : "down")),
      mask: x.map(() => (rng.next() < 0.85 ? 1 : 0)),
    }),
    indices: (x) => ({ y: x.map((f) => Number((f[0] as number) > 0) + Number((f[1] as number) > 0)) }),
    values: (x) => ({
      y: x.map((f, t) => [(f[0] as number) + (t > 0 ? (x[t - 1]?.[1] as number) : 0), 2 * (f[2] as number)]),
      mask: x.map(() => (rng.next() < 0.8 ? 1 : 0)),
    }),
    "sequence-classes": (x) => ({ y: x.reduce((a, f) => a + (f[0] as number), 0) > 0 ? "pos" : "neg" }),
    "sequence-values": (x) => ({ y: [x.reduce((a, f) => a + (f[0] as number), 0), x[0]?.[1] as number] }),
  };
  for (const [name, form] of Object.entries(forms)) {
    const lines = Array.from({ length: 24 }, () => {
      const T = 3 + rng.int(15);
      const x = Array.from({ length: T }, () =>
        [0, 1, 2].map(() => Math.round(rng.uniform(-1, 1) * 1000) / 1000),
      );
      return JSON.stringify({ x, ...form(x) });
    });
    writeFileSync(join(dir, `${name}.jsonl`), `${lines.join("\n")}\n`);
  }
  // The binary form of two of them, written by tbptt.
  for (const name of ["values", "sequence-classes"])
    writeLabelledBinary(join(dir, `${name}.bin`), readLabelledFile(join(dir, `${name}.jsonl`)));
}

const base: Json = {
  model: { cell: "lstm", hiddenSize: 5 },
  optimizer: { type: "sgd", lr: 0.05 },
  streams: 3,
  data: { train: "classes.jsonl" },
  seed: 3,
  epochs: 2,
  dtype: "float64",
  maxUpdates: 30,
};

/** Every schedule kind, cell, head, optimizer and data path the companion supports. */
const cases: Record<string, Json> = {
  "chunked windows k1 = k2 = 4, LSTM, SGD": { schedule: { k1: 4, k2: 4 } },
  "overlapping windows k1 = 3, k2 = 8, GRU, Adam, clip norm": {
    model: { cell: "gru" },
    schedule: { k1: 3, k2: 8 },
    optimizer: { type: "adam", lr: 0.01 },
    clip: { norm: 1 },
  },
  "frame-wise k1 = 1, k2 = ∞, tanh RNN, Nesterov, reduction mean": {
    model: { cell: "rnn" },
    schedule: { k1: 1, k2: "Infinity", reduction: "mean" },
    optimizer: { type: "sgd", lr: 0.1, momentum: 0.9, nesterov: true },
  },
  "sentence-wise k1 = k2 = ∞, 2 layers, centered RMSProp with momentum": {
    model: { layers: 2 },
    optimizer: { type: "rmsprop", lr: 0.01, momentum: 0.5, centered: true },
    epochs: 4,
  },
  "per-loss k1 = 6, k2 = 3 (k2 < k1), Adagrad, clip value": {
    schedule: { k1: 6, k2: 3, truncation: "per-loss" },
    optimizer: { type: "adagrad", lr: 0.1 },
    clip: { value: 0.5 },
  },
  "per-loss k1 = 3, k2 = 5 (k2 > k1), GRU, packed, reset never": {
    model: { cell: "gru" },
    schedule: { k1: 3, k2: 5, truncation: "per-loss", layout: "packed", reset: "never" },
  },
  "per-loss k1 = 2, k2 = ∞, class indices": {
    data: { train: "indices.jsonl" },
    schedule: { k1: 2, k2: "Infinity", truncation: "per-loss" },
  },
  "windows k1 = 4, k2 = 6, reset every 7, flush off": {
    schedule: { k1: 4, k2: 6, reset: { every: 7 }, flush: false },
  },
  "packed, reset every 6, k1 = 5, k2 = 9, Adam": {
    schedule: { k1: 5, k2: 9, reset: "every:6", layout: "packed" },
    optimizer: { type: "adam", lr: 0.01 },
  },
  "LSTMP (projSize 3), 2 layers, k1 = 3, k2 = 7": {
    model: { projSize: 3, layers: 2 },
    schedule: { k1: 3, k2: 7 },
  },
  "real values per frame (mse), binary file, normalised features, k1 = 4, k2 = 9": {
    data: { train: "values.bin", normalise: true },
    schedule: { k1: 4, k2: 9 },
  },
  "real values per sequence (mse), chunks of 4": {
    data: { train: "sequence-values.jsonl" },
    model: { output: { kind: "mse", per: "sequence" } },
    schedule: { k1: 4, k2: 4 },
  },
  "a class per sequence, per-loss k1 = ∞, k2 = 5, binary file": {
    data: { train: "sequence-classes.bin" },
    schedule: { k1: "Infinity", k2: 5, truncation: "per-loss" },
    epochs: 4,
  },
  "bidirectional 2-layer LSTM, a class per sequence (h_n)": {
    data: { train: "sequence-classes.jsonl" },
    model: { bidirectional: true, layers: 2 },
    epochs: 4,
  },
  "bidirectional GRU, a class per frame": { model: { bidirectional: true, cell: "gru" }, epochs: 4 },
  "weight decay, step learning-rate schedule, no shuffle, 3 epochs": {
    shuffle: false,
    optimizer: { type: "sgd", lr: 0.1, momentum: 0.9, weightDecay: 0.01 },
    lrSchedule: { type: "step", after: 0, factor: 0.5 },
    schedule: { k1: 5, k2: 5 },
    epochs: 3,
    maxUpdates: 60,
  },
  "xavier init, orthogonal W_hh, forget bias 1": {
    model: { init: { scheme: "xavier", orthogonal: true, forgetBias: 1 } },
    schedule: { k1: 4, k2: 4 },
  },
  "weights from an init file": { init: "init.safetensors", schedule: { k1: 4, k2: 9 } },
};

/** The companion run with one setting changed on purpose, and the case it must then differ from. */
const controls: Record<string, [string, Json]> = {
  "k2 one short (7 instead of 8)": [
    "overlapping windows k1 = 3, k2 = 8, GRU, Adam, clip norm",
    { "schedule.k2": 7 },
  ],
  "window instead of per-loss": [
    "per-loss k1 = 3, k2 = 5 (k2 > k1), GRU, packed, reset never",
    { "schedule.truncation": "window" },
  ],
  "sum instead of mean": [
    "frame-wise k1 = 1, k2 = ∞, tanh RNN, Nesterov, reduction mean",
    { "schedule.reduction": "sum" },
  ],
  "flush on": ["windows k1 = 4, k2 = 6, reset every 7, flush off", { "schedule.flush": true }],
};

function merge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const inner = a[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && inner && typeof inner === "object"
        ? merge(inner as Json, v as Json)
        : v;
  }
  return out;
}

/** A TCP port no one listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const slug = (name: string) => name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);

/** `tbptt train`'s own pieces (src/cli/train.ts), in process: the initial and final weights by name. */
async function trainTbptt(
  path: string,
): Promise<{ initial: Map<string, Float64Array>; final: Map<string, Float64Array> }> {
  const { config } = readConfigFile(path);
  const data = await loadTaskData(config);
  const { backend } = await backendForConfig(config);
  const init = config.init
    ? { tensors: readSafetensorsFileSync(config.init).tensors, source: config.init }
    : undefined;
  const model = createModelForConfig(config, modelConfigFor(config, data, path), backend, init);
  const byName = () =>
    new Map(parameterTensors(model).map((t) => [t.name, Float64Array.from(t.data as Float64Array)]));
  const initial = byName();
  await new Trainer(model, data.train, null, trainerOptionsFromConfig(config, "frameError")).run();
  return { initial, final: byName() };
}

function flat(names: string[], tensors: Map<string, ArrayLike<number>>): Float64Array {
  return Float64Array.from(names.flatMap((n) => Array.from(tensors.get(n) as ArrayLike<number>)));
}

function torchWeights(folder: string): Map<string, ArrayLike<number>> {
  const { tensors } = readSafetensorsFileSync(join(folder, "model.safetensors"));
  return new Map([...tensors].map(([name, t]) => [name, t.data as ArrayLike<number>]));
}

describe("the PyTorch companion", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-torch-"));
  const tbptt = new Map<string, Awaited<ReturnType<typeof trainTbptt>>>();
  let results: {
    train: Record<string, { updates: number }>;
    cells: Record<string, number>;
    refusals: Record<string, string | null>;
  };

  before(async () => {
    writeData(dir);
    // An init file: the weights tbptt draws for seed 9.
    const initConfig = join(dir, "init.json");
    writeFileSync(
      initConfig,
      JSON.stringify(merge(base, { seed: 9, maxUpdates: 1, out: join(dir, "init-run") })),
    );
    assert.equal(runCli(["train", initConfig]).status, 0);
    writeFileSync(
      join(dir, "init.safetensors"),
      readFileSync(join(dir, "init-run", "model", "model.safetensors")),
    );
    const jobs: { train: Json; cells: Json; refusals: Json } = { train: {}, cells: {}, refusals: {} };
    for (const [name, extra] of Object.entries(cases)) {
      const path = join(dir, `${slug(name)}.json`);
      writeFileSync(path, JSON.stringify(merge(base, extra)));
      tbptt.set(name, await trainTbptt(path));
      jobs.train[name] = { config: path, out: join(dir, `${slug(name)}-torch`) };
    }
    for (const [name, [of, overrides]] of Object.entries(controls))
      jobs.train[name] = {
        config: join(dir, `${slug(of)}.json`),
        overrides,
        out: join(dir, `${slug(name)}-control`),
      };
    jobs.cells = {
      lstm: { cell: "lstm", layers: 2, bidirectional: false, projSize: 0, seed: 1 },
      gru: { cell: "gru", layers: 2, bidirectional: false, projSize: 0, seed: 2 },
      rnn: { cell: "rnn", layers: 1, bidirectional: false, projSize: 0, seed: 3 },
      lstmp: { cell: "lstm", layers: 2, bidirectional: false, projSize: 2, seed: 4 },
      "bidirectional lstm": { cell: "lstm", layers: 2, bidirectional: true, projSize: 0, seed: 5 },
    };
    const data = { train: "x.jsonl" };
    jobs.refusals = {
      "model.peepholes": { model: { peepholes: true }, data },
      "model.cell": { model: { cell: "mlp" }, data },
      "model.nonlinearity": { model: { cell: "rnn", nonlinearity: "sigmoid" }, data },
      "model.gradient": { model: { gradient: "truncated-1997" }, data },
      "model.output.kind": { model: { output: { kind: "class-softmax" } }, data },
      "schedule.outputUpdate": { schedule: { outputUpdate: "step" }, data },
      noise: { noise: { weight: 0.01 }, data },
      earlyStopping: { earlyStopping: { patience: 3 }, data },
      task: { task: "text", data },
      "data.train": { data: { train: "memory:recall?lag=5" } },
      "model.bidirectional": { model: { bidirectional: true }, schedule: { k1: 5, k2: 5 }, data },
    };
    const jobsPath = join(dir, "jobs.json");
    const resultsPath = join(dir, "results.json");
    writeFileSync(jobsPath, JSON.stringify(jobs));
    const run = spawnSync(
      PYTHON,
      [join(ROOT, "test", "python", "companion_driver.py"), jobsPath, resultsPath],
      {
        encoding: "utf8",
        timeout: 900_000,
      },
    );
    assert.equal(run.status, 0, run.stderr);
    results = JSON.parse(readFileSync(resultsPath, "utf8"));
  });

  for (const name of Object.keys(cases)) {
    test(`gives tbptt train's weights: ${name}`, () => {
      const { initial, final } = tbptt.get(name)!;
      const names = [...initial.keys()];
      const torch = torchWeights(join(dir, `${slug(name)}-torch`));
      assert.deepEqual([...torch.keys()].sort(), [...names].sort(), "the same parameter names");
      const start = flat(names, initial);
      const moved = relativeChange(start, flat(names, final), start);
      assert.ok(results.train[name]!.updates >= 30, "at least 30 updates");
      assert.ok(moved > 1e-3, `the weights moved (‖Δ‖ / ‖w‖ = ${moved})`);
      const error = relativeChange(start, flat(names, torch), flat(names, final));
      assert.ok(error <= TOLERANCE, `‖Δ_torch − Δ_tbptt‖ / ‖Δ_tbptt‖ = ${error}`);
    });
  }

  for (const [name, [of]] of Object.entries(controls)) {
    test(`the comparison is sharp: with ${name} the companion no longer matches`, () => {
      const { initial, final } = tbptt.get(of)!;
      const names = [...initial.keys()];
      const wrong = torchWeights(join(dir, `${slug(name)}-control`));
      const error = relativeChange(flat(names, initial), flat(names, wrong), flat(names, final));
      assert.ok(error > 1e3 * TOLERANCE, `error ${error}`);
    });
  }

  test("its per-step cell equations are torch.nn's (the modules' fused forward, 1e-12)", () => {
    for (const [name, difference] of Object.entries(results.cells))
      assert.ok(difference < 1e-12, `${name}: ${difference}`);
  });

  test("it refuses what it cannot run exactly, naming the key", () => {
    for (const [key, message] of Object.entries(results.refusals)) {
      assert.ok(message, `${key}: accepted`);
      assert.match(message, new RegExp(key.replace(/\./g, "\\.")), message);
    }
  });

  test("its command line exits 2 on a config it refuses, with the reason", () => {
    const path = join(dir, "peepholes.json");
    writeFileSync(path, JSON.stringify(merge(base, { model: { peepholes: true } })));
    const r = spawnSync(PYTHON, [COMPANION, "train", path], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /model\.peepholes: torch\.nn\.LSTM has no peephole connections/);
  });

  test("two DDP workers (torchrun, gloo) × 2 streams give tbptt train's weights with 4 streams", async () => {
    const config = join(dir, "ddp.json");
    writeFileSync(
      config,
      JSON.stringify(
        merge(base, {
          streams: 4,
          schedule: { k1: 3, k2: 6, truncation: "per-loss", layout: "packed", reduction: "mean" },
          optimizer: { type: "adam", lr: 0.01 },
          clip: { norm: 1 },
          maxUpdates: 30,
        }),
      ),
    );
    const tbpttRun = runCli(["train", config, "--out", join(dir, "ddp-tbptt")]);
    assert.equal(tbpttRun.status, 0, tbpttRun.stderr);
    const torchrun = [
      "-m",
      "torch.distributed.run",
      "--master_port",
      String(await freePort()), // not the default 29500: another test run may be using it
      "--nproc_per_node",
      "2",
      "--redirects",
      "1",
      "--tee",
      "1",
      COMPANION,
      "train",
      config,
      "--out",
      join(dir, "ddp-torch"),
    ];
    const r = spawnSync(PYTHON, torchrun, { encoding: "utf8", timeout: 600_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /4 streams on 2 worker\(s\)/);
    const reference = torchWeights(join(dir, "ddp-tbptt", "model"));
    const names = [...reference.keys()];
    const torch = torchWeights(join(dir, "ddp-torch", "model"));
    let worst = 0;
    let largest = 0;
    for (const n of names) {
      const a = reference.get(n) as ArrayLike<number>;
      const b = torch.get(n) as ArrayLike<number>;
      for (let i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
        largest = Math.max(largest, Math.abs(a[i] as number));
      }
    }
    assert.ok(worst <= TOLERANCE * largest, `largest difference ${worst} (largest weight ${largest})`);
  });
});
