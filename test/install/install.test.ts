// tbptt as a user gets it: the package built and packed (npm pack) and installed
// into an empty folder from the tarball, then
//   - every runnable block of README.md and docs/library.md, run with plain node against
//     the installed package ("tbptt", "tbptt/node"), and `require("tbptt")` from CommonJS;
//   - the installed command: --version, recipes, and `npx tbptt train speech/quickstart`
//     from that folder (the recipe and its corpus found inside the package);
//   - a TypeScript program written against the API reference, type-checked against the
//     package's declarations, that trains and saves a model, then a second process that
//     loads it and predicts exactly what the first predicted;
//   - the library guide's browser example (a Worker trains, the page stores the model in
//     IndexedDB, loads it back and predicts), bundled with esbuild from the installed
//     package and run in Chromium.
// The native addon's build is skipped (TBPTT_SKIP_NATIVE=1) to keep the time reasonable:
// the installed package then runs on WebAssembly, as on a machine without a compiler.
// Dependencies come from the npm cache (--prefer-offline); the registry answers the rest.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ROOT } from "../helpers/cli.js";
import { docBlocks } from "../helpers/doc-blocks.js";

const CHROMIUM = "/usr/bin/chromium";
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const env = { ...process.env, TBPTT_SKIP_NATIVE: "1", npm_config_audit: "false", npm_config_fund: "false" };

function run(command: string, args: string[], cwd: string, timeout = 600_000) {
  const r = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

function check(r: ReturnType<typeof run>, what: string): string {
  assert.equal(
    r.status,
    0,
    `${what} failed (${r.error?.message ?? `status ${r.status}`}):\n${r.stdout}\n${r.stderr}`,
  );
  return r.stdout;
}

describe("the packed package, installed into an empty folder", () => {
  let project = "";

  before(() => {
    const packs = mkdtempSync(join(tmpdir(), "tbptt-pack-"));
    // What `prepare` builds for publishing: the TypeScript into dist/ (the wasm kernel modules
    // are fresh already: scripts/test.mjs rebuilds them before any test, and rebuilding them
    // here could hand another test file a half-written module).
    check(
      run(
        process.execPath,
        [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
        ROOT,
      ),
      "tsc -p tsconfig.build.json",
    );
    const packed = check(
      run(NPM, ["pack", "--ignore-scripts", "--pack-destination", packs, "--silent"], ROOT),
      "npm pack",
    );
    const tarball = join(packs, packed.trim().split("\n").pop() as string);
    assert.ok(existsSync(tarball), `no tarball at ${tarball}`);
    project = mkdtempSync(join(tmpdir(), "tbptt-user-"));
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "user", private: true, type: "module" }),
    );
    check(
      run(NPM, ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], project),
      "npm install",
    );
  });

  it("ships what the docs and the CLI name, and nothing of the checkout", () => {
    const pkg = join(project, "node_modules", "tbptt");
    for (const f of [
      "LICENSE",
      "README.md",
      "docs/library.md",
      "docs/model-format.md",
      "dist/index.js",
      "dist/node.d.ts",
    ])
      assert.ok(existsSync(join(pkg, f)), `${f} is not in the package`);
    assert.ok(existsSync(join(pkg, "recipes", "speech", "quickstart.json")));
    assert.ok(existsSync(join(pkg, "data", "synth-timit-small")));
    for (const f of ["src", "test", "bench", "docs/api", "docs/notes"])
      assert.ok(!existsSync(join(pkg, f)), `${f} should not be in the package`);
  });

  it("runs every runnable block of README.md and docs/library.md against the installed package", () => {
    for (const doc of ["README.md", "docs/library.md"]) {
      const dir = join(project, doc.replace(/\W/g, "-"));
      mkdirSync(dir, { recursive: true });
      // the blocks import "tbptt": resolved from the project's node_modules, one folder up
      for (const [i, block] of docBlocks(doc)
        .filter((b) => b.kind === "runnable")
        .entries()) {
        const file = join(dir, `block-${i}.mjs`);
        writeFileSync(file, block.code);
        const out = check(run(process.execPath, [file], dir), `${doc}:${block.line}`);
        if (block.output) assert.match(out, block.output, `${doc}:${block.line} printed:\n${out}`);
      }
    }
  });

  it("can be required from CommonJS on the Node versions package.json's engines names", () => {
    const file = join(project, "require.cjs");
    writeFileSync(
      file,
      'const t = require("tbptt"); const n = require("tbptt/node");\n' +
        'console.log(typeof t.train, typeof t.TrainedModel, typeof n.loadModelDir, require("tbptt/package.json").engines.node);\n',
    );
    assert.match(
      check(run(process.execPath, [file], project), "require"),
      /^function function function \^20\.19/,
    );
  });

  it("installs a command that needs no checkout: --version, recipes, train speech/quickstart", () => {
    const version = check(run("npx", ["tbptt", "--version"], project), "tbptt --version").trim();
    assert.equal(version, JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    assert.match(check(run("npx", ["tbptt", "recipes"], project), "tbptt recipes"), /^speech\/quickstart /m);
    const trained = run("npx", ["tbptt", "train", "speech/quickstart", "--epochs", "2", "--quiet"], project);
    check(trained, "tbptt train speech/quickstart");
    assert.match(trained.stderr, /done \(epochs\): validation frame error [\d.]+%/);
    assert.ok(
      existsSync(join(project, "runs", "quickstart", "best", "model.json")),
      "the run goes where the user is",
    );
    const evaluated = run(
      "npx",
      [
        "tbptt",
        "eval",
        "--model",
        "runs/quickstart/best",
        "--data",
        "node_modules/tbptt/data/synth-timit-small",
      ],
      project,
    );
    assert.match(check(evaluated, "tbptt eval"), /frameError39 [\d.]+%/);
  });

  it("a TypeScript program against the API reference: train and save, then reload in a second process and predict identically", () => {
    const dir = join(project, "ts");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          outDir: "out",
          skipLibCheck: false,
          types: [],
        },
        include: ["*.ts"],
      }),
    );
    writeFileSync(
      join(dir, "first.ts"),
      `import { Rng, train, type Prediction, type TrainedModel } from "tbptt";
import { saveModelDir } from "tbptt/node";
import { writeFileSync } from "node:fs";

const rng = new Rng(7);
const rows = Array.from({ length: 120 }, (_, i) => {
  const x: number[][] = Array.from({ length: 12 }, () => [rng.uniform(-1, 1), rng.uniform(0, 10)]);
  return { x, y: x.map((v) => ((v[0] as number) > 0 ? "pos" : "neg")), id: \`s\${i}\` };
});
const model: TrainedModel = await train({
  data: { train: rows.slice(0, 100), valid: rows.slice(100), normalise: true },
  model: { cell: "gru", hiddenSize: 8 },
  schedule: { k1: 6, k2: 6 },
  optimizer: { type: "adam", lr: 0.02 },
  epochs: 3,
  streams: 4,
});
const predictions: Prediction[] = model.predict(rows.slice(100));
saveModelDir("model", model);
writeFileSync("expected.json", JSON.stringify(predictions));
console.log(model.training?.reason, model.evaluate(rows.slice(100)).summary.frameError);
`,
    );
    writeFileSync(
      join(dir, "second.ts"),
      `import { Rng, selectBackend } from "tbptt";
import { loadModelDir } from "tbptt/node";
import { readFileSync } from "node:fs";

const rng = new Rng(7);
const rows = Array.from({ length: 120 }, (_, i) => {
  const x: number[][] = Array.from({ length: 12 }, () => [rng.uniform(-1, 1), rng.uniform(0, 10)]);
  return { x, id: \`s\${i}\` };
});
const { backend } = await selectBackend({ dtype: "float32" });
const model = loadModelDir("model", backend);
const again = JSON.stringify(model.predict(rows.slice(100)));
const expected = readFileSync("expected.json", "utf8");
if (again !== expected) throw new Error("the reloaded model predicts differently");
console.log("identical", model.classes?.join(","));
`,
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    // the checkout's TypeScript compiles it; "tbptt" resolves to the installed package's declarations
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    check(
      run(
        process.execPath,
        [tsc, "-p", "tsconfig.json", "--types", "node", "--typeRoots", join(ROOT, "node_modules", "@types")],
        dir,
      ),
      "tsc",
    );
    assert.match(check(run(process.execPath, ["out/first.js"], dir), "the first process"), /^epochs 0?\.?\d/);
    assert.match(
      check(run(process.execPath, ["out/second.js"], dir), "the second process"),
      /^identical neg,pos$/m,
    );
  });

  it("the library guide's browser example runs in Chromium from the installed package", {
    skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (scripts/setup-system.sh installs it)`,
  }, async () => {
    const dir = join(project, "web");
    mkdirSync(dir, { recursive: true });
    const blocks = docBlocks("docs/library.md").filter((b) => b.kind === "browser");
    assert.deepEqual(
      blocks.map((b) => b.name),
      ["worker.js", "main.js"],
    );
    for (const b of blocks) writeFileSync(join(dir, b.name as string), b.code);
    const { build } = await import("esbuild");
    await build({
      entryPoints: [join(dir, "main.js"), join(dir, "worker.js")],
      bundle: true,
      format: "esm",
      splitting: true,
      platform: "browser",
      outdir: join(dir, "public"),
      absWorkingDir: dir,
      logLevel: "silent",
    });
    const files = new Map(
      readdirSync(join(dir, "public")).map((f) => [`/${f}`, readFileSync(join(dir, "public", f))]),
    );
    for (const [name, body] of files)
      assert.ok(!/from\s*"node:/.test(body.toString()), `${name} imports a Node built-in`);
    const server = createServer((req, res) => {
      const body = files.get(req.url ?? "");
      if (body) {
        res.writeHead(200, { "Content-Type": "text/javascript" });
        res.end(body);
      } else {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end('<!doctype html><meta charset="utf-8"><body><script type="module" src="/main.js"></script>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as { document: { body: { textContent: string | null } } }
          ).document.body.textContent?.includes("prediction:"),
        undefined,
        { timeout: 120_000 },
      );
      const text = (await page.textContent("body")) ?? "";
      assert.deepEqual(errors, []);
      assert.match(text, /epoch 5: frame error [\d.]+%/);
      assert.match(text, /prediction: (up|down) (up|down) (up|down) (up|down)/);
      assert.equal(await page.getAttribute("a", "download"), "model.safetensors");
    } finally {
      await browser.close();
      server.close();
    }
  });
});
