// The long fuzz run (`npm run fuzz`; docs/reliability.md): every parser and decoder of
// test/fuzz/targets.ts gets COUNT inputs (random bytes and mutated valid files) and must
// answer each with a valid result or a TbpttError naming its source. Prints, per target,
// the inputs, valid results, project errors, errors that do not name their source,
// internal errors and hangs; each kind of finding once, with its first input saved.
// Exits 1 when anything but valid results and project errors was seen.
//
//   npm run fuzz -- [--count N] [--seed S] [--only NAME,NAME] [--limit-ms MS] [--save DIR]
//
// Each target runs in a worker thread watched by this process: an input still running
// after the time limit is a hang, the worker is terminated, and a new one continues with
// the remaining inputs (from the next seed).
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { OUTCOMES } from "../test/fuzz/target.js";
import { fuzzTargets } from "../test/fuzz/targets.js";

const USAGE = "npm run fuzz -- [--count N] [--seed S] [--only NAME,NAME] [--limit-ms MS] [--save DIR]";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
    only: { type: "string" },
    "limit-ms": { type: "string", default: "2000" },
    save: { type: "string", default: join(tmpdir(), "tbptt-fuzz") },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(values.count);
const seed = Number(values.seed);
const limitMs = Number(values["limit-ms"]);
for (const [name, v] of [
  ["--count", count],
  ["--seed", seed],
  ["--limit-ms", limitMs],
] as const) {
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`${name}: expected a non-negative integer\n${USAGE}`);
    process.exit(2);
  }
}
const names = (await fuzzTargets()).map((t) => t.name);
const only = values.only?.split(",") ?? names;
const unknown = only.filter((n) => !names.includes(n));
if (unknown.length > 0) {
  console.error(`--only: no target ${unknown.join(", ")}; targets: ${names.join(", ")}`);
  process.exit(2);
}

const WORKER = new URL("./fuzz-worker.mjs", import.meta.url);
/** How much of the running input a worker shares, to save it if it hangs (inputs are smaller). */
const CURRENT_BYTES = 1 << 16;

interface Tally {
  name: string;
  counts: Record<string, number>;
  seconds: number;
  findings: string[];
}

/** Runs `n` inputs of target `name` from `runSeed` in one worker; resolves when it ends or hangs. */
function runWorker(
  name: string,
  n: number,
  runSeed: number,
  onFinding: (line: string, input: string) => void,
): Promise<{ counters: Int32Array; hung: boolean; crash: string | null; current: Uint8Array }> {
  const counters = new Int32Array(new SharedArrayBuffer(4 * (1 + OUTCOMES.length)));
  const current = new SharedArrayBuffer(4 + CURRENT_BYTES);
  const data = { name, count: n, seed: runSeed, limitMs, counters: counters.buffer, current };
  const worker = new Worker(WORKER, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
  worker.on("message", (m: { finding: string; input: string }) => onFinding(m.finding, m.input));
  return new Promise((resolve) => {
    let last = -1;
    let since = Date.now();
    let hung = false;
    // An input counts as hung once the count has not moved for the time limit (plus a
    // second for the watch itself); the first input also waits out the worker's start.
    const watch = setInterval(() => {
      const started = Atomics.load(counters, 0);
      if (started !== last) {
        last = started;
        since = Date.now();
      } else if (started > 0 && Date.now() - since > limitMs + 1000) {
        hung = true;
        void worker.terminate();
      }
    }, 100);
    let crash: string | null = null;
    worker.on("error", (e) => {
      crash = `${e.name}: ${e.message}`;
    });
    worker.on("exit", () => {
      clearInterval(watch);
      const length = new Int32Array(current, 0, 1)[0] as number;
      resolve({ counters, hung, crash, current: new Uint8Array(current, 4, length).slice() });
    });
  });
}

async function fuzzTarget(name: string): Promise<Tally> {
  const counts: Record<string, number> = { inputs: 0 };
  for (const o of OUTCOMES) counts[o] = 0;
  const findings: string[] = [];
  const start = performance.now();
  const dir = join(values.save as string, name);
  const record = (line: string, input: string) => {
    if (findings.includes(line)) return;
    findings.push(line);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `finding-${findings.length}.bin`);
    writeFileSync(file, Buffer.from(input, "base64"));
    console.log(`  ${name}: ${line}\n    input: ${file}`);
  };
  let runSeed = seed;
  while (counts.inputs < count) {
    const remaining = count - counts.inputs;
    const { counters, hung, crash, current } = await runWorker(name, remaining, runSeed, record);
    const started = counters[0] as number;
    OUTCOMES.forEach((o, i) => {
      counts[o] += counters[i + 1] as number;
    });
    counts.inputs += started;
    if (crash && started === 0) throw new Error(`${name}: the fuzz worker failed to start: ${crash}`);
    if (hung || crash) {
      // The input that was running when the worker stopped got no outcome of its own.
      if (hung) counts.hang++;
      else counts.internal++;
      const input = Buffer.from(current).toString("base64");
      record(hung ? `hang: over ${limitMs} ms (terminated)` : `worker died: ${crash}`, input);
    } else if (started < remaining)
      throw new Error(`${name}: the worker stopped after ${started} inputs without a hang or error`);
    runSeed += 1;
  }
  return { name, counts, seconds: (performance.now() - start) / 1000, findings };
}

console.log(`fuzz: ${count} inputs per target, seed ${seed}, limit ${limitMs} ms per input`);
const tallies: Tally[] = [];
for (const name of only) {
  const tally = await fuzzTarget(name);
  tallies.push(tally);
  const c = tally.counts;
  console.log(
    `${name}: ${c.inputs} inputs, ${c.valid} valid, ${c.project} project errors, ${c.unnamed} unnamed, ` +
      `${c.internal} internal, ${c.hang} hangs (${tally.seconds.toFixed(1)} s)`,
  );
}

const columns = ["target", "inputs", ...OUTCOMES, "seconds"];
const rows = tallies.map((t) => [
  t.name,
  ...["inputs", ...OUTCOMES].map((k) => String(t.counts[k])),
  t.seconds.toFixed(1),
]);
const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] as string).length)));
const show = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] as number)).join(" | ")} |`;
console.log(`\n${show(columns)}\n| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const r of rows) console.log(show(r));
const bad = tallies.filter((t) => t.counts.unnamed + t.counts.internal + t.counts.hang > 0);
if (bad.length > 0) {
  console.log(`\nfindings in ${bad.map((t) => t.name).join(", ")} (inputs saved under ${values.save})`);
  process.exit(1);
}
