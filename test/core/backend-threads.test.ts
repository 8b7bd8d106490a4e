// The wasm gemm worker pool: a split product must be bit-identical to the one-thread product
// (each thread runs the same packed kernel on its rows), for every transpose combination, odd
// shapes, offsets, leading dimensions and alpha/beta; and disposing must stop the workers and end
// the backend, so that later calls fail with a message instead of computing on freed memory.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { selectBackend } from "../../src/core/select.js";
import type { FloatArray } from "../../src/core/types.js";
import { createWasmBackend, relaxedSimdAvailable, type WasmBackend } from "../../src/core/wasm/backend.js";
import { createThreadedWasmBackend, defaultThreadCount } from "../../src/core/wasm/threads.js";

/** The name of the default wasm build here. */
const WASM = relaxedSimdAvailable() ? "wasm-relaxed-simd" : "wasm-simd";

describe("wasm threads", async () => {
  const single = await createWasmBackend();
  const pools = await Promise.all(
    [2, 3].map((threads) => createThreadedWasmBackend({ threads, minFlops: 0 })),
  );
  after(() => Promise.all(pools.map((p) => p.dispose())));

  test("defaults to the number of cores", async () => {
    assert.ok((await defaultThreadCount()) >= 1);
  });

  for (const [transA, transB] of [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const) {
    test(`split gemm ${transA ? "T" : "N"}${transB ? "T" : "N"} is identical to one thread`, () => {
      const rng = new Rng(11);
      for (const [m, n, k, alpha, beta] of [
        [17, 9, 3, 1, 0],
        [53, 37, 29, 0.5, 1],
        [128, 70, 300, 1, 0.25],
        [10, 1031, 5, -1, 0],
        [201, 33, 260, 1, 1],
        // wider than tall: split by columns
        [24, 500, 70, 1, 0],
        [17, 1031, 263, -0.5, 1],
        [20, 41, 9, 2, 0.5],
      ] as const) {
        const [aRows, aCols] = transA ? [k, m] : [m, k];
        const [bRows, bCols] = transB ? [n, k] : [k, n];
        const lda = aCols + 1;
        const ldb = bCols + 2;
        const ldc = n + 3;
        const fill = (x: Float32Array) => {
          for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
          return x;
        };
        const a = fill(new Float32Array(2 + aRows * lda));
        const b = fill(new Float32Array(1 + bRows * ldb));
        const c = fill(new Float32Array(3 + m * ldc));
        const run = (backend: typeof single) => {
          const ca = backend.alloc(c.length);
          ca.set(c);
          const aa = backend.alloc(a.length);
          aa.set(a);
          const ba = backend.alloc(b.length);
          ba.set(b);
          backend.gemm(transA, transB, m, n, k, alpha, aa, 2, lda, ba, 1, ldb, beta, ca, 3, ldc);
          return ca;
        };
        const expected = run(single);
        for (const pool of pools) {
          assert.deepEqual(run(pool), expected, `threads=${pool.threads} m=${m} n=${n} k=${k}`);
        }
      }
    });
  }

  test("selectBackend starts a pool when asked for threads, else falls back to one thread", async () => {
    const { backend, fallbackReasons } = await selectBackend({
      dtype: "float32",
      prefer: "wasm",
      wasm: { threads: 2 },
    });
    assert.deepEqual(fallbackReasons, []);
    assert.equal((backend as { threads?: number }).threads, 2);
    await (backend as unknown as { dispose(): Promise<void> }).dispose();
    // a pool that cannot start (here: a memory limit below what it needs) → one-thread wasm
    const fallback = await selectBackend({
      dtype: "float32",
      prefer: "wasm",
      wasm: { threads: 2, maxMemoryMiB: 1 },
      native: { addonPath: "/nonexistent/tbptt_native.node" },
    });
    assert.equal(fallback.backend.name, "plain");
    assert.match(fallback.fallbackReasons[0]!, /^wasm-threads: /);
    assert.match(fallback.fallbackReasons[1]!, /^wasm: /);
    assert.match(fallback.fallbackReasons[2]!, /^native: the addon is not built/);
    // no SharedArrayBuffer (a browser page that is not cross-origin isolated): one thread, unshared memory
    const scope = globalThis as { SharedArrayBuffer?: unknown };
    const sab = scope.SharedArrayBuffer;
    scope.SharedArrayBuffer = undefined;
    try {
      const single = await selectBackend({
        dtype: "float32",
        prefer: "wasm",
        wasm: { threads: 2, reserveMiB: 16 },
      });
      assert.equal(single.backend.name, WASM);
      assert.equal((single.backend as WasmBackend).arena.shared, false);
      assert.deepEqual(single.fallbackReasons, [
        "wasm-threads: needs SharedArrayBuffer (in browsers: a cross-origin isolated page); using one thread",
      ]);
    } finally {
      scope.SharedArrayBuffer = sab;
    }
    const noPool = await selectBackend({ dtype: "float32", prefer: "wasm", wasm: { threads: 1 } });
    assert.equal(noPool.backend.name, WASM);
    assert.deepEqual(noPool.fallbackReasons, []);
  });

  test("views stay recognised while other memories shared with workers grow", async () => {
    // V8 may replace a shared memory's buffer object when shared memories grow; views made
    // before must still count as the backend's own (no copy-in/out), see arena.ts alloc.
    const wasm = await createWasmBackend();
    const views: FloatArray[] = [];
    for (let round = 0; round < 6; round++) {
      pools[0]!.alloc(1 << 18);
      views.push(wasm.alloc(1 << 18), wasm.alloc(140));
      pools[1]!.alloc(1 << 18);
      views.push(wasm.alloc(560));
    }
    for (const v of views) assert.ok(wasm.arena.owns(v), `view at ${v.byteOffset} not recognised`);
    const [a, b, c] = views.slice(-3) as [FloatArray, FloatArray, FloatArray];
    wasm.gemm(false, true, 1, 1, 140, 1, b, 0, 140, b, 0, 140, 0, c, 0, 1);
    wasm.gemm(false, false, 1, 4, 4, 1, a, 0, 4, a, 0, 4, 0, c, 0, 4);
    assert.equal(wasm.arena.foreignCopies, 0);
  });

  test("after dispose the backend refuses every call, naming dispose()", async () => {
    const pool = await createThreadedWasmBackend({ threads: 2, minFlops: 0 });
    const a = pool.alloc(40 * 3).fill(1);
    const c = pool.alloc(40 * 2);
    pool.gemm(false, false, 40, 2, 3, 1, a, 0, 3, a, 0, 2, 0, c, 0, 2);
    assert.ok(c.every((v) => v === 3));
    await pool.dispose();
    await pool.dispose(); // twice is harmless
    assert.throws(
      () => pool.gemm(false, false, 40, 2, 3, 1, a, 0, 3, a, 0, 2, 0, c, 0, 2),
      /gemm A used after dispose\(\)/,
    );
    assert.throws(() => pool.alloc(4), /alloc after dispose\(\)/);
  });
});
