// Issue 11, "a lean browser build": a minimal training page (test/browser/lean-page.ts: the
// library's `train`, a download's bytes, dispose), bundled with code splitting, opened in
// Chromium, must fetch at most 60 KB gzip of code plus the one wasm module it runs on: the
// kernels' four binaries are separate chunks and the page fetches exactly one of them (the
// relaxed-SIMD, shared-memory build on a cross-origin isolated page), and it trains. The figures
// are in docs/backends.md ("Bundling for a browser").
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { test } from "node:test";
import { bundleForBrowser, pageWeight } from "../../scripts/bundle-browser.js";
import { createStaticServer } from "../../scripts/serve-static.js";
import { chromiumSkip, launchChromium, listen } from "../helpers/chromium.js";

const BUDGET = 60 * 1024;

test("a minimal training page: ≤ 60 KB gzip of code plus one wasm module, fetched alone", {
  skip: chromiumSkip,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-lean-"));
  const { files } = await bundleForBrowser({
    entryPoints: { page: join(import.meta.dirname, "lean-page.ts") },
    outdir: dir,
    write: true,
  });
  writeFileSync(
    join(dir, "index.html"),
    '<!doctype html><meta charset="utf-8"><script type="module" src="page.js"></script>',
  );
  const variants = files.filter((f) => f.variant !== null);
  assert.deepEqual(variants.map((f) => f.variant).sort(), [
    "relaxed",
    "relaxed-shared",
    "simd",
    "simd-shared",
  ]);
  const weight = pageWeight(files);
  const top = files
    .filter((f) => f.variant === null)
    .sort((a, b) => b.gzip - a.gzip)
    .slice(0, 3)
    .map((f) => `${basename(f.path)} ${f.gzip}`);

  const server = createStaticServer(dir);
  const url = await listen(server);
  const chromium = await launchChromium();
  try {
    const page = await chromium.context.newPage();
    const fetched: string[] = [];
    page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${url}/`);
    const result = (await page.evaluate(
      () => (globalThis as { tbpttLean?: Promise<unknown> }).tbpttLean,
    )) as { error?: string; backend: string; losses: number[]; bytes: number };
    assert.deepEqual(errors, []);
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.backend, "wasm-relaxed-simd");
    assert.ok(result.bytes > 1000);
    const losses = result.losses;
    assert.ok(
      (losses.at(-1) as number) < 0.8 * (losses[0] as number),
      `loss ${losses[0]} → ${losses.at(-1)}`,
    );
    const byPath = new Map(files.map((f) => [`/${f.path.slice(dir.length + 1)}`, f]));
    const variantsFetched = fetched.filter((p) => byPath.get(p)?.variant);
    assert.deepEqual(
      variantsFetched.map((p) => byPath.get(p)?.variant),
      ["relaxed-shared"],
    );
    const codeFetched = fetched.reduce(
      (sum, p) => sum + (byPath.get(p)?.variant === null ? (byPath.get(p)?.gzip ?? 0) : 0),
      0,
    );
    assert.ok(
      codeFetched <= BUDGET,
      `code fetched ${codeFetched} B gzip > ${BUDGET} (largest chunks: ${top.join(", ")})`,
    );
    console.log(
      `lean page: ${codeFetched} B gzip of code fetched (${weight.code} B for every code chunk), one kernel module of ${byPath.get(variantsFetched[0] as string)?.gzip} B gzip`,
    );
  } finally {
    await chromium.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
