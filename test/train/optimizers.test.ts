// Optimizers, clipping and learning-rate schedules against their defining formulas,
// written out by hand here (torch.optim's documented update rules).
import assert from "node:assert/strict";
import { test } from "node:test";
import { clipGradients } from "../../src/train/clip.js";
import { learningRate } from "../../src/train/lr-schedule.js";
import { createOptimizer, type OptimizerConfig } from "../../src/train/optimizer.js";

const alloc = (n: number) => new Float64Array(n);

function run(config: OptimizerConfig, grads: number[][], start = [0.5, -0.25]): Float64Array {
  const params = Float64Array.from(start);
  const opt = createOptimizer(config, params.length, alloc);
  for (const g of grads) opt.step(params, Float64Array.from(g), config.lr);
  return params;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs((a[i] as number) - (b[i] as number)) < 1e-12, `${a[i]} vs ${b[i]}`);
};

test("SGD with momentum (Graves 2005's rule) and Nesterov follow torch.optim.SGD", () => {
  const g1 = [0.2, -0.4];
  const g2 = [0.1, 0.3];
  // v1 = g1; p1 = p0 − lr v1; v2 = μ v1 + g2; p2 = p1 − lr v2
  const lr = 0.1;
  const mu = 0.9;
  const expected = [0.5 - lr * 0.2 - lr * (mu * 0.2 + 0.1), -0.25 + lr * 0.4 - lr * (mu * -0.4 + 0.3)];
  close(run({ type: "sgd", lr, momentum: mu }, [g1, g2]), expected);
  // Nesterov: p ← p − lr (g + μ v)
  const nesterov = [0.5 - lr * (0.2 + mu * 0.2) - lr * (0.1 + mu * (mu * 0.2 + 0.1)), 0];
  assert.ok(
    Math.abs(
      (run({ type: "sgd", lr, momentum: mu, nesterov: true }, [g1, g2])[0] as number) -
        (nesterov[0] as number),
    ) < 1e-12,
  );
  // weight decay adds λp to the gradient
  close(run({ type: "sgd", lr: 0.1, weightDecay: 0.01 }, [[0, 0]]), [
    0.5 - 0.1 * 0.005,
    -0.25 + 0.1 * 0.0025,
  ]);
});

test("Adam follows Kingma & Ba's Algorithm 1 with bias correction", () => {
  const lr = 0.01;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const grads = [
    [0.2, -0.4],
    [0.1, 0.3],
    [-0.5, 0.05],
  ];
  const p = [0.5, -0.25];
  const m = [0, 0];
  const v = [0, 0];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < 2; i++) {
      m[i] = b1 * (m[i] as number) + (1 - b1) * (g[i] as number);
      v[i] = b2 * (v[i] as number) + (1 - b2) * (g[i] as number) ** 2;
      p[i] =
        (p[i] as number) -
        (lr * ((m[i] as number) / (1 - b1 ** t))) / (Math.sqrt((v[i] as number) / (1 - b2 ** t)) + eps);
    }
  });
  close(run({ type: "adam", lr }, grads), p);
});

test("RMSProp (plain, centered with momentum as Graves 2014) and Adagrad (min-char-rnn)", () => {
  const g = [0.2, -0.4];
  const alpha = 0.95;
  const n = g.map((x) => (1 - alpha) * x * x);
  close(run({ type: "rmsprop", lr: 0.002, alpha, eps: 1e-8 }, [g]), [
    0.5 - (0.002 * 0.2) / (Math.sqrt(n[0] as number) + 1e-8),
    -0.25 + (0.002 * 0.4) / (Math.sqrt(n[1] as number) + 1e-8),
  ]);
  // centered: divide by √(n − ḡ²); momentum 0.9 on the first step is just the scaled gradient
  const gm = g.map((x) => (1 - alpha) * x);
  const centered = run({ type: "rmsprop", lr: 1e-4, alpha, eps: 1e-4, centered: true, momentum: 0.9 }, [g]);
  const d0 = Math.sqrt((n[0] as number) - (gm[0] as number) ** 2) + 1e-4;
  assert.ok(Math.abs((centered[0] as number) - (0.5 - (1e-4 * 0.2) / d0)) < 1e-12);
  close(run({ type: "adagrad", lr: 0.1 }, [g, g]), [
    0.5 - (0.1 * 0.2) / Math.sqrt(0.04 + 1e-8) - (0.1 * 0.2) / Math.sqrt(0.08 + 1e-8),
    -0.25 + (0.1 * 0.4) / Math.sqrt(0.16 + 1e-8) + (0.1 * 0.4) / Math.sqrt(0.32 + 1e-8),
  ]);
});

test("optimizer state round-trips through state()/loadState() and continues identically", () => {
  const config: OptimizerConfig = { type: "adam", lr: 0.01 };
  const a = Float64Array.from([0.5, -0.25]);
  const optA = createOptimizer(config, 2, alloc);
  optA.step(a, Float64Array.from([0.2, -0.4]), 0.01);
  const saved = optA.state();
  const b = Float64Array.from(a);
  const optB = createOptimizer(config, 2, alloc);
  optB.loadState(
    Object.fromEntries(Object.entries(saved.arrays).map(([k, v]) => [k, Float64Array.from(v)])),
    saved.steps,
  );
  optA.step(a, Float64Array.from([0.1, 0.3]), 0.01);
  optB.step(b, Float64Array.from([0.1, 0.3]), 0.01);
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.throws(
    () => optB.loadState({ m: new Float64Array(3), v: new Float64Array(2) }, 1),
    /adam state: m has 3 values, expected 2/,
  );
});

test("clipping by global norm and element-wise (char-rnn's ±5)", () => {
  const g = Float64Array.from([3, 4]);
  assert.equal(clipGradients(g, { norm: 1 }), 5);
  close(g, [0.6, 0.8]);
  const e = Float64Array.from([7, -9, 2]);
  clipGradients(e, { value: 5 });
  assert.deepEqual(Array.from(e), [5, -5, 2]);
  const unchanged = Float64Array.from([0.1, 0.2]);
  clipGradients(unchanged, { norm: 5 });
  close(unchanged, [0.1, 0.2]);
});

test("learning-rate schedules: step decay as char-rnn, exponential, cosine", () => {
  assert.equal(learningRate(2e-3, { type: "step", after: 10, factor: 0.97 }, 9), 2e-3);
  assert.ok(
    Math.abs(learningRate(2e-3, { type: "step", after: 10, factor: 0.97 }, 12) - 2e-3 * 0.97 ** 2) < 1e-15,
  );
  assert.ok(Math.abs(learningRate(1, { type: "exponential", gamma: 0.5 }, 3) - 0.125) < 1e-15);
  assert.equal(learningRate(1, { type: "cosine", epochs: 10 }, 0), 1);
  assert.ok(Math.abs(learningRate(1, { type: "cosine", epochs: 10, min: 0.1 }, 10) - 0.1) < 1e-15);
  assert.ok(Math.abs(learningRate(1, { type: "cosine", epochs: 10 }, 5) - 0.5) < 1e-15);
});
