// Tier 1 of the gradient tests (STYLE.md): exact BPTT of every layer type and
// combination against central finite differences, float64, relative error < 1e-6.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import type { CellType } from "../../src/nn/cell.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { type SequenceBatch, sequenceLoss, sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { checkGradient } from "../helpers/gradcheck.js";

interface Case {
  cell: ModelConfig["cell"];
  peepholes: boolean;
  projSize: number;
  layers: number;
  bidirectional: boolean;
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  lengths: number[];
  maskRate: number;
  seed: number;
  nonlinearity?: ModelConfig["nonlinearity"];
}

function randomBatch(rng: Rng, c: Case): SequenceBatch {
  const inputs: number[][] = [];
  const labels: number[][] = [];
  for (const T of c.lengths) {
    inputs.push(Array.from({ length: T * c.inputSize }, () => rng.uniform(-1, 1)));
    labels.push(Array.from({ length: T }, () => (rng.next() < c.maskRate ? -1 : rng.int(c.outputSize))));
  }
  return { inputs, labels };
}

function runCase(c: Case): number {
  const model = new SequenceModel(
    {
      cell: c.cell,
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      layers: c.layers,
      bidirectional: c.bidirectional,
      peepholes: c.peepholes,
      projSize: c.projSize,
      outputSize: c.outputSize,
      nonlinearity: c.nonlinearity,
    },
    createPlainBackend("float64"),
  );
  const rng = new Rng(c.seed);
  // ±0.5 makes the nonlinearities work outside their linear range.
  initializeModel(model, rng, { scheme: "uniform", range: 0.5, forgetBias: 0.3 });
  const batch = randomBatch(rng, c);
  model.zeroGrads();
  sequenceLossAndGradient(model, batch);
  const analytic = Float64Array.from(model.grads);
  const result = checkGradient(model.params, analytic, () => sequenceLoss(model, batch));
  return result.worst;
}

const base: Case = {
  cell: "lstm",
  peepholes: false,
  projSize: 0,
  layers: 1,
  bidirectional: false,
  inputSize: 3,
  hiddenSize: 4,
  outputSize: 3,
  lengths: [5],
  maskRate: 0,
  seed: 1,
};

const named: [string, Partial<Case>][] = [
  ["rnn", { cell: "rnn" }],
  ["2-layer mlp (frame by frame)", { cell: "mlp", layers: 2 }],
  ["gru", { cell: "gru" }],
  ["lstm", {}],
  ["lstm with peepholes", { peepholes: true }],
  ["2-layer lstm with peepholes", { peepholes: true, layers: 2 }],
  ["2-layer gru", { cell: "gru", layers: 2 }],
  ["2-layer rnn", { cell: "rnn", layers: 2 }],
  ["blstm", { bidirectional: true }],
  ["blstm with peepholes, 2 layers", { bidirectional: true, peepholes: true, layers: 2 }],
  ["brnn", { cell: "rnn", bidirectional: true }],
  ["sigmoid rnn (Elman, rnnlm)", { cell: "rnn", nonlinearity: "sigmoid" }],
  [
    "2-layer bidirectional sigmoid rnn, masked",
    { cell: "rnn", nonlinearity: "sigmoid", layers: 2, bidirectional: true, lengths: [3, 5], maskRate: 0.3 },
  ],
  ["bgru", { cell: "gru", bidirectional: true }],
  ["masked frames, unequal lengths, 3 streams", { lengths: [4, 1, 6], maskRate: 0.4, layers: 2 }],
  [
    "bidirectional with unequal lengths and masks",
    { bidirectional: true, lengths: [2, 5, 3], maskRate: 0.3 },
  ],
  ["lstmp (Sak et al. 2014: 4 cells projected to 2)", { projSize: 2 }],
  ["lstmp with peepholes, 2 layers", { projSize: 3, peepholes: true, layers: 2 }],
  ["blstmp with peepholes, 2 layers", { projSize: 2, peepholes: true, layers: 2, bidirectional: true }],
  ["lstmp, masked frames, unequal lengths, 3 streams", { projSize: 1, lengths: [4, 1, 6], maskRate: 0.4 }],
];

for (const [name, over] of named) {
  test(`exact BPTT matches finite differences: ${name}`, () => {
    const worst = runCase({ ...base, ...over });
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });
}

test("exact BPTT matches finite differences on random cells, stacks, sizes and lengths", () => {
  fc.assert(
    fc.property(
      fc.record({
        cell: fc.constantFrom<CellType>("lstm", "gru", "rnn"),
        peepholes: fc.boolean(),
        projSize: fc.integer({ min: 0, max: 3 }),
        layers: fc.integer({ min: 1, max: 2 }),
        bidirectional: fc.boolean(),
        inputSize: fc.integer({ min: 1, max: 4 }),
        hiddenSize: fc.integer({ min: 1, max: 4 }),
        outputSize: fc.integer({ min: 2, max: 4 }),
        lengths: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        maskRate: fc.constantFrom(0, 0.3),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      }),
      (c) => {
        const lstm = c.cell === "lstm";
        // a projection needs 0 < P < H: drawn P ≥ H means none
        const projSize = lstm && c.projSize < c.hiddenSize ? c.projSize : 0;
        const worst = runCase({ ...c, peepholes: c.peepholes && lstm, projSize });
        return worst < 1e-6;
      },
    ),
    { numRuns: 40, seed: 42 },
  );
});

test("the check detects a wrong gradient (a single perturbed component fails it)", () => {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 2,
      hiddenSize: 3,
      layers: 1,
      bidirectional: false,
      peepholes: true,
      outputSize: 2,
    },
    createPlainBackend("float64"),
  );
  const rng = new Rng(7);
  initializeModel(model, rng, { scheme: "uniform", range: 0.5 });
  const batch = randomBatch(rng, { ...base, inputSize: 2, outputSize: 2, lengths: [4] });
  model.zeroGrads();
  sequenceLossAndGradient(model, batch);
  const analytic = Float64Array.from(model.grads);
  const peep = model.layout.get("rnn.weight_co_l0").offset;
  analytic[peep] = (analytic[peep] as number) * 1.001 + 1e-3;
  const result = checkGradient(model.params, analytic, () => sequenceLoss(model, batch));
  assert.equal(result.worstIndex, peep);
  assert.ok(result.worst > 1e-4);
});
