// A corpus with bad files: without --skip-bad training stops at the first one, naming the
// file and the line; with it, the rest of the corpus trains and the skipped files are listed.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, runCli } from "../helpers/cli.js";

function corruptCorpus(): { root: string; phn: string; wav: string } {
  const root = join(mkdtempSync(join(tmpdir(), "tbptt-bad-corpus-")), "corpus");
  cpSync(join(ROOT, "data", "synth-timit-small"), root, { recursive: true });
  const speakers = join(root, "TRAIN", "DR1");
  const [first, second] = readdirSync(speakers).sort();
  const utterance = (speaker: string) =>
    readdirSync(join(speakers, speaker)).find((f) => f.endsWith(".PHN")) as string;
  // a gap between two segments, on line 2
  const phn = join(speakers, first as string, utterance(first as string));
  const lines = readFileSync(phn, "utf8").trim().split("\n");
  const [s, e, label] = (lines[1] as string).split(" ");
  lines[1] = `${Number(s) + 10} ${e} ${label}`;
  writeFileSync(phn, `${lines.join("\n")}\n`);
  // a SPHERE header cut short
  const wav = join(speakers, second as string, utterance(second as string).replace(".PHN", ".WAV"));
  truncateSync(wav, 500);
  return { root, phn, wav };
}

test("bad files in a corpus: a clear stop without --skip-bad, a report of what was skipped with it", () => {
  const { root, phn, wav } = corruptCorpus();
  const out = mkdtempSync(join(tmpdir(), "tbptt-bad-run-"));
  const args = [
    "train",
    join(ROOT, "recipes", "speech", "quickstart.json"),
    "--quiet",
    "--data.train",
    root,
    "--maxUpdates",
    "2",
    "--out",
    out,
  ];
  const strict = runCli(args);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /\.PHN|\.WAV/);
  const lenient = runCli([...args, "--skip-bad"]);
  assert.equal(lenient.status, 0, lenient.stderr);
  assert.match(lenient.stderr, /skipped 2 bad file\(s\):/);
  // each skipped file is named, with its problem
  assert.ok(lenient.stderr.includes(phn), lenient.stderr);
  assert.ok(lenient.stderr.includes(wav), lenient.stderr);
  assert.match(lenient.stderr, /truncated SPHERE header/);
});
