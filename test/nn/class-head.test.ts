// rnnlm's class-factorised output layer (src/nn/class-softmax-head.ts): its gradients
// against finite differences in float64 (with and without biases, stacked and
// bidirectional below it, several streams, masked steps), its P(w) = P(c)·P(w | c) a
// distribution over all words whose −ln at the label is the loss the model reports,
// and its configuration errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import type { ClassSoftmaxHead } from "../../src/nn/class-softmax-head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { type SequenceBatch, sequenceLoss, sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { checkGradient } from "../helpers/gradcheck.js";

interface Case {
  classSizes: number[];
  bias: boolean;
  cell: ModelConfig["cell"];
  layers: number;
  bidirectional: boolean;
  lengths: number[];
  maskRate: number;
  seed: number;
}

function build(c: Case): { model: SequenceModel; batch: SequenceBatch } {
  const V = c.classSizes.reduce((a, b) => a + b, 0);
  const model = new SequenceModel(
    {
      cell: c.cell,
      inputSize: 3,
      hiddenSize: 4,
      layers: c.layers,
      bidirectional: c.bidirectional,
      peepholes: false,
      outputSize: V,
      output: { kind: "class-softmax", per: "frame", classSizes: c.classSizes, bias: c.bias },
    },
    createPlainBackend("float64"),
  );
  const rng = new Rng(c.seed);
  initializeModel(model, rng, { scheme: "uniform", range: 0.6 });
  const batch: SequenceBatch = {
    inputs: c.lengths.map((T) => Array.from({ length: T * 3 }, () => rng.uniform(-1, 1))),
    labels: c.lengths.map((T) =>
      Array.from({ length: T }, () => (rng.next() < c.maskRate ? -1 : rng.int(V))),
    ),
  };
  return { model, batch };
}

function worstError(c: Case): number {
  const { model, batch } = build(c);
  model.zeroGrads();
  sequenceLossAndGradient(model, batch);
  const analytic = Float64Array.from(model.grads);
  return checkGradient(model.params, analytic, () => sequenceLoss(model, batch)).worst;
}

const base: Case = {
  classSizes: [1, 2, 4],
  bias: false,
  cell: "rnn",
  layers: 1,
  bidirectional: false,
  lengths: [5],
  maskRate: 0,
  seed: 1,
};

const named: [string, Partial<Case>][] = [
  ["rnnlm's layer: no biases", {}],
  ["with biases", { bias: true }],
  ["one class (a plain softmax over the words)", { classSizes: [6] }],
  ["one word per class (a plain softmax over the classes)", { classSizes: [1, 1, 1, 1] }],
  [
    "over a 2-layer LSTM, 3 streams, masked steps",
    { cell: "lstm", layers: 2, lengths: [4, 1, 6], maskRate: 0.3 },
  ],
  ["over a bidirectional GRU", { cell: "gru", bidirectional: true, lengths: [3, 5], bias: true }],
];

for (const [name, over] of named) {
  test(`class-factorised softmax: exact gradients match finite differences, ${name}`, () => {
    const worst = worstError({ ...base, ...over });
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });
}

test("class-factorised softmax: finite differences on 40 random class splits, sizes and masks", () => {
  fc.assert(
    fc.property(
      fc.record({
        classSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        bias: fc.boolean(),
        lengths: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        maskRate: fc.constantFrom(0, 0.3),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      }),
      (r) => {
        if (r.classSizes.reduce((a, b) => a + b, 0) < 2) r.classSizes.push(1);
        const worst = worstError({ ...base, ...r });
        assert.ok(worst < 1e-6, `worst relative error ${worst}`);
      },
    ),
    { numRuns: 40, seed: 5 },
  );
});

test("P(w) = P(c)·P(w | c) sums to 1 over all words, and −ln P(label) is the loss", () => {
  const { model, batch } = build({ ...base, classSizes: [2, 1, 3], bias: true, lengths: [4, 3] });
  const loss = sequenceLoss(model, batch);
  const head = model.head as ClassSoftmaxHead;
  const B = 2;
  const V = 6;
  const p = new Float64Array(V);
  let sum = 0;
  for (let b = 0; b < B; b++) {
    const labels = batch.labels[b] as number[];
    labels.forEach((w, t) => {
      head.read(t * B + b, p);
      assert.ok(Math.abs(p.reduce((a, x) => a + x, 0) - 1) < 1e-12);
      // P(w) is the class's probability times the word's probability within it.
      const c = head.classOf[w] as number;
      let inClass = 0;
      for (let v = 0; v < V; v++) if (head.classOf[v] === c) inClass += p[v] as number;
      assert.ok(Math.abs(inClass - (head.classProbs[(t * B + b) * 3 + c] as number)) < 1e-12);
      sum -= Math.log(p[w] as number);
    });
  }
  assert.ok(Math.abs(sum - loss) < 1e-12 * Math.abs(loss), `${sum} vs ${loss}`);
});

test("class sizes are checked against the vocabulary, by field", () => {
  const config = (output: object) => ({
    cell: "rnn" as const,
    inputSize: 2,
    hiddenSize: 2,
    layers: 1,
    bidirectional: false,
    peepholes: false,
    outputSize: 5,
    output: { kind: "class-softmax" as const, per: "frame" as const, ...output },
  });
  const make = (output: object) => new SequenceModel(config(output), createPlainBackend("float64"));
  assert.throws(
    () => make({ classSizes: [2, 2] }),
    /model\.output\.classSizes: expected sizes adding up to outputSize 5/,
  );
  assert.throws(
    () => make({ classSizes: [5, 0] }),
    /model\.output\.classSizes\[1\]: expected an integer ≥ 1/,
  );
  assert.throws(() => make({}), /model\.output\.classSizes: expected an array/);
  const model = make({ classSizes: [1, 4] });
  assert.deepEqual(
    model.layout.entries.filter((e) => e.name.startsWith("out.")).map((e) => [e.name, e.shape]),
    [
      ["out.class_weight", [2, 2]],
      ["out.word_weight", [5, 2]],
    ],
  );
});
