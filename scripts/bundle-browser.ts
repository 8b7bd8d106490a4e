// Bundles a browser entry point the way the playground ships (and the way docs/backends.md,
// "Bundling for a browser", advises): ES modules with code splitting, so each of the wasm
// kernels' four binaries (src/core/wasm/generated/*.ts) is a chunk of its own that a page
// fetches only if it runs on it. Returns every output file with its size and gzip size.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/** The generated kernel modules, by the name asm/build.mjs gives them. */
const VARIANT = /src\/core\/wasm\/generated\/(simd|simd-shared|relaxed|relaxed-shared)\.ts$/;

/** One output file of a bundle. */
export interface BundledFile {
  path: string;
  bytes: number;
  gzip: number;
  /** The kernel binary this chunk holds ("relaxed-shared"…), or null for code. */
  variant: string | null;
  contents: Uint8Array;
}

export interface BundleOptions {
  entryPoints: string[] | Record<string, string>;
  outdir: string;
  /** Write the files to outdir (default false: only return them). */
  write?: boolean;
  minify?: boolean;
}

export async function bundleForBrowser({
  entryPoints,
  outdir,
  write = false,
  minify = true,
}: BundleOptions): Promise<{ files: BundledFile[] }> {
  const result = await build({
    entryPoints,
    outdir,
    bundle: true,
    format: "esm",
    splitting: true,
    platform: "browser",
    target: "es2022",
    minify,
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: "silent",
    entryNames: "[name]",
    chunkNames: "chunks/[name]-[hash]",
  });
  const outputs = result.metafile.outputs;
  const files = (result.outputFiles ?? []).map((file) => {
    const key = Object.keys(outputs).find((k) => resolve(k) === file.path) ?? "";
    const inputs = Object.keys(outputs[key]?.inputs ?? {});
    const variant = inputs.map((i) => VARIANT.exec(i)?.[1]).find((v) => v !== undefined) ?? null;
    return {
      path: file.path,
      bytes: file.contents.length,
      gzip: gzipSync(file.contents, { level: 9 }).length,
      variant,
      contents: file.contents,
    };
  });
  if (write) {
    for (const file of files) {
      mkdirSync(dirname(file.path), { recursive: true });
      writeFileSync(file.path, file.contents);
    }
  }
  return { files };
}

/** Σ gzip of every file but the kernel variants, plus the largest variant: what a page can fetch at most. */
export function pageWeight(files: readonly BundledFile[]): { code: number; variant: number } {
  const code = files.filter((f) => f.variant === null).reduce((sum, f) => sum + f.gzip, 0);
  const variant = Math.max(0, ...files.filter((f) => f.variant !== null).map((f) => f.gzip));
  return { code, variant };
}
