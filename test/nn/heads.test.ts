// Tier 1 for the output heads: the mse head (real-valued targets, with target
// normalisation) and per-sequence outputs (one label at each sequence's end, the
// bidirectional h_n readout) against finite differences in float64; the readout and the
// mse loss against their definitions computed here, apart from the model.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import type { CellType } from "../../src/nn/cell.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { type SequenceBatch, sequenceLoss, sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { outputConfig } from "../helpers/arbitraries.js";
import { checkGradient } from "../helpers/gradcheck.js";

interface Case {
  cell: CellType | "mlp";
  projSize?: number;
  layers: number;
  bidirectional: boolean;
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  output: OutputConfig;
  lengths: number[];
  maskRate: number;
  seed: number;
}

function makeModel(c: Case): SequenceModel {
  return new SequenceModel(
    {
      cell: c.cell,
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      layers: c.layers,
      bidirectional: c.bidirectional,
      peepholes: false,
      projSize: c.projSize,
      outputSize: c.outputSize,
      output: c.output,
    },
    createPlainBackend("float64"),
  );
}

/** Random inputs; labels per frame or only at each sequence's end; targets for mse. */
function randomBatch(rng: Rng, c: Case): SequenceBatch {
  const mse = c.output.kind === "mse";
  const inputs: number[][] = [];
  const batch: SequenceBatch = { inputs, labels: [], targets: mse ? [] : undefined };
  for (const T of c.lengths) {
    inputs.push(Array.from({ length: T * c.inputSize }, () => rng.uniform(-1, 1)));
    batch.labels.push(
      Array.from({ length: T }, (_, t) => {
        if (c.output.per === "sequence" && t !== T - 1) return -1;
        if (rng.next() < c.maskRate) return -1;
        return mse ? 0 : rng.int(c.outputSize);
      }),
    );
    // Targets on the data's scale (mean 3, spread 2), so the normalisation matters.
    batch.targets?.push(Array.from({ length: T * c.outputSize }, () => 3 + 2 * rng.uniform(-1, 1)));
  }
  return batch;
}

function worstError(c: Case): number {
  const model = makeModel(c);
  const rng = new Rng(c.seed);
  initializeModel(model, rng, { scheme: "uniform", range: 0.5, forgetBias: 0.3 });
  const batch = randomBatch(rng, c);
  model.zeroGrads();
  sequenceLossAndGradient(model, batch);
  const analytic = Float64Array.from(model.grads);
  return checkGradient(model.params, analytic, () => sequenceLoss(model, batch)).worst;
}

const normalised: OutputConfig = {
  kind: "mse",
  per: "frame",
  normalisation: { mean: [3, -1], std: [2, 0.5] },
};

const base: Case = {
  cell: "lstm",
  layers: 1,
  bidirectional: false,
  inputSize: 3,
  hiddenSize: 4,
  outputSize: 2,
  output: { kind: "mse", per: "frame" },
  lengths: [5],
  maskRate: 0,
  seed: 1,
};

const named: [string, Partial<Case>][] = [
  ["mse on an lstm", {}],
  ["mse with target normalisation", { output: normalised }],
  ["mse on a gru, 3 target dimensions", { cell: "gru", outputSize: 3 }],
  [
    "mse on a 2-layer rnn, masked frames, unequal lengths",
    { cell: "rnn", layers: 2, lengths: [4, 1, 6], maskRate: 0.4 },
  ],
  ["mse on a bidirectional lstm", { bidirectional: true, lengths: [3, 5], output: normalised }],
  ["mse on an mlp", { cell: "mlp", layers: 2 }],
  ["mse, one target per sequence", { output: { ...normalised, per: "sequence" }, lengths: [4, 2, 6] }],
  [
    "softmax, one label per sequence",
    { output: { kind: "softmax", per: "sequence" }, outputSize: 3, lengths: [4, 6] },
  ],
  [
    "softmax, one label per sequence, bidirectional (h_n readout), unequal lengths",
    { output: { kind: "softmax", per: "sequence" }, outputSize: 3, bidirectional: true, lengths: [4, 1, 6] },
  ],
  [
    "softmax, one label per sequence, bidirectional lstmp (the readout halves are the projections)",
    {
      output: { kind: "softmax", per: "sequence" },
      hiddenSize: 4,
      projSize: 2,
      bidirectional: true,
      lengths: [3, 5],
    },
  ],
  [
    "mse, one target per sequence, 2-layer bidirectional gru",
    {
      cell: "gru",
      layers: 2,
      bidirectional: true,
      output: { ...normalised, per: "sequence" },
      lengths: [5, 3],
    },
  ],
];

for (const [name, over] of named) {
  test(`exact BPTT matches finite differences: ${name}`, () => {
    const worst = worstError({ ...base, ...over });
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });
}

test("heads match finite differences on random cells, stacks, directions, kinds and placements", () => {
  fc.assert(
    fc.property(
      fc.record({
        cell: fc.constantFrom<CellType>("lstm", "gru", "rnn"),
        layers: fc.integer({ min: 1, max: 2 }),
        bidirectional: fc.boolean(),
        inputSize: fc.integer({ min: 1, max: 3 }),
        hiddenSize: fc.integer({ min: 1, max: 3 }),
        outputSize: fc.integer({ min: 2, max: 3 }),
        kind: fc.constantFrom<"softmax" | "mse">("softmax", "mse"),
        per: fc.constantFrom<"frame" | "sequence">("frame", "sequence"),
        lengths: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
        maskRate: fc.constantFrom(0, 0.3),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
      }),
      (r) => {
        const output = outputConfig(r.kind, r.per, r.outputSize);
        return worstError({ ...r, output }) < 1e-6;
      },
    ),
    { numRuns: 30, seed: 11 },
  );
});

test("the mse loss is ½ Σ ((ŷ − y) / s)² with ŷ = m + s·z in the data's units, as computed here", () => {
  const c: Case = { ...base, output: normalised, lengths: [4, 3], maskRate: 0.3 };
  const model = makeModel(c);
  const rng = new Rng(5);
  initializeModel(model, rng, { scheme: "uniform", range: 0.5 });
  const batch = randomBatch(rng, c);
  const loss = sequenceLoss(model, batch);
  const { mean, std } = normalised.normalisation as { mean: number[]; std: number[] };
  const B = batch.labels.length;
  let expected = 0;
  const prediction = [0, 0];
  batch.labels.forEach((labels, b) => {
    for (let t = 0; t < labels.length; t++) {
      model.head.read(t * B + b, prediction);
      // read gives the data's units: m + s·z from the head's raw output z
      for (let d = 0; d < 2; d++) {
        const z = model.probs[(t * B + b) * 2 + d] as number;
        assert.ok(
          Math.abs((prediction[d] as number) - ((mean[d] as number) + (std[d] as number) * z)) < 1e-12,
        );
      }
      if ((labels[t] as number) < 0) continue;
      for (let d = 0; d < 2; d++) {
        const y = ((batch.targets as number[][])[b] as number[])[t * 2 + d] as number;
        expected += 0.5 * (((prediction[d] as number) - y) / (std[d] as number)) ** 2;
      }
    }
  });
  assert.ok(expected > 0.1);
  assert.ok(Math.abs(loss - expected) < 1e-12 * expected, `${loss} vs ${expected}`);
});

for (const [name, sizes] of [
  ["lstm", { hiddenSize: 3 }],
  ["lstmp (each half is a projection)", { hiddenSize: 4, projSize: 2 }],
] as const) {
  test(`a bidirectional per-sequence output reads [h_fwd at the end, h_rev at the start], as torch's h_n: ${name}`, () => {
    const c: Case = {
      ...base,
      ...sizes,
      bidirectional: true,
      output: { kind: "softmax", per: "sequence" },
      outputSize: 2,
      lengths: [6, 3],
    };
    const model = makeModel(c);
    const rng = new Rng(9);
    initializeModel(model, rng, { scheme: "uniform", range: 0.5 });
    const batch = randomBatch(rng, c);
    sequenceLoss(model, batch);
    const H = c.projSize ?? c.hiddenSize;
    const top = model.top.output;
    const readout = model.readout?.features as Float64Array;
    assert.ok(readout, "a bidirectional per-sequence model has a readout");
    batch.labels.forEach((labels, b) => {
      const last = ((labels.length - 1) * 2 + b) * 2 * H;
      const first = b * 2 * H;
      for (let j = 0; j < H; j++) {
        assert.equal(readout[last + j], top[last + j], "forward half: h_fwd at the last step");
        assert.equal(readout[last + H + j], top[first + H + j], "reverse half: h_rev at the first step");
      }
      // The per-frame concatenation would differ: the reverse state at the end has seen one frame.
      assert.notEqual(top[last + H], top[first + H]);
    });
    // A unidirectional per-sequence model needs no readout: h at the last step is h_n.
    assert.equal(makeModel({ ...c, bidirectional: false }).readout, null);
  });
}

test("bad output configs and missing targets are refused, naming the field", () => {
  assert.throws(
    () => makeModel({ ...base, output: { kind: "gaussian" as "mse", per: "frame" } }),
    /model\.output\.kind: expected "softmax", "mse" or "class-softmax", got "gaussian"/,
  );
  assert.throws(
    () => makeModel({ ...base, output: { kind: "mse", per: "end" as "frame" } }),
    /model\.output\.per: expected "frame" or "sequence"/,
  );
  assert.throws(
    () =>
      makeModel({ ...base, output: { kind: "mse", per: "frame", normalisation: { mean: [0], std: [1] } } }),
    /model\.output\.normalisation\.mean: expected 2 numbers/,
  );
  assert.throws(
    () =>
      makeModel({
        ...base,
        output: { kind: "mse", per: "frame", normalisation: { mean: [0, 0], std: [1, 0] } },
      }),
    /model\.output\.normalisation\.std\[1\]: expected a positive number, got 0/,
  );
  assert.throws(
    () => makeModel({ ...base, outputSize: 1, output: { kind: "softmax", per: "frame" } }),
    /at least 2 classes/,
  );
  // One target dimension is a valid regression.
  assert.equal(makeModel({ ...base, outputSize: 1 }).head.targetSize, 1);
  const model = makeModel(base);
  assert.throws(
    () => sequenceLoss(model, { inputs: [[0, 0, 0]], labels: [[0]] }),
    /batch stream 0: the model's output needs 2 target values \(2 per step\), got none/,
  );
});
