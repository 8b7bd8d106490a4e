/**
 * The part of the WebAssembly JavaScript API the wasm backend uses, typed here because the
 * project compiles against lib ES2022 without the DOM (where the WebAssembly types live). Reading
 * it from globalThis keeps core isomorphic: Node and browsers both provide it.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmMemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

/** An opaque compiled module (can be posted to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
  Memory: new (descriptor: WasmMemoryDescriptor) => WasmMemory;
}

/** The global WebAssembly object, or undefined where the runtime has none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/** The global WebAssembly object; throws when the runtime has none. */
export function requireWasm(): WasmApi {
  const api = wasmApi();
  if (!api) throw new Error("WebAssembly is not available in this runtime");
  return api;
}
