// The four forms of "y" (classes or real values, per frame or per sequence) in JSON Lines,
// rows in memory and the binary form; target statistics; every bad input's message.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeLabelledSet, encodeLabelledSet } from "../../src/data/binary.js";
import { labelledSetFromRows, parseLabelledJsonl } from "../../src/data/jsonl.js";
import { computeTargetNormalisation, toEngineSequences } from "../../src/data/labelled.js";

const values = [
  '{"x": [[1], [2], [3]], "y": [[10, 1], [20, 2], [30, 3]], "mask": [1, 1, 0], "id": "a"}',
  '{"x": [[4]], "y": [[40, 4]]}',
].join("\n");

test("real values per frame: targets T × D, labels 0 where a frame has a target, −1 where masked", () => {
  const set = parseLabelledJsonl(values, "v.jsonl");
  assert.equal(set.targetSize, 2);
  assert.equal(set.per, undefined);
  assert.equal(set.classes, null);
  assert.deepEqual(Array.from(set.sequences[0]?.labels ?? []), [0, 0, -1]);
  assert.deepEqual(Array.from(set.sequences[0]?.targets ?? []), [10, 1, 20, 2, 30, 3]);
  const [first] = toEngineSequences(set);
  assert.equal(first?.targetSize, 2);
  const out = new Float64Array(2);
  first?.writeTarget(1, out, 0);
  assert.deepEqual(Array.from(out), [20, 2]);
});

test("one class per sequence (a string or an index) sits at the last frame", () => {
  const set = parseLabelledJsonl(
    '{"x": [[1], [2], [3]], "y": "dog"}\n{"x": [[4], [5]], "y": "cat"}',
    "s.jsonl",
  );
  assert.equal(set.per, "sequence");
  assert.deepEqual(set.classes, ["cat", "dog"]);
  assert.deepEqual(Array.from(set.sequences[0]?.labels ?? []), [-1, -1, 1]);
  assert.deepEqual(Array.from(set.sequences[1]?.labels ?? []), [-1, 0]);
  const indices = parseLabelledJsonl('{"x": [[1], [2]], "y": 3}', "i.jsonl");
  assert.deepEqual(Array.from(indices.sequences[0]?.labels ?? []), [-1, 3]);
  // Validation data follows the training vocabulary and class count.
  assert.throws(
    () => parseLabelledJsonl('{"x": [[1]], "y": "emu"}', "v.jsonl", { classes: ["cat", "dog"] }),
    /v\.jsonl:1: y = "emu" is not in the vocabulary/,
  );
  assert.throws(
    () => parseLabelledJsonl('{"x": [[1]], "y": 4}', "v.jsonl", { classCount: 3 }),
    /v\.jsonl:1: y = 4 is outside the 3 classes/,
  );
});

test("real values per sequence need the model's form to be read; then they sit at the last frame", () => {
  const text = '{"x": [[1], [2], [3]], "y": [0.5, 7]}';
  // Alone, an array of numbers reads as classes per frame (and fails here: 2 labels, 3 frames).
  assert.throws(
    () => parseLabelledJsonl(text, "q.jsonl"),
    /q\.jsonl:1: label count 2 does not match frame count 3/,
  );
  const set = parseLabelledJsonl(text, "q.jsonl", { form: { kind: "mse", per: "sequence" } });
  assert.equal(set.per, "sequence");
  assert.equal(set.targetSize, 2);
  assert.deepEqual(Array.from(set.sequences[0]?.labels ?? []), [-1, -1, 0]);
  assert.deepEqual(Array.from(set.sequences[0]?.targets ?? []).slice(4), [0.5, 7]);
});

test("rows in memory take the same forms (typed arrays too)", () => {
  const set = labelledSetFromRows([{ x: [[1], [2]], y: [Float32Array.of(1, 2), [3, 4]] }], "mine");
  assert.equal(set.targetSize, 2);
  assert.deepEqual(Array.from(set.sequences[0]?.targets ?? []), [1, 2, 3, 4]);
  const classes = labelledSetFromRows([{ x: [[1], [2]], y: "up" }], "mine");
  assert.equal(classes.per, "sequence");
});

test("the binary form round-trips targets and one label per sequence", () => {
  for (const set of [
    parseLabelledJsonl(values, "v.jsonl"),
    parseLabelledJsonl('{"x": [[1], [2]], "y": "b"}\n{"x": [[3]], "y": "a"}', "s.jsonl"),
    parseLabelledJsonl('{"x": [[1], [2]], "y": [1, 2, 3]}', "q.jsonl", {
      form: { kind: "mse", per: "sequence" },
    }),
  ]) {
    const back = decodeLabelledSet(encodeLabelledSet(set), "b.bin");
    assert.equal(back.per, set.per);
    assert.equal(back.targetSize, set.targetSize);
    assert.deepEqual(back.classes, set.classes);
    assert.deepEqual(
      back.sequences.map((s) => [Array.from(s.labels), Array.from(s.targets ?? [])]),
      set.sequences.map((s) => [Array.from(s.labels), Array.from(s.targets ?? [])]),
    );
  }
});

test("target statistics: per dimension over the frames with a target; a constant dimension keeps std 1", () => {
  const set = parseLabelledJsonl(
    '{"x": [[0], [0], [0]], "y": [[1, 5], [3, 5], [100, 100]], "mask": [1, 1, 0]}',
    "n.jsonl",
  );
  assert.deepEqual(computeTargetNormalisation(set), { mean: [2, 5], std: [1, 1] });
  assert.equal(computeTargetNormalisation(parseLabelledJsonl('{"x": [[0]], "y": [1]}', "c.jsonl")), null);
});

const bad: [string, string, RegExp, object?][] = [
  [
    "targets of different sizes",
    '{"x": [[1], [2]], "y": [[1, 2], [3]]}',
    /bad\.jsonl:1: y\[1\] has 1 values, expected 2 \(every target has the same size\)/,
  ],
  [
    "a target size other than the model's",
    '{"x": [[1]], "y": [[1, 2]]}',
    /bad\.jsonl:1: y\[0\] has 2 values, expected 3/,
    { targetSize: 3 },
  ],
  [
    "a non-number target",
    '{"x": [[1]], "y": [[1, "a"]]}',
    /bad\.jsonl:1: y\[0\]\[1\] is "a", expected a finite number/,
  ],
  [
    "target count ≠ frame count",
    '{"x": [[1], [2]], "y": [[1]]}',
    /bad\.jsonl:1: target count 1 does not match frame count 2/,
  ],
  [
    "a class where the model predicts values per frame",
    '{"x": [[1]], "y": "cat"}',
    /bad\.jsonl:1: "y" is "cat": expected an array of 1 frames of D numbers \(real values per frame\)/,
    { form: { kind: "mse", per: "frame" } },
  ],
  [
    "labels per frame where the model wants one per sequence",
    '{"x": [[1], [2]], "y": [0, 1]}',
    /bad\.jsonl:1: "y" is \[0,1\]: expected one label, a string or a class index \(a class for the sequence\)/,
    { form: { kind: "softmax", per: "sequence" } },
  ],
  [
    "a mask on a per-sequence label",
    '{"x": [[1]], "y": "a", "mask": [1]}',
    /bad\.jsonl:1: "mask" marks frames/,
  ],
  [
    "mixed per-sequence label kinds",
    '{"x": [[1]], "y": "a"}\n{"x": [[1]], "y": 2}',
    /bad\.jsonl:2: y is 2: labels must be all strings or all class indices/,
  ],
  [
    "a missing y",
    '{"x": [[1]]}',
    /bad\.jsonl:1: "y" must be an array of labels, one label for the sequence, or real-valued targets/,
  ],
];

for (const [what, text, message, options] of bad) {
  test(`bad targets: ${what} names the file, the line and the problem`, () => {
    assert.throws(() => parseLabelledJsonl(text, "bad.jsonl", options), message);
  });
}

test("the binary form refuses non-finite targets and labels before a per-sequence set's last frame", () => {
  const set = parseLabelledJsonl(values, "v.jsonl");
  (set.sequences[1]?.targets as Float32Array)[1] = Number.NaN;
  assert.throws(
    () => decodeLabelledSet(encodeLabelledSet(set), "nan.bin"),
    /nan\.bin: target 1 of frame 3 is NaN/,
  );
  const perSequence = parseLabelledJsonl('{"x": [[1], [2]], "y": "b"}', "s.jsonl");
  (perSequence.sequences[0]?.labels as Int32Array)[0] = 0;
  assert.throws(
    () => decodeLabelledSet(encodeLabelledSet(perSequence), "early.bin"),
    /early\.bin: sequence 0 has labels before its last frame/,
  );
});
