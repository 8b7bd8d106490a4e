import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { indexTimit, TIMIT_CORE_TEST_SPEAKERS } from "../../src/io/timit.js";
import { makeFakeTimit, writeUtterance } from "./corpus.js";

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function fake(upper = true): string {
  const r = makeFakeTimit(upper);
  roots.push(r);
  return r;
}

describe("TIMIT core test set", () => {
  it("lists 24 speakers, 2 male and 1 female per dialect region", () => {
    const all = Object.values(TIMIT_CORE_TEST_SPEAKERS).flat();
    assert.equal(all.length, 24);
    assert.equal(new Set(all).size, 24);
    for (const s of Object.values(TIMIT_CORE_TEST_SPEAKERS))
      assert.deepEqual(s.map((x) => x[0]).sort(), ["f", "m", "m"]);
  });
});

describe("indexTimit", () => {
  for (const upper of [true, false])
    it(`indexes an ${upper ? "upper" : "lower"}-case tree: no SA, core test set, speaker-disjoint validation`, () => {
      const root = fake(upper);
      const idx = indexTimit(root, { validationSpeakers: 2 });
      assert.deepEqual(idx.problems, []);
      assert.equal(idx.train.length + idx.validation.length, 12); // 6 speakers × (si1, sx1)
      assert.equal(idx.validation.length, 4);
      const trainSpk = new Set(idx.train.map((e) => e.speaker));
      for (const e of idx.validation) assert.ok(!trainSpk.has(e.speaker));
      assert.ok([...idx.train, ...idx.validation, ...idx.test].every((e) => e.kind !== "sa"));
      assert.equal(idx.test.length, 24); // core speakers' si1 only; mzzz0 left out
      assert.ok(idx.test.every((e) => e.speaker !== "mzzz0"));
      const e = idx.train.find((x) => x.speaker === idx.train[0].speaker)!;
      assert.match(e.id, /^train\/dr\d\/[a-z0-9]+\/s[ix]1$/);
      assert.ok(e.audioBytes > 1024 && e.wrdPath !== null && e.txtPath !== null);
    });
  it("holds out 5% of the training speakers by default, at least one", () => {
    const idx = indexTimit(fake());
    assert.equal(new Set(idx.validation.map((e) => e.speaker)).size, 1);
    assert.equal(indexTimit(fake(), { validationFraction: 0 }).validation.length, 0);
  });
  it("draws the same validation speakers for the same seed, others for another", () => {
    const root = fake();
    const a = indexTimit(root, { validationSpeakers: 3 }).validation.map((e) => e.id);
    const b = indexTimit(root, { validationSpeakers: 3 }).validation.map((e) => e.id);
    assert.deepEqual(a, b);
    const seeds = [1, 2, 3, 4, 5].map((s) =>
      indexTimit(root, { validationSpeakers: 3, validationSeed: s })
        .validation.map((e) => e.id)
        .join(),
    );
    assert.ok(seeds.some((s) => s !== a.join()));
  });
  it("includes SA sentences and the whole TEST when asked", () => {
    const idx = indexTimit(fake(), { includeSA: true, coreTest: false, validationSpeakers: 0 });
    assert.equal(idx.train.length, 18);
    assert.equal(idx.validation.length, 0);
    assert.equal(idx.test.length, 50); // 25 speakers × 2
  });
  it("finds the corpus inside a TIMIT folder", () => {
    const parent = mkdtempSync(join(tmpdir(), "tbptt-timit-parent-"));
    roots.push(parent);
    renameSync(fake(), join(parent, "TIMIT"));
    assert.equal(indexTimit(parent, { validationSpeakers: 1 }).test.length, 24);
  });
  it("reports a missing .PHN and missing core speakers; skipBad reads the rest", () => {
    const root = fake();
    unlinkSync(join(root, "TRAIN", "DR1", "FCJF0", "SI1.PHN"));
    writeUtterance(root, { split: "TRAIN", dialect: "DR2", speaker: "MXYZ0", sentence: "SI9" }, true);
    unlinkSync(join(root, "TRAIN", "DR2", "MXYZ0", "SI9.WAV"));
    assert.throws(
      () => indexTimit(root, { validationSpeakers: 1 }),
      /2 problem\(s\)[\s\S]*FCJF0.SI1\.(WRD|TXT): no \.PHN file beside it for si1[\s\S]*MXYZ0.SI9\.(PHN|WRD|TXT): no audio/,
    );
    const idx = indexTimit(root, { validationSpeakers: 1, skipBad: true });
    assert.equal(idx.problems.length, 2);
    assert.equal(idx.train.length + idx.validation.length, 11);
  });
  it("says how to index a corpus whose speakers are not TIMIT's", () => {
    const root = fake();
    rmSync(join(root, "TEST", "DR3"), { recursive: true });
    assert.throws(
      () => indexTimit(root, { validationSpeakers: 1 }),
      /core test speakers missing: mjmp0, mlnt0, fpkt0 \(.*coreTest: false\)/,
    );
    assert.equal(indexTimit(root, { validationSpeakers: 1, coreTest: false }).test.length, 22); // 21 core speakers + mzzz0, si1 each
  });
  it("refuses a folder without TRAIN and TEST, and an impossible validation size", () => {
    assert.throws(() => indexTimit(join(fake(), "TRAIN")), /has no TRAIN and TEST folders/);
    assert.throws(
      () => indexTimit(fake(), { validationSpeakers: 6 }),
      /validationSpeakers must be in 0 \.\. 5 \(there are 6 training speakers\), got 6/,
    );
    assert.throws(
      () => indexTimit(fake(), { validationFraction: 1 }),
      /validationFraction must be in \[0, 1\), got 1/,
    );
  });
});

describe("indexTimit at TIMIT's size", () => {
  it("indexes 630 speakers × 10 sentences (25,200 files) in seconds, without reading audio", () => {
    const root = mkdtempSync(join(tmpdir(), "tbptt-timit-big-"));
    roots.push(root);
    for (let s = 0; s < 630; s++) {
      const dir = join(
        root,
        s < 462 ? "TRAIN" : "TEST",
        `DR${1 + (s % 8)}`,
        `M${String(s).padStart(3, "0")}0`,
      );
      mkdirSync(dir, { recursive: true });
      const sentences = ["SA1", "SA2", "SI1", "SI2", "SI3", "SX1", "SX2", "SX3", "SX4", "SX5"];
      for (const u of sentences)
        for (const ext of ["WAV", "PHN", "WRD", "TXT"]) writeFileSync(join(dir, `${u}.${ext}`), "x");
    }
    const t0 = performance.now();
    const idx = indexTimit(root, { coreTest: false });
    const seconds = (performance.now() - t0) / 1000;
    assert.ok(seconds < 5, `took ${seconds} s`);
    assert.equal(idx.train.length, 3512); // 3,696 SI+SX training utterances less 23 speakers × 8
    assert.equal(idx.validation.length, 184);
    assert.equal(idx.test.length, 168 * 8);
  });
});
