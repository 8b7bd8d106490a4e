// Validation error (%) of trained recall models at each of several fixed lags, for
// docs/results-schedules.md study (a): a network trained on the mixed-lag set
// (mixed-recall.ts), evaluated on memory:recall sets of one lag each (4 symbols, 4
// distractors, SEQUENCES sequences from SEED), as `tbptt eval --data "memory:recall?…"`
// would, one row per model folder (OUT/model or OUT/best of a run).
//
//   node --import tsx scripts/schedules/recall-by-lag.ts LAGS SEQUENCES SEED LABEL=DIR ...
//   e.g. recall-by-lag.ts 5,10,20,40 200 3 full=runs/x/runs/k1-inf_k2-inf/model
import { loadModelDir } from "../../src/io/model-files.js";
import { makeRecallSet } from "../../src/tasks/memory/recall.js";

const [lagList, sequences, seed, ...models] = process.argv.slice(2);
if (!lagList || !sequences || !seed || models.length === 0 || models.some((m) => !m.includes("="))) {
  console.error("usage: recall-by-lag.ts LAGS SEQUENCES SEED LABEL=DIR ...");
  process.exit(2);
}
const lags = lagList.split(",").map(Number);
const sets = lags.map((lag) => makeRecallSet({ lag, sequences: Number(sequences), seed: Number(seed) }));
console.log(`| model | ${lags.map((lag) => `lag ${lag}`).join(" | ")} |`);
console.log(`| --- | ${lags.map(() => "---:").join(" | ")} |`);
for (const entry of models) {
  const at = entry.indexOf("=");
  const model = loadModelDir(entry.slice(at + 1));
  const errors = sets.map((set) => (100 * (model.evaluate(set).summary.frameError as number)).toFixed(1));
  console.log(`| ${entry.slice(0, at)} | ${errors.join(" | ")} |`);
}
