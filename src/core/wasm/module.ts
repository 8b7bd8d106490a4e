/**
 * The compiled kernels (asm/, built into generated/*.ts as base64, one module per binary) and
 * their exports. Only the binary the runtime needs is imported, by a dynamic import of its own
 * module: a bundler with code splitting (esbuild `splitting: true`) makes each a chunk, and a page
 * fetches the one it uses (about 9 KB gzip) instead of all four (docs/backends.md, "Bundling").
 * Isomorphic: decodes with `atob` and instantiates with the WebAssembly JavaScript API only.
 *
 * Every export takes byte addresses into the imported memory and sizes in elements
 * (see asm/gemm.ts and asm/pointwise.ts).
 */
import { requireWasm, type WasmMemory, type WasmModule } from "./api.js";

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

/** One variant's generated module; each import names its file, so bundlers can split them. */
function variantModule(variant: KernelVariant): Promise<{ binary: string }> {
  if (variant.relaxed)
    return variant.shared ? import("./generated/relaxed-shared.js") : import("./generated/relaxed.js");
  return variant.shared ? import("./generated/simd-shared.js") : import("./generated/simd.js");
}

const decoded = new Map<string, Promise<Uint8Array>>();

/** The binary of one variant, imported and decoded once. */
export function kernelBinary(variant: KernelVariant): Promise<Uint8Array> {
  const key = `${variant.relaxed}/${variant.shared}`;
  let bytes = decoded.get(key);
  if (!bytes) {
    bytes = variantModule(variant).then(({ binary }) => {
      const text = atob(binary);
      const out = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
      return out;
    });
    decoded.set(key, bytes);
  }
  return bytes;
}

/** Compiles a variant (cached per variant: threads instantiate the same module again). */
const compiled = new Map<string, Promise<WasmModule>>();
export function compileKernels(variant: KernelVariant): Promise<WasmModule> {
  const key = `${variant.relaxed}/${variant.shared}`;
  let module = compiled.get(key);
  if (!module) {
    module = kernelBinary(variant).then((bytes) => requireWasm().compile(bytes));
    compiled.set(key, module);
  }
  return module;
}

const V128_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];
/**
 * (module (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0)))):
 * validates exactly where the relaxed-SIMD build does, without loading that build.
 */
const RELAXED_PROBE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version
  ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b], // type section: () -> v128
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
  ...[0x0a, 0x3d, 0x01, 0x3b, 0x00], // code section: one body of 59 bytes, no locals
  ...V128_ZERO,
  ...V128_ZERO,
  ...V128_ZERO,
  ...[0xfd, 0x85, 0x02, 0x0b], // f32x4.relaxed_madd (0xfd 0x105), end
]);

/** True where this runtime validates relaxed SIMD (the FMA build of the kernels). */
export function relaxedSimdValidates(): boolean {
  return requireWasm().validate(RELAXED_PROBE);
}

export async function instantiateKernels(module: WasmModule, memory: WasmMemory): Promise<KernelExports> {
  const instance = await requireWasm().instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}
