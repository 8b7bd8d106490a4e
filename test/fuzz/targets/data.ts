// Fuzz targets of the data formats: JSON Lines labelled sequences (read as training data
// and as a model reads validation or prediction data), the binary labelled dataset, and
// the safetensors codec underneath both it and every model and checkpoint.
import { decodeLabelledSet, encodeLabelledSet } from "../../../src/data/binary.js";
import { type ParseOptions, parseLabelledJsonl } from "../../../src/data/jsonl.js";
import type { LabelledSet } from "../../../src/data/labelled.js";
import { decodeSafetensors, encodeSafetensors } from "../../../src/io/safetensors.js";
import { jsonFieldChange } from "../mutate.js";
import { headerChange, metadataChange } from "../safetensors-mutate.js";
import type { FuzzTarget } from "../target.js";

const JSONL = "fuzz/train.jsonl";
const BINARY = "fuzz/train.safetensors";
const SAFETENSORS = "fuzz/weights.safetensors";

const encode = (lines: readonly unknown[]) =>
  new TextEncoder().encode(`${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);

/**
 * The ways a JSON Lines file is read: as training data; as a model with 3 named classes
 * and 2 inputs reads validation data; as predict reads it (labels optional, 3 classes);
 * as an mse model of 2 values per sequence reads it. The input's length picks one, so one
 * input always meets the same reader (a finding reproduces from the input alone).
 */
const JSONL_READERS: ParseOptions[] = [
  {},
  { classes: ["a", "b", "c"], inputSize: 2 },
  { classCount: 3, inputSize: 2, labelsOptional: true },
  { form: { kind: "mse", per: "sequence" }, targetSize: 2, inputSize: 2 },
];

export const jsonlTarget: FuzzTarget = {
  name: "jsonl",
  title: "parseLabelledJsonl (JSON Lines labelled sequences), four readers",
  sources: [JSONL],
  seeds: [
    encode([
      {
        x: [
          [0.5, -1],
          [2, 3],
        ],
        y: ["a", "b"],
        id: "s1",
      },
      { x: [[1, 1]], y: ["c"], mask: [1] },
    ]),
    encode([
      {
        x: [
          [0, 1],
          [1, 0],
          [2, 2],
        ],
        y: [0, 2, 1],
        mask: [1, 0, true],
      },
      { x: [[3, 4]], y: [1] },
    ]),
    encode([
      {
        x: [
          [1, 2],
          [3, 4],
        ],
        y: "b",
      },
      { x: [[0, 0]], y: 2 },
    ]),
    encode([
      {
        x: [
          [1, 2],
          [3, 4],
        ],
        y: [
          [0.5, 1],
          [2, -3],
        ],
      },
      { x: [[5, 6]] },
    ]),
    encode([{ x: [[1, 2]], y: [0.25, -0.5] }]),
  ],
  fields: [jsonFieldChange],
  alphabet: '{}[]",:0123456789.-e xymaskid\n',
  run: (bytes) =>
    parseLabelledJsonl(
      new TextDecoder().decode(bytes),
      JSONL,
      JSONL_READERS[bytes.length % JSONL_READERS.length],
    ),
};

const sequence = (id: string, features: number[], labels: number[], targets?: number[]) => ({
  id,
  features: Float32Array.from(features),
  labels: Int32Array.from(labels),
  ...(targets ? { targets: Float32Array.from(targets) } : {}),
});

const binarySets: LabelledSet[] = [
  {
    source: "a",
    inputSize: 2,
    classes: ["a", "b", "c"],
    sequences: [sequence("s1", [0.5, -1, 2, 3], [0, 2]), sequence("s2", [1, 1], [-1])],
  },
  {
    source: "b",
    inputSize: 1,
    classes: null,
    per: "sequence",
    sequences: [sequence("s1", [1, 2, 3], [-1, -1, 4]), sequence("s2", [0], [1])],
  },
  {
    source: "c",
    inputSize: 2,
    classes: null,
    targetSize: 2,
    sequences: [sequence("s1", [1, 2, 3, 4], [0, -1], [0.5, 1, 0, 0])],
  },
];

export const binaryTarget: FuzzTarget = {
  name: "binary",
  title: "decodeLabelledSet (the binary labelled dataset)",
  sources: [BINARY],
  seeds: binarySets.map(encodeLabelledSet),
  fields: [headerChange, metadataChange],
  run: (bytes) => decodeLabelledSet(bytes, BINARY),
};

export const safetensorsTarget: FuzzTarget = {
  name: "safetensors",
  title: "decodeSafetensors",
  sources: [SAFETENSORS],
  seeds: [
    encodeSafetensors(
      [
        { name: "w", dtype: "F32", shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
        { name: "b", dtype: "F64", shape: [2], data: Float64Array.of(-1, 1) },
        { name: "n", dtype: "I64", shape: [], data: BigInt64Array.of(7n) },
        { name: "h", dtype: "F16", shape: [1, 2], data: Uint16Array.of(0x3c00, 0) },
      ],
      { note: "fuzz", "tbptt.x": "{}" },
    ),
    encodeSafetensors([
      { name: "i", dtype: "I32", shape: [3], data: Int32Array.of(1, -1, 2) },
      { name: "e", dtype: "U8", shape: [0], data: new Uint8Array(0) },
    ]),
  ],
  fields: [headerChange, metadataChange],
  run: (bytes) => decodeSafetensors(bytes, SAFETENSORS),
};
