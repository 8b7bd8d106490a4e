// Where a bench workload's time goes on the native backend: every backend kernel is wrapped in a
// timer (products by shape), the workload runs for some seconds after the bench's warm-up, and
// each kernel's share of the wall clock is printed, with the CPU time per character or frame of
// the whole process. What the kernels do not cover is JavaScript (the engine, the softmax, the
// update loop). The timers cost about 0.1 µs per call; without --kernels nothing is wrapped, for
// the plain throughput or `node --cpu-prof`.
//   node --import tsx bench/profile.ts [--threads 1] [--workload B] [--seconds 4] [--kernels]
// On a busy machine a thread is descheduled inside kernels and outside alike, so the shares of
// the wall clock are also the shares of the CPU time, scaled by CPU / wall.
import type { Backend } from "../src/core/backend.js";
import { createNativeBackend } from "../src/core/native/backend.js";
import { type BenchWorkload, prepareWorkload, warmUp } from "./workloads.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? (args[i + 1] as string) : fallback;
};
const threads = Number(option("--threads", "1"));
const workload = option("--workload", "B") as BenchWorkload;
const seconds = Number(option("--seconds", "4"));

interface Tally {
  ms: number;
  calls: number;
  flops: number;
}
const tallies = new Map<string, Tally>();

/** Replaces each kernel of `backend` by a timed call of itself. */
function wrapKernels(backend: Backend): void {
  const table = backend as unknown as Record<string, unknown>;
  for (const name of Object.keys(table)) {
    const kernel = table[name];
    if (typeof kernel !== "function" || name === "alloc" || name === "free") continue;
    table[name] = (...a: number[]) => {
      const started = performance.now();
      const result = (kernel as (...x: number[]) => unknown).apply(backend, a);
      const ms = performance.now() - started;
      const [tA, tB, m, n, k] = a as unknown as [boolean, boolean, number, number, number];
      const key = name === "gemm" ? `gemm ${tA ? "T" : "N"}${tB ? "T" : "N"} ${m}×${n}×${k}` : name;
      const t = tallies.get(key) ?? { ms: 0, calls: 0, flops: 0 };
      t.ms += ms;
      t.calls++;
      if (name === "gemm") t.flops += 2 * m * n * k;
      tallies.set(key, t);
      return result;
    };
  }
}

const backend = await createNativeBackend({ threads });
if (args.includes("--kernels")) wrapKernels(backend);
const prepared = prepareWorkload(workload, backend);
warmUp(prepared);
tallies.clear();
const cpuStarted = process.cpuUsage();
const started = performance.now();
let work = 0;
do work += prepared.pass();
while (performance.now() - started < seconds * 1000);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpuStarted);
const cpuMs = (used.user + used.system) / 1000;
const unit = (prepared.unit.split("/")[0] as string).replace(/s$/, "");
console.log(
  `${workload} native-${threads}t: ${Math.round((work * 1000) / wallMs)} ${prepared.unit} by wall clock, ` +
    `${Math.round((work * 1000) / cpuMs)} per CPU second; ${((1000 * cpuMs) / work).toFixed(2)} µs of CPU ` +
    `and ${((1000 * wallMs) / work).toFixed(2)} µs of wall clock per ${unit}`,
);
if (tallies.size > 0) {
  console.log(
    "| kernel | µs of wall clock per unit | share of wall clock | calls per unit | GFLOP/s (wall) |",
  );
  console.log("| --- | --- | --- | --- | --- |");
  let covered = 0;
  for (const [key, t] of [...tallies].sort((x, y) => y[1].ms - x[1].ms)) {
    covered += t.ms;
    const gflops = t.flops > 0 ? (t.flops / t.ms / 1e6).toFixed(1) : "";
    console.log(
      `| ${key} | ${((1000 * t.ms) / work).toFixed(2)} | ${((100 * t.ms) / wallMs).toFixed(1)} % | ` +
        `${(t.calls / work).toFixed(3)} | ${gflops} |`,
    );
  }
  console.log(
    `| JavaScript and the rest | ${((1000 * (wallMs - covered)) / work).toFixed(2)} | ${((100 * (wallMs - covered)) / wallMs).toFixed(1)} % | | |`,
  );
}
