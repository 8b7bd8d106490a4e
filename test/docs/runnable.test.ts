// Every runnable code block of README.md and docs/*.md runs, as written, with "tbptt" and
// "tbptt/node" pointing at the sources (test/install runs them again against the packed
// package), and prints what its "<!-- output: … -->" comment says.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";
import { docBlocks, docFiles } from "../helpers/doc-blocks.js";

const TSX = import.meta.resolve("tsx");

/** The block with its package imports pointed at the sources. */
function fromSources(code: string): string {
  return code
    .replace(/from "tbptt\/node"/g, `from ${JSON.stringify(join(ROOT, "src", "node.ts"))}`)
    .replace(/from "tbptt"/g, `from ${JSON.stringify(join(ROOT, "src", "index.ts"))}`);
}

const docs = docFiles().filter((doc) => docBlocks(doc).some((b) => b.kind === "runnable"));

test("the README and the library guide have runnable blocks", () => {
  assert.ok(docs.includes("README.md"), "README.md has a runnable block");
  assert.ok(docs.includes("docs/library.md"), "docs/library.md has runnable blocks");
});

for (const doc of docs) {
  test(`${doc}: every runnable block runs`, () => {
    const dir = mkdtempSync(join(tmpdir(), "tbptt-docblock-"));
    for (const [i, block] of docBlocks(doc)
      .filter((b) => b.kind === "runnable")
      .entries()) {
      const file = join(dir, `block-${i}.${block.lang === "ts" ? "mts" : "mjs"}`);
      writeFileSync(file, fromSources(block.code));
      const run = spawnSync(process.execPath, ["--import", TSX, file], {
        cwd: dir,
        encoding: "utf8",
        timeout: 300_000,
      });
      const where = `${doc}:${block.line}`;
      assert.equal(run.status, 0, `${where} failed:\n${run.stderr}`);
      if (block.output) assert.match(run.stdout, block.output, `${where} printed:\n${run.stdout}`);
    }
  });
}
