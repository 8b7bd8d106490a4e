// The playground's speed against the Node CLI's, in one run on this machine (issue 15: a
// char-rnn-sized model, LSTM 128, 32 streams, k1 = k2 = 50, trains in the browser at least at
// half the CLI's speed). Rounds alternate: the playground in Chromium (its Worker, the wasm
// backend with threads on the isolated page), then `tbptt train` on the wasm backend, then on
// native where its addon is built; each trains UPDATES updates of the same model on the same
// text (the playground's default text) and is measured the same way: symbols per second,
// (forward steps × streams) / training seconds between its first validation point at ≥ 10
// updates and its last (the trainer's own clock, validations excluded). Prints each round and
// the medians.
//   npm run bench:playground [-- --rounds 3 --updates 80]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlayground } from "../scripts/build-playground.js";
import { createStaticServer } from "../scripts/serve-static.js";
import { chromiumSkip, launchChromium, listen } from "../test/helpers/chromium.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = option("--rounds", 3);
const UPDATES = option("--updates", 80);
const STREAMS = 32;
const ROOT = join(import.meta.dirname, "..");

interface Point {
  updates: number;
  forwardSteps: number;
  trainSeconds: number;
}

/** Symbols per second between the first point at ≥ 10 updates and the last. */
function rate(points: readonly Point[]): number {
  const measured = points.filter((p) => p.updates >= 10);
  const first = measured[0];
  const last = measured.at(-1);
  if (!first || !last || last.trainSeconds <= first.trainSeconds) return Number.NaN;
  return ((last.forwardSteps - first.forwardSteps) * STREAMS) / (last.trainSeconds - first.trainSeconds);
}

async function browserRound(url: string): Promise<{ rate: number; backend: string }> {
  const chromium = await launchChromium();
  try {
    const page = await chromium.context.newPage();
    await page.goto(url);
    type Status = { configured: number; state: string; backend: string; run: { valid: Point[] } };
    const status = () =>
      page.evaluate(() => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground);
    await page.waitForFunction(
      () => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.configured >= 1,
      null,
      { timeout: 60_000 },
    );
    const before = (await status()).configured;
    // the defaults are char-rnn's size (LSTM 128, k1 = k2 = 50, 32 streams); pause after UPDATES
    await page.fill("#stop-after", String(UPDATES));
    await page.dispatchEvent("#stop-after", "input");
    await page.waitForFunction(
      (n) => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.configured > n,
      before,
    );
    await page.click("#train");
    await page.waitForFunction(
      () => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.state === "paused",
      null,
      { timeout: 600_000 },
    );
    const s = await status();
    return { rate: rate(s.run.valid), backend: s.backend };
  } finally {
    await chromium.close();
  }
}

function cliRound(dir: string, backend: "wasm" | "native"): number {
  const out = join(dir, `run-${backend}-${Date.now()}`);
  const config = join(dir, `${backend}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      task: "text",
      model: { cell: "lstm", hiddenSize: 128, layers: 1 },
      schedule: { k1: 50, k2: 50, reset: "sequence", layout: "packed" },
      optimizer: { type: "adam", lr: 0.002 },
      clip: { norm: 5 },
      streams: STREAMS,
      data: { train: join(dir, "default-text.txt"), unit: "char", validFraction: 0.05 },
      epochs: 1000,
      maxUpdates: UPDATES,
      validateEvery: { updates: 10 },
      seed: 1,
      backend,
    }),
  );
  const cli = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "train", config, "--out", out],
    {
      encoding: "utf8",
      cwd: ROOT,
    },
  );
  if (cli.status !== 0) throw new Error(`tbptt train (${backend}) failed: ${cli.stderr}`);
  const points = readFileSync(join(out, "log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Point & { event: string })
    .filter((e) => e.event === "validation");
  rmSync(out, { recursive: true, force: true });
  return rate(points);
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = (s.length - 1) / 2;
  return ((s[Math.floor(mid)] as number) + (s[Math.ceil(mid)] as number)) / 2;
};

if (chromiumSkip) {
  console.log(`skipped: ${chromiumSkip}`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "tbptt-bench-playground-"));
const build = await buildPlayground(join(dir, "site"));
writeFileSync(join(dir, "default-text.txt"), readFileSync(join(build.out, "default-text.txt")));
const server = createStaticServer(build.out);
const url = `${await listen(server)}/`;
const native = existsSync(join(ROOT, "native/build/Release/tbptt_native.node"));
const results: Record<string, number[]> = { browser: [], "cli-wasm": [], "cli-native": [] };
let browserBackend = "";
console.log(
  `playground speed: LSTM 128, ${STREAMS} streams, k1 = k2 = 50, ${UPDATES} updates per round, ${ROUNDS} rounds; load ${loadavg()[0]?.toFixed(1)}`,
);
for (let round = 1; round <= ROUNDS; round++) {
  const b = await browserRound(url);
  browserBackend = b.backend;
  results.browser?.push(b.rate);
  results["cli-wasm"]?.push(cliRound(dir, "wasm"));
  if (native) results["cli-native"]?.push(cliRound(dir, "native"));
  const last = (k: string) => results[k]?.at(-1)?.toFixed(0) ?? "–";
  console.log(
    `round ${round}: browser (${b.backend}) ${last("browser")}, cli wasm ${last("cli-wasm")}, cli native ${native ? last("cli-native") : "not built"} symbols/s; load ${loadavg()[0]?.toFixed(1)}`,
  );
}
server.close();
rmSync(dir, { recursive: true, force: true });
const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
console.log(
  `medians (symbols/s): browser ${m.browser?.toFixed(0)} (${browserBackend}), cli wasm ${m["cli-wasm"]?.toFixed(0)}, cli native ${native ? m["cli-native"]?.toFixed(0) : "not built"}`,
);
console.log(
  `browser / cli wasm = ${((m.browser as number) / (m["cli-wasm"] as number)).toFixed(2)}; browser / cli native = ${native ? ((m.browser as number) / (m["cli-native"] as number)).toFixed(2) : "–"} (target ≥ 0.5 of the CLI's default backend)`,
);
