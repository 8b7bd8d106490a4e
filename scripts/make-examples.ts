// Writes the bundled examples (src/tasks/examples) to data/examples/…/{train,valid,test}.jsonl.
// Run: node --import tsx scripts/make-examples.ts   (test/examples checks the files match)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bundledExampleFiles } from "../src/tasks/examples/index.js";

const root = join(import.meta.dirname, "..", "data", "examples");
for (const { path, text } of bundledExampleFiles()) {
  const out = join(root, path);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`${out}: ${text.split("\n").length - 1} sequences, ${(text.length / 1024).toFixed(0)} KB`);
}
