// The k2 × lag table of docs/results-schedules.md study (a), read from the comparisons
// PREFIX-lagL-seedS/compare.json (one `tbptt compare` per lag and seed, schedules "inf,inf"
// and "inf,K2,per-loss"). A cell lists one figure per seed: the final validation error (%),
// with --first the first epoch whose error is at most 5 % ("—": never), with --train-loss
// the last epoch's training loss (nats per loss; chance, ln 4 = 1.39) from the run's
// log.jsonl. A per-loss k2
// above the lag is not run: its window holds the whole sequence (b = 0, lag + 1 steps,
// one loss), so its gradient is full BPTT's up to float32 rounding; the cell says "= ∞".
//
//   node --import tsx scripts/schedules/recall-table.ts PREFIX LAGS K2S SEEDS [--first|--train-loss]
//   e.g. recall-table.ts runs/schedules/recall-lstm 5,10,20 2,5,10 1,2,3
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ComparedRun, Comparison } from "../../src/train/compare.js";

const args = process.argv.slice(2);
const first = args.includes("--first");
const trainLoss = args.includes("--train-loss");
const [prefix, lagList, k2List, seedList] = args.filter((a) => !a.startsWith("--"));
if (!prefix || !lagList || !k2List || !seedList) {
  console.error("usage: recall-table.ts PREFIX LAGS K2S SEEDS [--first|--train-loss]");
  process.exit(2);
}
const numbers = (list: string) => list.split(",").map(Number);
const lags = numbers(lagList);
const k2s = numbers(k2List);
const seeds = numbers(seedList);

/** The last epoch's training loss, from the run folder's log.jsonl. */
function lastTrainLoss(dir: string): string {
  const lines = readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n");
  const epochs = lines.map((l) => JSON.parse(l) as { event: string; trainLossPerFrame?: number });
  const last = epochs.filter((e) => e.event === "epoch").pop();
  return last?.trainLossPerFrame === undefined ? "?" : last.trainLossPerFrame.toFixed(2);
}

/** A run's figure: its final error, the first epoch at ≤ 5 % error, or its last training loss. */
function figure(run: ComparedRun | undefined, folder: string): string {
  if (!run) return "?";
  if (trainLoss) return lastTrainLoss(folder);
  if (!first) return run.final ? (100 * run.final.value).toFixed(0) : "?";
  const hit = run.curve.find((p) => p.epochs > 0 && p.value <= 0.05);
  return hit ? hit.epochs.toFixed(0) : "—";
}

function cell(lag: number, k2: number): string {
  if (Number.isFinite(k2) && k2 > lag) return "= ∞";
  const label = Number.isFinite(k2) ? `inf,${k2},per-loss` : "inf,inf";
  return seeds
    .map((seed) => {
      let c: Comparison;
      try {
        c = JSON.parse(readFileSync(`${prefix}-lag${lag}-seed${seed}/compare.json`, "utf8")) as Comparison;
      } catch {
        return "?";
      }
      const run = c.runs.find((r) => r.spec.label === label);
      const name = Number.isFinite(k2) ? `k1-inf_k2-${k2}_per-loss` : "k1-inf_k2-inf";
      return figure(run, `${prefix}-lag${lag}-seed${seed}/runs/${name}`);
    })
    .join(" · ");
}

const columns = [...k2s, Number.POSITIVE_INFINITY];
console.log(`| lag | ${columns.map((k) => (Number.isFinite(k) ? `k2 = ${k}` : "full BPTT")).join(" | ")} |`);
console.log(`| ---: | ${columns.map(() => "---:").join(" | ")} |`);
for (const lag of lags) console.log(`| ${lag} | ${columns.map((k) => cell(lag, k)).join(" | ")} |`);
