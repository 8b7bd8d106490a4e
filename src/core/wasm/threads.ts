/**
 * A worker pool for the wasm backend's gemm: large products are split into blocks of C (columns
 * when C is wider than tall, else rows) across the calling thread and N − 1 workers, all running
 * the same compiled module over the backend's shared WebAssembly.Memory. Each thread packs its
 * own operands into its own scratch and calls `gemmPacked` on its block, the path the one-thread
 * gemm takes for the same shapes; every entry of C sees the same operations in the same order
 * whatever the block, so results are bit-identical to one thread whatever the thread count
 * (test/core/backend-threads.test.ts).
 *
 * Synchronisation: a control block in the shared memory. The caller writes the job, bumps a
 * generation counter and notifies; workers (blocked in Atomics.wait) run their rows and count
 * themselves done; the caller runs its own rows, then waits for the count (Atomics.wait where the
 * thread may block: Node and workers; a spin on Atomics.load on a browser's main thread).
 *
 * Workers run the source in worker.ts: a Web Worker from a Blob URL where `Worker` is a global
 * (browsers, Deno, Bun); a Node worker thread (`eval: true`) otherwise, with worker_threads loaded
 * by a dynamic import whose specifier is held in a variable, so core has no static `node:` import
 * and bundlers leave it alone. Node workers are unref'd: an idle
 * pool never keeps the process alive. Needs shared memory (cross-origin isolation in browsers).
 */
import type { WasmModule } from "./api.js";
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from "./backend.js";
import { CTL, JOB } from "./control.js";
import { workerSource } from "./worker.js";

/** Options of the WebAssembly backend with a worker pool: its memory options and the thread count. */
export interface ThreadOptions extends WasmBackendOptions {
  /** Threads including the caller's (default: the number of cores). 1 means no workers. */
  threads?: number;
  /** Smallest product, in flops (2·m·n·k), worth splitting (default 2²¹). */
  minFlops?: number;
}

export interface ThreadedWasmBackend extends WasmBackend {
  readonly threads: number;
  /** Stops the workers and ends the arena (Backend.dispose). */
  dispose(): Promise<void>;
}

/** What a worker receives once, at start. */
export interface WorkerInit {
  module: WasmModule;
  memory: unknown;
  control: number;
  scratch: number;
  index: number;
}

interface PoolWorker {
  terminate(): unknown;
}

const MR = 5;
const NR = 8;
const NODE_WORKER_THREADS = "node:worker_threads";
const NODE_OS = "node:os";

/** Cores available: navigator.hardwareConcurrency, else Node's os.availableParallelism. */
export async function defaultThreadCount(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const os = (await import(NODE_OS)) as { availableParallelism?: () => number; cpus: () => unknown[] };
    return os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  } catch {
    return 1;
  }
}

/** Starts a worker and resolves once it has instantiated the kernels and said "ready". */
async function spawnWorker(init: WorkerInit): Promise<PoolWorker> {
  type Listener = (x: unknown) => void;
  const scope = globalThis as {
    Worker?: new (
      u: string,
      o?: { type: string },
    ) => PoolWorker & { postMessage(m: unknown): void; addEventListener(t: string, f: Listener): void };
    Blob?: new (parts: string[], o: object) => unknown;
    URL: { createObjectURL?: (blob: unknown) => string; revokeObjectURL?: (url: string) => void };
  };
  if (scope.Worker && scope.Blob && scope.URL.createObjectURL) {
    const url = scope.URL.createObjectURL(new scope.Blob([workerSource()], { type: "text/javascript" }));
    let worker: InstanceType<NonNullable<typeof scope.Worker>>;
    try {
      worker = new scope.Worker(url); // a classic worker: every browser
    } catch {
      worker = new scope.Worker(url, { type: "module" }); // runtimes with module workers only (Deno)
    }
    try {
      await new Promise<void>((resolve, reject) => {
        worker.addEventListener("message", () => resolve());
        worker.addEventListener("error", (e) =>
          reject(new Error(`wasm threads: worker failed: ${String((e as { message?: string }).message)}`)),
        );
        worker.postMessage(init);
      });
    } finally {
      scope.URL.revokeObjectURL?.(url);
    }
    return worker;
  }
  const { Worker } = (await import(NODE_WORKER_THREADS)) as {
    Worker: new (
      code: string,
      o: object,
    ) => PoolWorker & { unref(): void; once(e: string, f: Listener): void };
  };
  const worker = new Worker(workerSource(), { eval: true, workerData: init });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", (e) => reject(new Error(`wasm threads: worker failed: ${(e as Error).message}`)));
  });
  worker.unref();
  return worker;
}

/**
 * A wasm backend whose large gemm calls run on `threads` threads. Falls back to the plain
 * one-thread backend (threads = 1) when asked for one thread.
 */
export async function createThreadedWasmBackend(options: ThreadOptions = {}): Promise<ThreadedWasmBackend> {
  const threads = options.threads ?? (await defaultThreadCount());
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`wasm threads: expected an integer ≥ 1, got ${threads}`);
  const minFlops = options.minFlops ?? 2 ** 21;
  const base = await createWasmBackend({ ...options, shared: threads > 1 ? true : options.shared });
  const workers: PoolWorker[] = [];
  if (threads === 1) return Object.assign(base, { threads: 1 });

  const { arena, kernels } = base;
  const controlAddress = arena.allocBytes(4 * (CTL.jobs + JOB * threads));
  const ctl = new Int32Array(arena.memory.buffer, controlAddress, CTL.jobs + JOB * threads);
  const bits = new DataView(new ArrayBuffer(4));
  const f32bits = (x: number) => {
    bits.setFloat32(0, x, true);
    return bits.getInt32(0, true);
  };
  const workerCount = threads - 1;
  const ownScratch = arena.allocBytes(kernels.scratchBytes());
  for (let w = 0; w < workerCount; w++) {
    const scratch = arena.allocBytes(kernels.scratchBytes());
    workers.push(
      await spawnWorker({
        module: base.module,
        memory: arena.memory,
        control: controlAddress,
        scratch,
        index: w,
      }),
    );
  }
  let canBlock = true;
  let disposed = false;
  const singleGemm = base.gemm;
  const endArena = base.dispose;

  base.gemm = (transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) => {
    // Split by columns when C is wider than tall (each thread then packs only its part of B, the
    // large operand of an RNN's products), else by rows; blocks are whole 8-column panels or
    // 5-row panels. Only shapes the one-thread gemm sends to the packed path, and big ones.
    const byColumns = n >= m;
    const unit = byColumns ? NR : MR;
    const extent = byColumns ? n : m;
    if (
      disposed ||
      !kernels.packedPath(+transA, +transB, m) ||
      2 * m * n * k < minFlops ||
      extent < 2 * unit
    ) {
      singleGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    const at = arena.address.bind(arena);
    const pa = at("gemm A", a, aOff, transA ? (k - 1) * lda + m : (m - 1) * lda + k, false);
    const pb = at("gemm B", b, bOff, transB ? (n - 1) * ldb + k : (k - 1) * ldb + n, false);
    const pc = at("gemm C", c, cOff, (m - 1) * ldc + n, true);
    // byte steps of one row of op(A) and C, one column of op(B) and C
    const aRow = (transA ? 1 : lda) * 4;
    const bCol = (transB ? ldb : 1) * 4;
    const share = Math.ceil(extent / threads / unit) * unit;
    let start = 0;
    for (let w = 0; w < workerCount; w++) {
      const size = Math.max(0, Math.min(share, extent - start));
      const job = CTL.jobs + JOB * w;
      ctl[job] = byColumns ? m : size;
      ctl[job + 1] = byColumns ? size : n;
      ctl[job + 2] = byColumns ? pa : pa + start * aRow;
      ctl[job + 3] = byColumns ? pb + start * bCol : pb;
      ctl[job + 4] = byColumns ? pc + start * 4 : pc + start * ldc * 4;
      start += size;
    }
    ctl[CTL.transA] = +transA;
    ctl[CTL.transB] = +transB;
    ctl[CTL.k] = k;
    ctl[CTL.alpha] = f32bits(alpha);
    ctl[CTL.lda] = lda;
    ctl[CTL.ldb] = ldb;
    ctl[CTL.beta] = f32bits(beta);
    ctl[CTL.ldc] = ldc;
    Atomics.store(ctl, CTL.done, 0);
    Atomics.add(ctl, CTL.generation, 1);
    Atomics.notify(ctl, CTL.generation);
    // the caller takes the last block
    const rest = extent - start;
    kernels.gemmPacked(
      +transA,
      +transB,
      byColumns ? m : rest,
      byColumns ? rest : n,
      k,
      alpha,
      byColumns ? pa : pa + start * aRow,
      lda,
      byColumns ? pb + start * bCol : pb,
      ldb,
      beta,
      byColumns ? pc + start * 4 : pc + start * ldc * 4,
      ldc,
      ownScratch,
    );
    for (;;) {
      const done = Atomics.load(ctl, CTL.done);
      if (done >= workerCount) break;
      if (canBlock) {
        try {
          Atomics.wait(ctl, CTL.done, done);
        } catch {
          canBlock = false; // a browser's main thread may not block: spin
        }
      }
    }
    arena.finishCall();
  };

  return Object.assign(base, {
    threads,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      Atomics.store(ctl, CTL.quit, 1);
      Atomics.add(ctl, CTL.generation, 1);
      Atomics.notify(ctl, CTL.generation);
      await Promise.all(workers.map((w) => w.terminate()));
      await endArena();
    },
  });
}
