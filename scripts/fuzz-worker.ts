// One fuzz target's inputs, run in a worker thread so the parent (scripts/fuzz.ts) can stop
// an input that hangs. Counts go into shared memory as they happen (the parent reads them
// even after it had to terminate this worker); each new kind of finding is posted once,
// with the first input that showed it.
import { parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { fuzzInput } from "../test/fuzz/mutate.js";
import { classify, describeFinding, findingKind, OUTCOMES } from "../test/fuzz/target.js";
import { fuzzTargets } from "../test/fuzz/targets.js";

/** What scripts/fuzz.ts passes: the target, how many inputs, from which seed, and where to count. */
interface WorkerData {
  name: string;
  count: number;
  seed: number;
  limitMs: number;
  /** Int32Array over a SharedArrayBuffer: [inputs started, ...OUTCOMES counts]. */
  counters: SharedArrayBuffer;
  /** The input being run: its length (Int32) then its first bytes, for the parent to save on a hang. */
  current: SharedArrayBuffer;
}

const data = workerData as WorkerData;
const counters = new Int32Array(data.counters);
const currentLength = new Int32Array(data.current, 0, 1);
const currentBytes = new Uint8Array(data.current, 4);
const target = (await fuzzTargets()).find((t) => t.name === data.name);
if (!target) throw new Error(`no fuzz target ${data.name}`);
const seen = new Set<string>();

fc.check(
  fc.property(fuzzInput(target), (input) => {
    const kept = input.subarray(0, currentBytes.length);
    currentBytes.set(kept);
    Atomics.store(currentLength, 0, kept.length);
    Atomics.add(counters, 0, 1);
    const found = classify(target, input, data.limitMs);
    Atomics.add(counters, 1 + OUTCOMES.indexOf(found.outcome), 1);
    if (found.outcome !== "valid" && found.outcome !== "project") {
      const kind = findingKind(found);
      if (!seen.has(kind) && seen.size < 50) {
        seen.add(kind);
        const line = describeFinding(found);
        parentPort?.postMessage({ finding: line, input: Buffer.from(input).toString("base64") });
      }
    }
    return true;
  }),
  { seed: data.seed, numRuns: data.count },
);
