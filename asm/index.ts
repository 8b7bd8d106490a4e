// Entry point of the WebAssembly kernels (compiled by asm/build.mjs): gemm.ts (with blocking.ts,
// pack.ts, microkernel.ts, small.ts), pointwise.ts (with math.ts), columns.ts. Every export takes byte
// addresses into the imported memory; nothing here allocates, and there is no mutable global
// state, so several threads can run these functions over one shared memory.
export { gatherColumns, scatterAddColumns } from "./columns";
export { gemm, gemmPacked, packedPath, scratchBytes, smallM } from "./gemm";
export { addRowBroadcast, gruBackward, gruForward, lstmBackward, lstmForward, sumRows, tanhBackward, tanhForward } from "./pointwise";

/** First byte after the module's own static data: the JavaScript allocator starts above it. */
export function heapBase(): usize {
  return __heap_base;
}
