// Runs in Chromium (test/core/backend-browser.test.ts): the wasm backend on shared memory, a
// 2-thread pool started from a Blob URL Web Worker, and the caller's wait on the main thread
// (where Atomics.wait is not allowed, so it spins). Reports through globalThis.tbpttThreads.
import { selectBackend } from "../../../src/core/select.js";
import { createWasmBackend } from "../../../src/core/wasm/backend.js";
import { createThreadedWasmBackend } from "../../../src/core/wasm/threads.js";

/** A page that is not cross-origin isolated: no SharedArrayBuffer, so one thread on unshared memory. */
async function runNotIsolated() {
  const selected = await selectBackend({ dtype: "float32", wasm: { threads: 2 } });
  const backend = selected.backend as Awaited<ReturnType<typeof createWasmBackend>>;
  const x = backend.alloc(3);
  x.set([1, 2, 3]);
  const y = backend.alloc(1);
  backend.gemm(false, true, 1, 1, 3, 1, x, 0, 3, x, 0, 3, 0, y, 0, 1);
  return {
    selected: backend.name,
    shared: backend.arena.shared,
    reasons: selected.fallbackReasons,
    dot: y[0],
  };
}

async function run() {
  const single = await createWasmBackend({ relaxedSimd: false });
  const pool = await createThreadedWasmBackend({ threads: 2, minFlops: 0, relaxedSimd: false });
  const m = 97;
  const n = 61;
  const k = 83;
  let seed = 1;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const a = Array.from({ length: m * k }, next);
  const b = Array.from({ length: n * k }, next);
  const relaxed = await createWasmBackend();
  const results: number[][] = [];
  for (const backend of [single, pool, relaxed]) {
    const A = backend.alloc(m * k);
    A.set(a);
    const B = backend.alloc(n * k);
    B.set(b);
    const C = backend.alloc(m * n);
    backend.gemm(false, true, m, n, k, 1, A, 0, k, B, 0, k, 0, C, 0, n);
    results.push(Array.from(C));
  }
  let reference = 0;
  for (let p = 0; p < k; p++) reference += (a[5 * k + p] as number) * (b[7 * k + p] as number);
  await pool.dispose();
  const selected = await selectBackend({ dtype: "float32", wasm: { threads: 2 } });
  return {
    shared: single.arena.shared,
    identical: results[0]!.every((v, i) => v === results[1]![i]),
    relaxedName: relaxed.name,
    relaxedMaxDiff: Math.max(...results[0]!.map((v, i) => Math.abs(v - results[2]![i]!))),
    entry: results[1]![5 * n + 7],
    reference,
    selected: selected.backend.name,
    threads: (selected.backend as { threads?: number }).threads,
    reasons: selected.fallbackReasons,
  };
}

const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
(globalThis as { tbpttThreads?: Promise<unknown> }).tbpttThreads = (
  isolated ? run() : runNotIsolated()
).catch((e: Error) => ({ error: String(e.stack ?? e) }));
