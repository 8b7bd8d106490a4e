// Corpora from files and folders: concatenation order, the validation split, and bad
// files named in the error.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadTextCorpus, loadTextForModel, readTextSources } from "../../src/io/text-files.js";
import { buildCorpus } from "../../src/tasks/text/corpus.js";
import { textModelMeta } from "../../src/tasks/text/meta.js";
import { Vocabulary } from "../../src/tasks/text/vocabulary.js";

const dir = mkdtempSync(join(tmpdir(), "tbptt-text-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const utf8 = (s: string) => new TextEncoder().encode(s);

test("the validation split is the last fraction of the text; the vocabulary covers both", () => {
  const text = `${"abcdefghij".repeat(10)}XYZ`;
  const corpus = buildCorpus([{ name: "t", bytes: utf8(text) }], { unit: "char", validFraction: 0.05 });
  const n = Math.round(103 * 0.05); // 5
  assert.equal(corpus.valid?.length, n);
  assert.equal(corpus.train.length, 103 - n);
  assert.equal(corpus.vocabulary.decode(corpus.valid ?? []), "hijXYZ".slice(1));
  assert.equal(corpus.vocabulary.size, 13);
  assert.deepEqual(corpus.files, [{ name: "t", symbols: 103 }]);
});

test("validFraction is checked", () => {
  const sources = [{ name: "t", bytes: utf8("abcdef") }];
  assert.throws(
    () => buildCorpus(sources, { unit: "char", validFraction: 1 }),
    /validFraction: expected a number in \[0, 1\), got 1/,
  );
  assert.throws(() => buildCorpus(sources, { unit: "char", validFraction: 0.01 }), /leaves 0 for validation/);
  const none = buildCorpus(sources, { unit: "char", validFraction: 0 });
  assert.equal(none.valid, null);
  assert.equal(none.train.length, 6);
});

test("a folder is read recursively in sorted order, hidden files and symbolic links skipped", async () => {
  const folder = join(dir, "books");
  mkdirSync(join(folder, "b-part"), { recursive: true });
  writeFileSync(join(folder, "c.txt"), "third ");
  writeFileSync(join(folder, "a.txt"), "first ");
  writeFileSync(join(folder, "b-part", "x.txt"), "second ");
  writeFileSync(join(folder, ".hidden"), "\u0000");
  symlinkSync(join(folder, "a.txt"), join(folder, "d-link.txt")); // as GPL -> GPL-3: not read twice
  const sources = await readTextSources(folder);
  assert.deepEqual(
    sources.map((s) => s.name),
    [join(folder, "a.txt"), join(folder, "b-part", "x.txt"), join(folder, "c.txt")],
  );
  const corpus = await loadTextCorpus({ train: folder, unit: "char", validFraction: 0 });
  assert.equal(corpus.vocabulary.decode(corpus.train), "first second third ");
});

test("bad files are named: missing, empty, binary, not UTF-8", async () => {
  await assert.rejects(
    loadTextCorpus({ train: join(dir, "nope.txt"), unit: "char", validFraction: 0 }),
    /data\.train: cannot read .*nope\.txt: no such file or folder/,
  );
  const empty = join(dir, "empty.txt");
  writeFileSync(empty, "");
  await assert.rejects(
    loadTextCorpus({ train: empty, unit: "byte", validFraction: 0 }),
    new RegExp(`${empty}: the file is empty`),
  );
  const binary = join(dir, "image.bin");
  writeFileSync(binary, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x00, 0x00));
  await assert.rejects(
    loadTextCorpus({ train: binary, unit: "char", validFraction: 0 }),
    (e: Error) => e.message.startsWith(`${binary}: `) && e.message.includes("--data.unit byte"),
  );
  const bytes = await loadTextCorpus({ train: binary, unit: "byte", validFraction: 0 });
  assert.equal(bytes.train.length, 6);
  const emptyDir = join(dir, "nothing");
  mkdirSync(emptyDir);
  await assert.rejects(
    loadTextCorpus({ train: emptyDir, unit: "char", validFraction: 0 }),
    /the folder .*nothing holds no files/,
  );
});

test("a separate validation file must use the training vocabulary", async () => {
  const train = join(dir, "train.txt");
  const valid = join(dir, "valid.txt");
  writeFileSync(train, "abcabc");
  writeFileSync(valid, "abqz");
  await assert.rejects(loadTextCorpus({ train, valid, unit: "char", validFraction: 0 }), (e: Error) =>
    e.message.startsWith(
      `${valid} (validation): 2 symbol(s) not in the model's vocabulary of 3: "q" (U+0071), "z" (U+007A)`,
    ),
  );
  writeFileSync(valid, "cab");
  const corpus = await loadTextCorpus({ train, valid, unit: "char", validFraction: 0 });
  assert.equal(corpus.vocabulary.decode(corpus.valid ?? []), "cab");
  await assert.rejects(
    loadTextCorpus({ train, valid, unit: "char", validFraction: 0.05 }),
    /either a validation file or validFraction > 0/,
  );
});

test("loadTextForModel encodes a text with a trained model's vocabulary", async () => {
  const meta = textModelMeta(Vocabulary.fromTexts("char", ["abc \n"]));
  const file = join(dir, "eval.txt");
  writeFileSync(file, "cab abc\nbca ");
  const data = await loadTextForModel(meta, file, 3);
  assert.equal(data.sequences.length, 3);
  assert.equal(data.symbols, 12);
  assert.equal(data.report({ lossPerFrame: 2 * Math.LN2 }).bitsPerChar, 2);
  writeFileSync(file, "cab abd");
  await assert.rejects(
    loadTextForModel(meta, file, 3),
    /eval\.txt: 1 symbol\(s\) not in the model's vocabulary of 5: "d" \(U\+0064\)/,
  );
  await assert.rejects(loadTextForModel({ task: "speech" }, file, 3, "runs/x"), /runs\/x: not a text model/);
});
