// `npm run bench`: tbptt's training throughput on workloads A1, A16, B and the 256³ product (M256)
// beside PyTorch (OpenBLAS) on 1 and 2 threads, all in one run with their rounds interleaved: each
// system on each workload is a server process (bench/serve.ts, bench/peers/torch_bench.py --serve)
// that runs one timed round when asked, and the rounds go system by system, in an order rotated
// every round, so a noisy minute on this shared machine hits every system alike. It prints, per
// workload and system, the median throughput (wall clock and per CPU second), the peak resident
// memory of the process, and ratios to PyTorch at the same thread count, each the median of the
// per-round ratios (rounds run next to each other in time), then the issue's targets, met or not.
//   npm run bench [-- --rounds 5 --seconds 2 --quick --workloads A1,B --systems native-1t,pytorch-1t --tfjs]
// Install the peers with `bash bench/setup.sh`; a missing peer is reported as skipped.
// Systems: native-1t native-2t wasm-1t wasm-2t wasm-relaxed-1t plain pytorch-1t pytorch-2t;
// PyTorch on 2 threads runs with OMP_WAIT_POLICY=passive (pytorch-2t-active without it); a tbptt
// system with -dense appended (native-1t-dense) feeds B's one-hot characters as dense rows.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isSkipped, type PeerResult, runPeer } from "./peers.js";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const rounds = Number(option("--rounds") ?? (quick ? 3 : 5));
const seconds = Number(option("--seconds") ?? (quick ? 1 : 2));
const workloads = (option("--workloads") ?? "A1,A16,B,M256").split(",");
const DEFAULT_SYSTEMS = "native-1t,native-2t,wasm-1t,wasm-2t,wasm-relaxed-1t,pytorch-1t,pytorch-2t";
const systems = (option("--systems") ?? DEFAULT_SYSTEMS).split(",");
const PYTHON = process.env.TBPTT_BENCH_PYTHON ?? "/usr/bin/python3";
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Reply {
  ready?: boolean;
  unit?: string;
  throughput?: number;
  cpu_throughput?: number;
  peak_rss_bytes?: number;
  [key: string]: unknown;
}

/** One system on one workload: a child process answering one JSON line per request. */
class Server {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = "";
  private exited: string | null = null;
  readonly command: string[];

  constructor(command: string[], env: Record<string, string>) {
    this.command = command;
    this.child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env } });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on("line", (line) => this.pending.shift()?.(line));
    this.child.on("close", (code, signal) => {
      this.exited = `exited with ${code ?? signal}: ${this.stderr.trim().split("\n").slice(-3).join(" | ")}`;
      for (const resolve of this.pending.splice(0)) resolve("");
    });
  }

  /** Closes the server's stdin and ends it if it has not exited within a second. */
  close(): void {
    this.child.stdin.end();
    setTimeout(() => this.child.kill(), 1000).unref();
  }

  /** Sends a line (none: just wait) and resolves with the next JSON line the server prints. */
  async ask(line?: string): Promise<Reply> {
    if (this.exited) throw new Error(this.exited);
    const reply = new Promise<string>((resolve) => this.pending.push(resolve));
    if (line !== undefined) this.child.stdin.write(`${line}\n`);
    const text = await reply;
    if (text === "") throw new Error(this.exited ?? "no reply");
    return JSON.parse(text) as Reply;
  }
}

function startServer(system: string, workload: string): Server | string {
  if (system.startsWith("pytorch")) {
    if (!existsSync(PYTHON)) return `no Python interpreter at ${PYTHON} (run bench/setup.sh)`;
    const threads = system.startsWith("pytorch-2t") ? "2" : "1";
    const env: Record<string, string> = system === "pytorch-2t" ? { OMP_WAIT_POLICY: "passive" } : {};
    return new Server(
      [PYTHON, here("./peers/torch_bench.py"), workload, "--threads", threads, "--serve"],
      env,
    );
  }
  const flags = system.startsWith("wasm-relaxed-1t") ? ["--experimental-wasm-relaxed-simd"] : [];
  return new Server(
    [process.execPath, ...flags, "--import", "tsx", here("./serve.ts"), system, workload],
    {},
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

interface Measured {
  unit: string;
  wall: number[];
  cpu: number[];
  peakRss?: number;
  note?: string;
}

const results = new Map<string, Map<string, Measured | string>>();
const load = (label: string) =>
  `${label} load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(", ")}`;
const notes: string[] = [load("before:")];

for (const workload of workloads) {
  const servers = new Map<string, Server>();
  const row = new Map<string, Measured | string>();
  results.set(workload, row);
  for (const system of systems) {
    process.stderr.write(`${workload} ${system}: starting… `);
    const server = startServer(system, workload);
    if (typeof server === "string") {
      row.set(system, `skipped: ${server}`);
      continue;
    }
    try {
      const ready = await server.ask();
      if (typeof ready.skipped === "string") throw new Error(`skipped: ${ready.skipped}`);
      servers.set(system, server);
      row.set(system, { unit: String(ready.unit), wall: [], cpu: [] });
      const blas = `BLAS of ${system.replace(/-.*/, "")}: ${ready.blas_config ?? ready.blas}`;
      if ((ready.blas_config || ready.blas) && !notes.includes(blas)) notes.push(blas);
      process.stderr.write("ready\n");
    } catch (error) {
      row.set(system, String((error as Error).message).split("\n")[0] as string);
      process.stderr.write(`${row.get(system)}\n`);
    }
  }
  const running = [...servers.keys()];
  for (let r = 0; r < rounds; r++) {
    process.stderr.write(`${workload} round ${r + 1}/${rounds}\n`);
    // rotate the order so no system always follows the same one
    const order = running.map((_, i) => running[(i + r) % running.length] as string);
    for (const system of order) {
      const m = row.get(system) as Measured;
      try {
        const reply = await servers.get(system)!.ask(`round ${seconds}`);
        m.wall[r] = reply.throughput as number;
        m.cpu[r] = reply.cpu_throughput as number;
      } catch (error) {
        row.set(system, `failed: ${(error as Error).message}`);
        servers.delete(system);
        running.splice(running.indexOf(system), 1);
      }
    }
  }
  for (const [system, server] of servers) {
    const m = row.get(system) as Measured;
    try {
      m.peakRss = (await server.ask("quit")).peak_rss_bytes;
    } catch (error) {
      m.note = `no peak memory: ${(error as Error).message}`;
    }
    server.close();
  }
}
notes.push(load("after:"));

if (args.includes("--tfjs")) {
  // tfjs-wasm as before (one process per workload, not interleaved): a reference point only.
  for (const workload of workloads) {
    const r = await runPeer("tfjs-wasm", workload as "A1", { rounds, seconds }).catch(
      (e: Error) => e.message,
    );
    const row = results.get(workload)!;
    if (typeof r === "string" || isSkipped(r))
      row.set("tfjs-wasm", typeof r === "string" ? r : `skipped: ${r.skipped}`);
    else row.set("tfjs-wasm", { unit: r.unit, wall: (r as PeerResult).rounds, cpu: [] });
  }
  systems.push("tfjs-wasm");
}

const fmt = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? "-" : v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1);
const mib = (bytes: number | undefined) => (bytes === undefined ? "-" : `${Math.round(bytes / 2 ** 20)}`);

console.log(`rounds: ${rounds} × ${seconds} s per system, interleaved; ${notes[0]}\n`);
console.log("| workload | system | wall clock | per CPU second | peak RSS MiB |");
console.log("| --- | --- | --- | --- | --- |");
const skippedNotes: string[] = [];
for (const [workload, row] of results) {
  for (const system of systems) {
    const m = row.get(system);
    if (m === undefined) continue;
    if (typeof m === "string") {
      skippedNotes.push(`${workload} ${system}: ${m}`);
      continue;
    }
    const unit = m.unit;
    console.log(
      `| ${workload} | ${system} | ${fmt(median(m.wall))} ${unit} | ${m.cpu.length ? `${fmt(median(m.cpu))} ${unit}` : "-"} | ${mib(m.peakRss)} |`,
    );
  }
}

/** Median over rounds of a's round over b's round (wall clock or CPU time), or undefined. */
function ratio(workload: string, a: string, b: string, kind: "wall" | "cpu"): number | undefined {
  const ma = results.get(workload)?.get(a);
  const mb = results.get(workload)?.get(b);
  if (!ma || !mb || typeof ma === "string" || typeof mb === "string") return undefined;
  const per = ma[kind].map((x, i) => x / (mb[kind][i] as number)).filter(Number.isFinite);
  return per.length ? median(per) : undefined;
}
/** A system on one thread (native-1t, native-1t-dense, …): its CPU time is comparable per second. */
const oneThread = (system: string) => /-1t(-|$)/.test(system);
const times = (v: number | undefined) => (v === undefined ? "-" : `${v.toFixed(2)}×`);

// The -dense pairs (symbols against dense one-hot rows) only when such a system was run.
const pairs = (
  [
    ["native-1t", "pytorch-1t"],
    ["native-2t", "pytorch-2t"],
    ["wasm-1t", "pytorch-1t"],
    ["wasm-relaxed-1t", "pytorch-1t"],
    ["wasm-2t", "pytorch-2t"],
    ["native-1t", "wasm-1t"],
    ["wasm-relaxed-1t", "wasm-1t"],
    ["native-1t", "native-1t-dense"],
    ["native-1t-dense", "pytorch-1t"],
  ] as const
).filter((pair) => pair.every((s) => !s.endsWith("-dense") || systems.includes(s)));
console.log("\nRatios, median of per-round ratios: wall clock (per CPU second)\n");
console.log(`| workload | ${pairs.map(([a, b]) => `${a} / ${b}`).join(" | ")} |`);
console.log(`| --- | ${pairs.map(() => "---").join(" | ")} |`);
for (const workload of results.keys()) {
  const cells = pairs.map(([a, b]) => {
    const wall = ratio(workload, a, b, "wall");
    const cpu = oneThread(a) && oneThread(b) ? ratio(workload, a, b, "cpu") : undefined;
    return wall === undefined ? "-" : `${times(wall)}${cpu === undefined ? "" : ` (${times(cpu)})`}`;
  });
  console.log(`| ${workload} | ${cells.join(" | ")} |`);
}

// The issue's targets: tbptt native against PyTorch (OpenBLAS) at the same thread count.
const targets = [
  ["A1", "native-1t", "pytorch-1t", 6],
  ["A16", "native-1t", "pytorch-1t", 1.3],
  ["B", "native-1t", "pytorch-1t", 1.3],
  ["B", "native-2t", "pytorch-2t", 1.0],
  ["M256", "native-1t", "pytorch-1t", 0.9],
] as const;
console.log("\nTargets: median of per-round ratios, wall clock and (1 thread) per CPU second\n");
console.log("| workload | wall clock | per CPU second | target | met (wall)? | met (CPU)? |");
console.log("| --- | --- | --- | --- | --- | --- |");
const verdict = (r: number | undefined, target: number) =>
  r === undefined ? "not measured" : r >= target ? "yes" : `no, by ${Math.round((1 - r / target) * 100)} %`;
for (const [workload, a, b, target] of targets) {
  const wall = ratio(workload, a, b, "wall");
  const cpu = oneThread(a) ? ratio(workload, a, b, "cpu") : undefined;
  console.log(
    `| ${workload} ${a} / ${b} | ${times(wall)} | ${times(cpu)} | ≥ ${target}× | ${verdict(wall, target)} | ${cpu === undefined ? "-" : verdict(cpu, target)} |`,
  );
}
console.log(`\n${[...notes.slice(1), ...skippedNotes].join("\n")}`);
