/**
 * The compiled kernels (asm/, built into generated/kernels.ts as base64) and their exports.
 * Isomorphic: decodes with `atob` and instantiates with the WebAssembly JavaScript API only.
 *
 * Every export takes byte addresses into the imported memory and sizes in elements
 * (see asm/gemm.ts and asm/pointwise.ts).
 */
import { requireWasm, type WasmMemory, type WasmModule } from "./api.js";
import * as binaries from "./generated/kernels.js";

export interface KernelExports {
  heapBase(): number;
  scratchBytes(): number;
  smallM(): number;
  /** 1 when gemm takes the packed path for these arguments, else 0. */
  packedPath(transA: number, transB: number, m: number): number;
  gemm(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
  gemmPacked(
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    scratch: number,
  ): void;
  gatherColumns(rows: number, n: number, ids: number, w: number, ldw: number, c: number, ldc: number): void;
  scatterAddColumns(
    rows: number,
    n: number,
    ids: number,
    d: number,
    ldd: number,
    w: number,
    ldw: number,
  ): void;
  addRowBroadcast(rows: number, cols: number, bias: number, c: number): void;
  sumRows(rows: number, cols: number, a: number, out: number): void;
  tanhForward(n: number, x: number, y: number): void;
  tanhBackward(n: number, y: number, dy: number, dx: number): void;
  lstmForward(
    rows: number,
    hidden: number,
    gates: number,
    cPrev: number,
    peep: number,
    hasPeep: number,
    c: number,
    h: number,
  ): void;
  lstmBackward(
    rows: number,
    hidden: number,
    gates: number,
    cPrev: number,
    c: number,
    peep: number,
    hasPeep: number,
    dh: number,
    dc: number,
    dGates: number,
    dcPrev: number,
    dPeep: number,
    hasDPeep: number,
  ): void;
  gruForward(
    rows: number,
    hidden: number,
    gi: number,
    gh: number,
    hPrev: number,
    act: number,
    h: number,
  ): void;
  gruBackward(
    rows: number,
    hidden: number,
    act: number,
    gh: number,
    hPrev: number,
    dh: number,
    dGi: number,
    dGh: number,
    dhPrev: number,
  ): void;
}

/** Which binary: shared or unshared memory, plain SIMD or relaxed SIMD (fused multiply-add). */
export interface KernelVariant {
  shared: boolean;
  relaxed: boolean;
}

const decoded = new Map<string, Uint8Array>();

/** The binary of one variant, decoded once. */
export function kernelBinary(variant: KernelVariant): Uint8Array {
  const key = `${variant.relaxed ? "relaxed" : "simd"}${variant.shared ? "Shared" : ""}`;
  let bytes = decoded.get(key);
  if (!bytes) {
    const base64 = (binaries as Record<string, string>)[key];
    if (typeof base64 !== "string") throw new Error(`wasm kernels: no binary named ${key}`);
    const text = atob(base64);
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    decoded.set(key, bytes);
  }
  return bytes;
}

/** Compiles a variant (cached per variant: threads instantiate the same module again). */
const compiled = new Map<Uint8Array, Promise<WasmModule>>();
export function compileKernels(variant: KernelVariant): Promise<WasmModule> {
  const bytes = kernelBinary(variant);
  let module = compiled.get(bytes);
  if (!module) {
    module = requireWasm().compile(bytes);
    compiled.set(bytes, module);
  }
  return module;
}

export async function instantiateKernels(module: WasmModule, memory: WasmMemory): Promise<KernelExports> {
  const instance = await requireWasm().instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
