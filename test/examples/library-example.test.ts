// The library example of docs/examples.md, run as written (with "tbptt" pointing at the
// sources), so it cannot rot: it must train, and beat the persistence baseline.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";

const MARKER = "<!-- runnable: test/examples/library-example.test.ts -->";

test("docs/examples.md: the library example trains a forecaster that beats persistence", () => {
  const doc = readFileSync(join(ROOT, "docs", "examples.md"), "utf8");
  const at = doc.indexOf(MARKER);
  assert.ok(at >= 0, "the marked block is in docs/examples.md");
  const block = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  assert.ok(block, "a ts block follows the marker");
  const source = (block[1] as string).replace(
    /from "tbptt"/g,
    `from ${JSON.stringify(join(ROOT, "src", "index.ts"))}`,
  );
  const file = join(mkdtempSync(join(tmpdir(), "tbptt-doc-")), "example.mts");
  writeFileSync(file, source);
  const run = spawnSync(process.execPath, ["--import", "tsx", file], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const m = /test RMSE ([\d.]+), persistence ([\d.]+)/.exec(run.stdout);
  assert.ok(m, run.stdout);
  assert.ok(Number(m[1]) < 0.5 * Number(m[2]), run.stdout);
  assert.match(run.stdout, /\{"predictions":\[\[/);
});
