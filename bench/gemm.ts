// Micro-benchmark: GFLOP/s of the plain and wasm backends' gemm on the shapes of
// /work/shared/notes/wasm-sgemm-facts.md (row-major, float32, C = A·op(B)).
// Run: node --import tsx bench/gemm.ts [--threads N]   (N > 1 adds a column for the worker pool)
// The machine is noisy: rounds are interleaved and medians printed; compare ratios within one run.
import type { Backend } from "../src/core/backend.js";
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

/** Seconds per call: repeats until a round lasts ≥ `minSeconds`. */
function timeRound(run: () => void, minSeconds: number): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    const seconds = (performance.now() - t0) / 1000;
    if (seconds >= minSeconds) return seconds / reps;
    reps *= seconds > 0 ? Math.min(10, Math.ceil((minSeconds / seconds) * 1.2)) : 10;
  }
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] as number;

const threadArg = process.argv.indexOf("--threads");
const threads = threadArg > 0 ? Number(process.argv[threadArg + 1]) : 1;
const plain = createPlainBackend("float32");
const wasm = await createWasmBackend();
const pool = threads > 1 ? await createThreadedWasmBackend({ threads }) : null;
const rng = new Rng(42);
const rounds = 5;
console.log(`gemm GFLOP/s, median of ${rounds} interleaved rounds (node ${process.version})`);
const poolHead = pool ? [`wasm×${threads}`.padStart(8)] : [];
console.log("shape".padEnd(44), "plain".padStart(8), "wasm".padStart(8), "ratio".padStart(8), ...poolHead);
for (const s of shapes) {
  const flops = 2 * s.m * s.n * s.k;
  const runPlain = setup(plain, s, rng);
  const runWasm = setup(wasm, s, rng);
  const runPool = pool ? setup(pool, s, rng) : null;
  const big = flops > 1e8;
  const tp: number[] = [];
  const tw: number[] = [];
  const tt: number[] = [];
  for (let r = 0; r < rounds; r++) {
    tp.push(timeRound(runPlain, big ? 0.5 : 0.1));
    tw.push(timeRound(runWasm, 0.1));
    if (runPool) tt.push(timeRound(runPool, 0.1));
  }
  const gp = flops / median(tp) / 1e9;
  const gw = flops / median(tw) / 1e9;
  const poolCol = tt.length ? [(flops / median(tt) / 1e9).toFixed(1).padStart(8)] : [];
  console.log(
    s.label.padEnd(44),
    gp.toFixed(2).padStart(8),
    gw.toFixed(1).padStart(8),
    `${(gw / gp).toFixed(0)}×`.padStart(8),
    ...poolCol,
  );
}
await pool?.dispose();
