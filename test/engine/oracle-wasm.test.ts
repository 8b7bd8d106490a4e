// The engine's oracle tests on the fast backends: the engine running its model on the
// WebAssembly SIMD backend and on the native backend (float32) must follow the float64 oracle to
// float32 accuracy. Some draws feed one-hot inputs as symbols (the engine's lookup of W_ih; the
// oracle reads them as dense rows).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { selectBackend } from "../../src/core/select.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine, type SequenceLike } from "../../src/engine/engine.js";
import { trainWithOracle } from "../../src/engine/oracle.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { SymbolSequence } from "../../src/engine/symbol-sequence.js";
import type { CellType } from "../../src/nn/cell.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { orderSteps, stepCount } from "../helpers/arbitraries.js";
import { relativeChange } from "../helpers/compare.js";
import { nativeSkipReason } from "../helpers/native.js";

for (const family of ["wasm", "native"] as const)
  test(`engine on the ${family} backend (float32) matches the float64 oracle on 60 random configurations (LSTMP and the 1997 gradient among them)`, async (t) => {
    if (family === "native" && nativeSkipReason() !== null) {
      t.skip(nativeSkipReason()!);
      return;
    }
    const { backend, fallbackReasons } = await selectBackend({ dtype: "float32", prefer: family });
    if (!backend.name.startsWith(family)) {
      assert.equal(family, "wasm", `no ${family} backend: ${fallbackReasons.join("; ")}`);
      t.skip(`no wasm backend here: ${fallbackReasons.join("; ")}`);
      return;
    }
    const steps = stepCount(6);
    fc.assert(
      fc.property(
        fc.record({
          cell: fc.constantFrom<CellType>("lstm", "gru", "rnn"),
          peepholes: fc.boolean(),
          projSize: fc.integer({ min: 0, max: 5 }),
          truncated1997: fc.boolean(),
          layers: fc.integer({ min: 1, max: 2 }),
          hidden: fc.integer({ min: 1, max: 9 }),
          inputSize: fc.integer({ min: 1, max: 5 }),
          streams: fc.integer({ min: 1, max: 3 }),
          lengths: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
          k1: steps,
          k2: steps,
          truncation: fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
          layout: fc.constantFrom<"aligned" | "packed">("aligned", "packed"),
          seed: fc.integer({ min: 1, max: 1 << 30 }),
          symbols: fc.boolean(),
        }),
        (r) => {
          const [k1, k2] = orderSteps(r.truncation, r.k1, r.k2);
          const schedule = makeSchedule({ k1, k2, truncation: r.truncation, layout: r.layout });
          const lstm = r.cell === "lstm";
          const config: ModelConfig = {
            cell: r.cell,
            inputSize: r.inputSize,
            hiddenSize: r.hidden,
            layers: r.layers,
            bidirectional: false,
            peepholes: r.peepholes && lstm,
            // LSTMP when 0 < P < H; the 1997 gradient for some LSTMs
            projSize: lstm && r.projSize < r.hidden ? r.projSize : 0,
            gradient: lstm && r.truncated1997 ? "truncated-1997" : "full",
            outputSize: 3,
          };
          const fast = new SequenceModel(config, backend);
          const slow = new SequenceModel(config, createPlainBackend("float64"));
          const rng = new Rng(r.seed);
          initializeModel(slow, rng, { scheme: "uniform", range: 0.4 });
          fast.params.set(slow.params);
          slow.params.set(fast.params); // both start from the same float32-representable weights
          const initial = Float64Array.from(slow.params);
          const sequences: SequenceLike[] = r.lengths.map((T) =>
            r.symbols
              ? new SymbolSequence(
                  Array.from({ length: T }, () => rng.int(r.inputSize + 1) - 1),
                  Array.from({ length: T }, () => rng.int(3)),
                  r.inputSize,
                )
              : new ArraySequence(
                  Array.from({ length: T * r.inputSize }, () => Math.fround(rng.uniform(-1, 1))),
                  Array.from({ length: T }, () => rng.int(3)),
                  r.inputSize,
                ),
          );
          let updates = 0;
          new Engine(fast, schedule, r.streams).run(sequences, (grads) => {
            for (let i = 0; i < grads.length; i++) fast.params[i] -= 0.2 * (grads[i] as number);
            updates++;
            return updates < 5;
          });
          assert.equal(fast.inputKind, r.symbols ? "index" : "dense");
          trainWithOracle(slow, schedule, r.streams, sequences, { learningRate: 0.2, maxUpdates: 5 });
          const relative = relativeChange(initial, fast.params, slow.params);
          assert.ok(relative < 1e-3, `relative error ${relative}`);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
