// Constant memory: TBPTT(k1, k2) stores a ring of Planner.capacity() steps, so the
// memory of a run does not grow with the stream's length. This trains a small LSTM
// (I = 4, H = 8, C = 4, float32 plain backend) through the Engine with k1 = k2 = 20
// over ONE stream whose inputs are generated on the fly (no array of the stream's
// length exists anywhere), with plain SGD, and samples the resident set size (after a
// full GC when run with --expose-gc) at every tenth of the stream.
//
// The task: one-hot symbols x_p = hash(p) mod 4; the label at p is the symbol at p − 2
// (a delay line the LSTM must remember through its state), so the loss falling shows
// that the run really trains.
//
//   node --expose-gc --import tsx bench/memory.ts [--steps 1000000] [--json] [--leak]
//
// --leak keeps a copy of every update's gradient: a control that must show growth.
// Prints a table (or, with --json, one JSON line: steps, seconds, capacity,
// tapeCapacity, samples [{ step, rss, heapUsed }], growth10to100, meanLoss*).
// test/engine/memory.test.ts runs a shorter stream of the same program.
import { parseArgs } from "node:util";
import { createPlainBackend } from "../src/core/plain.js";
import { Rng } from "../src/core/random.js";
import type { FloatArray } from "../src/core/types.js";
import { Engine, type SequenceLike } from "../src/engine/engine.js";
import { Planner } from "../src/engine/planner.js";
import { makeSchedule } from "../src/engine/schedule.js";
import { initializeModel } from "../src/nn/initialize.js";
import { SequenceModel } from "../src/nn/model.js";

const SYMBOLS = 4;
const DELAY = 2;

/** A 32-bit integer hash (Wang/Jenkins style mixing), so the stream needs no storage. */
function symbolAt(position: number): number {
  let x = (position + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) % SYMBOLS;
}

/** A stream of `length` steps computed on demand. */
class GeneratedStream implements SequenceLike {
  constructor(readonly length: number) {}
  writeInput(position: number, out: FloatArray, offset: number): void {
    const s = symbolAt(position);
    for (let i = 0; i < SYMBOLS; i++) out[offset + i] = i === s ? 1 : 0;
  }
  label(position: number): number {
    return position < DELAY ? -1 : symbolAt(position - DELAY);
  }
}

export interface MemorySample {
  step: number;
  rss: number;
  heapUsed: number;
}

export interface MemoryResult {
  steps: number;
  seconds: number;
  gc: boolean;
  capacity: number;
  tapeCapacity: number;
  updates: number;
  samples: MemorySample[];
  /** rss at the end of the stream minus rss at 10% of it, in bytes. */
  growth10to100: number;
  heapGrowth10to100: number;
  /** Mean loss per labelled step over the first and the last tenth of the stream. */
  meanLossFirstTenth: number;
  meanLossLastTenth: number;
}

/**
 * Trains over a generated stream of `steps` steps and samples memory at every tenth.
 * `leak` keeps a copy of every update's gradient (what a careless caller might do):
 * a control showing that the probe sees growth when there is some.
 */
export function measureMemory(steps: number, leak = false, learningRate = 0.05): MemoryResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = (step: number): MemorySample => {
    gc?.();
    const m = process.memoryUsage();
    return { step, rss: m.rss, heapUsed: m.heapUsed };
  };
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: SYMBOLS,
      hiddenSize: 8,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: SYMBOLS,
    },
    createPlainBackend("float32"),
  );
  initializeModel(model, new Rng(7));
  const schedule = makeSchedule({ k1: 20, k2: 20 });
  const stream = new GeneratedStream(steps);
  const capacity = new Planner(schedule, 1, [steps]).capacity();
  const engine = new Engine(model, schedule, 1);
  const tenth = Math.max(1, Math.floor(steps / 10));
  const samples: MemorySample[] = [];
  let nextSample = tenth;
  let tenthLoss = 0;
  let tenthLosses = 0;
  const tenthMeans: number[] = [];
  const { params } = model;
  const kept: Float32Array[] = [];
  const started = process.hrtime.bigint();
  const summary = engine.run([stream], (grads, record) => {
    for (let i = 0; i < params.length; i++) params[i] -= learningRate * (grads[i] as number);
    if (leak) kept.push(Float32Array.from(grads));
    tenthLoss += record.lossSum;
    tenthLosses += record.losses;
    const done = record.time + 1;
    if (done >= nextSample || done === steps) {
      samples.push(sample(done));
      tenthMeans.push(tenthLosses > 0 ? tenthLoss / tenthLosses : Number.NaN);
      tenthLoss = 0;
      tenthLosses = 0;
      nextSample += tenth;
    }
    return true;
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const first = samples[0] as MemorySample;
  const last = samples[samples.length - 1] as MemorySample;
  return {
    steps,
    seconds,
    gc: gc !== undefined,
    capacity,
    tapeCapacity: model.tape.capacity,
    updates: summary.updates,
    samples,
    growth10to100: last.rss - first.rss,
    heapGrowth10to100: last.heapUsed - first.heapUsed,
    meanLossFirstTenth: tenthMeans[0] as number,
    meanLossLastTenth: tenthMeans[tenthMeans.length - 1] as number,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "1000000" },
      json: { type: "boolean", default: false },
      leak: { type: "boolean", default: false },
    },
  });
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps < 10) {
    console.error(`--steps: expected an integer ≥ 10, got ${JSON.stringify(values.steps)}`);
    process.exit(2);
  }
  const r = measureMemory(steps, values.leak);
  if (values.json) {
    console.log(JSON.stringify(r));
    return;
  }
  const mb = (b: number) => (b / 2 ** 20).toFixed(2);
  console.log(
    `${r.steps} steps, ${r.updates} updates in ${r.seconds.toFixed(1)} s (${Math.round(r.steps / r.seconds)} steps/s); ring ${r.tapeCapacity} slots (Planner.capacity() = ${r.capacity}); gc ${r.gc ? "forced before each sample" : "NOT exposed (run with --expose-gc)"}`,
  );
  console.log("step        rss MiB  heapUsed MiB");
  for (const s of r.samples)
    console.log(`${String(s.step).padEnd(10)}  ${mb(s.rss).padStart(7)}  ${mb(s.heapUsed).padStart(12)}`);
  console.log(
    `rss growth from 10% to 100%: ${mb(r.growth10to100)} MiB; heapUsed growth: ${mb(r.heapGrowth10to100)} MiB`,
  );
  console.log(
    `mean loss per step: ${r.meanLossFirstTenth.toFixed(4)} (first tenth) → ${r.meanLossLastTenth.toFixed(4)} (last tenth); chance is ln 4 = ${Math.log(4).toFixed(4)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
