// Delayed recall with mixed lags, for docs/results-schedules.md study (a): does a network
// trained with per-loss k2 recall at lags beyond k2 when shorter lags taught it to store?
// Writes one binary labelled set (docs/data.md) holding `per` sequences of every lag in
// FROM…TO (4 symbols, 4 distractors, as memory:recall's defaults), each lag from its own
// seed, so the file is the same on every machine.
//
//   node --import tsx scripts/schedules/mixed-recall.ts OUT.bin FROM TO PER SEED
import { encodeLabelledSet } from "../../src/data/binary.js";
import type { LabelledSet } from "../../src/data/labelled.js";
import { writeFileAtomicSync } from "../../src/io/atomic-write.js";
import { makeRecallSet } from "../../src/tasks/memory/recall.js";

const [out, from, to, per, seed] = process.argv.slice(2);
if (!out || !from || !to || !per || !seed) {
  console.error("usage: mixed-recall.ts OUT.bin FROM TO PER SEED");
  process.exit(2);
}
const sets: LabelledSet[] = [];
for (let lag = Number(from); lag <= Number(to); lag++)
  sets.push(makeRecallSet({ lag, sequences: Number(per), seed: Number(seed) * 1000 + lag }));
const first = sets[0] as LabelledSet;
const mixed: LabelledSet = { ...first, source: out, sequences: sets.flatMap((s) => s.sequences) };
writeFileAtomicSync(out, encodeLabelledSet(mixed));
console.log(`${out}: ${mixed.sequences.length} sequences, lags ${from}…${to}`);
