// What one step of RTRL and UORO costs beside TBPTT's, by network size (docs/online.md):
// each algorithm computes its gradients (no optimizer step) over random one-hot sequences,
// TBPTT(15, 15), UORO and RTRL with k1 = 15, until `--seconds` have passed; it prints the
// CPU time (user + system of this process: on a shared machine wall time measures the
// neighbours too) per stream-step, the ratio to TBPTT, and RTRL's sensitivity memory.
//   node --import tsx bench/online-cost.ts [--cells rnn,lstm] [--hidden 8,16,32,64]
//        [--inputs 10] [--streams 1] [--seconds 2] [--backend plain|wasm|native] [--dtype float32]
import { Rng } from "../src/core/random.js";
import { selectBackend } from "../src/core/select.js";
import type { DType, FloatArray } from "../src/core/types.js";
import type { SequenceLike } from "../src/engine/engine.js";
import { makeSchedule } from "../src/engine/schedule.js";
import type { CellType } from "../src/nn/cell.js";
import { initializeModel } from "../src/nn/initialize.js";
import { SequenceModel } from "../src/nn/model.js";
import { createTrainingEngine } from "../src/online/online-engine.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] as string) : fallback;
};
const cells = option("--cells", "rnn,lstm").split(",") as CellType[];
const hiddens = option("--hidden", "8,16,32,64").split(",").map(Number);
const inputs = Number(option("--inputs", "10"));
const streams = Number(option("--streams", "1"));
const seconds = Number(option("--seconds", "2"));
const dtype = option("--dtype", "float32") as DType;
const prefer = args.includes("--backend")
  ? (option("--backend", "plain") as "plain" | "wasm" | "native")
  : undefined;

class OneHot implements SequenceLike {
  constructor(
    private readonly ids: Int32Array,
    private readonly vocabulary: number,
  ) {}
  get length(): number {
    return this.ids.length - 1;
  }
  writeInput(position: number, out: FloatArray, offset: number): void {
    out.fill(0, offset, offset + this.vocabulary);
    out[offset + (this.ids[position] as number)] = 1;
  }
  label(position: number): number {
    return this.ids[position + 1] as number;
  }
}

const { backend } = await selectBackend({ dtype, prefer });
console.log(
  `backend ${backend.name}, ${dtype}, ${inputs} one-hot inputs and classes, ${streams} stream(s), ${seconds} s per row`,
);
console.log(
  "cell  H  parameters  TBPTT CPU µs/step  UORO CPU µs/step (×)  RTRL CPU µs/step (×)  RTRL sensitivities",
);
const rng = new Rng(1);
const data = Array.from(
  { length: 64 },
  () =>
    new OneHot(
      Int32Array.from({ length: 301 }, () => rng.int(inputs)),
      inputs,
    ),
);
let warm = false;
for (const cell of cells) {
  for (const hidden of hiddens) {
    const model = new SequenceModel(
      {
        cell,
        inputSize: inputs,
        hiddenSize: hidden,
        layers: 1,
        bidirectional: false,
        peepholes: false,
        outputSize: inputs,
      },
      backend,
    );
    initializeModel(model, new Rng(2));
    const perStep: Record<string, number> = {};
    // The first row runs twice, the first time untimed: the JIT compiles the hot loops then.
    for (const algorithm of [
      ...(warm ? [] : (["tbptt", "uoro", "rtrl"] as const)),
      "tbptt",
      "uoro",
      "rtrl",
    ] as const) {
      const schedule = makeSchedule(
        algorithm === "tbptt"
          ? { k1: 15, k2: 15, reset: "never", layout: "packed" }
          : { k1: 15, reset: "never", layout: "packed", algorithm },
      );
      const engine = createTrainingEngine(model, schedule, streams, 1);
      const start = performance.now();
      const cpu = process.cpuUsage();
      let steps = 0;
      for (const { record } of engine.updates(data)) {
        steps += record.forwardSteps * streams;
        if (performance.now() - start > seconds * 1000) break;
      }
      const used = process.cpuUsage(cpu);
      perStep[algorithm] = (used.user + used.system) / steps;
    }
    warm = true;
    const recurrent = model.outputParams.offset;
    const rows = hidden * (cell === "lstm" ? 2 : 1);
    const megabytes = (2 * rows * recurrent * streams * (dtype === "float32" ? 4 : 8)) / 2 ** 20;
    const t = perStep.tbptt as number;
    const u = perStep.uoro as number;
    const r = perStep.rtrl as number;
    console.log(
      `${cell.padEnd(4)} ${String(hidden).padStart(3)} ${String(model.layout.size).padStart(10)} ${t.toFixed(1).padStart(14)} ${u.toFixed(1).padStart(10)} (${(u / t).toFixed(1)}) ${r.toFixed(0).padStart(12)} (${(r / t).toFixed(0)}) ${megabytes.toFixed(2).padStart(10)} MB`,
    );
  }
}
