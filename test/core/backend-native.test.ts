// The native backend beyond the shared kernel suite (backend.test.ts runs that on it): results are
// bit-identical from run to run for a given thread count, also when backends with another
// thread count run in between; products shared among threads match a float64 reference;
// a short training run gives the same weights bit for bit; options and memory limits are checked
// with errors that name them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Backend } from "../../src/core/backend.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { nativeForTests, nativeSkipReason } from "../helpers/native.js";

const skip = nativeSkipReason() ?? false;

/** gemm on a fresh set of arrays with fixed random contents; returns C. */
function product(
  backend: Backend,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): Float32Array {
  const rng = new Rng(m * 7919 + n * 31 + k);
  const fill = (x: Float32Array) => {
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
    return x;
  };
  const a = fill(backend.alloc(m * k) as Float32Array);
  const b = fill(backend.alloc(k * n) as Float32Array);
  const c = fill(backend.alloc(m * n) as Float32Array);
  backend.gemm(transA, transB, m, n, k, 0.75, a, 0, transA ? m : k, b, 0, transB ? k : n, 1, c, 0, n);
  return Float32Array.from(c);
}

const SHAPES = [
  [1, 560, 140],
  [16, 560, 166],
  [32, 1024, 256],
  [300, 560, 26],
  [560, 140, 300],
  [257, 263, 251],
] as const;

function allProducts(backend: Backend): Float32Array[] {
  const out: Float32Array[] = [];
  for (const [m, n, k] of SHAPES)
    for (const [tA, tB] of [
      [false, true],
      [true, false],
      [false, false],
    ] as const)
      out.push(product(backend, m, n, k, tA, tB));
  return out;
}

function train(backend: Backend): Float32Array {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 12,
      hiddenSize: 96,
      layers: 2,
      bidirectional: false,
      peepholes: true,
      outputSize: 7,
    },
    backend,
  );
  const rng = new Rng(5);
  initializeModel(model, rng);
  const sequences = Array.from(
    { length: 24 },
    () =>
      new ArraySequence(
        Float32Array.from({ length: 40 * 12 }, () => rng.uniform(-1, 1)),
        Int32Array.from({ length: 40 }, () => rng.int(7)),
        12,
      ),
  );
  new Engine(model, makeSchedule({ k1: 10, k2: 20 }), 12).run(sequences, (grads) => {
    for (let i = 0; i < grads.length; i++) model.params[i] -= 0.05 * (grads[i] as number);
    return true;
  });
  return Float32Array.from(model.params);
}

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);

describe("native backend", { skip }, () => {
  for (const threads of [1, 2]) {
    test(`products are bit-identical run to run on ${threads} thread(s)`, async () => {
      const first = (await nativeForTests({ threads }))!;
      const other = (await nativeForTests({ threads: 3 - threads }))!;
      const before = allProducts(first);
      allProducts(other); // the other thread count in between
      const again = allProducts((await nativeForTests({ threads }))!);
      for (let i = 0; i < before.length; i++)
        assert.deepEqual(bits(again[i]!), bits(before[i]!), `product ${i}`);
    });

    test(`training gives the same weights bit for bit on ${threads} thread(s)`, async () => {
      const a = train((await nativeForTests({ threads }))!);
      const b = train((await nativeForTests({ threads }))!);
      assert.deepEqual(bits(b), bits(a));
    });
  }

  // Products big enough to be shared among threads (native/src/gemm.cc cuts them into blocks of
  // rows or columns of C): every transposition, blocks by rows (m > n) and by columns, an uneven
  // last block (3 threads), sub-matrices (leading dimensions wider than the block, offsets), one
  // row (gemv); against a float64 product computed here.
  for (const threads of [2, 3])
    test(`products shared among ${threads} threads match a float64 reference`, async () => {
      const backend = (await nativeForTests({ threads }))!;
      const rng = new Rng(threads);
      for (const [m, n, k] of [
        [32, 1024, 256],
        [1000, 72, 300],
        [1, 16384, 300],
        [45, 513, 97],
      ] as const)
        for (const [tA, tB] of [
          [false, false],
          [false, true],
          [true, false],
          [true, true],
        ] as const) {
          const [lda, ldb, ldc] = [(tA ? m : k) + 3, (tB ? k : n) + 5, n + 2];
          const [oa, ob, oc] = [4, 1, 7];
          const a = backend.alloc(oa + (tA ? k : m) * lda) as Float32Array;
          const b = backend.alloc(ob + (tB ? n : k) * ldb) as Float32Array;
          const c = backend.alloc(oc + m * ldc) as Float32Array;
          for (const x of [a, b, c]) for (let i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
          const c0 = Float32Array.from(c);
          backend.gemm(tA, tB, m, n, k, 0.5, a, oa, lda, b, ob, ldb, 0.25, c, oc, ldc);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let sum = 0;
              for (let p = 0; p < k; p++)
                sum +=
                  (a[oa + (tA ? p * lda + i : i * lda + p)] as number) *
                  (b[ob + (tB ? j * ldb + p : p * ldb + j)] as number);
              const want = 0.5 * sum + 0.25 * (c0[oc + i * ldc + j] as number);
              const got = c[oc + i * ldc + j] as number;
              if (Math.abs(got - want) > 1e-4 * Math.sqrt(k) + 1e-5)
                assert.fail(
                  `${m}×${n}×${k} ${tA ? "T" : "N"}${tB ? "T" : "N"}: C[${i}][${j}] = ${got}, expected ${want}`,
                );
            }
          // the padding between rows of C is not written
          for (let i = 0; i < m; i++)
            for (let j = n; j < ldc && oc + i * ldc + j < c.length; j++)
              assert.equal(c[oc + i * ldc + j], c0[oc + i * ldc + j], `padding C[${i}][${j}]`);
          backend.free(a);
          backend.free(b);
          backend.free(c);
        }
    });

  test("reports the BLAS it runs on", async () => {
    const backend = (await nativeForTests())!;
    assert.equal(backend.name, "native");
    assert.equal(backend.threads, 1);
    assert.match(backend.blas, /OpenBLAS|Accelerate/);
  });

  test("options and memory limits are checked, naming the option", async () => {
    await assert.rejects(
      nativeForTests({ threads: 0 }),
      /native backend: threads must be an integer in \[1, 256\], got 0/,
    );
    await assert.rejects(
      nativeForTests({ reserveMiB: 0 }),
      /native backend: reserveMiB must be in \[1, 65536\], got 0/,
    );
    const small = (await nativeForTests({ reserveMiB: 1 }))!;
    small.alloc(1000);
    assert.throws(
      () => small.alloc(1 << 20),
      /native backend: out of memory while alloc: .*\(raise reserveMiB\)/,
    );
  });
});
