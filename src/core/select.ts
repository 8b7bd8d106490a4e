/**
 * Backend selection: backends registered with a priority, tried in order, the first that can be
 * created wins, and every failure before it is reported with its reason (the onnxruntime-web
 * pattern). In Node the native addon comes first (native 120); then WebAssembly, whose SIMD is
 * detected by validating a tiny module that uses one SIMD instruction; then plain. float64 always
 * ends on the plain backend: the native and wasm kernels are float32.
 *
 *   const { backend, fallbackReasons } = await selectBackend({ dtype: "float32" });
 *
 * The environment variable TBPTT_BACKEND (native, wasm or plain), where a `process.env` exists,
 * acts as `prefer` for calls that do not set it: that is how the whole test suite runs on each
 * backend in turn.
 *
 * Isomorphic: the native and wasm backends are loaded with dynamic imports, so a runtime (or a
 * build) without them falls back with the reason instead of failing to load this module.
 */
import type { Backend } from "./backend.js";
import { isNode } from "./native/addon.js";
import type { NativeOptions } from "./native/backend.js";
import { createPlainBackend } from "./plain.js";
import type { DType } from "./types.js";
import { wasmApi } from "./wasm/api.js";
import type { ThreadOptions } from "./wasm/threads.js";

/** What `selectBackend` should find: the dtype, an optional preferred family, wasm options. */
export interface SelectOptions {
  dtype: DType;
  /**
   * Try this backend first (default: by priority, native before wasm before plain; or the
   * TBPTT_BACKEND environment variable when it is set).
   */
  prefer?: BackendFamily;
  /** Options for the native backend (BLAS threads, arena size). */
  native?: NativeOptions;
  /**
   * Options for the wasm backend (memory limits, relaxed SIMD, threads). Without `threads` (or with
   * threads = 1) gemm runs on the calling thread and no worker is started; threads > 1 asks for
   * the "wasm-threads" candidate, a worker pool (src/core/wasm/threads.ts; defaultThreadCount()
   * gives the cores), which falls back to one-thread "wasm" with its reason where it cannot run.
   */
  wasm?: ThreadOptions;
}

/** A backend family: a name `prefer` takes. */
export type BackendFamily = "native" | "wasm" | "plain";
const FAMILIES: readonly BackendFamily[] = ["native", "wasm", "plain"];

/** The TBPTT_BACKEND environment variable, checked; undefined when unset or empty. */
export function backendFromEnvironment(): BackendFamily | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.TBPTT_BACKEND;
  if (value === undefined || value === "") return undefined;
  if (!(FAMILIES as readonly string[]).includes(value)) {
    throw new Error(`TBPTT_BACKEND: expected one of ${FAMILIES.join(", ")}, got "${value}"`);
  }
  return value as BackendFamily;
}

/** The backend `selectBackend` chose and why faster ones were passed over. */
export interface Selection {
  backend: Backend;
  /** One line per backend tried before the chosen one: "name: why it was not used". */
  fallbackReasons: string[];
}

export interface BackendCandidate {
  name: string;
  /** Higher is tried first. */
  priority: number;
  /** False when these options did not ask for this backend: skipped without a reason (default true). */
  wanted?(options: SelectOptions): boolean;
  /** Why this backend cannot serve these options, or null when it can try. */
  unsupported(options: SelectOptions): string | null;
  create(options: SelectOptions): Promise<Backend>;
}

const registry: BackendCandidate[] = [];

/** Adds (or replaces, by name) a backend candidate. */
export function registerBackend(candidate: BackendCandidate): void {
  const i = registry.findIndex((c) => c.name === candidate.name);
  if (i >= 0) registry.splice(i, 1);
  registry.push(candidate);
}

/** Removes a candidate by name (tests use it to undo a registration). */
export function unregisterBackend(name: string): void {
  const i = registry.findIndex((c) => c.name === name);
  if (i >= 0) registry.splice(i, 1);
}

/** The registered candidates' names, in the order they are tried by default. */
export function registeredBackends(): string[] {
  return [...registry].sort((a, b) => b.priority - a.priority).map((c) => c.name);
}

// (module (func (result v128) v128.const i32x4 0 0 0 0)): validates only where SIMD128 exists.
const SIMD_PROBE = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b, // type section: () -> v128
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of type 0
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c, // code section: one body, no locals, v128.const
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0, // its 16 bytes
  0x0b, // end
]);

/** Null when WebAssembly with SIMD128 is available, else why not. */
export function wasmSimdUnsupported(): string | null {
  const api = wasmApi();
  if (!api) return "WebAssembly is not available in this runtime";
  try {
    return api.validate(SIMD_PROBE)
      ? null
      : "WebAssembly SIMD128 is not supported (probe module did not validate)";
  } catch (error) {
    return `WebAssembly SIMD128 probe failed: ${(error as Error).message}`;
  }
}

registerBackend({
  name: "native",
  priority: 120,
  wanted: () => isNode(),
  unsupported: (options) =>
    options.dtype !== "float32" ? `supports float32 only, asked for ${options.dtype}` : null,
  create: async (options) => {
    const { createNativeBackend } = await import("./native/backend.js");
    return createNativeBackend(options.native);
  },
});

registerBackend({
  name: "wasm-threads",
  priority: 110,
  wanted: (options) => (options.wasm?.threads ?? 1) !== 1,
  unsupported: (options) => {
    if (options.dtype !== "float32") return `supports float32 only, asked for ${options.dtype}`;
    const noSimd = wasmSimdUnsupported();
    if (noSimd) return noSimd;
    if (typeof SharedArrayBuffer === "undefined") {
      return "needs SharedArrayBuffer (in browsers: a cross-origin isolated page); using one thread";
    }
    return null;
  },
  create: async (options) => {
    const { createThreadedWasmBackend } = await import("./wasm/threads.js");
    return createThreadedWasmBackend(options.wasm);
  },
});

registerBackend({
  name: "wasm",
  priority: 100,
  unsupported: (options) =>
    options.dtype !== "float32" ? `supports float32 only, asked for ${options.dtype}` : wasmSimdUnsupported(),
  create: async (options) => {
    const { createWasmBackend } = await import("./wasm/backend.js");
    return createWasmBackend(options.wasm);
  },
});

registerBackend({
  name: "plain",
  priority: 0,
  unsupported: () => null,
  create: async (options) => createPlainBackend(options.dtype),
});

/**
 * The fastest backend that works here for `options` (native, then wasm threads, wasm, plain), with
 * each skipped one's reason.
 */
export async function selectBackend(options: SelectOptions): Promise<Selection> {
  if (options.dtype !== "float32" && options.dtype !== "float64") {
    throw new Error(`selectBackend: dtype must be "float32" or "float64", got ${String(options.dtype)}`);
  }
  const byPriority = [...registry]
    .filter((c) => c.wanted?.(options) ?? true)
    .sort((a, b) => b.priority - a.priority);
  let order = byPriority;
  const fallbackReasons: string[] = [];
  const prefer = options.prefer ?? backendFromEnvironment();
  if (prefer) {
    // "wasm" brings its family ("wasm-threads") forward too, in priority order
    const family = (c: BackendCandidate) => c.name === prefer || c.name.startsWith(`${prefer}-`);
    if (!registry.some(family)) {
      throw new Error(`selectBackend: no backend named ${prefer} (have ${registeredBackends().join(", ")})`);
    }
    // asked for, but not a candidate in this runtime (native in a browser): say so, then the rest
    if (!byPriority.some(family)) fallbackReasons.push(`${prefer}: not available in this runtime`);
    order = [...byPriority.filter(family), ...byPriority.filter((c) => !family(c))];
  }
  for (const candidate of order) {
    const why = candidate.unsupported(options);
    if (why !== null) {
      fallbackReasons.push(`${candidate.name}: ${why}`);
      continue;
    }
    try {
      return { backend: await candidate.create(options), fallbackReasons };
    } catch (error) {
      fallbackReasons.push(`${candidate.name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`selectBackend: no backend could be created:\n  ${fallbackReasons.join("\n  ")}`);
}
