// Runs the benchmark's peers, PyTorch and TensorFlow.js, each as its own process
// (bench/peers/torch_bench.py, bench/peers/tfjs/bench.mjs) and parses the one
// JSON line it prints. A peer that is not installed (bench/setup.sh installs
// both) comes back as { skipped: reason }; a peer that fails otherwise throws,
// with its exit status and the end of its stderr. Node-only.
//
// Workloads, the same in every peer (bench/peers/README.md has the details):
//   A1     LSTM 26→140, Linear→61, softmax CE; 300 frames, batch 1, k1 = k2 = 300
//   A16    the same net, batch 16, k1 = k2 = 20 over streams of 300 frames
//   B      char-rnn: one-hot 65, LSTM 256, Linear→65; batch 32, k1 = k2 = 50, clip 5
//   M256   256³ single-precision matrix product, GFLOP/s
//   M1024  1024³ single-precision matrix product, GFLOP/s

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type PeerSystem = "pytorch" | "tfjs-wasm" | "tfjs-cpu";
export type PeerWorkload = "A1" | "A16" | "B" | "M256" | "M1024";
export type PeerUnit = "frames/s" | "chars/s" | "GFLOP/s";

export const PEER_SYSTEMS: readonly PeerSystem[] = ["pytorch", "tfjs-wasm", "tfjs-cpu"];
export const PEER_WORKLOADS: readonly PeerWorkload[] = ["A1", "A16", "B", "M256", "M1024"];

export interface PeerOptions {
  /** Threads for PyTorch (torch, OpenMP and OpenBLAS); the tfjs backends are single-threaded in Node. Default 1. */
  threads?: number;
  /** Length of one timed round in seconds (whole updates, so a round may run longer). Default 2. */
  seconds?: number;
  /** Timed rounds; the throughput is their median. Default 5. */
  rounds?: number;
  /** Seconds of warm-up before timing (at least 2 updates). Default 1. */
  warmup?: number;
  /** Python interpreter with Debian's torch. Default $TBPTT_BENCH_PYTHON or /usr/bin/python3. */
  python?: string;
  /** Kill the peer after this long. Default: 10 × the planned time + 120 s. */
  timeoutMs?: number;
}

export interface PeerResult {
  system: PeerSystem;
  workload: PeerWorkload;
  /** Median over the timed rounds, in `unit`. */
  throughput: number;
  unit: PeerUnit;
  threads: number;
  /** Each timed round's throughput, in order. */
  rounds: number[];
  /**
   * Median work per second of the peer's own CPU time: on a shared machine the steadier figure
   * for 1-thread runs (for more threads it sums them, spin-waits included).
   */
  cpuThroughput?: number;
  /** CPU seconds over wall seconds for the timed rounds: about 1 for an undisturbed 1-thread run. */
  cpuShare?: number;
  /** Framework version (torch.__version__, tf.version.tfjs). */
  version: string;
  /** PyTorch only: the BLAS the process really loaded ("openblas", "reference", ...). */
  blas?: string;
  /** The command that was run, for the record. */
  command: string[];
  /** The peer's whole JSON line (BLAS library and core, SIMD, final loss, ...). */
  raw: Record<string, unknown>;
}

export type PeerOutcome = PeerResult | { skipped: string };

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const TORCH_SCRIPT = here("./peers/torch_bench.py");
const TFJS_SCRIPT = here("./peers/tfjs/bench.mjs");
const TFJS_MODULES = here("./peers/tfjs/node_modules/@tensorflow/");

export function isSkipped(outcome: PeerOutcome): outcome is { skipped: string } {
  return "skipped" in outcome;
}

/** The command line (program first) that runs one peer on one workload. */
export function peerCommand(system: PeerSystem, workload: PeerWorkload, options: PeerOptions = {}): string[] {
  const timing = [
    "--seconds",
    String(options.seconds ?? 2),
    "--rounds",
    String(options.rounds ?? 5),
    "--warmup",
    String(options.warmup ?? 1),
  ];
  if (system === "pytorch") {
    const python = options.python ?? process.env.TBPTT_BENCH_PYTHON ?? "/usr/bin/python3";
    return [python, TORCH_SCRIPT, workload, "--threads", String(options.threads ?? 1), ...timing];
  }
  const backend = system === "tfjs-wasm" ? "wasm" : "cpu";
  return [process.execPath, TFJS_SCRIPT, workload, "--backend", backend, ...timing];
}

/** Runs one peer on one workload and returns its result, or why it was skipped. */
export async function runPeer(
  system: PeerSystem,
  workload: PeerWorkload,
  options: PeerOptions = {},
): Promise<PeerOutcome> {
  if (!PEER_SYSTEMS.includes(system))
    throw new Error(`unknown peer "${system}"; expected ${PEER_SYSTEMS.join(", ")}`);
  if (!PEER_WORKLOADS.includes(workload)) {
    throw new Error(`unknown workload "${workload}"; expected ${PEER_WORKLOADS.join(", ")}`);
  }
  const command = peerCommand(system, workload, options);
  if (system === "pytorch" && !existsSync(command[0]!)) {
    return { skipped: `no Python interpreter at ${command[0]} (run bench/setup.sh)` };
  }
  if (system !== "pytorch") {
    for (const pkg of ["tfjs", "tfjs-backend-wasm"]) {
      if (!existsSync(`${TFJS_MODULES}${pkg}/package.json`)) {
        return { skipped: `@tensorflow/${pkg} is not installed in bench/peers/tfjs (run bench/setup.sh)` };
      }
    }
  }
  const planned = (options.warmup ?? 1) + (options.seconds ?? 2) * (options.rounds ?? 5);
  const timeoutMs = options.timeoutMs ?? (10 * planned + 120) * 1000;
  const { status, stdout, stderr } = await run(command, timeoutMs);
  const line = stdout
    .split("\n")
    .map((l) => l.trim())
    .reverse()
    .find((l) => l.startsWith("{"));
  const failure = (why: string): Error =>
    new Error(`${system} ${workload}: ${why}\n  command: ${command.join(" ")}\n  stderr: ${tail(stderr)}`);
  if (status !== 0) throw failure(`exited with ${status}`);
  if (line === undefined) throw failure("printed no JSON line");
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw failure(`printed a line that is not JSON: ${line}`);
  }
  if (typeof raw.skipped === "string") return { skipped: raw.skipped };
  const { throughput, unit, threads, rounds, version } = raw;
  if (
    typeof throughput !== "number" ||
    !Number.isFinite(throughput) ||
    (unit !== "frames/s" && unit !== "chars/s" && unit !== "GFLOP/s") ||
    typeof threads !== "number" ||
    !Array.isArray(rounds) ||
    typeof version !== "string"
  ) {
    throw failure(`expected throughput, unit, threads, rounds and version in ${line}`);
  }
  return {
    system,
    workload,
    throughput,
    unit,
    threads,
    rounds: rounds.map(Number),
    version,
    ...(typeof raw.cpu_throughput === "number" ? { cpuThroughput: raw.cpu_throughput } : {}),
    ...(typeof raw.cpu_share === "number" ? { cpuShare: raw.cpu_share } : {}),
    ...(typeof raw.blas === "string" ? { blas: raw.blas } : {}),
    command,
    raw,
  };
}

function tail(text: string, lines = 8): string {
  const kept = text.trimEnd().split("\n").slice(-lines).join("\n    ");
  return kept === "" ? "(empty)" : kept;
}

function run(
  command: string[],
  timeoutMs: number,
): Promise<{ status: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ status: code ?? `killed by ${signal}`, stdout, stderr }));
  });
}
