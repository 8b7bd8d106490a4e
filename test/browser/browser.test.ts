// The library runs in a browser: bundle test/browser/page.ts with esbuild, serve it on
// 127.0.0.1 (cross-origin isolated, so shared WebAssembly memory is allowed), open it in
// Debian's Chromium through playwright-core, train a tiny LSTM on the wasm backend there,
// and check the loss fell. Skips (saying why) where /usr/bin/chromium is missing;
// .ci/run installs it (scripts/setup-system.sh).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

test("a tiny LSTM trains in Chromium on the WebAssembly SIMD backend", {
  skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (scripts/setup-system.sh installs it)`,
}, async () => {
  const bundled = await build({
    entryPoints: [join(import.meta.dirname, "page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const script = bundled.outputFiles[0]?.text ?? "";
  assert.ok(!/from\s+"node:/.test(script), "the browser bundle imports a Node built-in");
  const server = createServer((req, res) => {
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    };
    if (req.url === "/page.js") {
      res.writeHead(200, { ...headers, "Content-Type": "text/javascript" });
      res.end(script);
    } else {
      res.writeHead(200, { ...headers, "Content-Type": "text/html" });
      res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  // launch() gives Chromium a fresh, temporary user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(
      () => (globalThis as { tbpttResult?: unknown }).tbpttResult !== undefined,
      null,
      { timeout: 60_000 },
    );
    const result = (await page.evaluate(
      () => (globalThis as { tbpttResult?: Promise<unknown> }).tbpttResult,
    )) as {
      backend?: string;
      fallbackReasons?: string[];
      losses?: number[];
      error?: string;
    };
    assert.deepEqual(errors, []);
    assert.equal(result.error, undefined, result.error);
    // Chromium validates relaxed SIMD, so the default wasm build there is the FMA one
    assert.equal(result.backend, "wasm-relaxed-simd", `fell back: ${result.fallbackReasons?.join("; ")}`);
    const losses = result.losses as number[];
    assert.ok(
      (losses[losses.length - 1] as number) < 0.7 * (losses[0] as number),
      `loss went ${losses[0]} → ${losses[losses.length - 1]}`,
    );
  } finally {
    await browser.close();
    server.close();
  }
});
