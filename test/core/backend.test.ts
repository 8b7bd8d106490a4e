// One suite, run against every available backend (plain float32, plain float64, wasm SIMD, native):
// each kernel is compared with the plain float64 backend on random inputs, odd shapes (not
// multiples of 4 or of the wasm block sizes 5 × 8, KC = 256, MC = 120, NC = 1024), all four
// transpose combinations, alpha/beta variants (beta = 0 must ignore NaN in C), offsets and
// leading dimensions wider than the matrix. Inputs are float32-representable, so every backend
// sees the same numbers.
//
// Tolerances: gemm entries may differ by (k + 2)·u·(|alpha|·|A||B| + |beta|·|C|), u = 2⁻²³, the
// classical bound for a float32 dot product in any order (Higham, "Accuracy and Stability of
// Numerical Algorithms", 2nd ed., §3.1); pointwise kernels by 2e-6·(1 + |ref|) (a few ulps of
// float32 exp/tanh, through a few products).
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { Backend } from "../../src/core/backend.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import {
  registerBackend,
  selectBackend,
  unregisterBackend,
  wasmSimdUnsupported,
} from "../../src/core/select.js";
import type { FloatArray } from "../../src/core/types.js";
import { createWasmBackend, relaxedSimdAvailable, type WasmBackend } from "../../src/core/wasm/backend.js";
import { nativeForTests, nativeSkipReason } from "../helpers/native.js";

const ref = createPlainBackend("float64");
const U32 = 2 ** -23;

interface Subject {
  name: string;
  make(): Promise<Backend>;
}

const subjects: Subject[] = [
  { name: "plain float32", make: async () => createPlainBackend("float32") },
  { name: "plain float64", make: async () => createPlainBackend("float64") },
  { name: "wasm-simd (shared memory)", make: () => createWasmBackend({ relaxedSimd: false }) },
  {
    name: "wasm-simd (unshared memory)",
    make: () => createWasmBackend({ relaxedSimd: false, shared: false, reserveMiB: 64 }),
  },
  {
    // every argument outside wasm memory: each kernel goes through the copy-in/copy-out path
    name: "wasm-simd (foreign arrays, copied)",
    make: async () => {
      const wasm = await createWasmBackend({ relaxedSimd: false });
      return { ...wasm, alloc: (n: number) => new Float32Array(n) };
    },
  },
];
// The relaxed-SIMD (FMA) build, the default where the runtime validates it (Node 20 needs
// --experimental-wasm-relaxed-simd, e.g. node --experimental-wasm-relaxed-simd --import tsx --test test/core/backend.test.ts).
const relaxed = await createWasmBackend();
if (relaxed.relaxed) subjects.push({ name: "wasm-relaxed-simd", make: async () => relaxed });
/** The name of the default wasm build here. */
const WASM = relaxedSimdAvailable() ? "wasm-relaxed-simd" : "wasm-simd";
// The native addon (OpenBLAS), on one and two BLAS threads, and with arrays from outside its arena.
if (nativeSkipReason() === null) {
  const native = async (threads: number) => (await nativeForTests({ threads })) as Backend;
  subjects.push(
    { name: "native (1 thread)", make: () => native(1) },
    { name: "native (2 threads)", make: () => native(2) },
    {
      name: "native (foreign arrays, copied)",
      make: async () => ({ ...(await native(1)), alloc: (n: number) => new Float32Array(n) }),
    },
  );
} else {
  test("native backend", (t) => t.skip(nativeSkipReason() ?? ""));
}

/** Random float32-representable values in [-scale, scale). */
function randomValues(rng: Rng, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(rng.uniform(-scale, scale));
  return out;
}

/** A backend array holding `values` (so wasm gets a view of its own memory). */
function load(backend: Backend, values: ArrayLike<number>): FloatArray {
  const array = backend.alloc(values.length);
  array.set(values as ArrayLike<number>);
  return array;
}

function assertClose(
  what: string,
  actual: FloatArray,
  expected: FloatArray,
  bound: (i: number) => number,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const err = Math.abs(a - e);
    if (!(err <= bound(i))) {
      assert.fail(`${what}: entry ${i} is ${a}, expected ${e} (error ${err}, allowed ${bound(i)})`);
    }
  }
}

const pointwise = (expected: FloatArray) => (i: number) => 2e-6 * (1 + Math.abs(expected[i] as number));

interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
}

function runGemm(backend: Backend, rng: Rng, g: GemmCase): void {
  const { transA, transB, m, n, k, alpha, beta } = g;
  // stored shapes, with leading dimensions wider than the rows and offsets into the arrays
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const lda = aCols + rng.int(4);
  const ldb = bCols + rng.int(4);
  const ldc = n + rng.int(4);
  const aOff = rng.int(5);
  const bOff = rng.int(5);
  const cOff = rng.int(5);
  const a = randomValues(rng, aOff + aRows * lda + 3);
  const b = randomValues(rng, bOff + bRows * ldb + 3);
  const c = randomValues(rng, cOff + m * ldc + 3);
  if (beta === 0) for (let i = 0; i < m; i++) c.fill(Number.NaN, cOff + i * ldc, cOff + i * ldc + n);
  const expected = Float64Array.from(c);
  ref.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
  // the error bound's scale: |alpha|·|A||B| + |beta|·|C|
  const absC = c.map((v) => (beta === 0 ? 0 : Math.abs(v)));
  ref.gemm(
    transA,
    transB,
    m,
    n,
    k,
    Math.abs(alpha),
    a.map(Math.abs),
    aOff,
    lda,
    b.map(Math.abs),
    bOff,
    ldb,
    Math.abs(beta),
    absC,
    cOff,
    ldc,
  );

  const ca = load(backend, c);
  backend.gemm(
    transA,
    transB,
    m,
    n,
    k,
    alpha,
    load(backend, a),
    aOff,
    lda,
    load(backend, b),
    bOff,
    ldb,
    beta,
    ca,
    cOff,
    ldc,
  );
  const what = `gemm ${transA ? "T" : "N"}${transB ? "T" : "N"} m=${m} n=${n} k=${k} alpha=${alpha} beta=${beta} lda=${lda} ldb=${ldb} ldc=${ldc}`;
  // entries outside the m × n block (offset, row padding, tail) must be untouched: bound 0 there
  const inside = new Uint8Array(c.length);
  for (let i = 0; i < m; i++) inside.fill(1, cOff + i * ldc, cOff + i * ldc + n);
  assertClose(what, ca, expected, (i) => (inside[i] ? (k + 2) * U32 * (absC[i] as number) : 0));
}

const transposes: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

for (const subject of subjects) {
  describe(`backend: ${subject.name}`, async () => {
    const backend = await subject.make();

    test("gemm: odd and edge shapes, all transposes, alpha/beta variants", () => {
      const rng = new Rng(1);
      // m = 1 and small-m paths, 5 × 8 block edges, KC/MC/NC edges, empty products
      const shapes = [
        [1, 1, 1],
        [1, 37, 13],
        [1, 33, 300],
        [1, 3, 2],
        [2, 9, 7],
        [3, 8, 4],
        [5, 8, 256],
        [7, 31, 257],
        [16, 41, 19],
        [17, 9, 3],
        [23, 17, 29],
        [6, 1, 5],
        [4, 5, 0],
        [0, 4, 3],
        [3, 0, 2],
        [41, 13, 1],
      ];
      const scalars = [
        [1, 0],
        [1, 1],
        [-0.5, 0.75],
        [2, 0],
        [0, 0.5],
      ];
      for (const [m, n, k] of shapes) {
        for (const [transA, transB] of transposes) {
          for (const [alpha, beta] of scalars) {
            runGemm(backend, rng, { transA, transB, m: m!, n: n!, k: k!, alpha: alpha!, beta: beta! });
          }
        }
      }
    });

    test("gemm: random shapes", () => {
      const rng = new Rng(2);
      for (let t = 0; t < 60; t++) {
        const [transA, transB] = transposes[t % 4]!;
        const m = 1 + rng.int(t % 3 === 0 ? 4 : 40);
        runGemm(backend, rng, {
          transA,
          transB,
          m,
          n: 1 + rng.int(70),
          k: 1 + rng.int(90),
          alpha: 1,
          beta: t % 2,
        });
      }
    });

    test("gemm: larger than one packed block (MC = 120, NC = 1024, KC = 256)", () => {
      const rng = new Rng(3);
      runGemm(backend, rng, { transA: false, transB: true, m: 127, n: 1031, k: 263, alpha: 1, beta: 1 });
      runGemm(backend, rng, { transA: true, transB: false, m: 131, n: 45, k: 517, alpha: 0.5, beta: 0 });
      runGemm(backend, rng, { transA: false, transB: false, m: 12, n: 1030, k: 300, alpha: 1, beta: 0 });
      runGemm(backend, rng, { transA: true, transB: true, m: 1, n: 77, k: 2000, alpha: -1, beta: 1 });
    });

    test("addRowBroadcast and sumRows", () => {
      const rng = new Rng(4);
      for (const [rows, cols] of [
        [1, 1],
        [3, 7],
        [5, 16],
        [9, 33],
      ]) {
        const bias = randomValues(rng, cols! + 3);
        const c = randomValues(rng, rows! * cols! + 5);
        const expected = Float64Array.from(c);
        ref.addRowBroadcast(rows!, cols!, bias, 2, expected, 3);
        const actual = load(backend, c);
        backend.addRowBroadcast(rows!, cols!, load(backend, bias), 2, actual, 3);
        assertClose(`addRowBroadcast ${rows}×${cols}`, actual, expected, pointwise(expected));

        const out = randomValues(rng, cols! + 4);
        const expectedOut = Float64Array.from(out);
        ref.sumRows(rows!, cols!, c, 1, expectedOut, 3);
        const actualOut = load(backend, out);
        backend.sumRows(rows!, cols!, load(backend, c), 1, actualOut, 3);
        assertClose(`sumRows ${rows}×${cols}`, actualOut, expectedOut, () => (rows! + 1) ** 2 * U32);
      }
    });

    test("gatherColumns and scatterAddColumns: the one-hot product as a lookup, exactly", () => {
      const rng = new Rng(9);
      const plain32 = createPlainBackend("float32");
      // n across the native/wasm block of 16, ldw wider than V, offsets, −1 rows, repeated symbols
      for (const [rows, n, V, ldw] of [
        [1, 1, 1, 1],
        [5, 17, 3, 4],
        [9, 33, 7, 7],
        [40, 64, 65, 70],
        [3, 5, 300, 301],
        [0, 8, 4, 4],
      ] as const) {
        const ids = Int32Array.from({ length: rows + 2 }, () => rng.int(V + 1) - 1);
        if (rows > 2) ids[3] = ids[2] as number; // the same symbol twice in a row
        const w = randomValues(rng, 2 + (n - 1) * ldw + V);
        // The dense reference: X (rows × V) one-hot, C = X Wᵀ and ∂W += Dᵀ X by gemm in float64.
        const x = new Float64Array(rows * V);
        for (let r = 0; r < rows; r++) if ((ids[r + 1] as number) >= 0) x[r * V + (ids[r + 1] as number)] = 1;
        const ldc = n + 3;
        // C's old contents are overwritten, never read (NaN), except between rows (ldc > n)
        const before = randomValues(rng, 1 + rows * ldc);
        for (let r = 0; r < rows; r++) before.fill(Number.NaN, 1 + r * ldc, 1 + r * ldc + n);
        const expected = Float64Array.from(before);
        ref.gemm(false, true, rows, n, V, 1, x, 0, V, w, 2, ldw, 0, expected, 1, ldc);
        const c = load(backend, before);
        backend.gatherColumns(rows, n, V, ids, 1, load(backend, w), 2, ldw, c, 1, ldc);
        assertClose(`gatherColumns ${rows}×${n}, V ${V}`, c, expected, () => 0);

        const ldd = n + 2;
        const d = randomValues(rng, 3 + rows * ldd);
        const expectedW = Float64Array.from(w);
        ref.gemm(true, false, n, V, rows, 1, d, 3, ldd, x, 0, V, 1, expectedW, 2, ldw);
        const actualW = load(backend, w);
        backend.scatterAddColumns(rows, n, V, ids, 1, load(backend, d), 3, ldd, actualW, 2, ldw);
        // a float32 sum of at most `rows` terms per entry, against the float64 one
        assertClose(
          `scatterAddColumns ${rows}×${n}, V ${V}`,
          actualW,
          expectedW,
          (i) => (rows + 1) * U32 * (Math.abs(w[i]!) + rows),
        );
        if (backend.dtype === "float32") {
          // every backend adds the rows in order: the same bits as the plain float32 kernel
          const plainW = load(plain32, w);
          plain32.scatterAddColumns(rows, n, V, ids, 1, load(plain32, d), 3, ldd, plainW, 2, ldw);
          assertClose(`scatterAddColumns ${rows}×${n} against plain float32`, actualW, plainW, () => 0);
        }
      }
    });

    test("gatherColumns and scatterAddColumns refuse a symbol outside [−1, V)", () => {
      const w = backend.alloc(12);
      const c = backend.alloc(8);
      for (const bad of [3, -2]) {
        const ids = Int32Array.of(0, bad);
        assert.throws(
          () => backend.gatherColumns(2, 4, 3, ids, 0, w, 0, 3, c, 0, 4),
          new RegExp(`gatherColumns: ids\\[1\\] is ${bad}, expected −1 or a symbol in \\[0, 3\\)`),
        );
        assert.throws(
          () => backend.scatterAddColumns(2, 4, 3, ids, 0, c, 0, 4, w, 0, 3),
          /scatterAddColumns: ids\[1\] is/,
        );
      }
      assert.deepEqual([...w], new Array(12).fill(0));
    });

    test("tanh forward (also in place) and backward", () => {
      const rng = new Rng(5);
      for (const n of [1, 3, 4, 13, 64]) {
        const x = randomValues(rng, n + 2, 6);
        x[1] = 1e-4;
        x[2] = -0.6;
        const expected = new Float64Array(n + 2);
        ref.tanhForward(n, x, 2, expected, 1);
        const y = backend.alloc(n + 2);
        backend.tanhForward(n, load(backend, x), 2, y, 1);
        assertClose(`tanhForward n=${n}`, y, expected, (i) => 2e-7 + 2e-7 * Math.abs(expected[i] as number));
        // in place: x and y the same array and offset
        const inPlace = load(backend, x);
        backend.tanhForward(n, inPlace, 2, inPlace, 2);
        const expectedInPlace = Float64Array.from(x);
        ref.tanhForward(n, expectedInPlace, 2, expectedInPlace, 2);
        assertClose(`tanhForward in place n=${n}`, inPlace, expectedInPlace, pointwise(expectedInPlace));

        const dy = randomValues(rng, n);
        const dx = new Float64Array(n + 1);
        ref.tanhBackward(n, expected, 1, dy, 0, dx, 1);
        const dxa = backend.alloc(n + 1);
        backend.tanhBackward(n, load(backend, expected.map(Math.fround)), 1, load(backend, dy), 0, dxa, 1);
        assertClose(`tanhBackward n=${n}`, dxa, dx, pointwise(dx));
      }
    });

    test("tanh: accuracy over a sweep, saturation, signs", () => {
      const n = 4001;
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = Math.fround(-20 + (40 * i) / (n - 1));
      x[0] = -100;
      x[n - 1] = 100;
      x[2000] = 0;
      const y = backend.alloc(n);
      backend.tanhForward(n, load(backend, x), 0, y, 0);
      for (let i = 0; i < n; i++) {
        const e = Math.tanh(x[i] as number);
        const err = Math.abs((y[i] as number) - e);
        assert.ok(err <= 2e-7 + 2e-7 * Math.abs(e), `tanh(${x[i]}) = ${y[i]}, expected ${e}`);
      }
      assert.equal(y[2000], 0);
    });

    for (const withPeep of [false, true]) {
      test(`lstm forward and backward${withPeep ? " with peepholes" : ""}`, () => {
        const rng = new Rng(withPeep ? 7 : 6);
        for (const [rows, hidden] of [
          [1, 1],
          [2, 3],
          [3, 4],
          [4, 13],
          [5, 33],
        ]) {
          const R = rows!;
          const H = hidden!;
          const s = R * H;
          const gates = randomValues(rng, 4 * s + 3, 4);
          gates[1] = 90; // saturating pre-activations
          gates[2] = -90;
          const cPrev = randomValues(rng, s + 1, 2);
          const peep = withPeep ? randomValues(rng, 3 * H + 2) : null;
          // forward
          const eGates = Float64Array.from(gates);
          const eC = new Float64Array(s + 2);
          const eH = new Float64Array(s);
          ref.lstmForward(R, H, eGates, 1, cPrev, 1, peep, 2, eC, 2, eH, 0);
          const aGates = load(backend, gates);
          const aC = backend.alloc(s + 2);
          const aH = backend.alloc(s);
          const aPeep = peep ? load(backend, peep) : null;
          backend.lstmForward(R, H, aGates, 1, load(backend, cPrev), 1, aPeep, 2, aC, 2, aH, 0);
          const tag = `lstm ${R}×${H}${withPeep ? " peep" : ""}`;
          assertClose(`${tag} forward gates`, aGates, eGates, pointwise(eGates));
          assertClose(`${tag} forward c`, aC, eC, pointwise(eC));
          assertClose(`${tag} forward h`, aH, eH, pointwise(eH));
          // backward, from the float32 forward results; dcPrev in place over dc
          const act = Float64Array.from(aGates);
          const cell = Float64Array.from(aC);
          const dh = randomValues(rng, s);
          const dc = randomValues(rng, s + 1);
          const dPeep = withPeep ? randomValues(rng, 3 * H + 1) : null;
          const eDGates = new Float64Array(4 * s);
          const eDc = Float64Array.from(dc);
          const eDPeep = dPeep ? Float64Array.from(dPeep) : null;
          ref.lstmBackward(
            R,
            H,
            act,
            1,
            cPrev,
            1,
            cell,
            2,
            peep,
            2,
            dh,
            0,
            eDc,
            1,
            eDGates,
            0,
            eDc,
            1,
            eDPeep,
            1,
          );
          const aDGates = backend.alloc(4 * s);
          const aDc = load(backend, dc);
          const aDPeep = dPeep ? load(backend, dPeep) : null;
          backend.lstmBackward(
            R,
            H,
            load(backend, act),
            1,
            load(backend, cPrev),
            1,
            load(backend, cell),
            2,
            aPeep,
            2,
            load(backend, dh),
            0,
            aDc,
            1,
            aDGates,
            0,
            aDc,
            1,
            aDPeep,
            1,
          );
          assertClose(`${tag} backward dGates`, aDGates, eDGates, pointwise(eDGates));
          assertClose(`${tag} backward dcPrev (in place)`, aDc, eDc, pointwise(eDc));
          if (aDPeep && eDPeep)
            assertClose(`${tag} backward dPeep`, aDPeep, eDPeep, (i) => 2e-6 * (R + Math.abs(eDPeep[i]!)));
        }
      });
    }

    test("lstm backward with peepholes but no dPeep", () => {
      const rng = new Rng(8);
      const R = 2;
      const H = 5;
      const s = R * H;
      const act = randomValues(rng, 4 * s).map((v) => Math.fround(0.5 + 0.4 * v));
      const cPrev = randomValues(rng, s);
      const cell = randomValues(rng, s);
      const peep = randomValues(rng, 3 * H);
      const dh = randomValues(rng, s);
      const dc = randomValues(rng, s);
      const eDGates = new Float64Array(4 * s);
      const eDcp = new Float64Array(s);
      ref.lstmBackward(R, H, act, 0, cPrev, 0, cell, 0, peep, 0, dh, 0, dc, 0, eDGates, 0, eDcp, 0, null, 0);
      const aDGates = backend.alloc(4 * s);
      const aDcp = backend.alloc(s);
      const b = backend;
      b.lstmBackward(
        R,
        H,
        load(b, act),
        0,
        load(b, cPrev),
        0,
        load(b, cell),
        0,
        load(b, peep),
        0,
        load(b, dh),
        0,
        load(b, dc),
        0,
        aDGates,
        0,
        aDcp,
        0,
        null,
        0,
      );
      assertClose("dGates", aDGates, eDGates, pointwise(eDGates));
      assertClose("dcPrev", aDcp, eDcp, pointwise(eDcp));
    });

    test("gru forward (act over gi in place) and backward", () => {
      const rng = new Rng(9);
      for (const [rows, hidden] of [
        [1, 1],
        [2, 3],
        [3, 4],
        [4, 9],
        [3, 32],
      ]) {
        const R = rows!;
        const H = hidden!;
        const s = R * H;
        const gi = randomValues(rng, 3 * s + 2, 3);
        const gh = randomValues(rng, 3 * s + 1, 3);
        const hPrev = randomValues(rng, s + 3);
        const eAct = Float64Array.from(gi);
        const eH = new Float64Array(s + 1);
        ref.gruForward(R, H, eAct, 2, gh, 1, hPrev, 3, eAct, 2, eH, 1);
        const aAct = load(backend, gi);
        const aH = backend.alloc(s + 1);
        backend.gruForward(R, H, aAct, 2, load(backend, gh), 1, load(backend, hPrev), 3, aAct, 2, aH, 1);
        const tag = `gru ${R}×${H}`;
        assertClose(`${tag} forward act`, aAct, eAct, pointwise(eAct));
        assertClose(`${tag} forward h`, aH, eH, pointwise(eH));

        const act = Float64Array.from(aAct);
        const dh = randomValues(rng, s);
        const eDGi = new Float64Array(3 * s);
        const eDGh = new Float64Array(3 * s + 2);
        const eDhp = new Float64Array(s);
        ref.gruBackward(R, H, act, 2, gh, 1, hPrev, 3, dh, 0, eDGi, 0, eDGh, 2, eDhp, 0);
        const aDGi = backend.alloc(3 * s);
        const aDGh = backend.alloc(3 * s + 2);
        const aDhp = backend.alloc(s);
        const b = backend;
        b.gruBackward(
          R,
          H,
          load(b, act),
          2,
          load(b, gh),
          1,
          load(b, hPrev),
          3,
          load(b, dh),
          0,
          aDGi,
          0,
          aDGh,
          2,
          aDhp,
          0,
        );
        assertClose(`${tag} backward dGi`, aDGi, eDGi, pointwise(eDGi));
        assertClose(`${tag} backward dGh`, aDGh, eDGh, pointwise(eDGh));
        assertClose(`${tag} backward dhPrev`, aDhp, eDhp, pointwise(eDhp));
      }
    });

    test("alloc returns zeroed arrays of the backend's dtype", () => {
      const x = backend.alloc(10);
      assert.equal(x.length, 10);
      assert.ok(x.every((v) => v === 0));
      assert.equal(x instanceof Float64Array, backend.dtype === "float64");
    });
  });
}

describe("wasm backend: memory and foreign arrays", async () => {
  test("views stay valid while shared memory grows", async () => {
    const backend = await createWasmBackend({ shared: true, maxMemoryMiB: 256 });
    const early = backend.alloc(8);
    early.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const before = backend.arena.memory.buffer.byteLength;
    const big = backend.alloc(16 << 20); // 64 MiB: forces growth
    assert.ok(backend.arena.memory.buffer.byteLength > before);
    big[big.length - 1] = 1;
    assert.deepEqual([...early], [1, 2, 3, 4, 5, 6, 7, 8]);
    const out = backend.alloc(1);
    backend.gemm(false, true, 1, 1, 8, 1, early, 0, 8, early, 0, 8, 0, out, 0, 1);
    assert.equal(out[0], 204);
  });

  test("running out of memory names the option to raise", async () => {
    const shared = await createWasmBackend({ shared: true, maxMemoryMiB: 8 });
    assert.throws(() => shared.alloc(4 << 20), /maxMemoryMiB/);
    const unshared = await createWasmBackend({ shared: false, reserveMiB: 8 });
    assert.throws(() => unshared.alloc(4 << 20), /reserveMiB/);
  });

  test("arrays outside wasm memory are copied in and out; float64 and bad ranges throw", async () => {
    const backend: WasmBackend = await createWasmBackend();
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = backend.alloc(6);
    b.set([1, 0, 0, 1, 1, 1]);
    const c = new Float32Array([9, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    backend.gemm(false, false, 2, 2, 3, 1, a, 0, 3, b, 0, 2, 0, c, 1, 2);
    assert.deepEqual([...c], [9, 4, 5, 10, 11]);
    // in place on a foreign array: act over gi
    const gi = new Float32Array([0.1, 0.2, 0.3]);
    const gh = backend.alloc(3);
    const hPrev = new Float32Array([0.5]);
    const h = new Float32Array(1);
    const expected = Float64Array.from(gi);
    const eh = new Float64Array(1);
    ref.gruForward(
      1,
      1,
      expected,
      0,
      new Float64Array(3),
      0,
      Float64Array.from(hPrev),
      0,
      expected,
      0,
      eh,
      0,
    );
    backend.gruForward(1, 1, gi, 0, gh, 0, hPrev, 0, gi, 0, h, 0);
    assertClose("foreign gru act", gi, expected, pointwise(expected));
    assertClose("foreign gru h", h, eh, pointwise(eh));
    assert.throws(() => backend.tanhForward(2, new Float64Array(2), 0, backend.alloc(2), 0), /Float32Array/);
    assert.throws(
      () => backend.tanhForward(4, backend.alloc(2), 0, backend.alloc(4), 0),
      /needs elements \[0, 4\)/,
    );
  });
});

describe("selectBackend", () => {
  // These tests are about the default order: TBPTT_BACKEND (which sets it) is cleared around them.
  const saved = process.env.TBPTT_BACKEND;
  beforeEach(() => {
    delete process.env.TBPTT_BACKEND;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TBPTT_BACKEND;
    else process.env.TBPTT_BACKEND = saved;
  });
  const noAddon = { addonPath: "/nonexistent/tbptt_native.node" };
  const noAddonReason =
    "native: the addon is not built: /nonexistent/tbptt_native.node is missing; build it with `npm run build:native` (needs a C++ compiler, python3 and libopenblas-dev)";

  test("float32 picks native first in Node (then wasm), float64 plain", async () => {
    const f32 = await selectBackend({ dtype: "float32" });
    if (nativeSkipReason() === null) {
      assert.equal(f32.backend.name, "native");
      assert.deepEqual(f32.fallbackReasons, []);
    }
    const wasm = await selectBackend({ dtype: "float32", prefer: "wasm" });
    assert.equal(wasm.backend.name, WASM);
    assert.deepEqual(wasm.fallbackReasons, []);
    const f64 = await selectBackend({ dtype: "float64" });
    assert.equal(f64.backend.name, "plain");
    assert.equal(f64.backend.dtype, "float64");
    assert.deepEqual(f64.fallbackReasons, [
      "native: supports float32 only, asked for float64",
      "wasm: supports float32 only, asked for float64",
    ]);
    const plain = await selectBackend({ dtype: "float32", prefer: "plain" });
    assert.equal(plain.backend.name, "plain");
    assert.deepEqual(plain.fallbackReasons, []);
  });

  test("without the addon, native falls back to wasm with the reason", async () => {
    const { backend, fallbackReasons } = await selectBackend({ dtype: "float32", native: noAddon });
    assert.equal(backend.name, WASM);
    assert.deepEqual(fallbackReasons, [noAddonReason]);
  });

  test("a wasm backend that fails to start falls back to plain with the reason", async () => {
    const { backend, fallbackReasons } = await selectBackend({
      dtype: "float32",
      prefer: "wasm",
      wasm: { maxMemoryMiB: 0 },
      native: noAddon,
    });
    assert.equal(backend.name, "plain");
    assert.equal(fallbackReasons.length, 2);
    assert.match(fallbackReasons[0]!, /^wasm: wasm arena: maxMemoryMiB must be in \[1, 4096\], got 0$/);
    assert.equal(fallbackReasons[1], noAddonReason);
  });

  test("no SIMD (the probe module does not validate) and no addon: plain, with the reasons", async () => {
    const api = (globalThis as unknown as { WebAssembly: { validate: (b: Uint8Array) => boolean } })
      .WebAssembly;
    const validate = api.validate;
    api.validate = () => false;
    try {
      assert.match(wasmSimdUnsupported() ?? "", /SIMD128 is not supported/);
      const { backend, fallbackReasons } = await selectBackend({ dtype: "float32", native: noAddon });
      assert.equal(backend.name, "plain");
      assert.equal(backend.dtype, "float32");
      assert.deepEqual(fallbackReasons, [
        noAddonReason,
        "wasm: WebAssembly SIMD128 is not supported (probe module did not validate)",
      ]);
    } finally {
      api.validate = validate;
    }
    assert.equal(wasmSimdUnsupported(), null);
  });

  test("TBPTT_BACKEND sets the preference when the call does not; other values are refused", async () => {
    process.env.TBPTT_BACKEND = "plain";
    assert.equal((await selectBackend({ dtype: "float32" })).backend.name, "plain");
    assert.equal((await selectBackend({ dtype: "float32", prefer: "wasm" })).backend.name, WASM);
    process.env.TBPTT_BACKEND = "wasm";
    assert.equal((await selectBackend({ dtype: "float32" })).backend.name, WASM);
    process.env.TBPTT_BACKEND = "cuda";
    await assert.rejects(
      selectBackend({ dtype: "float32" }),
      /TBPTT_BACKEND: expected one of native, wasm, plain, got "cuda"/,
    );
  });

  test("a preferred backend this runtime does not offer (native in a browser) is reported, then the rest tried", async () => {
    registerBackend({
      name: "ghost",
      priority: 5,
      wanted: () => false,
      unsupported: () => null,
      create: async () => ref,
    });
    try {
      const { backend, fallbackReasons } = await selectBackend({
        dtype: "float64",
        prefer: "ghost" as "plain",
      });
      assert.equal(backend.name, "plain");
      assert.equal(fallbackReasons[0], "ghost: not available in this runtime");
      await assert.rejects(
        selectBackend({ dtype: "float64", prefer: "nothing" as "plain" }),
        /selectBackend: no backend named nothing/,
      );
    } finally {
      unregisterBackend("ghost");
    }
  });

  test("failures of every registered candidate are collected in order", async () => {
    registerBackend({
      name: "broken",
      priority: 1000,
      unsupported: () => null,
      create: async () => {
        throw new Error("simulated failure");
      },
    });
    registerBackend({
      name: "absent",
      priority: 500,
      unsupported: () => "not in this runtime",
      create: async () => ref,
    });
    try {
      const { backend, fallbackReasons } = await selectBackend({ dtype: "float64" });
      assert.equal(backend.name, "plain");
      assert.deepEqual(fallbackReasons, [
        "broken: simulated failure",
        "absent: not in this runtime",
        "native: supports float32 only, asked for float64",
        "wasm: supports float32 only, asked for float64",
      ]);
    } finally {
      unregisterBackend("broken");
      unregisterBackend("absent");
    }
  });
});
