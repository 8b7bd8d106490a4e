import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { loadSpeechSet } from "../../src/io/speech-dataset.js";
import { indexTimit } from "../../src/io/timit.js";
import { phoneIndex61 } from "../../src/tasks/speech/phones.js";
import { makeFakeTimit } from "./corpus.js";

const root = makeFakeTimit();
const cacheDir = mkdtempSync(join(tmpdir(), "tbptt-cache-"));
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("loadSpeechSet", () => {
  const idx = indexTimit(root, { validationSpeakers: 1 });

  it("gives 26 features and a 61-phone label per frame", () => {
    const set = loadSpeechSet(idx.train, {}, null);
    assert.equal(set.utterances.length, idx.train.length);
    const u = set.utterances[0];
    assert.equal(u.dim, 26);
    assert.equal(u.frames, 13); // ⌊(2400 − 400)/160⌋ + 1
    assert.equal(u.features.length, 13 * 26);
    assert.ok(u.features.every(Number.isFinite));
    // centres t·160 + 200: h# below 800 (t ≤ 3), iy in [800, 1600) (t = 4 .. 8), h# after
    const hash = phoneIndex61("h#");
    const iy = phoneIndex61("iy");
    assert.deepEqual(Array.from(u.labels), [
      hash,
      hash,
      hash,
      hash,
      iy,
      iy,
      iy,
      iy,
      iy,
      hash,
      hash,
      hash,
      hash,
    ]);
  });

  it("applies the target delay", () => {
    const u = loadSpeechSet(idx.train.slice(0, 1), {}, null, { targetDelay: 3 }).utterances[0];
    assert.deepEqual(Array.from(u.labels.slice(0, 4)), [-1, -1, -1, phoneIndex61("h#")]);
    assert.equal(u.labels[7], phoneIndex61("iy"));
  });

  it("hits the cache on the second run, misses it when settings or the file change", () => {
    const first = loadSpeechSet(idx.train, {}, cacheDir);
    assert.equal(first.computed, idx.train.length);
    assert.equal(first.cacheHits, 0);
    assert.equal(readdirSync(cacheDir).filter((f) => f.endsWith(".feat")).length, idx.train.length);
    assert.equal(readdirSync(cacheDir).filter((f) => f.endsWith(".tmp")).length, 0);
    const second = loadSpeechSet(idx.train, {}, cacheDir);
    assert.equal(second.cacheHits, idx.train.length);
    assert.equal(second.computed, 0);
    assert.deepEqual(second.utterances[2].features, first.utterances[2].features);
    assert.deepEqual(second.utterances[2].labels, first.utterances[2].labels);
    const other = loadSpeechSet(idx.train, { accelerations: true }, cacheDir);
    assert.equal(other.computed, idx.train.length);
    assert.equal(other.utterances[0].dim, 39);
    const touched = { ...idx.train[0], audioMtimeMs: idx.train[0].audioMtimeMs + 1000 };
    assert.equal(loadSpeechSet([touched], {}, cacheDir).computed, 1);
  });

  it("reports bad files with skipBad and throws without it", () => {
    const bad = idx.test.slice(0, 3).map((e) => ({ ...e }));
    writeFileSync(bad[0].phnPath, "0 800 h#\n800 9999 iy\n");
    writeFileSync(bad[1].audioPath, "not audio at all");
    assert.throws(
      () => loadSpeechSet(bad, {}, null),
      /:2: out of range: segment ends at 9999, beyond the audio's 2400 samples/,
    );
    const set = loadSpeechSet(bad, {}, null, { skipBad: true });
    assert.equal(set.utterances.length, 1);
    assert.equal(set.problems.length, 2);
    assert.match(set.problems[0], /^test\/dr1\/\w+\/si1: .*out of range/);
    assert.match(set.problems[1], /SI1\.WAV: not NIST SPHERE .* nor RIFF WAV/);
  });

  it("keeps label checks on a cache hit (the audio length is cached)", () => {
    const e = { ...idx.validation[0] };
    loadSpeechSet([e], {}, cacheDir);
    writeFileSync(e.phnPath, "0 800 h#\n800 2500 iy\n");
    const set = loadSpeechSet([e], {}, cacheDir, { skipBad: true });
    assert.equal(set.cacheHits, 1);
    assert.match(set.problems[0], /beyond the audio's 2400 samples/);
  });
});

const synth = fileURLToPath(new URL("../../data/synth-timit-small/", import.meta.url));
describe("the shipped synthetic corpus", { skip: existsSync(synth) ? false : `${synth} not present` }, () => {
  it("indexes (core test set off: its speakers are not TIMIT's) and loads without problems", () => {
    assert.throws(() => indexTimit(synth), /core test speakers missing: .*coreTest: false/);
    const idx = indexTimit(synth, { coreTest: false, validationSpeakers: 1 });
    assert.ok(idx.train.length > 0 && idx.validation.length > 0 && idx.test.length > 0);
    const set = loadSpeechSet([...idx.train, ...idx.validation, ...idx.test], {}, null);
    assert.deepEqual(set.problems, []);
    for (const u of set.utterances) {
      assert.equal(u.dim, 26);
      assert.ok(u.frames > 0 && u.features.every(Number.isFinite));
      assert.ok(u.labels.every((l) => l >= -1 && l < 61));
    }
  });
});
