// Micro-benchmark: GFLOP/s of the plain, wasm and native backends' gemm on the shapes of an
// RNN's products (row-major, float32, C = A·op(B)), and µs per fused step kernel.
// Run: node --import tsx bench/gemm.ts [--threads N] [--relaxed]
//   --threads N (N > 1) adds a column for the worker pool; --relaxed loads the relaxed-SIMD (FMA)
//   kernels when the runtime validates them (Node 20: add --experimental-wasm-relaxed-simd).
// The machine is noisy (other processes share its two cores): rounds are interleaved and the
// fastest round of each is printed (the least disturbed one); compare ratios within one run.
import type { Backend } from "../src/core/backend.js";
import { createNativeBackend } from "../src/core/native/backend.js";
import { createPlainBackend } from "../src/core/plain.js";
import { Rng } from "../src/core/random.js";
import { createWasmBackend } from "../src/core/wasm/backend.js";
import { createThreadedWasmBackend } from "../src/core/wasm/threads.js";

interface Shape {
  m: number;
  k: number;
  n: number;
  transB: boolean;
  label: string;
}

const shapes: Shape[] = [
  { m: 256, k: 256, n: 256, transB: false, label: "256³" },
  { m: 1024, k: 1024, n: 1024, transB: false, label: "1024³" },
  { m: 1, k: 140, n: 560, transB: false, label: "1×140×560 (LSTM step, batch 1)" },
  { m: 1, k: 140, n: 560, transB: true, label: "1×140×560, B transposed" },
  { m: 16, k: 166, n: 560, transB: false, label: "16×166×560" },
  { m: 16, k: 166, n: 560, transB: true, label: "16×166×560, B transposed" },
  { m: 32, k: 256, n: 1024, transB: false, label: "32×256×1024" },
  { m: 32, k: 256, n: 1024, transB: true, label: "32×256×1024, B transposed (char-rnn step)" },
  { m: 300, k: 26, n: 560, transB: true, label: "300×26×560 (window input projection, Bᵀ)" },
];

function setup(backend: Backend, s: Shape, rng: Rng) {
  const a = backend.alloc(s.m * s.k);
  const b = backend.alloc(s.k * s.n);
  const c = backend.alloc(s.m * s.n);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-1, 1);
  const ldb = s.transB ? s.k : s.n;
  return () => backend.gemm(false, s.transB, s.m, s.n, s.k, 1, a, 0, s.k, b, 0, ldb, 0, c, 0, s.n);
}

/** Calls per round so that a round lasts about `seconds` (calibrated once, after a warm-up). */
function calibrate(run: () => void, seconds: number): number {
  for (let reps = 1; ; reps *= 2) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    if ((performance.now() - t0) / 1000 >= seconds) return reps;
  }
}

/** Seconds per call over one round of `reps` calls. */
function timeRound(run: () => void, reps: number): number {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) run();
  return (performance.now() - t0) / 1000 / reps;
}

const fastest = (xs: number[]) => Math.min(...xs);

const threadArg = process.argv.indexOf("--threads");
const threads = threadArg > 0 ? Number(process.argv[threadArg + 1]) : 1;
const plain = createPlainBackend("float32");
const wasm = await createWasmBackend({ relaxedSimd: process.argv.includes("--relaxed") });
const pool = threads > 1 ? await createThreadedWasmBackend({ threads }) : null;
// the native backend where its addon is built (one BLAS thread), else its column says why not
const native = await createNativeBackend().catch((e: Error) => {
  console.log(`native: ${e.message}`);
  return null;
});
const rng = new Rng(42);
const rounds = 25;
console.log(`gemm GFLOP/s, fastest of ${rounds} interleaved rounds (node ${process.version}, ${wasm.name})`);
const poolHead = pool ? [`wasm×${threads}`.padStart(8)] : [];
console.log(
  "shape".padEnd(44),
  "plain".padStart(8),
  "wasm".padStart(8),
  "ratio".padStart(8),
  ...poolHead,
  "native".padStart(8),
);
for (const s of shapes) {
  const flops = 2 * s.m * s.n * s.k;
  const runPlain = setup(plain, s, rng);
  const runWasm = setup(wasm, s, rng);
  const runPool = pool ? setup(pool, s, rng) : null;
  const runNative = native ? setup(native, s, rng) : null;
  const big = flops > 1e8;
  const tp: number[] = [];
  const tw: number[] = [];
  const tt: number[] = [];
  const tn: number[] = [];
  const repsPlain = calibrate(runPlain, big ? 0.05 : 0.005);
  const repsWasm = calibrate(runWasm, 0.005);
  const repsPool = runPool ? calibrate(runPool, 0.005) : 0;
  const repsNative = runNative ? calibrate(runNative, 0.005) : 0;
  for (let r = 0; r < rounds; r++) {
    tp.push(timeRound(runPlain, repsPlain));
    tw.push(timeRound(runWasm, repsWasm));
    if (runPool) tt.push(timeRound(runPool, repsPool));
    if (runNative) tn.push(timeRound(runNative, repsNative));
  }
  const gp = flops / fastest(tp) / 1e9;
  const gw = flops / fastest(tw) / 1e9;
  const poolCol = tt.length ? [(flops / fastest(tt) / 1e9).toFixed(1).padStart(8)] : [];
  console.log(
    s.label.padEnd(44),
    gp.toFixed(2).padStart(8),
    gw.toFixed(1).padStart(8),
    `${(gw / gp).toFixed(0)}×`.padStart(8),
    ...poolCol,
    (tn.length ? (flops / fastest(tn) / 1e9).toFixed(1) : "-").padStart(8),
  );
}
await pool?.dispose();

// The fused pointwise kernels of one step, rows × hidden = 16 × 140 (µs per call, fastest round).
const R = 16;
const H = 140;
console.log(`\nfused step kernels, ${R} × ${H}, µs per call`);
console.log(
  "kernel".padEnd(44),
  "plain".padStart(8),
  "wasm".padStart(8),
  "ratio".padStart(8),
  "native".padStart(8),
);
function stepKernels(backend: Backend) {
  const fill = (n: number, scale: number) => {
    const x = backend.alloc(n);
    for (let i = 0; i < n; i++) x[i] = rng.uniform(-scale, scale);
    return x;
  };
  const pre = fill(4 * R * H, 3);
  const gates = backend.alloc(4 * R * H);
  const [cPrev, c, h, dh, dc, dcp] = [2, 1, 1, 1, 1, 1].map((sc) => fill(R * H, sc)) as Float32Array[];
  const dGates = backend.alloc(4 * R * H);
  const gi = fill(3 * R * H, 3);
  const gh = fill(3 * R * H, 3);
  const act = backend.alloc(3 * R * H);
  const dGi = backend.alloc(3 * R * H);
  const dGh = backend.alloc(3 * R * H);
  return {
    lstmForward: () => {
      gates.set(pre);
      backend.lstmForward(R, H, gates, 0, cPrev!, 0, null, 0, c!, 0, h!, 0);
    },
    lstmBackward: () =>
      backend.lstmBackward(
        R,
        H,
        gates,
        0,
        cPrev!,
        0,
        c!,
        0,
        null,
        0,
        dh!,
        0,
        dc!,
        0,
        dGates,
        0,
        dcp!,
        0,
        null,
        0,
      ),
    gruForward: () => backend.gruForward(R, H, gi, 0, gh, 0, cPrev!, 0, act, 0, h!, 0),
    gruBackward: () => backend.gruBackward(R, H, act, 0, gh, 0, cPrev!, 0, dh!, 0, dGi, 0, dGh, 0, dcp!, 0),
  };
}
const kp = stepKernels(plain);
const kw = stepKernels(wasm);
const kn = native ? stepKernels(native) : null;
for (const name of Object.keys(kp) as (keyof typeof kp)[]) {
  const tp: number[] = [];
  const tw: number[] = [];
  const tn: number[] = [];
  const repsPlain = calibrate(kp[name], 0.005);
  const repsWasm = calibrate(kw[name], 0.005);
  const repsNative = kn ? calibrate(kn[name], 0.005) : 0;
  for (let r = 0; r < rounds; r++) {
    tp.push(timeRound(kp[name], repsPlain));
    tw.push(timeRound(kw[name], repsWasm));
    if (kn) tn.push(timeRound(kn[name], repsNative));
  }
  const up = fastest(tp) * 1e6;
  const uw = fastest(tw) * 1e6;
  console.log(
    name.padEnd(44),
    up.toFixed(1).padStart(8),
    uw.toFixed(1).padStart(8),
    `${(up / uw).toFixed(0)}×`.padStart(8),
    (tn.length ? (fastest(tn) * 1e6).toFixed(1) : "-").padStart(8),
  );
}
