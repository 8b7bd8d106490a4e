// The native backend beyond the shared kernel suite (backend.test.ts runs that on it): results are
// bit-identical from run to run for a given BLAS thread count, also when backends with another
// thread count run in between (the BLAS's thread count is process-wide, so each product sets it);
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
    test(`products are bit-identical run to run on ${threads} BLAS thread(s)`, async () => {
      const first = (await nativeForTests({ threads }))!;
      const other = (await nativeForTests({ threads: 3 - threads }))!;
      const before = allProducts(first);
      allProducts(other); // the other thread count in between
      const again = allProducts((await nativeForTests({ threads }))!);
      for (let i = 0; i < before.length; i++)
        assert.deepEqual(bits(again[i]!), bits(before[i]!), `product ${i}`);
    });

    test(`training gives the same weights bit for bit on ${threads} BLAS thread(s)`, async () => {
      const a = train((await nativeForTests({ threads }))!);
      const b = train((await nativeForTests({ threads }))!);
      assert.deepEqual(bits(b), bits(a));
    });
  }

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
