// `npm run bench`: tbptt's training throughput on workloads A1, A16 and B (bench/workloads.ts)
// next to PyTorch and TensorFlow.js measured in the same run (bench/peers.ts; install them
// with `bash bench/setup.sh`, otherwise they are reported as skipped), plus the matrix
// product's GFLOP/s next to OpenBLAS through PyTorch. Prints one table of throughputs and
// the ratio of tbptt to each peer; ratios from one run are what to compare, since absolute
// times on a shared machine are noise.
//   npm run bench [-- --rounds 5 --quick --plain]
import { createPlainBackend } from "../src/core/plain.js";
import { selectBackend } from "../src/core/select.js";
import { isSkipped, type PeerResult, runPeer } from "./peers.js";
import { gemmGflops, runWorkload, type Workload } from "./workloads.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const withPlain = args.includes("--plain");
const roundsArg = args.indexOf("--rounds");
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : quick ? 2 : 5;

interface Row {
  workload: string;
  unit: string;
  values: Record<string, number | string>;
}

const rows: Row[] = [];
const one = (await selectBackend({ dtype: "float32", prefer: "wasm" })).backend;
const two = (await selectBackend({ dtype: "float32", prefer: "wasm", wasm: { threads: 2 } })).backend;
const systems = [
  "tbptt wasm 1t",
  "tbptt wasm 2t",
  ...(withPlain ? ["tbptt plain"] : []),
  "pytorch 1t",
  "pytorch 2t",
  "tfjs-wasm",
];

async function peer(
  system: "pytorch" | "tfjs-wasm",
  workload: Workload | "M256",
  threads: number,
): Promise<number | string> {
  try {
    const r = await runPeer(system, workload, { threads, rounds, seconds: quick ? 1 : 2 });
    if (isSkipped(r)) return `skipped: ${r.skipped}`;
    return (r as PeerResult).throughput;
  } catch (e) {
    return `failed: ${(e as Error).message.split("\n")[0]}`;
  }
}

for (const workload of ["A1", "A16", "B"] as const) {
  process.stderr.write(`${workload}: tbptt…`);
  const values: Record<string, number | string> = {
    "tbptt wasm 1t": runWorkload(workload, one, rounds).throughput,
    "tbptt wasm 2t": runWorkload(workload, two, rounds).throughput,
  };
  if (withPlain)
    values["tbptt plain"] = runWorkload(
      workload,
      createPlainBackend("float32"),
      Math.min(rounds, 2),
    ).throughput;
  process.stderr.write(" pytorch…");
  values["pytorch 1t"] = await peer("pytorch", workload, 1);
  values["pytorch 2t"] = await peer("pytorch", workload, 2);
  process.stderr.write(" tfjs…\n");
  values["tfjs-wasm"] = await peer("tfjs-wasm", workload, 1);
  rows.push({ workload, unit: workload === "B" ? "chars/s" : "frames/s", values });
}
process.stderr.write("M256…\n");
rows.push({
  workload: "M256",
  unit: "GFLOP/s",
  values: {
    "tbptt wasm 1t": gemmGflops(one, 256),
    "tbptt wasm 2t": gemmGflops(two, 256),
    ...(withPlain ? { "tbptt plain": gemmGflops(createPlainBackend("float32"), 256, 0.5) } : {}),
    "pytorch 1t": await peer("pytorch", "M256", 1),
    "pytorch 2t": await peer("pytorch", "M256", 2),
  },
});

const fmt = (v: number | string | undefined) =>
  typeof v === "number"
    ? v >= 100
      ? Math.round(v).toLocaleString("en")
      : v.toFixed(1)
    : v === undefined
      ? "-"
      : "n/a";
const ratio = (a: number | string | undefined, b: number | string | undefined) =>
  typeof a === "number" && typeof b === "number" ? `${(a / b).toFixed(2)}×` : "-";

console.log(
  `| workload | unit | ${systems.join(" | ")} | tbptt 1t / pytorch 1t | tbptt 2t / pytorch 2t | tbptt 1t / tfjs-wasm |`,
);
console.log(`| --- | --- | ${systems.map(() => "---").join(" | ")} | --- | --- | --- |`);
for (const r of rows) {
  const v = r.values;
  console.log(
    `| ${r.workload} | ${r.unit} | ${systems.map((s) => fmt(v[s])).join(" | ")} | ${ratio(v["tbptt wasm 1t"], v["pytorch 1t"])} | ${ratio(v["tbptt wasm 2t"], v["pytorch 2t"])} | ${ratio(v["tbptt wasm 1t"], v["tfjs-wasm"])} |`,
  );
}
const notes = rows.flatMap((r) =>
  Object.entries(r.values)
    .filter(([, v]) => typeof v === "string")
    .map(([s, v]) => `${r.workload} ${s}: ${v}`),
);
if (notes.length > 0) console.log(`\n${notes.join("\n")}`);
await (two as { dispose?: () => Promise<void> }).dispose?.();
