// The playground (issue 15) in Chromium, built from the sources as `npm run playground` builds
// it and served with the isolation headers: the backend runs threaded; a text model trains a
// few updates and its loss falls, a sample appears; on the delayed-recall task the live
// timeline of the first sequence equals `tbptt schedule`'s rows for (k1, k2) = (1, ∞), (∞, ∞),
// (20, 20) and (10, 30); a kept run and a second schedule from the same initial weights are
// overlaid; the gradient horizon is drawn; the downloaded model folder (a zip) loads in Node
// and predicts what the page predicts with it. Driven with the keyboard only. Screenshots go
// to test-output/playground/ (git-ignored).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { unzipSync } from "fflate";
import type { Page } from "playwright-core";
import { buildPlayground } from "../../scripts/build-playground.js";
import { createStaticServer } from "../../scripts/serve-static.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { toEngineSequences } from "../../src/data/labelled.js";
import { loadModelDir } from "../../src/io/model-files.js";
import { makeRecallSet } from "../../src/tasks/memory/index.js";
import { chromiumSkip, launchChromium, listen } from "../helpers/chromium.js";
import { ROOT, runCli } from "../helpers/cli.js";

const SHOTS = join(ROOT, "test-output", "playground");
type Status = {
  backend: string;
  state: string;
  totalUpdates: number;
  configured: number;
  samples: number;
  initialWeights: string;
  gradient: boolean;
  evaluation: {
    loss: number;
    frameError: number | null;
    lastLabels: (string | number)[];
    lastProbs: number[][];
  } | null;
  run: { train: [number, number][]; valid: { updates: number; loss: number }[] };
  errors: string[];
};

const status = (page: Page) =>
  page.evaluate(
    () => (globalThis as unknown as { tbpttPlayground: unknown }).tbpttPlayground,
  ) as Promise<Status>;

/** Sets an input by keyboard: focus, select all, type. */
async function type(page: Page, id: string, text: string): Promise<void> {
  await page.focus(`#${id}`);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

/** Chooses an option of a select by keyboard. */
async function choose(page: Page, id: string, value: string): Promise<void> {
  await page.focus(`#${id}`);
  await page.selectOption(`#${id}`, value); // what pressing the arrow keys on a focused select does
}

/** Waits until the page has rebuilt its model from the settings (n configurations so far). */
async function configured(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (k) => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.configured >= k,
    n,
    {
      timeout: 60_000,
    },
  );
}

/** Presses a button with the keyboard (focus, Enter) and waits for the run to pause or finish. */
async function trainUntilPaused(page: Page): Promise<Status> {
  await page.focus("#train");
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    () =>
      ["paused", "finished"].includes(
        (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.state,
      ),
    null,
    { timeout: 240_000 },
  );
  return status(page);
}

/** `tbptt schedule`'s rows: [t', t, first step of the backward pass, backward steps]. */
function cliRows(k1: string, k2: string, length: number): number[][] {
  const r = runCli(["schedule", "--k1", k1, "--k2", k2, "--length", String(length), "--rows", "0"]);
  assert.equal(r.status, 0, r.stderr);
  return [...r.stdout.matchAll(/t' =\s*(-?\d+)\s+t =\s*(\d+)\s+backward (\d+)…\d+ \((\d+) steps?/g)].map(
    (m) => m.slice(1, 5).map(Number),
  );
}

/** The live timeline's table of the sequence in progress: the same four numbers per row. */
async function liveRows(page: Page): Promise<number[][]> {
  return page.$$eval("#timeline-table tbody tr", (rows) =>
    rows.map((tr) => {
      const d = (tr as unknown as { dataset: Record<string, string> }).dataset;
      return [Number(d.previous), Number(d.time), Number(d.from), Number(d.steps)];
    }),
  );
}

describe("the playground in Chromium", { skip: chromiumSkip }, () => {
  let dir = "";
  let url = "";
  let close: () => Promise<void> = async () => {};
  let page: Page;
  const server = { close: () => {} };
  const errors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tbptt-playground-"));
    await buildPlayground(dir);
    const http = createStaticServer(dir);
    url = await listen(http);
    server.close = () => http.close();
    const chromium = await launchChromium();
    close = chromium.close;
    page = await chromium.context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setViewportSize({ width: 1280, height: 2000 });
    mkdirSync(SHOTS, { recursive: true });
    await page.goto(`${url}/`);
    await configured(page, 1);
  });
  after(async () => {
    await close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("threads on the wasm backend; a text model trains, its loss falls, a sample appears", async () => {
    const s0 = await status(page);
    assert.equal(s0.backend, "wasm-relaxed-simd-threads");
    assert.match((await page.textContent("#backend")) ?? "", /wasm-relaxed-simd-threads, 2 threads/);
    // a smaller model than the default, so the suite stays quick
    await type(page, "hidden", "48");
    await type(page, "k1", "25");
    await type(page, "k2", "25");
    await type(page, "streams", "16");
    await type(page, "lr", "0.01");
    await type(page, "stop-after", "60");
    await configured(page, s0.configured + 1);
    const s = await trainUntilPaused(page);
    assert.equal(s.state, "paused");
    assert.equal(s.totalUpdates, 60);
    const train = s.run.train;
    assert.ok(
      (train.at(-1)?.[1] as number) < 0.8 * (train[0]?.[1] as number),
      `loss ${train[0]?.[1]} → ${train.at(-1)?.[1]}`,
    );
    const valid = s.run.valid;
    assert.ok(valid.length >= 2 && (valid.at(-1)?.loss as number) < (valid[0]?.loss as number));
    await page.waitForFunction(
      () => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.samples > 0,
    );
    assert.ok(((await page.textContent("#sample-text")) ?? "").length >= 100);
    // the curves' numbers are in a table
    assert.ok((await page.$$("#curves-table tbody tr")).length >= 2);
    await page.screenshot({ path: join(SHOTS, "text.png"), fullPage: true });
    // the README's picture (docs/playground.png is a copy): the plan, the controls, the live timeline and the curves
    const top = await page.$eval("#plan", (e) => (e as unknown as { offsetTop: number }).offsetTop);
    await page.screenshot({
      path: join(SHOTS, "readme.png"),
      fullPage: true,
      clip: { x: 0, y: top - 8, width: 1280, height: 1150 },
    });
  });

  const schedules: [string, string][] = [
    ["1", "inf"],
    ["inf", "inf"],
    ["20", "20"],
    ["10", "30"],
  ];
  test("the live timeline of a sequence is tbptt schedule's, for (1, ∞), (∞, ∞), (20, 20), (10, 30)", async () => {
    await choose(page, "task", "recall");
    await type(page, "lag", "59"); // sequences of T = 60 steps
    await type(page, "hidden", "16");
    await type(page, "streams", "4");
    for (const [k1, k2] of schedules) {
      const expected = cliRows(k1, k2, 60);
      assert.ok(expected.length >= 1);
      await type(page, "k1", k1);
      await type(page, "k2", k2);
      // pause when the first sequence is done: as many updates as tbptt schedule prints
      await type(page, "stop-after", String(expected.length));
      const before = (await status(page)).configured;
      await page.focus("#reset-run");
      await page.keyboard.press("Enter");
      await configured(page, before + 1);
      const s = await trainUntilPaused(page);
      assert.equal(s.totalUpdates, expected.length);
      await page.waitForFunction(
        `document.querySelectorAll("#timeline-table tbody tr").length === ${expected.length}`,
      );
      assert.deepEqual(await liveRows(page), expected, `k1 = ${k1}, k2 = ${k2}`);
      await page.screenshot({ path: join(SHOTS, `timeline-${k1}-${k2}.png`), fullPage: true });
    }
  });

  test("step one update plays it; runs kept for comparison start from the same initial weights", async () => {
    // (10, 30) is set: keep the paused run, then train (20, 20) from the same start
    const first = await status(page);
    await page.focus("#step");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      (n) => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.totalUpdates === n,
      first.totalUpdates + 1,
    );
    await page.waitForFunction(
      `/update \\d+: (forward|backward|the weights)/.test(document.querySelector("#run-state").textContent)`,
    );
    await page.focus("#keep");
    await page.keyboard.press("Enter");
    await type(page, "k1", "20");
    await type(page, "k2", "20");
    await type(page, "stop-after", "40");
    await page.focus("#reset-run");
    await page.keyboard.press("Enter");
    await configured(page, first.configured + 1);
    const second = await trainUntilPaused(page);
    assert.equal(second.initialWeights, first.initialWeights, "same seed and model: same initial weights");
    // the table is redrawn at the display's rate: wait for the new run's rows to appear
    await page.waitForFunction(
      `new Set([...document.querySelectorAll("#curves-table tbody tr td:first-child")].map((c) => c.textContent)).size >= 2`,
    );
    const labels = await page.$$eval("#curves-table tbody tr td:first-child", (cells) => [
      ...new Set(cells.map((c) => c.textContent)),
    ]);
    assert.equal(labels.length, 2, labels.join(" | "));
    assert.ok(
      labels.every((l) => l?.includes(`init ${first.initialWeights}`)),
      labels.join(" | "),
    );
    await page.screenshot({ path: join(SHOTS, "compare.png"), fullPage: true });
  });

  test("the gradient horizon is drawn, with its table", async () => {
    await page.focus("#gradient");
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.gradient,
      null,
      { timeout: 120_000 },
    );
    assert.ok((await page.$$("#gradient-table tbody tr")).length >= 2);
    assert.ok(await page.$("#gradient-svg svg"));
  });

  test("the downloaded model loads in Node and predicts what the page predicts", async () => {
    await page.focus("#download");
    const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    const zipPath = join(dir, "model.zip");
    await download.saveAs(zipPath);
    const bytes = readFileSync(zipPath);
    // load it back in the page: it evaluates it on the task's validation data
    await page.setInputFiles("#load", zipPath);
    await page.waitForFunction(
      () => (globalThis as unknown as { tbpttPlayground: Status }).tbpttPlayground.evaluation !== null,
    );
    const inPage = (await status(page)).evaluation as NonNullable<Status["evaluation"]>;
    // in Node: unzip the model folder, load it as tbptt's CLI does, predict the same sequences
    const folder = join(dir, "unzipped");
    for (const [name, contents] of Object.entries(unzipSync(new Uint8Array(bytes)))) {
      if (name.endsWith("/")) continue; // a folder's own entry
      mkdirSync(join(folder, name, ".."), { recursive: true });
      writeFileSync(join(folder, name), contents);
    }
    const trained = loadModelDir(join(folder, "tbptt-model"), createPlainBackend("float32"));
    // the page's validation set: delayed recall, lag 59, 4 symbols, seed 1 + 1
    const valid = makeRecallSet(
      { lag: 59, symbols: 4, distractors: 4, before: 0, sequences: 200, seed: 2 },
      "validation",
    );
    const sequences = toEngineSequences(valid);
    const predictions = trained.predictSequences(sequences.slice(0, 20)) as {
      labels: number[];
      probs: number[][];
    }[];
    assert.deepEqual(
      predictions.map((p) => p.labels.at(-1)),
      inPage.lastLabels,
    );
    predictions.forEach((p, i) => {
      (p.probs.at(-1) as number[]).forEach((v, c) => {
        assert.ok(Math.abs(v - (inPage.lastProbs[i]?.[c] as number)) < 1e-4, `sequence ${i} class ${c}`);
      });
    });
    const loss = trained.evaluateSequences(sequences).summary.lossPerFrame as number;
    assert.ok(
      Math.abs(loss - inPage.loss) < 1e-4 * Math.max(1, loss),
      `loss ${loss} in Node, ${inPage.loss} in the page`,
    );
    assert.deepEqual(errors, []);
    assert.deepEqual((await status(page)).errors, []);
  });
});
