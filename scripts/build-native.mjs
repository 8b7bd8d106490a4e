// Builds the native backend's Node-API addon (native/) with node-gyp against this Node's own
// headers, offline, and records the outcome in native/build-status.txt: "built ..." or
// "not built: REASON" (the reason the runtime then gives when it falls back to wasm).
//
//   node scripts/build-native.mjs            the install script: never fails the install
//   node scripts/build-native.mjs --required exits 1 when the addon cannot be built (npm run build:native)
//   node scripts/build-native.mjs --if-stale builds only when the addon is missing or older than native/
//
// TBPTT_SKIP_NATIVE=1 skips the build.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const NATIVE = join(ROOT, "native");
export const ADDON = join(NATIVE, "build", "Release", "tbptt_native.node");
const STATUS = join(NATIVE, "build-status.txt");

function newestSource() {
  let newest = statSync(join(NATIVE, "binding.gyp")).mtimeMs;
  for (const name of readdirSync(join(NATIVE, "src")))
    newest = Math.max(newest, statSync(join(NATIVE, "src", name)).mtimeMs);
  return newest;
}

/** True when the addon exists and is newer than every source file. */
export function nativeIsFresh() {
  return existsSync(ADDON) && statSync(ADDON).mtimeMs >= newestSource();
}

/** node-gyp: the copy npm runs scripts with, else the one bundled with this Node's npm, else PATH. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
    join(dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  const script = candidates.find((c) => c && existsSync(c));
  return script ? [process.execPath, script] : ["node-gyp"];
}

/** Node's own headers (node_api.h) next to this Node, so node-gyp need not download any. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return null; // node-gyp reads it from the environment
  const prefix = join(dirname(process.execPath), "..");
  return existsSync(join(prefix, "include", "node", "node_api.h")) ? prefix : null;
}

/** The first line of the build's output that says what went wrong. */
function firstError(output) {
  const lines = output.split("\n").map((l) => l.trim());
  return (
    lines.find((l) => /fatal error|error:/i.test(l) && !l.startsWith("gyp ERR!")) ??
    lines.find((l) => /^gyp ERR! (stack )?Error/.test(l)) ??
    lines.filter((l) => l !== "").at(-1) ??
    "no output"
  );
}

/** Builds the addon; returns null on success or the reason it could not be built. */
export function buildNative() {
  if (process.platform !== "linux" && process.platform !== "darwin")
    return `no build for ${process.platform} (Linux with OpenBLAS and macOS with Accelerate only)`;
  const [program, ...args] = nodeGyp();
  const dir = nodeDir();
  const build = spawnSync(program, [...args, "rebuild", ...(dir ? [`--nodedir=${dir}`] : [])], {
    cwd: NATIVE,
    encoding: "utf8",
    timeout: 300_000,
  });
  const output = `${build.stdout ?? ""}\n${build.stderr ?? ""}`;
  if (build.error) return `could not run node-gyp: ${build.error.message}`;
  if (build.status !== 0) return `node-gyp failed: ${firstError(output)}`;
  // Built is not loaded: a missing shared library (libopenblas.so.0) only shows at load time.
  const check = spawnSync(
    process.execPath,
    ["-e", `console.log(require(${JSON.stringify(ADDON)}).info().blas)`],
    {
      encoding: "utf8",
    },
  );
  if (check.status !== 0) return `built, but it does not load: ${firstError(check.stderr ?? "")}`;
  return { blas: check.stdout.trim() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const required = process.argv.includes("--required");
  if (process.env.TBPTT_SKIP_NATIVE) {
    console.error("tbptt: native backend not built (TBPTT_SKIP_NATIVE is set)");
    process.exit(required ? 1 : 0);
  }
  if (process.argv.includes("--if-stale") && nativeIsFresh()) process.exit(0);
  const outcome = buildNative();
  if (typeof outcome === "string") {
    writeFileSync(STATUS, `not built: ${outcome}\n`);
    console.error(`tbptt: native backend not built (${outcome}); tbptt will use the wasm backend`);
    process.exit(required ? 1 : 0);
  }
  writeFileSync(STATUS, `built ${new Date().toISOString()} with Node ${process.version}, ${outcome.blas}\n`);
  console.error(`tbptt: native backend built (${outcome.blas})`);
}
