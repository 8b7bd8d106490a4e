// The arena's free list and dispose (src/core/wasm/arena.ts), on both arena backends: freed
// blocks are reused first fit and zeroed, neighbours merge, the top comes down when the block
// under it is freed, a bad free names the array, and a disposed arena refuses every call. The
// one wasm binary the runtime needs is also checked here: the relaxed-SIMD probe agrees with
// validating the relaxed build itself.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Backend } from "../../src/core/backend.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { requireWasm } from "../../src/core/wasm/api.js";
import { createWasmBackend, relaxedSimdAvailable } from "../../src/core/wasm/backend.js";
import { compileKernels, kernelBinary } from "../../src/core/wasm/module.js";
import { nativeForTests, nativeSkipReason } from "../helpers/native.js";

type ArenaBackend = Backend & {
  arena: { usedBytes: number; liveBytes: number; alloc(n: number): Float32Array };
};

const makers: [string, () => Promise<ArenaBackend>][] = [
  [
    "wasm (unshared)",
    async () => (await createWasmBackend({ shared: false, reserveMiB: 4 })) as ArenaBackend,
  ],
  ["wasm (shared)", async () => (await createWasmBackend({ shared: true })) as ArenaBackend],
];
if (nativeSkipReason() === null)
  makers.push(["native", async () => (await nativeForTests({})) as ArenaBackend]);

for (const [name, make] of makers) {
  describe(`arena free list: ${name}`, async () => {
    test("a freed block is reused first fit, zeroed; freeing the top block lowers the top", async () => {
      const backend = await make();
      const a = backend.alloc(100).fill(1);
      const b = backend.alloc(50).fill(2);
      const c = backend.alloc(10).fill(3);
      const top = backend.arena.usedBytes;
      backend.free(a);
      // 50 floats fit in a's 400 bytes: first fit takes its front, zeroed
      const d = backend.alloc(50);
      assert.equal(d.byteOffset, a.byteOffset);
      assert.ok(d.every((v) => v === 0));
      assert.equal(backend.arena.usedBytes, top);
      // the rest of a's block (200 bytes) is free; 60 floats do not fit there
      const e = backend.alloc(60);
      assert.ok(e.byteOffset >= top);
      backend.free(e);
      assert.equal(backend.arena.usedBytes, top, "freeing the top block lowers the top back");
      // free all: the neighbours merge and the top returns to where it started
      for (const x of [b, d, c]) backend.free(x);
      assert.equal(backend.arena.usedBytes, a.byteOffset);
      assert.equal(backend.arena.liveBytes, 0);
      const again = backend.alloc(160);
      assert.equal(again.byteOffset, a.byteOffset, "one merged block from the start");
      await backend.dispose();
    });

    test("a bad free names the array; dispose ends the backend", async () => {
      const backend = await make();
      const a = backend.alloc(16);
      assert.throws(() => backend.free(a.subarray(4)), /not a live allocation of this arena/);
      assert.throws(() => backend.free(new Float32Array(16)), /not a live allocation of this arena/);
      backend.free(a);
      assert.throws(() => backend.free(a), /freed twice/);
      const x = backend.alloc(4).fill(1);
      const y = backend.alloc(1);
      await backend.dispose();
      assert.throws(() => backend.alloc(4), /alloc after dispose\(\)/);
      assert.throws(() => backend.free(x), /free after dispose\(\)/);
      assert.throws(
        () => backend.gemm(false, true, 1, 1, 4, 1, x, 0, 4, x, 0, 4, 0, y, 0, 1),
        /used after dispose\(\)/,
      );
    });
  });
}

test("plain backend: free and dispose are harmless (the garbage collector frees)", async () => {
  const plain = createPlainBackend("float32");
  const a = plain.alloc(3);
  plain.free(a);
  await plain.dispose();
  assert.equal(plain.alloc(2).length, 2);
});

test("the relaxed-SIMD probe validates exactly where the relaxed build does", async () => {
  const relaxed = requireWasm().validate(await kernelBinary({ relaxed: true, shared: false }));
  assert.equal(relaxedSimdAvailable(), relaxed);
  // the exact build validates wherever SIMD does, and each variant compiles once
  assert.ok(requireWasm().validate(await kernelBinary({ relaxed: false, shared: true })));
  assert.equal(
    compileKernels({ relaxed: false, shared: false }),
    compileKernels({ relaxed: false, shared: false }),
  );
});
