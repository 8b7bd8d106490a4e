// Class labels of the binary form and of sets handed over in memory are checked as JSON
// Lines labels are (issue 10, item 5): a label at or past the class count, or negative
// other than −1 ("no loss"), is an error naming the file, the sequence and the frame; a
// file that names its own classes is read against the model's by name, never by position.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TbpttError } from "../../src/core/errors.js";
import { decodeLabelledSet, encodeLabelledSet } from "../../src/data/binary.js";
import { parseLabelledJsonl } from "../../src/data/jsonl.js";
import { checkSetLabels } from "../../src/data/label-check.js";
import type { LabelledSet } from "../../src/data/labelled.js";
import { readLabelledFile, writeLabelledBinary } from "../../src/io/dataset-files.js";

function set(labels: number[][], classes: string[] | null, source = "mem"): LabelledSet {
  return {
    source,
    inputSize: 1,
    classes,
    sequences: labels.map((ys, i) => ({
      id: `u${i}`,
      features: Float32Array.from(ys, (_, t) => t),
      labels: Int32Array.from(ys),
    })),
  };
}

test("a binary file's label at or past the class count is an error naming the file, sequence and frame", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-labels-"));
  const path = join(dir, "d.bin");
  writeLabelledBinary(
    path,
    set(
      [
        [0, 1],
        [1, 5, 0],
      ],
      null,
    ),
  );
  // Read alone, index labels are what they are; against a model of 2 classes, 5 is refused.
  assert.equal(readLabelledFile(path).sequences[1]?.labels[1], 5);
  assert.throws(
    () => readLabelledFile(path, { classCount: 2 }),
    (e: Error) =>
      e instanceof TbpttError &&
      e.message === `${path}: sequence 1 (u1), frame 1: label 5 is outside the 2 classes (0…1)`,
  );
  // A file that names 2 classes cannot hold label 2.
  const bytes = encodeLabelledSet(set([[0, 2]], ["a", "b"]));
  assert.throws(
    () => decodeLabelledSet(bytes, "named.bin"),
    /^TbpttError: named.bin: sequence 0 \(u0\), frame 1: label 2 is outside/,
  );
});

test("a negative label other than −1 is an error; −1 is a frame with no loss", () => {
  const ok = decodeLabelledSet(encodeLabelledSet(set([[0, -1, 1]], null)), "ok.bin");
  assert.deepEqual([...(ok.sequences[0]?.labels ?? [])], [0, -1, 1]);
  assert.throws(
    () => decodeLabelledSet(encodeLabelledSet(set([[0, 1], [-2]], null)), "neg.bin"),
    (e: Error) =>
      e instanceof TbpttError &&
      e.message ===
        "neg.bin: sequence 1 (u1), frame 0: label -2; a class index is ≥ 0, or −1 for a frame with no loss",
  );
});

test("a file's own class names are mapped to the model's by name, not by position", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-labels-"));
  const path = join(dir, "valid.bin");
  // The file says "pos" is 0 and "neg" is 1; the model says the opposite.
  writeLabelledBinary(path, set([[0, 1, -1, 1]], ["pos", "neg"]));
  const read = readLabelledFile(path, { classes: ["neg", "pos"], classCount: 2 });
  assert.deepEqual(read.classes, ["neg", "pos"]);
  assert.deepEqual([...(read.sequences[0]?.labels ?? [])], [1, 0, -1, 0]);
  // A name the model lacks is refused where it is used (an unused one is harmless).
  writeLabelledBinary(path, set([[0, 2]], ["neg", "pos", "zzz"]));
  assert.throws(
    () => readLabelledFile(path, { classes: ["neg", "pos"], classCount: 2 }),
    /valid\.bin: sequence 0 \(u0\), frame 1: class "zzz" is not one of the model's 2 classes/,
  );
  writeLabelledBinary(path, set([[0, 1]], ["neg", "pos", "zzz"]));
  assert.deepEqual(
    [...(readLabelledFile(path, { classes: ["pos", "neg"] }).sequences[0]?.labels ?? [])],
    [1, 0],
  );
});

test("a set in memory is mapped into copies: the caller's labels stay as they were", () => {
  const mine = set([[0, 1]], ["b", "a"]);
  const mapped = checkSetLabels(mine, { classes: ["a", "b"] });
  assert.deepEqual([...(mapped.sequences[0]?.labels ?? [])], [1, 0]);
  assert.deepEqual([...(mine.sequences[0]?.labels ?? [])], [0, 1]);
  // Real-valued targets: labels only say where a target is (0) or is not (−1).
  const values = { ...set([[0, 3]], null), targetSize: 1 };
  values.sequences[0] = {
    ...(values.sequences[0] as LabelledSet["sequences"][0]),
    targets: Float32Array.of(1, 2),
  };
  assert.throws(
    () => checkSetLabels(values),
    /mem: sequence 0 \(u0\), frame 1: label 3; a set of real-valued targets/,
  );
});

test("class names read against index classes are an error, not numbered by their own order", () => {
  const line = `${JSON.stringify({ x: [[1], [2]], y: ["neg", "pos"] })}\n`;
  assert.throws(() => parseLabelledJsonl(line, "v.jsonl", { classes: null, classCount: 2 }), {
    name: "TbpttError",
    message:
      'v.jsonl:1: labels are class names ("neg"), but the model\'s classes are indices (its training data gave indices): give class indices',
  });
  // Absent classes (a training set) build the vocabulary as before.
  assert.deepEqual(parseLabelledJsonl(line, "t.jsonl").classes, ["neg", "pos"]);
});
