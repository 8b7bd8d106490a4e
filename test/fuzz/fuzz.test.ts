// The short fuzz run of the suite (the long one is `npm run fuzz`, docs/reliability.md):
// every parser and decoder gets random bytes and mutated valid files for about two
// seconds, and must answer each with a valid result or a TbpttError naming its source;
// an internal error (TypeError, RangeError, a plain Error), a TbpttError that does not
// name its source, or an input slower than the time limit fails, and fast-check shrinks
// the input. TBPTT_FUZZ_SEED picks another seed, TBPTT_FUZZ_MS another time per target.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { TbpttError } from "../../src/core/errors.js";
import { fuzzInput } from "./mutate.js";
import { classify, describeFinding, type FuzzTarget } from "./target.js";
import { fuzzTargets } from "./targets.js";

const SEED = Number(process.env.TBPTT_FUZZ_SEED ?? 20261130);
const MILLISECONDS = Number(process.env.TBPTT_FUZZ_MS ?? 2000);
/** An input slower than this is a hang (the inputs are a few kilobytes: milliseconds at most). */
const LIMIT_MS = 1000;

const targets = await fuzzTargets();

function fuzz(target: FuzzTarget): number {
  let runs = 0;
  fc.assert(
    fc.property(fuzzInput(target), (input) => {
      runs++;
      const found = classify(target, input, LIMIT_MS);
      if (found.outcome !== "valid" && found.outcome !== "project")
        throw new Error(`${target.name}: ${describeFinding(found)}`);
    }),
    { seed: SEED, numRuns: 1_000_000, interruptAfterTimeLimit: MILLISECONDS, markInterruptAsFailure: false },
  );
  return runs;
}

describe("fuzz: valid, or a TbpttError naming its source", () => {
  for (const target of targets) {
    test(`${target.name}: ${target.title}`, { timeout: 60_000 }, () => {
      // The mutations start from files the parser accepts (some readers refuse some seeds).
      const seeds = target.seeds.map((seed) => classify(target, seed, LIMIT_MS).outcome);
      assert.ok(seeds.includes("valid"), `no valid seed: ${seeds.join(", ")}`);
      assert.ok(fuzz(target) > 50, "too few inputs in the time given");
    });
  }
});

describe("the fuzz harness", () => {
  const broken: FuzzTarget = {
    name: "broken",
    title: "a parser with each kind of fault",
    sources: ["x.bin"],
    seeds: [Uint8Array.of(0)],
    run: (bytes) => {
      if (bytes.includes(1)) return (null as unknown as { a: number }).a;
      if (bytes[0] === 2) throw new TbpttError("bad input");
      if (bytes[0] === 3) throw new TbpttError("x.bin: bad input");
      if (bytes[0] === 4) for (const end = performance.now() + 30; performance.now() < end; );
      if (bytes[0] === 5) Object.assign(Object.prototype, { polluted: true });
      return bytes;
    },
  };
  test("tells each outcome apart", () => {
    const outcome = (b: number) => classify(broken, Uint8Array.of(b), 20).outcome;
    assert.deepEqual([0, 1, 2, 3, 4, 5].map(outcome), [
      "valid",
      "internal",
      "unnamed",
      "project",
      "hang",
      "internal",
    ]);
    assert.equal("polluted" in {}, false, "the harness removes what a parser added to Object.prototype");
  });
  test("the short run fails on a parser with an internal error", () => {
    assert.throws(
      () => fuzz({ ...broken, seeds: [Uint8Array.of(1)] }),
      (e: Error) => /broken: internal: TypeError/.test(String((e.cause as Error | undefined)?.message)),
    );
  });
});
