/**
 * The gemm worker (see threads.ts), as JavaScript source: the pool starts it from this string (a
 * Blob URL for a Web Worker, `eval: true` for a Node worker thread), so it needs no separate file
 * to resolve, compile or bundle. It instantiates the kernels' compiled module over the shared
 * memory, says "ready", then loops: wait for a new generation, run its block of C with gemmPacked,
 * count itself done.
 */
import { CTL, JOB } from "./control.js";

export function workerSource(): string {
  return `"use strict";
const CTL = ${JSON.stringify(CTL)};
const JOB = ${JOB};
async function start(init, ready) {
  const instance = await WebAssembly.instantiate(init.module, { env: { memory: init.memory } });
  const k = instance.exports;
  const ctl = new Int32Array(init.memory.buffer, init.control, CTL.jobs + JOB * (init.index + 1));
  const bits = new DataView(new ArrayBuffer(4));
  const asFloat = (b) => (bits.setInt32(0, b, true), bits.getFloat32(0, true));
  const job = CTL.jobs + JOB * init.index;
  // no job is posted before every worker is ready, so this is the last generation seen
  let seen = Atomics.load(ctl, CTL.generation);
  ready();
  for (;;) {
    Atomics.wait(ctl, CTL.generation, seen);
    const generation = Atomics.load(ctl, CTL.generation);
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(ctl, CTL.quit)) return;
    const rows = ctl[job];
    const cols = ctl[job + 1];
    if (rows > 0 && cols > 0) {
      k.gemmPacked(ctl[CTL.transA], ctl[CTL.transB], rows, cols, ctl[CTL.k], asFloat(ctl[CTL.alpha]),
        ctl[job + 2], ctl[CTL.lda], ctl[job + 3], ctl[CTL.ldb], asFloat(ctl[CTL.beta]), ctl[job + 4], ctl[CTL.ldc],
        init.scratch);
    }
    Atomics.add(ctl, CTL.done, 1);
    Atomics.notify(ctl, CTL.done);
  }
}
if (typeof WorkerGlobalScope !== "undefined") {
  self.addEventListener("message", (e) => start(e.data, () => self.postMessage("ready")), { once: true });
} else {
  const { workerData, parentPort } = require("node:worker_threads");
  start(workerData, () => parentPort.postMessage("ready"));
}
`;
}
