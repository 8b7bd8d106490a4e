// The text as B streams, as char-rnn's CharSplitLMMinibatchLoader: row b of each chunk
// continues row b of the chunk before; inputs are one-hots of x_t, labels x_{t+1}.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { Engine, type SequenceLike } from "../../src/engine/engine.js";
import { Planner } from "../../src/engine/planner.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { cutStreams } from "../../src/tasks/text/streams.js";
import { Vocabulary } from "../../src/tasks/text/vocabulary.js";

const text = "abcdefghijklmnopqrstuvwxyz0123456789"; // 36 symbols, all different
const vocabulary = Vocabulary.fromTexts("char", [text]);
const ids = vocabulary.encode(text, "t");

test("B contiguous streams of ⌊(N − 1) / B⌋ steps; the label is the next symbol", () => {
  const streams = cutStreams(ids, 4, vocabulary.size);
  assert.equal(streams.length, 4);
  const L = Math.floor(35 / 4); // 8
  for (const [b, s] of streams.entries()) {
    assert.equal(s.length, L);
    let inputs = "";
    let labels = "";
    for (let p = 0; p < s.length; p++) {
      const out = new Float32Array(vocabulary.size).fill(7); // stale values must be cleared
      s.writeInput(p, out, 0);
      assert.equal(
        out.reduce((n, v) => n + v, 0),
        1,
      );
      inputs += vocabulary.decode([out.indexOf(1)]);
      labels += vocabulary.decode([s.label(p)]);
    }
    assert.equal(inputs, text.slice(b * L, b * L + L));
    assert.equal(labels, text.slice(b * L + 1, b * L + L + 1));
  }
});

test("writeInput writes the one-hot at the offset and touches nothing else", () => {
  const [s] = cutStreams(ids, 1, vocabulary.size);
  const V = vocabulary.size;
  const out = new Float64Array(3 * V).fill(-1);
  s?.writeInput(5, out, V);
  assert.ok(out.subarray(0, V).every((v) => v === -1));
  assert.ok(out.subarray(2 * V).every((v) => v === -1));
  assert.equal(out[V + (ids[5] as number)], 1);
  assert.equal(
    out.subarray(V, 2 * V).reduce((n, v) => n + v, 0),
    1,
  );
});

test("inputIndex gives the symbol whose one-hot writeInput writes", () => {
  for (const s of cutStreams(ids, 3, vocabulary.size)) {
    for (let p = 0; p < s.length; p++) {
      const out = new Float32Array(vocabulary.size);
      s.writeInput(p, out, 0);
      assert.equal(s.inputIndex(p), out.indexOf(1));
    }
  }
});

test("the engine feeds text streams as symbols: training equals dense one-hot rows bit for bit (plain float32)", () => {
  const V = vocabulary.size;
  let initial = new Float32Array(0);
  const train = (dense: boolean) => {
    const model = new SequenceModel(
      {
        cell: "lstm",
        inputSize: V,
        hiddenSize: 6,
        layers: 1,
        bidirectional: false,
        peepholes: false,
        outputSize: V,
      },
      createPlainBackend("float32"),
    );
    initializeModel(model, new Rng(4));
    initial = Float32Array.from(model.params);
    const streams: SequenceLike[] = cutStreams(ids, 3, V).map((s) =>
      // the same stream without inputIndex: the engine then writes dense one-hot rows
      dense ? { length: s.length, writeInput: s.writeInput.bind(s), label: s.label.bind(s) } : s,
    );
    const schedule = makeSchedule({ k1: 4, k2: 4, reset: "never", layout: "packed", reduction: "mean" });
    new Engine(model, schedule, 3).run(streams, (grads) => {
      for (let i = 0; i < grads.length; i++) model.params[i] -= 0.5 * (grads[i] as number);
      return true;
    });
    return model;
  };
  const lookup = train(false);
  const dense = train(true);
  assert.equal(lookup.inputKind, "index");
  assert.equal(dense.inputKind, "dense");
  assert.ok(
    lookup.params.some((v, i) => v !== initial[i]),
    "training changed the weights",
  );
  for (let i = 0; i < dense.params.length; i++)
    assert.equal(lookup.params[i], dense.params[i], `parameter ${i}`);
});

test("packed, reset never: stream b of update k+1 continues stream b of update k, one reset at the start", () => {
  const B = 3;
  const k1 = 4;
  const streams = cutStreams(ids, B, vocabulary.size);
  const planner = new Planner(
    makeSchedule({ k1, k2: k1, reset: "never", layout: "packed" }),
    B,
    streams.map((s) => s.length),
  );
  const rows: string[] = Array.from({ length: B }, () => "");
  let updates = 0;
  for (let plan = planner.next(); plan; plan = planner.next()) {
    updates++;
    for (const tick of plan.ticks) {
      tick.steps.forEach((step, b) => {
        assert.ok(step, "no stream is ever masked: the streams are equally long");
        assert.equal(step.sequence, b);
        assert.equal(step.reset, tick.time === 0);
        const s = streams[b];
        const out = new Float32Array(vocabulary.size);
        s?.writeInput(step.position, out, 0);
        rows[b] += vocabulary.decode([out.indexOf(1)]);
      });
    }
  }
  const L = Math.floor(35 / B); // 11
  assert.equal(updates, Math.ceil(L / k1));
  for (const [b, row] of rows.entries()) assert.equal(row, text.slice(b * L, (b + 1) * L));
});

test("reset every N cuts each stream at N, 2N, …", () => {
  const streams = cutStreams(ids, 2, vocabulary.size);
  const planner = new Planner(
    makeSchedule({ k1: 5, k2: 5, reset: { every: 4 }, layout: "packed" }),
    2,
    streams.map((s) => s.length),
  );
  const resets: number[] = [];
  for (let plan = planner.next(); plan; plan = planner.next())
    for (const tick of plan.ticks) if (tick.steps[0]?.reset) resets.push(tick.steps[0].position);
  assert.deepEqual(resets, [0, 4, 8, 12, 16]);
});

test("too little text for the streams is a clear error", () => {
  assert.throws(() => cutStreams(ids.subarray(0, 4), 4, vocabulary.size), /4 symbols cannot fill 4 streams/);
  assert.throws(() => cutStreams(ids, 0, vocabulary.size), /streams: expected an integer ≥ 1, got 0/);
});
