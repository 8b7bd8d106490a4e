// The wasm backend's browser paths, in Debian's Chromium (playwright-core), on a cross-origin
// isolated page: shared memory, the worker pool started from a Blob URL (Web Worker), the main
// thread spinning instead of Atomics.wait, and selectBackend's wasm-threads candidate. The split
// product must equal the one-thread product bit for bit. On a page that is not isolated, the
// backend falls back to one thread on unshared memory and says why. Skips without /usr/bin/chromium.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

test("wasm threads in Chromium: Blob-URL workers over shared memory, identical to one thread", {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed`,
}, async () => {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, "browser", "threads-page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const isolation = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
  };
  // "/" is cross-origin isolated; "/open/" is not (no SharedArrayBuffer there)
  const server = createServer((request, response) => {
    const js = request.url?.endsWith("/threads.js") === true;
    const headers = request.url?.startsWith("/open/") ? {} : isolation;
    response.writeHead(200, { ...headers, "Content-Type": js ? "text/javascript" : "text/html" });
    response.end(js ? script : '<!doctype html><script type="module" src="threads.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { tbpttThreads?: unknown }).tbpttThreads !== undefined);
    const result = (await page.evaluate(
      () => (globalThis as { tbpttThreads?: Promise<unknown> }).tbpttThreads,
    )) as {
      error?: string;
      shared?: boolean;
      identical?: boolean;
      relaxedName?: string;
      relaxedMaxDiff?: number;
      entry?: number;
      reference?: number;
      selected?: string;
      threads?: number;
      reasons?: string[];
    };
    assert.deepEqual(pageErrors, []);
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.shared, true);
    assert.equal(result.identical, true);
    // Chromium validates relaxed SIMD: the FMA build is the default there and agrees to float32 rounding
    assert.equal(result.relaxedName, "wasm-relaxed-simd");
    assert.ok((result.relaxedMaxDiff as number) < 1e-5, `relaxed differs by ${result.relaxedMaxDiff}`);
    assert.ok(Math.abs((result.entry as number) - (result.reference as number)) < 1e-5);
    assert.equal(result.selected, "wasm-relaxed-simd-threads"); // a threaded backend says so
    assert.equal(result.threads, 2);
    assert.deepEqual(result.reasons, []);

    const open = await browser.newPage();
    await open.goto(`http://127.0.0.1:${port}/open/`);
    await open.waitForFunction(() => (globalThis as { tbpttThreads?: unknown }).tbpttThreads !== undefined);
    const fallback = (await open.evaluate(
      () => (globalThis as { tbpttThreads?: Promise<unknown> }).tbpttThreads,
    )) as { error?: string; selected?: string; shared?: boolean; reasons?: string[]; dot?: number };
    assert.equal(fallback.error, undefined, fallback.error);
    assert.equal(fallback.selected, "wasm-relaxed-simd");
    assert.equal(fallback.shared, false);
    assert.equal(fallback.dot, 14);
    assert.deepEqual(fallback.reasons, [
      "wasm-threads: needs SharedArrayBuffer (in browsers: a cross-origin isolated page); using one thread",
    ]);
  } finally {
    await browser.close();
    server.close();
  }
});
