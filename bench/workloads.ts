// tbptt's side of `npm run bench`: the same workloads as the peers (bench/peers/README.md),
// trained through the library's own Engine, forward + backward + SGD update, float32.
//   A1   LSTM 26→140, Linear→61, softmax CE per frame; 300-frame sequences, batch 1, k1 = k2 = 300
//   A16  the same net, 16 streams of 300 frames, k1 = k2 = 20
//   B    char-rnn: one-hot 65, LSTM 256, Linear→65; 32 streams, k1 = k2 = 50, gradient-norm clip 5;
//        the one-hot characters go in as symbols (a lookup of W_ih, as the text task feeds them),
//        or with `denseOneHot` as dense 65-wide rows (a product, as before symbols existed)
//   M256 a 256³ single-precision matrix product through the backend, GFLOP/s
import type { Backend } from "../src/core/backend.js";
import { Rng } from "../src/core/random.js";
import type { FloatArray } from "../src/core/types.js";
import { ArraySequence } from "../src/engine/array-sequence.js";
import { Engine, type SequenceLike } from "../src/engine/engine.js";
import { makeSchedule } from "../src/engine/schedule.js";
import { initializeModel } from "../src/nn/initialize.js";
import { SequenceModel } from "../src/nn/model.js";
import { clipGradients } from "../src/train/clip.js";

export type Workload = "A1" | "A16" | "B";

/** One-hot characters from a fixed random text, given as symbols (as the text task's streams). */
class OneHotStream implements SequenceLike {
  constructor(
    private readonly ids: Int32Array,
    readonly length: number,
    private readonly vocabulary: number,
  ) {}
  writeInput(position: number, out: FloatArray, offset: number): void {
    out.fill(0, offset, offset + this.vocabulary);
    out[offset + (this.ids[position] as number)] = 1;
  }
  inputIndex(position: number): number {
    return this.ids[position] as number;
  }
  label(position: number): number {
    return this.ids[position + 1] as number;
  }
}

/** The same stream without inputIndex: the engine then writes dense one-hot rows. */
function denseRows(s: OneHotStream): SequenceLike {
  return { length: s.length, writeInput: s.writeInput.bind(s), label: s.label.bind(s) };
}

function setup(workload: Workload, backend: Backend, denseOneHot: boolean) {
  const rng = new Rng(1);
  if (workload === "B") {
    const V = 65;
    const model = new SequenceModel(
      {
        cell: "lstm",
        inputSize: V,
        hiddenSize: 256,
        layers: 1,
        bidirectional: false,
        peepholes: false,
        outputSize: V,
      },
      backend,
    );
    initializeModel(model, rng);
    const length = 50 * 8;
    const sequences = Array.from({ length: 32 }, () => {
      const stream = new OneHotStream(
        Int32Array.from({ length: length + 1 }, () => rng.int(V)),
        length,
        V,
      );
      return denseOneHot ? denseRows(stream) : stream;
    });
    const schedule = makeSchedule({ k1: 50, k2: 50, reset: "never", layout: "packed" });
    return { model, sequences, schedule, streams: 32, clip: 5 };
  }
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 26,
      hiddenSize: 140,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 61,
    },
    backend,
  );
  initializeModel(model, rng);
  const streams = workload === "A1" ? 1 : 16;
  const sequences = Array.from(
    { length: workload === "A1" ? 8 : streams * 2 },
    () =>
      new ArraySequence(
        Float32Array.from({ length: 300 * 26 }, () => rng.uniform(-1, 1)),
        Int32Array.from({ length: 300 }, () => rng.int(61)),
        26,
      ),
  );
  const k = workload === "A1" ? 300 : 20;
  return { model, sequences, schedule: makeSchedule({ k1: k, k2: k }), streams, clip: undefined };
}

/** One pass of a workload (all its sequences, or one product for M256) and the work it does. */
export interface PreparedWorkload {
  unit: "frames/s" | "chars/s" | "GFLOP/s";
  /** Runs one pass; returns its work in `unit`'s numerator (frames, characters, GFLOP). */
  pass(): number;
}

export type BenchWorkload = Workload | "M256";

/** `denseOneHot`: B's inputs as dense one-hot rows instead of symbols (the other workloads are dense anyway). */
export function prepareWorkload(
  workload: BenchWorkload,
  backend: Backend,
  denseOneHot = false,
): PreparedWorkload {
  if (workload === "M256") {
    const n = 256;
    const a = backend.alloc(n * n);
    const b = backend.alloc(n * n);
    const c = backend.alloc(n * n);
    const rng = new Rng(2);
    for (let i = 0; i < n * n; i++) {
      a[i] = rng.uniform(-1, 1);
      b[i] = rng.uniform(-1, 1);
    }
    return {
      unit: "GFLOP/s",
      pass: () => {
        backend.gemm(false, false, n, n, n, 1, a, 0, n, b, 0, n, 0, c, 0, n);
        return (2 * n * n * n) / 1e9;
      },
    };
  }
  const { model, sequences, schedule, streams, clip } = setup(workload, backend, denseOneHot);
  const engine = new Engine(model, schedule, streams);
  const lr = 1e-3;
  return {
    unit: workload === "B" ? "chars/s" : "frames/s",
    pass: () =>
      engine.run(sequences, (grads) => {
        if (clip) clipGradients(grads, { norm: clip });
        const p = model.params;
        for (let i = 0; i < p.length; i++) p[i] -= lr * (grads[i] as number);
        return true;
      }).losses,
  };
}

/** Warms a prepared workload up until the JIT has settled: at least 3 passes and 1.5 s. */
export function warmUp(prepared: PreparedWorkload): void {
  const warmUntil = performance.now() + 1500;
  for (let i = 0; i < 3 || performance.now() < warmUntil; i++) prepared.pass();
}
