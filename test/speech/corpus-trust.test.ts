// A corpus as users keep one (issue 10, item 5): a speaker folder linked in from elsewhere
// is read like any other (it used to vanish silently); a link to nothing is a problem named
// by its path; a corrupt TEST file does not stop a training run, which never scores TEST,
// while eval stops on it, naming it, and `eval`/`predict --skip-bad` read the rest.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { indexTimit } from "../../src/io/timit.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { makeFakeTimit } from "./corpus.js";

test("symbolic links to speaker folders are followed; a link to nothing is named", () => {
  const root = makeFakeTimit();
  const before = indexTimit(root, { validationSpeakers: 0 });
  // Move one training speaker out of the tree and link it back in.
  const elsewhere = join(mkdtempSync(join(tmpdir(), "tbptt-elsewhere-")), "FCJF0");
  renameSync(join(root, "TRAIN", "DR1", "FCJF0"), elsewhere);
  symlinkSync(elsewhere, join(root, "TRAIN", "DR1", "FCJF0"));
  const linked = indexTimit(root, { validationSpeakers: 0 });
  assert.deepEqual(
    linked.train.map((e) => e.id),
    before.train.map((e) => e.id),
  );
  assert.ok(linked.train.some((e) => e.speaker === "fcjf0"));
  // A linked file too: a sentence's audio linked from the moved folder's copy.
  const dangling = join(root, "TRAIN", "DR2", "GONE0");
  symlinkSync(join(root, "nowhere"), dangling);
  assert.throws(
    () => indexTimit(root, { validationSpeakers: 0 }),
    new RegExp(`${dangling}: a symbolic link to nothing`),
  );
  const lenient = indexTimit(root, { validationSpeakers: 0, skipBad: true });
  assert.equal(lenient.train.length, before.train.length);
  assert.ok(lenient.problems.some((p) => p.startsWith(`${dangling}: a symbolic link to nothing`)));
});

test("a corrupt TEST file: training runs, eval names it, eval and predict --skip-bad read the rest", () => {
  const root = join(mkdtempSync(join(tmpdir(), "tbptt-test-split-")), "corpus");
  cpSync(join(ROOT, "data", "synth-timit-small"), root, { recursive: true });
  const dialect = join(root, "TEST", "DR1");
  const speaker = join(dialect, readdirSync(dialect).sort()[0] as string);
  const wav = join(speaker, readdirSync(speaker).find((f) => f.endsWith(".WAV")) as string);
  truncateSync(wav, 500);
  const out = mkdtempSync(join(tmpdir(), "tbptt-test-split-run-"));
  const trained = runCli([
    "train",
    join(ROOT, "recipes", "speech", "quickstart.json"),
    "--quiet",
    "--data.train",
    root,
    "--model.hiddenSize",
    "4",
    "--maxUpdates",
    "1",
    "--out",
    out,
  ]);
  assert.equal(trained.status, 0, trained.stderr);
  const model = join(out, "model");
  const strict = runCli(["eval", "--model", model, "--data", root]);
  assert.equal(strict.status, 1, strict.stderr);
  assert.ok(strict.stderr.includes(wav), strict.stderr);
  for (const command of ["eval", "predict"]) {
    // predict's probabilities go to a file: 61 per frame overflow a pipe's buffer here
    const lenient = runCli([
      command,
      "--model",
      model,
      "--data",
      root,
      "--skip-bad",
      "--out",
      join(out, "p.jsonl"),
    ]);
    assert.equal(lenient.status, 0, `${command}: ${lenient.stderr}`);
    assert.match(lenient.stderr, /skipped 1 bad file\(s\):/, command);
    assert.ok(lenient.stderr.includes(wav), lenient.stderr);
  }
  // The validation split is read without TEST at all.
  rmSync(wav);
  const validation = runCli(["eval", "--model", model, "--data", root, "--split", "validation"]);
  assert.equal(validation.status, 0, validation.stderr);
});
