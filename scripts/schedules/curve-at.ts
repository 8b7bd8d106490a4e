// The validation figure of each run of a comparison at given points of its curve, for
// docs/notes/schedules.md: the last point at or before each number of epochs (or of
// forward + backward steps, with --steps) and after the previous one, read from
// OUT/compare.json.
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
console.log(`| schedule | ${marks.map((m) => `${bySteps ? "steps" : "epochs"} ≤ ${m}`).join(" | ")} |`);
console.log(`| --- | ${marks.map(() => "---:").join(" | ")} |`);
for (const r of c.runs) {
  // The last point at or before each mark, if it lies after the previous mark ("—" if none does).
  const cells = marks.map((m, i) => {
    const from = i === 0 ? 0 : (marks[i - 1] as number);
    const within = r.curve.filter((p) => x(p) <= m * (1 + 1e-9) && x(p) > from * (1 + 1e-9));
    const p = within[within.length - 1];
    return p ? show(p.value) : "—";
  });
  console.log(`| ${r.spec.label} | ${cells.join(" | ")} |`);
}
