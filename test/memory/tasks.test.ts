// The memory tasks' definitions, checked on the generated data itself: where the symbol,
// the distractors, the cue and the one loss of delayed recall are, so its dependency
// spans exactly `lag` steps; the latch's pulses and held bit; determinism from the seed;
// spec parsing and its errors; and that a config's data path reaches them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeLabelledSet } from "../../src/data/binary.js";
import type { LabelledSequence } from "../../src/data/labelled.js";
import { readLabelledFile } from "../../src/io/dataset-files.js";
import { makeAddingSet } from "../../src/tasks/memory/adding.js";
import { makeLatchSet } from "../../src/tasks/memory/latch.js";
import { makeRecallSet } from "../../src/tasks/memory/recall.js";
import { memoryTaskSet, parseMemorySpec } from "../../src/tasks/memory/spec.js";

/** The channel that is 1 at step t (one-hot inputs), or −1 for an all-zero step. */
function hot(s: LabelledSequence, I: number, t: number): number {
  let at = -1;
  for (let i = 0; i < I; i++) {
    const v = s.features[t * I + i] as number;
    if (v === 1) {
      assert.equal(at, -1, `step ${t} has two channels on`);
      at = i;
    } else assert.equal(v, 0, `step ${t} channel ${i} is ${v}`);
  }
  return at;
}

test("delayed recall: symbol, lag − 1 distractors, the cue; one loss, at the cue, whose target is the symbol", () => {
  const K = 5;
  const D = 3;
  const lag = 7;
  const before = 4;
  const set = makeRecallSet({ lag, symbols: K, distractors: D, before, sequences: 400, seed: 3 });
  const I = K + D + 1;
  assert.equal(set.inputSize, I);
  const symbolCounts = new Array(K).fill(0);
  const starts = new Set<number>();
  for (const s of set.sequences) {
    const T = s.labels.length;
    const b = T - lag - 1; // steps before the symbol
    assert.ok(b >= 0 && b <= before, `length ${T}`);
    starts.add(b);
    const symbol = hot(s, I, b);
    assert.ok(symbol >= 0 && symbol < K, "a symbol at step b");
    symbolCounts[symbol]++;
    assert.equal(hot(s, I, T - 1), K + D, "the cue is the last step");
    for (let t = 0; t < T - 1; t++) {
      if (t === b) continue;
      const c = hot(s, I, t);
      assert.ok(c >= K && c < K + D, `step ${t}: a distractor, got channel ${c}`);
    }
    // Exactly one loss: at the cue, lag steps after the symbol, targeting it.
    for (let t = 0; t < T - 1; t++) assert.equal(s.labels[t], -1);
    assert.equal(s.labels[T - 1], symbol);
    assert.equal(T - 1 - b, lag);
  }
  assert.deepEqual([...starts].sort(), [0, 1, 2, 3, 4], "every start in 0 … before occurs");
  for (const n of symbolCounts) assert.ok(n > 400 / K / 2, `symbols roughly uniform: ${symbolCounts}`);
});

test("delayed recall without distractors shows all-zero steps between symbol and cue", () => {
  const set = makeRecallSet({ lag: 4, symbols: 2, distractors: 0, sequences: 20, seed: 1 });
  assert.equal(set.inputSize, 3);
  for (const s of set.sequences) {
    assert.equal(s.labels.length, 5);
    for (let t = 1; t < 4; t++) assert.equal(hot(s, 3, t), -1);
    assert.equal(hot(s, 3, 4), 2);
  }
});

test("latch: a pulse every gap steps sets the bit; every step is labelled with the bit held", () => {
  const gap = 6;
  const set = makeLatchSet({ gap, length: 40, sequences: 100, seed: 5 });
  assert.equal(set.inputSize, 2);
  let changes = 0;
  let pulses = 0;
  for (const s of set.sequences) {
    let held = -1;
    for (let t = 0; t < 40; t++) {
      const c = hot(s, 2, t);
      if (t % gap === 0) {
        assert.ok(c === 0 || c === 1, `a pulse at step ${t}`);
        if (held >= 0 && c !== held) changes++;
        pulses++;
        held = c;
      } else assert.equal(c, -1, `no pulse at step ${t}`);
      assert.equal(s.labels[t], held);
    }
  }
  // Each pulse after the first draws its bit afresh: about half of them flip it.
  const later = pulses - 100;
  assert.ok(Math.abs(changes / later - 0.5) < 0.1, `${changes} flips in ${later} pulses`);
});

test("latch noise: N(0, σ²) on every input value", () => {
  const sigma = 0.3;
  const set = makeLatchSet({ gap: 1000, length: 500, noise: sigma, sequences: 20, seed: 2 });
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (const s of set.sequences) {
    const bit = s.labels[0] as number;
    for (let k = 0; k < s.features.length; k++) {
      // Take the pulse away (step 0, channel `bit`), then the rest is noise.
      const v = (s.features[k] as number) - (k === bit ? 1 : 0);
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const mean = sum / n;
  const std = Math.sqrt(sumSq / n - mean * mean);
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(std - sigma) < 0.01, `std ${std}`);
});

test("the adding problem as Hochreiter & Schmidhuber 1997 define it (T = 100)", () => {
  const T = 100;
  const set = makeAddingSet({ length: T, sequences: 500, seed: 9 });
  assert.equal(set.inputSize, 2);
  assert.equal(set.targetSize, 1);
  assert.equal(set.per, "sequence");
  const lengths = new Set<number>();
  let latest = 0;
  let firstPairMarked = 0;
  for (const s of set.sequences) {
    const L = s.labels.length;
    lengths.add(L);
    assert.ok(L >= T && L <= T + T / 10, `length ${L}`);
    const marked: number[] = [];
    for (let t = 0; t < L; t++) {
      const value = s.features[t * 2] as number;
      const marker = s.features[t * 2 + 1] as number;
      assert.ok(value >= -1 && value <= 1, `value ${value}`);
      if (marker === 1) marked.push(t);
      else assert.equal(marker, t === 0 || t === L - 1 ? -1 : 0, `marker at ${t}`);
      assert.equal(s.labels[t], t === L - 1 ? 0 : -1, "one target, at the end");
    }
    assert.equal(marked.length, 2, "exactly two pairs marked");
    const [p, q] = marked as [number, number];
    // One of the first ten pairs, and one of the first T/2 − 1 = 49.
    assert.ok(p < 10 && q < 49, `marked ${p}, ${q}`);
    latest = Math.max(latest, q);
    if (p === 0) {
      firstPairMarked++;
      assert.equal(s.features[0], 0, "a marked first pair has value 0");
    }
    const sum = (s.features[p * 2] as number) + (s.features[q * 2] as number);
    assert.ok(Math.abs((s.targets?.[L - 1] as number) - (0.5 + sum / 4)) < 1e-6, "target 0.5 + (X1 + X2)/4");
  }
  assert.deepEqual([...lengths].sort(), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
  assert.equal(latest, 48, "the second marker reaches the 49th pair, never beyond");
  assert.ok(firstPairMarked > 0 && firstPairMarked < 500 / 5, `first pair marked ${firstPairMarked} times`);
});

test("the same spec gives the same set byte for byte; another seed another set", () => {
  const bytes = (spec: string) => Buffer.from(encodeLabelledSet(memoryTaskSet(spec)));
  for (const spec of [
    "memory:recall?lag=9&before=3&seed=4",
    "memory:latch?gap=3&noise=0.1&seed=4",
    "memory:adding?length=20&sequences=50&seed=4",
  ]) {
    assert.ok(bytes(spec).equals(bytes(spec)), spec);
    assert.ok(!bytes(spec).equals(bytes(spec.replace("seed=4", "seed=5"))), spec);
  }
});

test("specs: defaults, every parameter, and errors that name the spec and the parameter", () => {
  assert.deepEqual(parseMemorySpec("memory:recall"), {
    kind: "recall",
    lag: 10,
    symbols: 4,
    distractors: 4,
    before: 0,
    sequences: 1000,
    seed: 1,
  });
  assert.deepEqual(parseMemorySpec("memory:latch?gap=7&length=30&noise=0.25&sequences=3&seed=-2"), {
    kind: "latch",
    gap: 7,
    length: 30,
    noise: 0.25,
    sequences: 3,
    seed: -2,
  });
  const bad: [string, RegExp][] = [
    ["memory:copy?lag=3", /memory:copy\?lag=3: unknown memory task "copy"; expected "memory:recall/],
    ["memory:recall?lags=3", /unknown parameter "lags" of memory:recall; expected lag, symbols/],
    ["memory:recall?lag=2.5", /lag must be an integer, got "2.5"/],
    ["memory:recall?lag=", /lag must be an integer, got ""/],
    ["memory:recall?lag=0", /memory:recall\?lag=0: lag must be an integer ≥ 1, got 0/],
    ["memory:recall?symbols=1", /symbols must be an integer ≥ 2, got 1/],
    ["memory:latch?noise=-1", /noise must be a number ≥ 0, got -1/],
    ["memory:latch?noise=x", /noise must be a number, got "x"/],
    ["memory:latch?gap=0", /gap must be an integer ≥ 1/],
    ["memory:adding?length=5", /memory:adding\?length=5: length must be an integer ≥ 6, got 5/],
    ["memory:adding?gap=5", /unknown parameter "gap" of memory:adding; expected length, sequences, seed/],
  ];
  for (const [spec, message] of bad) assert.throws(() => memoryTaskSet(spec), message, spec);
});

test("a config's data path may name a memory task (readLabelledFile generates it)", () => {
  const set = readLabelledFile("memory:recall?lag=3&symbols=3&distractors=2&sequences=5");
  assert.equal(set.source, "memory:recall?lag=3&symbols=3&distractors=2&sequences=5");
  assert.equal(set.inputSize, 6);
  assert.equal(set.sequences.length, 5);
  assert.throws(
    () => readLabelledFile("memory:latch", { inputSize: 3 }),
    /memory:latch: frames have 2 features, expected 3 \(model.inputSize\)/,
  );
});
