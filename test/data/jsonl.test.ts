import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { decodeLabelledSet, encodeLabelledSet } from "../../src/data/binary.js";
import { labelledSetFromRows, parseLabelledJsonl } from "../../src/data/jsonl.js";
import { computeNormalisation } from "../../src/data/labelled.js";
import { readLabelledFile, writeLabelledBinary } from "../../src/io/dataset-files.js";

const good = [
  '{"x": [[1, 2], [3, 4], [5, 6]], "y": ["a", "b", "a"], "id": "first"}',
  '{"x": [[0, 1]], "y": ["c"], "mask": [0]}',
].join("\n");

test("JSON Lines with string labels builds a sorted vocabulary; masks become −1", () => {
  const set = parseLabelledJsonl(good, "t.jsonl");
  assert.deepEqual(set.classes, ["a", "b", "c"]);
  assert.equal(set.inputSize, 2);
  assert.deepEqual(Array.from(set.sequences[0]?.labels ?? []), [0, 1, 0]);
  assert.deepEqual(Array.from(set.sequences[1]?.labels ?? []), [-1]);
  assert.equal(set.sequences[0]?.id, "first");
  assert.equal(set.sequences[1]?.id, "t.jsonl:2");
});

test("class-index labels and the validation vocabulary", () => {
  const set = parseLabelledJsonl('{"x": [[1], [2]], "y": [0, 3]}', "i.jsonl");
  assert.equal(set.classes, null);
  assert.throws(
    () => parseLabelledJsonl('{"x": [[1]], "y": ["z"]}', "v.jsonl", { classes: ["a", "b"] }),
    /v\.jsonl:1: y\[0\] = "z" is not in the vocabulary/,
  );
  assert.throws(
    () => parseLabelledJsonl('{"x": [[1]], "y": [5]}', "v.jsonl", { classCount: 3 }),
    /v\.jsonl:1: y\[0\] = 5 is outside the 3 classes/,
  );
});

const bad: [string, string, RegExp][] = [
  [
    "ragged feature dimensions",
    '{"x": [[1, 2]], "y": [0]}\n{"x": [[1, 2], [3]], "y": [0, 1]}',
    /bad\.jsonl:2: ragged features: x\[1\] has 1 values, expected 2/,
  ],
  ["an empty sequence", '{"x": [], "y": []}', /bad\.jsonl:1: empty sequence/],
  [
    "NaN in features",
    '{"x": [[1, NaN]], "y": [0]}',
    /bad\.jsonl:1: invalid JSON.*NaN and Infinity are not JSON numbers/,
  ],
  [
    "a non-number feature",
    '{"x": [[1, null]], "y": [0]}',
    /bad\.jsonl:1: x\[0\]\[1\] is null, expected a finite number/,
  ],
  [
    "label count ≠ frame count",
    '{"x": [[1], [2]], "y": [0]}',
    /bad\.jsonl:1: label count 1 does not match frame count 2/,
  ],
  [
    "mixed label kinds",
    '{"x": [[1], [2]], "y": ["a", 1]}',
    /bad\.jsonl:1: y\[1\] is 1: labels must be all strings or all class indices/,
  ],
  ["a negative label", '{"x": [[1]], "y": [-2]}', /bad\.jsonl:1: y\[0\] is -2: expected a class index/],
  ["an unknown key", '{"x": [[1]], "y": [0], "lables": [1]}', /bad\.jsonl:1: unknown key "lables"/],
  ["an empty file", "\n\n", /bad\.jsonl: no sequences/],
];

for (const [what, text, message] of bad) {
  test(`bad input: ${what} names the file, the line and the problem`, () => {
    assert.throws(() => parseLabelledJsonl(text, "bad.jsonl"), message);
  });
}

test("the binary form round-trips exactly and is recognised by its bytes, not its name", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-data-"));
  const set = parseLabelledJsonl(good, "t.jsonl");
  const path = join(dir, "looks-like.jsonl");
  writeLabelledBinary(path, set);
  const back = readLabelledFile(path);
  assert.deepEqual(back.classes, set.classes);
  assert.deepEqual(
    back.sequences.map((s) => [s.id, Array.from(s.features), Array.from(s.labels)]),
    set.sequences.map((s) => [s.id, Array.from(s.features), Array.from(s.labels)]),
  );
  const bytes = encodeLabelledSet(set);
  assert.throws(() => decodeLabelledSet(bytes.subarray(0, bytes.length - 3), "cut.bin"), /cut\.bin/);
  const jsonPath = join(dir, "data.bin");
  writeFileSync(jsonPath, good);
  assert.equal(readLabelledFile(jsonPath).sequences.length, 2);
  assert.throws(() => readLabelledFile(jsonPath, { inputSize: 3 }), /x\[0\] has 2 values, expected 3/);
});

test("normalisation statistics: mean and standard deviation per feature; constant features keep std 1", () => {
  const set = parseLabelledJsonl('{"x": [[1, 5], [3, 5]], "y": [0, 0]}', "n.jsonl");
  const norm = computeNormalisation(set);
  assert.deepEqual(norm.mean, [2, 5]);
  assert.deepEqual(norm.std, [1, 1]);
});

test('unlabelled rows (no "y") are accepted only when asked, with every step unlabelled', () => {
  const text = '{"x": [[1, 2], [3, 4]], "id": "u"}\n{"x": [[5, 6]], "y": ["b"]}';
  assert.throws(() => parseLabelledJsonl(text, "p.jsonl"), /p\.jsonl:1: "y" must be an array of labels/);
  const set = parseLabelledJsonl(text, "p.jsonl", { labelsOptional: true, classes: ["a", "b"] });
  assert.deepEqual(Array.from(set.sequences[0]?.labels ?? []), [-1, -1]);
  assert.deepEqual(Array.from(set.sequences[1]?.labels ?? []), [1]);
});

test("rows in memory read as JSON Lines lines do, typed-array frames too; errors name the row", () => {
  const fromRows = labelledSetFromRows(
    [
      { x: [Float32Array.of(1, 2), [3, 4], [5, 6]], y: ["a", "b", "a"], id: "first" },
      { x: [[0, 1]], y: ["c"], mask: [0] },
    ],
    "mine",
  );
  const fromText = parseLabelledJsonl(good, "mine");
  assert.deepEqual(fromRows.classes, fromText.classes);
  assert.deepEqual(fromRows.sequences[0], fromText.sequences[0]);
  assert.deepEqual(fromRows.sequences[1]?.labels, fromText.sequences[1]?.labels);
  assert.equal(fromRows.sequences[1]?.id, "mine[1]");
  assert.throws(
    () =>
      labelledSetFromRows(
        [
          { x: [[1, 2]], y: [0] },
          { x: [[1]], y: [0] },
        ],
        "mine",
      ),
    /mine\[1\]: ragged features: x\[0\] has 1 values, expected 2/,
  );
  assert.throws(() => labelledSetFromRows([], "mine"), /mine: no sequences/);
});
