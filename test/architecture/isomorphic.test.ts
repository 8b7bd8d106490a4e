// The core is isomorphic (STYLE.md): nothing reachable from the library entry by static
// imports may import a Node built-in, so the same code bundles for a browser. Node-only
// code lives in src/io and src/cli. Imports also point down the architecture, never up.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

const ROOT = join(import.meta.dirname, "..", "..");
const SRC = join(ROOT, "src");

function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)) out.push(m[1] as string);
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push(m[1] as string);
  return out;
}

function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    const imports = staticImports(file);
    seen.set(file, imports);
    for (const spec of imports) {
      if (!spec.startsWith(".")) continue;
      stack.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
  }
  return seen;
}

test("nothing the library entry imports statically is Node-only", () => {
  const graph = reachable(join(SRC, "index.ts"));
  const offenders: string[] = [];
  for (const [file, imports] of graph) {
    for (const spec of imports)
      if (spec.startsWith("node:")) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
    const rel = relative(SRC, file);
    if (rel.startsWith("cli/")) offenders.push(`${rel} (CLI code) is reachable from the library`);
  }
  assert.deepEqual(offenders, []);
  assert.ok(graph.size > 20, `only ${graph.size} modules reached: is the entry right?`);
});

test("imports point down: core knows nothing above it, nn knows no engine, the engine no trainer or CLI", () => {
  const layers: [string, string[]][] = [
    ["core/", ["nn/", "engine/", "train/", "tasks/", "cli/", "io/", "api/", "online/"]],
    ["nn/", ["engine/", "train/", "tasks/", "cli/", "api/", "online/"]],
    ["engine/", ["train/", "tasks/", "cli/", "io/", "api/", "online/"]],
    ["online/", ["train/", "tasks/", "cli/", "io/", "api/", "gradient/"]],
    ["gradient/", ["train/", "tasks/", "cli/", "io/", "api/"]],
    ["train/", ["tasks/", "cli/", "api/"]],
    // the high-level API (train, TrainedModel, loadModel) sits on the tasks, below the CLI
    ["tasks/", ["cli/", "api/"]],
    ["api/", ["cli/", "io/"]],
  ];
  const graph = reachable(join(SRC, "index.ts"));
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    const rel = relative(SRC, file);
    for (const [folder, forbidden] of layers) {
      if (!rel.startsWith(folder)) continue;
      for (const spec of imports) {
        if (!spec.startsWith(".")) continue;
        const target = relative(SRC, resolve(dirname(file), spec));
        if (forbidden.some((f) => target.startsWith(f))) problems.push(`${rel} imports ${target}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});
