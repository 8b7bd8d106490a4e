// The minimal training page of issue 11 ("a lean browser build"), bundled by
// test/browser/lean.test.ts as a user's page would be (esbuild, ES modules, code splitting):
// the library's high-level `train` on a small in-memory set, `toBytes` for a download, then
// `dispose`. Reports through globalThis.tbpttLean.
import { train } from "../../src/index.js";

async function main() {
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  // the label of each frame: was the input one step back above one half? (memory of one step)
  const rows = Array.from({ length: 24 }, () => {
    const x = Array.from({ length: 30 }, () => [next()]);
    const y = x.map((_, t) => (t > 0 && (x[t - 1]?.[0] as number) > 0.5 ? "high" : "low"));
    return { x, y };
  });
  const losses: number[] = [];
  const trained = await train({
    data: { train: rows.slice(0, 20), valid: rows.slice(20) },
    model: { cell: "lstm", hiddenSize: 16 },
    schedule: { k1: 10, k2: 10 },
    optimizer: { type: "adam", lr: 0.02 },
    streams: 4,
    epochs: 12,
    hooks: { onEpoch: (e) => losses.push(e.trainLossPerFrame) },
  });
  const bytes = trained.toBytes().length;
  const backend = trained.model.backend.name;
  trained.dispose();
  return { backend, losses, bytes };
}

(globalThis as { tbpttLean?: Promise<unknown> }).tbpttLean = main().catch((e: Error) => ({
  error: String(e.stack ?? e),
}));
