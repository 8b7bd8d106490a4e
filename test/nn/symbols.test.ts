// One-hot inputs given as symbols (src/nn/input.ts): the first layer reads a column of its input
// weights instead of multiplying a dense one-hot row, and scatter-adds its weight gradient. Tier 1:
// in float64 the loss and every gradient equal the dense one-hot path's, and the gradient agrees
// with finite differences, for every cell, LSTMP, peepholes, bidirectional and stacked layers, the
// MLP and the class-factorised head. On the float32 backends the forward pass is the same bit for
// bit; the input weights' gradient is the same bit for bit on plain and matches to float32
// rounding on wasm and native (their dense product sums in another order), every other gradient
// is the same bit for bit.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Backend } from "../../src/core/backend.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import type { FloatArray } from "../../src/core/types.js";
import { createWasmBackend } from "../../src/core/wasm/backend.js";
import { denseBackward } from "../../src/nn/dense.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { sequenceLoss, sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { checkGradient } from "../helpers/gradcheck.js";
import { nativeForTests } from "../helpers/native.js";

const V = 5;

const configs: [string, Partial<ModelConfig>][] = [
  ["LSTM", { cell: "lstm" }],
  [
    "LSTMP with peepholes, 2 layers",
    { cell: "lstm", hiddenSize: 4, projSize: 2, peepholes: true, layers: 2 },
  ],
  ["GRU", { cell: "gru" }],
  ["tanh RNN", { cell: "rnn" }],
  ["sigmoid RNN (rnnlm's)", { cell: "rnn", nonlinearity: "sigmoid" }],
  ["bidirectional LSTM", { cell: "lstm", bidirectional: true }],
  ["bidirectional GRU, 2 layers", { cell: "gru", bidirectional: true, layers: 2 }],
  ["MLP", { cell: "mlp", layers: 2 }],
  [
    "RNN with the class-factorised output (rnnlm's -class)",
    {
      cell: "rnn",
      nonlinearity: "sigmoid",
      output: { kind: "class-softmax", per: "frame", classSizes: [2, 3] },
    },
  ],
];

function makeModel(config: Partial<ModelConfig>, backend: Backend, seed: number): SequenceModel {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: V,
      hiddenSize: 3,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: V,
      ...config,
    },
    backend,
  );
  initializeModel(model, new Rng(seed), { scheme: "uniform", range: 0.5, forgetBias: 0.3 });
  // float32-representable weights, so every backend starts from the same numbers
  for (let i = 0; i < model.params.length; i++) model.params[i] = Math.fround(model.params[i] as number);
  return model;
}

/** Three streams of unequal length (masked tails), symbols in [−1, V) (−1: an all-zero input). */
function draw(seed: number) {
  const rng = new Rng(seed);
  const symbols = [7, 4, 6].map((T) => Array.from({ length: T }, () => rng.int(V + 1) - 1));
  const labels = symbols.map((s) => s.map(() => (rng.next() < 0.2 ? -1 : rng.int(V))));
  const inputs = symbols.map((s) => {
    const x = new Array<number>(s.length * V).fill(0);
    s.forEach((v, t) => {
      if (v >= 0) x[t * V + v] = 1;
    });
    return x;
  });
  return { symbols, labels, inputs };
}

/** Loss and gradient with dense one-hot rows and with symbols, from the same weights. */
function bothWays(config: Partial<ModelConfig>, backend: Backend, seed: number) {
  const { symbols, labels, inputs } = draw(seed);
  const dense = makeModel(config, backend, seed);
  const lookup = makeModel(config, backend, seed);
  dense.zeroGrads();
  lookup.zeroGrads();
  const denseLoss = sequenceLossAndGradient(dense, { inputs, labels });
  const lookupLoss = sequenceLossAndGradient(lookup, { symbols, labels });
  assert.equal(dense.inputKind, "dense");
  assert.equal(lookup.inputKind, "index");
  return { dense, lookup, denseLoss, lookupLoss, symbols, labels };
}

/** The flat-array ranges of the first layer's input weights (W_ih, or hidden.0.weight for the MLP). */
function inputWeightRanges(model: SequenceModel): [number, number][] {
  return model.layout.entries
    .filter((e) => /weight_ih_l0|^hidden\.0\.weight$/.test(e.name))
    .map((e) => [e.offset, e.offset + e.size]);
}

function assertSame(
  what: string,
  actual: FloatArray,
  expected: FloatArray,
  skip: [number, number][] = [],
): void {
  for (let i = 0; i < expected.length; i++) {
    if (skip.some(([from, to]) => i >= from && i < to)) continue;
    if (actual[i] !== expected[i])
      assert.fail(`${what}: entry ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

describe("symbols against dense one-hot rows, float64", () => {
  for (const [name, config] of configs) {
    test(`${name}: the same loss and gradients, and the gradient matches finite differences`, () => {
      const { dense, lookup, denseLoss, lookupLoss, symbols, labels } = bothWays(
        config,
        createPlainBackend("float64"),
        11,
      );
      assert.equal(lookupLoss, denseLoss);
      assertSame(`${name} gradient`, lookup.grads, dense.grads);
      // A symbol that never occurs leaves its column's gradient at zero; one that does, not.
      const [from] = inputWeightRanges(lookup)[0] as [number, number];
      const used = new Set(symbols.flat().filter((v) => v >= 0));
      assert.ok(used.size > 0 && used.size < V + 1);
      const analytic = Float64Array.from(lookup.grads);
      const result = checkGradient(lookup.params, analytic, () => sequenceLoss(lookup, { symbols, labels }));
      assert.ok(result.worst < 1e-6, `${name}: worst ${result.worst} at ${result.worstIndex}`);
      for (let v = 0; v < V; v++)
        if (!used.has(v)) assert.equal(analytic[from + v], 0, `column ${v} is never read`);
    });
  }
});

const backends: [string, () => Promise<Backend | null>][] = [
  ["plain float32", async () => createPlainBackend("float32")],
  ["wasm", () => createWasmBackend()],
  ["native", () => nativeForTests()],
];

for (const [backendName, make] of backends) {
  describe(`symbols against dense one-hot rows, ${backendName}`, async () => {
    const backend = await make();
    for (const [name, config] of configs) {
      test(name, (t) => {
        if (!backend) {
          t.skip("no native backend here (native/build-status.txt says why)");
          return;
        }
        const { dense, lookup, denseLoss, lookupLoss } = bothWays(config, backend, 12);
        // the forward pass is the same bit for bit: each gate reads the very weight a product would give
        assert.equal(lookupLoss, denseLoss);
        for (let i = 0; i < dense.probs.length; i++) assert.equal(lookup.probs[i], dense.probs[i]);
        const ranges = inputWeightRanges(lookup);
        assertSame(`${name} gradients other than the input weights'`, lookup.grads, dense.grads, ranges);
        if (backendName === "plain float32")
          assertSame(`${name} input weights' gradient`, lookup.grads, dense.grads);
        else
          for (const [from, to] of ranges)
            for (let i = from; i < to; i++) {
              const a = lookup.grads[i] as number;
              const e = dense.grads[i] as number;
              assert.ok(
                Math.abs(a - e) <= 1e-6 * (1 + Math.abs(e)),
                `${name}: ∂W_ih entry ${i} is ${a}, dense ${e}`,
              );
            }
      });
    }
  });
}

test("a layer fed symbols has no input gradient to pass on", () => {
  const backend = createPlainBackend("float64");
  const params = backend.alloc(2 * 3 + 2);
  const grads = backend.alloc(params.length);
  assert.throws(
    () =>
      denseBackward(
        backend,
        1,
        3,
        2,
        Int32Array.of(1),
        0,
        backend.alloc(2),
        0,
        params,
        grads,
        { weight: 0, bias: 6 },
        backend.alloc(3),
        0,
      ),
    /has no input gradient/,
  );
});

test("a batch of symbols outside [−1, I) is refused, naming the stream and step", () => {
  const model = makeModel({ cell: "rnn" }, createPlainBackend("float64"), 1);
  assert.throws(
    () =>
      sequenceLoss(model, {
        symbols: [
          [0, 1],
          [2, V],
        ],
        labels: [
          [0, 1],
          [1, 1],
        ],
      }),
    new RegExp(`batch stream 1: input symbol ${V} at step 1, expected an integer in \\[−1, ${V}\\)`),
  );
  assert.throws(
    () => sequenceLoss(model, { symbols: [[0]], inputs: [[1, 0, 0, 0, 0]], labels: [[0]] }),
    /either inputs \(features\) or symbols/,
  );
});
