// Runs every test file under test/ with Node's own test runner (tsx compiles
// TypeScript on the fly). Extra arguments are substrings that filter the files.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildWasm, wasmIsFresh } from "../asm/build.mjs";
import { nativeIsFresh } from "./build-native.mjs";

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}
const filters = process.argv.slice(2);
// Debian packages some tests use (festival, sox, sptk, chromium), installed idempotently
// where we may (root); elsewhere those tests skip and say why.
if (process.getuid?.() === 0 && !process.env.TBPTT_SKIP_SETUP) {
  const setup = spawnSync("bash", ["scripts/setup-system.sh"], { stdio: "inherit" });
  if (setup.status !== 0)
    console.error("scripts/setup-system.sh failed; tests that need its packages will skip");
}
const files = findTests("test").filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}
// The wasm backend's tests import the generated kernels module: (re)build it when missing or stale.
if (!wasmIsFresh()) console.log(`built ${await buildWasm()}`);
// The native backend's addon likewise (a failure to build is recorded, and its tests then skip with it).
if (!nativeIsFresh()) spawnSync(process.execPath, ["scripts/build-native.mjs"], { stdio: "inherit" });
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
