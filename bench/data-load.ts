// How fast a million-frame corpus loads from the binary form (src/data/binary.ts),
// against parsing the same data from JSON Lines, in one run (ratios, not absolute times).
//   node --import tsx bench/data-load.ts
import { decodeLabelledSet, encodeLabelledSet } from "../src/data/binary.js";
import { parseLabelledJsonl } from "../src/data/jsonl.js";

const frames = 1_000_000;
const I = 26;
const T = 300;
const sequences = Array.from({ length: Math.floor(frames / T) }, (_, i) => ({
  id: `u${i}`,
  features: Float32Array.from({ length: T * I }, (_, k) => Math.sin(i + k)),
  labels: new Int32Array(T).fill(i % 61),
}));
const set = { source: "bench", inputSize: I, sequences, classes: null };
const bytes = encodeLabelledSet(set);
let started = performance.now();
decodeLabelledSet(bytes, "bench");
const binarySeconds = (performance.now() - started) / 1000;
// JSON Lines for a tenth of the frames, scaled up.
const tenth = sequences.slice(0, Math.floor(sequences.length / 10));
const text = tenth
  .map((s) =>
    JSON.stringify({
      x: Array.from({ length: T }, (_, t) => Array.from(s.features.subarray(t * I, (t + 1) * I))),
      y: Array.from(s.labels),
    }),
  )
  .join("\n");
started = performance.now();
parseLabelledJsonl(text, "bench.jsonl");
const jsonSeconds = ((performance.now() - started) / 1000) * 10;
console.log(
  JSON.stringify({
    frames,
    binaryMB: Math.round(bytes.length / 1e6),
    binarySeconds: Number(binarySeconds.toFixed(3)),
    jsonlSecondsEstimated: Number(jsonSeconds.toFixed(2)),
    jsonlOverBinary: Number((jsonSeconds / binarySeconds).toFixed(1)),
  }),
);
