// TensorFlow.js peer of tbptt's benchmark: training throughput of the same nets.
//
// Usage: node bench/peers/tfjs/bench.mjs WORKLOAD [--backend wasm|cpu]
//          [--seconds S] [--rounds R] [--warmup S]
//
// Prints one JSON line on stdout, e.g. {"system":"tfjs-wasm","backend":"wasm",
// "threads":1,"workload":"A1","throughput":460,"unit":"frames/s",...}, or
// {"system":"tfjs-wasm","skipped":"..."} when TensorFlow.js is not installed
// here (bench/setup.sh installs it).
//
// The workloads are those of torch_bench.py (see bench/peers/README.md): A1,
// A16, B, M256, M1024. The LSTM is written by hand the way a TensorFlow.js user
// would write it, with PyTorch's gate order i, f, g, o and fused gate weights:
//   Z_x = X W_ih + b            (T·B, 4H)  one product for the whole window
//   z_t = Z_x[t] + h_{t-1} W_hh (B, 4H)    per step
//   i, f, g, o = σ(z_i), σ(z_f), tanh(z_g), σ(z_o)
//   c_t = f ⊙ c_{t-1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
//   loss = Σ_frames −log softmax(h_t W_out + b_out)[y_t]
// The backward pass is tf.variableGrads; the update is plain SGD, with the
// global gradient norm clipped to 5 for B. Carried state is kept across
// windows as plain tensors, outside the next window's tape (detached).

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const WORKLOADS = ["A1", "A16", "B", "M256", "M1024"];
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: "string", default: "wasm" },
    seconds: { type: "string", default: "2" },
    rounds: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
  },
});
const workload = positionals[0];
const backend = values.backend;
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
if (!WORKLOADS.includes(workload) || !["wasm", "cpu"].includes(backend) || !(seconds > 0) || !(rounds >= 1)) {
  console.error(
    `usage: bench.mjs ${WORKLOADS.join("|")} [--backend wasm|cpu] [--seconds S>0] [--rounds R>=1] [--warmup S]` +
      ` (got workload=${workload} backend=${backend} seconds=${values.seconds} rounds=${values.rounds})`,
  );
  process.exit(2);
}
const system = `tfjs-${backend}`;

let tf;
let wasm;
try {
  tf = await import("@tensorflow/tfjs");
  wasm = await import("@tensorflow/tfjs-backend-wasm");
} catch (err) {
  console.log(
    JSON.stringify({
      system,
      workload,
      skipped: `TensorFlow.js not installed (run bench/setup.sh): ${err.message}`,
    }),
  );
  process.exit(0);
}

if (backend === "wasm") {
  // Load the .wasm binaries from the local package, never from a CDN.
  const dist = fileURLToPath(new URL("./node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url));
  wasm.setWasmPaths(dist);
}
if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise`);
await tf.ready();

/** Mulberry32: a small seeded generator for reproducible synthetic data. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomNormal(next, n) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - next();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  }
  return out;
}

function oneHot(indices, classes) {
  const out = new Float32Array(indices.length * classes);
  indices.forEach((k, i) => {
    out[i * classes + k] = 1;
  });
  return out;
}

/** Process CPU time in seconds (all threads: V8's GC helpers are part of the cost). */
function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs update() for warm-up, then `rounds` rounds of whole updates, each at least `seconds` long.
 * Returns the work per wall-clock second and per CPU second of each round, and the CPU share overall
 * (CPU seconds over wall seconds: about 1 when nothing else took the core).
 */
function timeRounds(update, workPerUpdate) {
  let start = performance.now();
  for (let done = 0; done < 2 || performance.now() - start < warmup * 1000; done++) update();
  const wallRates = [];
  const cpuRates = [];
  let wallTotal = 0;
  let cpuTotal = 0;
  for (let r = 0; r < rounds; r++) {
    start = performance.now();
    const cpuStart = cpuSeconds();
    let updates = 0;
    let elapsed = 0;
    do {
      update();
      updates++;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < seconds);
    const cpu = cpuSeconds() - cpuStart;
    wallRates.push((updates * workPerUpdate) / elapsed);
    cpuRates.push((updates * workPerUpdate) / cpu);
    wallTotal += elapsed;
    cpuTotal += cpu;
  }
  return { wallRates, cpuRates, cpuShare: cpuTotal / wallTotal };
}

/** LSTM (I → H) + Linear (H → C) + summed softmax cross-entropy, trained by plain SGD. */
class Net {
  constructor(inputs, hidden, classes, lr, clip) {
    const k = 1 / Math.sqrt(hidden); // PyTorch's init: U(−1/√H, 1/√H)
    const u = (shape, seed) => tf.randomUniform(shape, -k, k, "float32", seed);
    this.vars = {
      wIh: tf.variable(u([inputs, 4 * hidden], 1), true, "wIh"), // (I, 4H), gates i, f, g, o
      wHh: tf.variable(u([hidden, 4 * hidden], 2), true, "wHh"), // (H, 4H)
      b: tf.variable(u([4 * hidden], 3), true, "b"), // (4H), b_ih + b_hh in one
      wOut: tf.variable(u([hidden, classes], 4), true, "wOut"), // (H, C)
      bOut: tf.variable(u([classes], 5), true, "bOut"), // (C)
    };
    this.hidden = hidden;
    this.lr = lr;
    this.clip = clip;
    this.lastLoss = Number.NaN;
  }

  zeroState(batch) {
    return { h: tf.zeros([batch, this.hidden]), c: tf.zeros([batch, this.hidden]) };
  }

  /**
   * One update on a window: x (T·B, I) time-major, yOneHot (T·B, C); state {h, c} of (B, H).
   * Disposes the given state and returns the new one, detached.
   */
  step(x, yOneHot, steps, state) {
    const { wIh, wHh, b, wOut, bOut } = this.vars;
    let next;
    const { value, grads } = tf.variableGrads(() => {
      const zx = tf.split(tf.add(tf.matMul(x, wIh), b), steps, 0); // T × (B, 4H)
      let h = state.h;
      let c = state.c;
      const hs = [];
      for (let t = 0; t < steps; t++) {
        const z = tf.add(zx[t], tf.matMul(h, wHh));
        const [zi, zf, zg, zo] = tf.split(z, 4, 1);
        c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
        h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
        hs.push(h);
      }
      next = { h: tf.keep(h), c: tf.keep(c) };
      const logits = tf.add(tf.matMul(tf.concat(hs, 0), wOut), bOut); // (T·B, C)
      return tf.losses.softmaxCrossEntropy(yOneHot, logits, undefined, 0, tf.Reduction.SUM);
    }, Object.values(this.vars));
    tf.tidy(() => {
      let scale = tf.scalar(this.lr);
      if (this.clip !== undefined) {
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        scale = tf.mul(scale, tf.minimum(1, tf.div(this.clip, tf.add(norm, 1e-6))));
      }
      for (const [name, v] of Object.entries(this.vars)) v.assign(tf.sub(v, tf.mul(grads[name], scale)));
    });
    this.lastLoss = value.dataSync()[0] / x.shape[0];
    tf.dispose([value, ...Object.values(grads), state.h, state.c]);
    return next;
  }
}

/** A1 (batch 1, window 300) and A16 (batch 16, window 20): stream sets of 300 frames from zero state. */
function framesWorkload(batch, window, length = 300, inputs = 26, hidden = 140, classes = 61) {
  const next = rng(1);
  const pool = 4;
  const windows = [];
  for (let k = 0; k < pool; k++) {
    const set = [];
    for (let start = 0; start < length; start += window) {
      const labels = Array.from({ length: window * batch }, () => Math.floor(next() * classes));
      set.push({
        x: tf.tensor2d(randomNormal(next, window * batch * inputs), [window * batch, inputs]),
        y: tf.tensor2d(oneHot(labels, classes), [window * batch, classes]),
      });
    }
    windows.push(set);
  }
  const net = new Net(inputs, hidden, classes, 1e-4);
  let position = 0;
  const update = () => {
    let state = net.zeroState(batch);
    for (const { x, y } of windows[position++ % pool]) state = net.step(x, y, window, state);
    tf.dispose([state.h, state.c]);
  };
  return { net, update, work: batch * length, unit: "frames/s" };
}

/** B: char-rnn on a random stream of 32 rows, one-hot inputs, state carried forever. */
function charsWorkload(batch = 32, window = 50, vocab = 65, hidden = 256, windows = 16) {
  const next = rng(2);
  // chars[t][b]: row b is one contiguous stream; the target of step t is chars[t + 1][b].
  const chars = Array.from({ length: windows * window + 1 }, () =>
    Array.from({ length: batch }, () => Math.floor(next() * vocab)),
  );
  const pool = [];
  for (let w = 0; w < windows; w++) {
    const rows = chars.slice(w * window, (w + 1) * window + 1);
    pool.push({
      x: tf.tensor2d(oneHot(rows.slice(0, -1).flat(), vocab), [window * batch, vocab]),
      y: tf.tensor2d(oneHot(rows.slice(1).flat(), vocab), [window * batch, vocab]),
    });
  }
  const net = new Net(vocab, hidden, vocab, 1e-3, 5);
  let state = net.zeroState(batch);
  let position = 0;
  const update = () => {
    const { x, y } = pool[position++ % windows];
    state = net.step(x, y, window, state);
  };
  return { net, update, work: batch * window, unit: "chars/s" };
}

function matmulWorkload(n) {
  const next = rng(3);
  const a = tf.tensor2d(randomNormal(next, n * n), [n, n]);
  const b = tf.tensor2d(randomNormal(next, n * n), [n, n]);
  const update = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  return { net: undefined, update, work: (2 * n ** 3) / 1e9, unit: "GFLOP/s" };
}

const { net, update, work, unit } =
  workload === "A1"
    ? framesWorkload(1, 300)
    : workload === "A16"
      ? framesWorkload(16, 20)
      : workload === "B"
        ? charsWorkload()
        : matmulWorkload(Number(workload.slice(1)));

const { wallRates, cpuRates, cpuShare } = timeRounds(update, work);
const round2 = (x) => Math.round(x * 100) / 100;
const result = {
  system,
  version: tf.version.tfjs,
  backend: tf.getBackend(),
  threads: backend === "wasm" ? wasm.getThreadsCount() : 1,
  workload,
  throughput: round2(median(wallRates)),
  unit,
  rounds: wallRates.map(round2),
  cpu_throughput: round2(median(cpuRates)),
  cpu_share: Math.round(cpuShare * 1000) / 1000,
  seconds_per_round: seconds,
};
if (backend === "wasm") {
  result.simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  result.multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
}
if (net !== undefined) result.loss_per_frame = Math.round(net.lastLoss * 1e4) / 1e4;
result.live_tensors = tf.memory().numTensors;
console.log(JSON.stringify(result));
