// The command line as an installed package uses it: config paths relative to the config
// file, bundled recipes by name, --version, --help on every command, --unset, and the
// overrides that take what `tbptt schedule` takes.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";
import { readConfigFile } from "../../src/io/config-file.js";
import { findConfigFile, listRecipes, PACKAGE_ROOT, packageVersion } from "../../src/io/package-files.js";
import { DEFAULT_FEATURE_CACHE, featureCacheFor } from "../../src/io/speech-task.js";
import { ROOT, runCli } from "../helpers/cli.js";

test("relative paths in a config are relative to its folder; typed ones and specs are left to the shell", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-paths-"));
  mkdirSync(join(dir, "configs"));
  const path = join(dir, "configs", "c.json");
  writeFileSync(
    path,
    JSON.stringify({
      data: {
        train: "../data/train.jsonl",
        valid: "synthetic:words?seed=1",
        cache: "cache",
        test: "/abs/t.jsonl",
      },
      init: "w.safetensors",
      out: "runs/x",
    }),
  );
  const { config } = readConfigFile(path);
  assert.equal(config.data.train, join(dir, "data", "train.jsonl"));
  assert.equal(config.data.valid, "synthetic:words?seed=1");
  assert.equal(config.data.cache, join(dir, "configs", "cache"));
  assert.equal(config.data.test, "/abs/t.jsonl");
  assert.equal(config.init, join(dir, "configs", "w.safetensors"));
  assert.equal(config.out, "runs/x", "runs go where the user is");
  const typed = readConfigFile(path, [
    ["data.train", "mine.jsonl"],
    ["data.valid", undefined],
  ]).config;
  assert.equal(typed.data.train, resolve("mine.jsonl"));
  assert.equal(typed.data.valid, undefined, "--unset removes the key");
});

test("overrides take what tbptt schedule takes: inf, ∞, every:N", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-sched-"));
  const path = join(dir, "c.json");
  writeFileSync(path, JSON.stringify({ data: { train: "t.jsonl" }, schedule: { k1: 5, k2: 5 } }));
  const { config } = readConfigFile(path, [
    ["schedule.k1", "inf"],
    ["schedule.k2", "∞"],
    ["schedule.reset", "every:5"],
  ]);
  assert.equal(config.schedule.k1, Number.POSITIVE_INFINITY);
  assert.equal(config.schedule.k2, Number.POSITIVE_INFINITY);
  assert.deepEqual(config.schedule.reset, { every: 5 });
  assert.throws(() => readConfigFile(path, [["schedule.reset", "every:0"]]), /schedule\.reset/);
  assert.throws(() => readConfigFile(path, [["schedule.k1", "infinite"]]), /schedule\.k1/);
});

test("bundled recipes by name: listed, found, and their bundled data found relative to them", () => {
  const recipes = listRecipes();
  const names = recipes.map((r) => r.name);
  assert.ok(names.includes("speech/quickstart"));
  assert.equal(
    findConfigFile("speech/quickstart"),
    join(PACKAGE_ROOT, "recipes", "speech", "quickstart.json"),
  );
  assert.equal(findConfigFile("speech/quickstart.json"), findConfigFile("speech/quickstart"));
  assert.equal(findConfigFile("speech/no-such-recipe"), null);
  for (const r of recipes) {
    assert.ok(r.description.length > 20, `${r.name}: a description`);
    const { config } = readConfigFile(r.path);
    // a recipe that names data shipped in the package (a folder of data/) finds it from anywhere;
    // the others name data the user brings (docs say to give --data.train)
    for (const p of [config.data.train, config.data.valid, config.data.test]) {
      const shipped = typeof p === "string" && /^data[/\\][^/\\]+/.exec(relative(PACKAGE_ROOT, p));
      if (shipped && existsSync(join(PACKAGE_ROOT, shipped[0])))
        assert.ok(existsSync(p as string), `${r.name}: ${p} is missing`);
    }
  }
  const missing = runCli(["train", "speech/no-such-recipe"]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no such config file.*nor a bundled recipe \(tbptt recipes lists them/);
  const listed = runCli(["recipes"]);
  assert.equal(listed.status, 0, listed.stderr);
  for (const name of names) assert.match(listed.stdout, new RegExp(`^${name} `, "m"));
});

test("--version, and --help on every command, from another working directory", () => {
  const elsewhere = mkdtempSync(join(tmpdir(), "tbptt-cwd-"));
  const version = runCli(["--version"], elsewhere);
  assert.equal(version.status, 0);
  assert.equal(version.stdout.trim(), packageVersion());
  assert.equal(packageVersion(), JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  for (const command of [
    "quickstart",
    "train",
    "eval",
    "predict",
    "schedule",
    "sample",
    "corpus",
    "recipes",
  ]) {
    const r = runCli([command, "--help"], elsewhere);
    assert.equal(r.status, 0, `${command} --help: ${r.stderr}`);
    assert.match(r.stdout, /Usage: tbptt/, command);
    // the docs it names ship with the package
    const docs = /Docs: (.*)/.exec(r.stdout)?.[1]?.split(", ") ?? [];
    assert.ok(docs.length > 0, `${command} --help names its docs`);
    for (const doc of docs) assert.ok(readFileSync(doc, "utf8").length > 100, doc);
  }
});

test("eval's feature cache: the flag, else the model's when it is on this machine, else ./.cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-cache-"));
  assert.equal(featureCacheFor({ featureCache: dir }, "mine"), "mine");
  assert.equal(featureCacheFor({ featureCache: dir }), dir);
  assert.equal(featureCacheFor({ featureCache: join(dir, "gone") }), DEFAULT_FEATURE_CACHE);
  assert.equal(featureCacheFor({}), DEFAULT_FEATURE_CACHE);
  assert.equal(DEFAULT_FEATURE_CACHE, join(".cache", "tbptt-features"));
});
