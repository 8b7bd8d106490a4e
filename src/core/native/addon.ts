/**
 * Finding and loading the native addon (native/, built by scripts/build-native.mjs at install).
 *
 * Isomorphic like the rest of core: Node's `module` and `fs` are loaded by dynamic imports whose
 * specifiers are held in variables, so bundlers leave them alone and a browser never reaches them
 * (the "native" candidate is only wanted where `process.versions.node` exists).
 *
 * When the addon is missing or fails to load, the error says why, with the reason the install
 * script recorded in native/build-status.txt when it could not build, and how to build it.
 */

/** One backend's arena and kernels, as the addon's create() returns them (native/src/addon.cc). */
export interface NativeInstance {
  /** The arena: reserved memory that never grows or moves; its first argSlots float64s are the argument block. */
  readonly buffer: ArrayBuffer;
  readonly argSlots: number;
  gemm(): void;
  gatherColumns(): void;
  scatterAddColumns(): void;
  addRowBroadcast(): void;
  sumRows(): void;
  tanhForward(): void;
  tanhBackward(): void;
  lstmForward(): void;
  lstmBackward(): void;
  gruForward(): void;
  gruBackward(): void;
}

export interface NativeAddon {
  create(reserveBytes: number, threads: number): NativeInstance;
  info(): { blas: string; blasThreads: number; lanes: number };
}

/** Where the build puts the addon, relative to this module (src/core/native or dist/core/native). */
const ADDON_FROM_HERE = "../../../native/build/Release/tbptt_native.node";
const STATUS_FROM_HERE = "../../../native/build-status.txt";
const NODE_MODULE = "node:module";
const NODE_FS = "node:fs";
const NODE_URL = "node:url";

/** True in Node (or a runtime that says it is Node-compatible): the only place an addon can load. */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

const loaded = new Map<string, Promise<NativeAddon>>();

/**
 * Loads the addon (once per path). `path` overrides where it is looked for (tests use a path that
 * does not exist to see the fallback); the default is the one the install script builds.
 */
export function loadNativeAddon(path?: string): Promise<NativeAddon> {
  const key = path ?? "";
  let addon = loaded.get(key);
  if (!addon) {
    addon = load(path);
    loaded.set(key, addon);
    addon.catch(() => loaded.delete(key));
  }
  return addon;
}

async function load(path: string | undefined): Promise<NativeAddon> {
  const { createRequire } = (await import(NODE_MODULE)) as {
    createRequire(from: string | URL): (id: string) => unknown;
  };
  const { existsSync, readFileSync } = (await import(NODE_FS)) as {
    existsSync(p: string): boolean;
    readFileSync(p: string, encoding: "utf8"): string;
  };
  const { fileURLToPath } = (await import(NODE_URL)) as { fileURLToPath(u: URL): string };
  const file = path ?? fileURLToPath(new URL(ADDON_FROM_HERE, import.meta.url));
  if (!existsSync(file)) {
    const statusFile = fileURLToPath(new URL(STATUS_FROM_HERE, import.meta.url));
    const status =
      path === undefined && existsSync(statusFile) ? readFileSync(statusFile, "utf8").trim() : "";
    const why = status.startsWith("not built") ? ` (${status.split("\n")[0]})` : "";
    throw new Error(
      `the addon is not built: ${file} is missing${why}; build it with \`npm run build:native\` ` +
        "(needs a C++ compiler, python3 and libopenblas-dev)",
    );
  }
  try {
    return createRequire(import.meta.url)(file) as NativeAddon;
  } catch (error) {
    throw new Error(`the addon at ${file} failed to load: ${(error as Error).message.split("\n")[0]}`);
  }
}
