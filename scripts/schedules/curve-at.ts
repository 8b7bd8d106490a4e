// The validation figure of each run of a comparison at given points of its curve, for
// docs/notes/schedules.md, read from OUT/compare.json: the first point at or after each
// number of epochs (and before the next), or with --steps the last point at or before
// each number of forward + backward steps.
//
//   node --import tsx scripts/schedules/curve-at.ts OUT [--steps] X1 X2 ...
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Comparison, CurvePoint } from "../../src/train/compare.js";
import { metricLabel } from "../../src/train/render-compare.js";

const args = process.argv.slice(2);
const out = args.shift();
const bySteps = args[0] === "--steps";
if (bySteps) args.shift();
if (!out || args.length === 0) {
  console.error("usage: curve-at.ts OUT [--steps] X1 X2 ...");
  process.exit(2);
}
const c = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as Comparison;
const { percent } = metricLabel(c.metric.key);
const x = (p: CurvePoint) => (bySteps ? p.forwardSteps + p.backwardSteps : p.epochs);
const show = (v: number) => (percent ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
const marks = args.map(Number);
console.log(`| schedule | ${marks.map((m) => (bySteps ? `≤ ${m} steps` : `at ${m} epochs`)).join(" | ")} |`);
console.log(`| --- | ${marks.map(() => "---:").join(" | ")} |`);
for (const r of c.runs) {
  // Epochs: the first point at or after each mark, if it comes before the next mark ("—"
  // if none does): a cadence point is taken at the update that crosses its mark. Steps:
  // the last point at or before each mark (after the start): what that much compute bought.
  const cells = marks.map((m, i) => {
    const to = marks[i + 1] ?? Number.POSITIVE_INFINITY;
    const p = bySteps
      ? r.curve.filter((q) => x(q) > 0 && x(q) <= m).pop()
      : r.curve.find((q) => x(q) >= m * (1 - 1e-9) && x(q) < to * (1 - 1e-9));
    return p ? show(p.value) : "—";
  });
  console.log(`| ${r.spec.label} | ${cells.join(" | ")} |`);
}
