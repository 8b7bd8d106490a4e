// The lag profile against what it must be.
//
// A tanh RNN held at its fixed point h = 0 (W_ih = 0 and zero biases, so every
// pre-activation is 0 whatever the input) is a linear RNN for its backward pass:
// tanh'(0) = 1, so ∂h_j/∂h_{j−1} = W_hh exactly and
//     ∂L_s/∂h_{s−τ} = (W_hhᵀ)^τ g_s,   g_s = W_outᵀ (softmax(b_out) − e_{y_s}).
// With W_hh = ρQ (Q orthogonal) the norm is ρ^τ ‖g_s‖: the profile is a geometric decay
// known in closed form. The weight gradient there is exact too: only W_ih and the biases
// receive any (h = 0 in every other product), ∂W_ih from lag τ of loss s is
// (W_hhᵀ)^τ g_s x_{s−τ}ᵀ, so the share of lags ≥ τ is a finite sum the test computes.
// A 2-layer stack at its fixed point is checked against the same recursion through both
// layers; LSTM (peepholes, projection) and GRU away from any fixed point against central
// differences of L_s in the state carried into step j + 1.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { analyseGradient } from "../../src/gradient/analyse.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { loadBatch } from "../../src/nn/sequence.js";

type Matrix = number[][];

const matVecT = (m: Matrix, v: number[]): number[] =>
  m[0]!.map((_, j) => m.reduce((s, row, i) => s + row[j]! * v[i]!, 0));
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

function tensor(model: SequenceModel, name: string): Matrix {
  const { offset, shape } = model.layout.get(name);
  const [rows, cols = 1] = shape as [number, number?];
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => model.params[offset + i * cols + j] as number),
  );
}

function setTensor(model: SequenceModel, name: string, values: (i: number, j: number) => number): void {
  const { offset, shape } = model.layout.get(name);
  const [rows, cols = 1] = shape as [number, number?];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) model.params[offset + i * cols + j] = values(i, j);
}

/** A random signed permutation: orthogonal, so ‖(ρQ)ᵀ v‖ = ρ‖v‖ exactly. */
function signedPermutation(n: number, rng: Rng): Matrix {
  const perm = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (perm[i] === j ? (rng.next() < 0.5 ? -1 : 1) : 0)),
  );
}

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

interface Data {
  sequences: ArraySequence[];
  inputs: number[][][]; // [sequence][t][i]
  labels: number[][];
}

function randomData(rng: Rng, lengths: number[], I: number, C: number, maskRate: number): Data {
  const inputs = lengths.map((T) =>
    Array.from({ length: T }, () => Array.from({ length: I }, () => rng.uniform(-1, 1))),
  );
  const labels = lengths.map((T) =>
    Array.from({ length: T }, () => (rng.next() < maskRate ? -1 : rng.int(C))),
  );
  const sequences = lengths.map((_, n) => new ArraySequence(inputs[n]!.flat(), labels[n]!, I));
  return { sequences, inputs, labels };
}

/** A model at its fixed point h = 0: W_ih of the first layer and every bias zero. */
function fixedPointModel(config: Omit<ModelConfig, "cell" | "bidirectional" | "peepholes">, seed: number) {
  const model = new SequenceModel(
    { ...config, cell: "rnn", bidirectional: false, peepholes: false },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(seed), { scheme: "uniform", range: 0.7 });
  setTensor(model, "rnn.weight_ih_l0", () => 0);
  for (let l = 0; l < config.layers; l++) {
    setTensor(model, `rnn.bias_ih_l${l}`, () => 0);
    setTensor(model, `rnn.bias_hh_l${l}`, () => 0);
  }
  return model;
}

const profileOf = (model: SequenceModel, data: Data, schedule: Schedule, streams: number) =>
  analyseGradient(model, data.sequences, { schedule, streams, updates: 10_000, k2: [1, 2, 3, 5, 8] });

test("a linear RNN (tanh at h = 0, W_hh = ρQ): mean ‖∂L_s/∂h_{s−τ}‖ = ρ^τ · mean ‖g_s‖ over the losses that reach τ back", () => {
  const rng = new Rng(7);
  const H = 4;
  const C = 3;
  const rho = 0.8;
  const model = fixedPointModel({ inputSize: 2, hiddenSize: H, layers: 1, outputSize: C }, 3);
  const Q = signedPermutation(H, rng);
  setTensor(model, "rnn.weight_hh_l0", (i, j) => rho * Q[i]![j]!);
  const data = randomData(rng, [7, 12, 3, 9, 10], 2, C, 0.3);
  const p = softmax(tensor(model, "out.bias").map((r) => r[0]!));
  const gNorm = (y: number) =>
    norm(
      matVecT(
        tensor(model, "out.weight"),
        p.map((v, c) => v - (c === y ? 1 : 0)),
      ),
    );

  // Each sequence starts from a reset: loss at position t reaches back to lag t.
  const sum: number[] = [];
  const count: number[] = [];
  for (const ys of data.labels)
    ys.forEach((y, t) => {
      if (y < 0) return;
      for (let tau = 0; tau <= t; tau++) {
        sum[tau] = (sum[tau] ?? 0) + rho ** tau * gNorm(y);
        count[tau] = (count[tau] ?? 0) + 1;
      }
    });
  for (const [schedule, streams] of [
    [makeSchedule({}), 1],
    [makeSchedule({ k1: 4, k2: 4 }), 2],
    [makeSchedule({ k1: 3, k2: 2, truncation: "per-loss", layout: "packed" }), 3],
  ] as const) {
    const profile = profileOf(model, data, schedule, streams).lagProfile.stateGradient!;
    assert.deepEqual(profile.losses, count, "losses per lag");
    profile.meanNorm.forEach((v, tau) => {
      const expected = sum[tau]! / count[tau]!;
      assert.ok(Math.abs(v - expected) <= 1e-12 * expected, `τ = ${tau}: ${v} vs ${expected}`);
    });
  }
});

test("a linear RNN's stream that never resets: lags reach back to the first step; the weight shares in closed form", () => {
  const rng = new Rng(11);
  const H = 3;
  const I = 2;
  const C = 2;
  const model = fixedPointModel({ inputSize: I, hiddenSize: H, layers: 1, outputSize: C }, 5);
  const W = tensor(model, "rnn.weight_hh_l0"); // not orthogonal: the sum below is general
  const data = randomData(rng, [6, 5, 7], I, C, 0.25);
  // One stream, reset never: the sequences form one history of 18 steps.
  const xs = data.inputs.flat();
  const ys = data.labels.flat();
  const Wout = tensor(model, "out.weight");
  const p = softmax(tensor(model, "out.bias").map((r) => r[0]!));
  // Per lag τ: Σ_s of W_ih's and the biases' part from lag τ, (W_hhᵀ)^τ g_s x_{s−τ}ᵀ and (W_hhᵀ)^τ g_s.
  const T = ys.length;
  const dWih: Matrix[] = Array.from({ length: T }, () =>
    Array.from({ length: H }, () => new Array(I).fill(0)),
  );
  const dB: number[][] = Array.from({ length: T }, () => new Array(H).fill(0));
  const dOutBias = new Array(C).fill(0);
  const meanNorm: number[] = new Array(T).fill(0);
  const counts: number[] = new Array(T).fill(0);
  ys.forEach((y, s) => {
    if (y < 0) return;
    const e = p.map((v, c) => v - (c === y ? 1 : 0));
    e.forEach((v, c) => {
      dOutBias[c] += v;
    });
    let delta = matVecT(Wout, e);
    for (let tau = 0; tau <= s; tau++) {
      meanNorm[tau]! += norm(delta);
      counts[tau]!++;
      const x = xs[s - tau]!;
      for (let i = 0; i < H; i++) {
        dB[tau]![i]! += delta[i]!;
        for (let j = 0; j < I; j++) dWih[tau]![i]![j]! += delta[i]! * x[j]!;
      }
      delta = matVecT(W, delta);
    }
  });
  const report = profileOf(model, data, makeSchedule({ k1: 5, k2: 5, reset: "never" }), 1);
  const profile = report.lagProfile.stateGradient!;
  assert.deepEqual(profile.losses, counts);
  profile.meanNorm.forEach((v, tau) => {
    const expected = meanNorm[tau]! / counts[tau]!;
    assert.ok(Math.abs(v - expected) <= 1e-12 * expected, `τ = ${tau}: ${v} vs ${expected}`);
  });
  // G and G − G_{<k}: W_ih, b_ih, b_hh (the same ∂A), and out.bias (lag 0 only).
  const sumFrom = (from: number) => ({
    w: dWih.slice(from).reduce(
      (acc, m) => acc.map((row, i) => row.map((v, j) => v + m[i]![j]!)),
      dWih[0]!.map((r) => r.map(() => 0)),
    ),
    b: dB.slice(from).reduce((acc, v) => acc.map((a, i) => a + v[i]!), new Array(H).fill(0)),
  });
  const G = sumFrom(0);
  const dotWB = (a: ReturnType<typeof sumFrom>, c: ReturnType<typeof sumFrom>) =>
    a.w.flat().reduce((s, v, i) => s + v * c.w.flat()[i]!, 0) +
    2 * a.b.reduce((s, v, i) => s + v * c.b[i]!, 0);
  const GG = dotWB(G, G) + dOutBias.reduce((s, v) => s + v * v, 0);
  for (const share of report.lagProfile.weightShare) {
    const beyond = sumFrom(share.lag);
    const expected = dotWB(beyond, G) / GG;
    const expectedNorm = Math.sqrt(dotWB(beyond, beyond) / GG);
    assert.ok(
      Math.abs(share.share - expected) <= 1e-12,
      `share ≥ ${share.lag}: ${share.share} vs ${expected}`,
    );
    assert.ok(Math.abs(share.normShare - expectedNorm) <= 1e-12, `norm share ≥ ${share.lag}`);
  }
});

test("a 2-layer linear stack: ‖∂L_s/∂h_{s−τ}‖ over both layers follows the two-layer recursion", () => {
  const rng = new Rng(13);
  const H = 3;
  const C = 2;
  const model = fixedPointModel({ inputSize: 2, hiddenSize: H, layers: 2, outputSize: C }, 9);
  const W1 = tensor(model, "rnn.weight_hh_l0");
  const W2 = tensor(model, "rnn.weight_hh_l1");
  const U2 = tensor(model, "rnn.weight_ih_l1");
  const Wout = tensor(model, "out.weight");
  const p = softmax(tensor(model, "out.bias").map((r) => r[0]!));
  const data = randomData(rng, [8, 5], 2, C, 0.2);
  const sum: number[] = [];
  const count: number[] = [];
  for (const ys of data.labels)
    ys.forEach((y, s) => {
      if (y < 0) return;
      // Top: d2_{j} = W2ᵀ d2_{j+1}, d2_s = g; below: d1_j = U2ᵀ d2_j + W1ᵀ d1_{j+1}.
      let d2 = matVecT(
        Wout,
        p.map((v, c) => v - (c === y ? 1 : 0)),
      );
      let d1 = matVecT(U2, d2);
      for (let tau = 0; tau <= s; tau++) {
        sum[tau] = (sum[tau] ?? 0) + Math.sqrt(norm(d1) ** 2 + norm(d2) ** 2);
        count[tau] = (count[tau] ?? 0) + 1;
        d2 = matVecT(W2, d2);
        d1 = matVecT(U2, d2).map((v, i) => v + matVecT(W1, d1)[i]!);
      }
    });
  const profile = profileOf(model, data, makeSchedule({}), 2).lagProfile.stateGradient!;
  assert.deepEqual(profile.losses, count);
  profile.meanNorm.forEach((v, tau) => {
    const expected = sum[tau]! / count[tau]!;
    assert.ok(Math.abs(v - expected) <= 1e-12 * expected, `τ = ${tau}: ${v} vs ${expected}`);
  });
});

for (const config of [
  { cell: "lstm", peepholes: true, projSize: 0 },
  { cell: "lstm", peepholes: false, projSize: 2 },
  { cell: "gru", peepholes: false, projSize: 0 },
] as const) {
  test(`${config.cell}${config.peepholes ? " with peepholes" : ""}${config.projSize ? " with a projection" : ""}: ‖∂L_s/∂h_{s−τ}‖ equals central differences in the carried state`, () => {
    const I = 2;
    const T = 9;
    const model = new SequenceModel(
      { ...config, inputSize: I, hiddenSize: 3, layers: 1, bidirectional: false, outputSize: 3 },
      createPlainBackend("float64"),
    );
    initializeModel(model, new Rng(21), { scheme: "uniform", range: 0.8 });
    const rng = new Rng(22);
    const x = Array.from({ length: T * I }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: T }, (_, t) => (t === T - 1 ? 1 : -1)); // one loss, at the end
    const profile = analyseGradient(model, [new ArraySequence(x, y, I)], { schedule: makeSchedule({}) })
      .lagProfile.stateGradient!;
    assert.deepEqual(profile.losses, new Array(T).fill(1));
    // L_{T−1} as a function of h_j, the state carried into step j + 1.
    const R = model.layers[0]!.directions[0]!.stateWidth;
    const h = 1e-5;
    for (let j = 0; j < T - 1; j++) {
      loadBatch(model, { inputs: [x], labels: [y] });
      model.forward({ first: 0, count: j + 1 });
      const state = model.saveState();
      const grad: number[] = [];
      for (let i = 0; i < R; i++) {
        const lossWith = (delta: number) => {
          const moved = Float64Array.from(state);
          moved[i]! += delta;
          model.loadState(moved);
          return model.forward({ first: j + 1, count: T - 1 - j });
        };
        grad.push((lossWith(h) - lossWith(-h)) / (2 * h));
      }
      const tau = T - 1 - j;
      const fd = norm(grad);
      assert.ok(
        Math.abs(profile.meanNorm[tau]! - fd) <= 1e-7 * Math.max(fd, 1e-3),
        `τ = ${tau}: ${profile.meanNorm[tau]} vs ${fd}`,
      );
    }
  });
}
