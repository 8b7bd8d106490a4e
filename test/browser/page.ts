// Bundled by test/browser/browser.test.ts with esbuild and run in Chromium: the library's
// entry, the WebAssembly SIMD backend, a tiny LSTM trained for a few epochs in the page.
import {
  ArraySequence,
  Engine,
  initializeModel,
  makeSchedule,
  Rng,
  SequenceModel,
  selectBackend,
} from "../../src/index.js";

async function main() {
  const { backend, fallbackReasons } = await selectBackend({ dtype: "float32" });
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 2,
      hiddenSize: 8,
      layers: 1,
      bidirectional: false,
      peepholes: true,
      outputSize: 2,
    },
    backend,
  );
  const rng = new Rng(1);
  initializeModel(model, rng);
  // The label is whether the input one step back was positive: the net must remember.
  const sequences = Array.from({ length: 20 }, () => {
    const x = Array.from({ length: 30 * 2 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: 30 }, (_, t) => (t > 0 && (x[2 * (t - 1)] as number) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 2);
  });
  const engine = new Engine(model, makeSchedule({ k1: 10, k2: 10 }), 4);
  const losses: number[] = [];
  for (let epoch = 0; epoch < 15; epoch++) {
    let sum = 0;
    let n = 0;
    engine.run(sequences, (grads, record) => {
      for (let i = 0; i < grads.length; i++) model.params[i] -= 0.02 * (grads[i] as number);
      sum += record.lossSum;
      n += record.losses;
      return true;
    });
    losses.push(sum / n);
  }
  return {
    backend: backend.name,
    fallbackReasons,
    losses,
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? false,
  };
}

(globalThis as { tbpttResult?: Promise<unknown> }).tbpttResult = main().catch((e: Error) => ({
  error: e.message,
}));
