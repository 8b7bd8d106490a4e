// One tbptt system on one workload as a server for `npm run bench` (bench/run.ts), the same
// protocol as the PyTorch peer's --serve (bench/peers/torch_bench.py): after setup and warm-up it
// prints {"ready": true, ...}; each line "round S" on stdin runs whole passes for S seconds and
// prints {"throughput", "cpu_throughput", "wall", "cpu"}; "quit" prints {"peak_rss_bytes"} (the
// process's maximum resident set, getrusage) and exits. One process per system and workload, so
// each has its own peak memory and none disturbs another while it waits for its turn.
//   node --import tsx bench/serve.ts SYSTEM WORKLOAD
//   SYSTEM: native-1t native-2t wasm-1t wasm-2t wasm-relaxed-1t plain   WORKLOAD: A1 A16 B M256
//   (a SYSTEM ending in -dense, e.g. native-1t-dense, feeds B's one-hot characters as dense rows, a
//   product, instead of symbols, a lookup: the path before symbols existed, for before/after runs)
// (wasm-relaxed-1t needs node --experimental-wasm-relaxed-simd on Node 20; run.ts passes it.)
import { createInterface } from "node:readline";
import type { Backend } from "../src/core/backend.js";
import { createNativeBackend } from "../src/core/native/backend.js";
import { createPlainBackend } from "../src/core/plain.js";
import { createWasmBackend } from "../src/core/wasm/backend.js";
import { createThreadedWasmBackend } from "../src/core/wasm/threads.js";
import { type BenchWorkload, prepareWorkload, warmUp } from "./workloads.js";

export const TBPTT_SYSTEMS = [
  "native-1t",
  "native-2t",
  "wasm-1t",
  "wasm-2t",
  "wasm-relaxed-1t",
  "plain",
] as const;
export type TbpttSystem = (typeof TBPTT_SYSTEMS)[number];

async function makeBackend(system: TbpttSystem): Promise<Backend & { dispose?: () => Promise<void> }> {
  switch (system) {
    case "native-1t":
      return createNativeBackend({ threads: 1 });
    case "native-2t":
      return createNativeBackend({ threads: 2 });
    case "wasm-1t":
      return createWasmBackend({ relaxedSimd: false });
    case "wasm-2t":
      return createThreadedWasmBackend({ threads: 2, relaxedSimd: false });
    case "wasm-relaxed-1t": {
      const backend = await createWasmBackend();
      if (!backend.relaxed) throw new Error("this runtime does not validate relaxed SIMD");
      return backend;
    }
    case "plain":
      return createPlainBackend("float32");
  }
}

const [requested, workload] = process.argv.slice(2) as [string, BenchWorkload];
const denseOneHot = requested?.endsWith("-dense") ?? false;
const system = (denseOneHot ? requested.slice(0, -"-dense".length) : requested) as TbpttSystem;
if (!TBPTT_SYSTEMS.includes(system) || !["A1", "A16", "B", "M256"].includes(workload)) {
  console.error(
    `usage: bench/serve.ts SYSTEM WORKLOAD (SYSTEM: ${TBPTT_SYSTEMS.join(", ")}, each also with -dense; WORKLOAD: A1, A16, B, M256)`,
  );
  process.exit(2);
}
const backend = await makeBackend(system);
const prepared = prepareWorkload(workload, backend, denseOneHot);
warmUp(prepared);
const say = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
say({
  ready: true,
  unit: prepared.unit,
  backend: backend.name,
  ...("blas" in backend ? { blas: backend.blas } : {}),
});

function round(seconds: number) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let work = 0;
  let wall = 0;
  do {
    work += prepared.pass();
    wall = (performance.now() - started) / 1000;
  } while (wall < seconds);
  const used = process.cpuUsage(cpuStarted);
  const cpu = (used.user + used.system) / 1e6;
  return { throughput: work / wall, cpu_throughput: work / cpu, wall, cpu };
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, value] = line.trim().split(/\s+/);
  if (command === "round") say(round(Number(value)));
  else if (command === "quit") break;
}
say({ peak_rss_bytes: process.resourceUsage().maxRSS * 1024 });
await backend.dispose?.();
// stdin (and, with tsx, its loader thread) would keep the process alive: leave now
process.exit(0);
