import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { foldLabels, foldTo39, phoneIndex61, TIMIT_PHONES_61 } from "../../src/tasks/speech/phones.js";

describe("phone sets", () => {
  it("has 61 distinct TIMIT labels", () => {
    assert.equal(TIMIT_PHONES_61.length, 61);
    assert.equal(new Set(TIMIT_PHONES_61).size, 61);
  });
  it("folds 61 to 39 classes with q dropped", () => {
    const f = foldTo39();
    assert.equal(f.labels.length, 39);
    assert.equal(new Set(Array.from(f.map).filter((c) => c >= 0)).size, 39);
    assert.equal(f.map[phoneIndex61("q")], -1);
    const name = (p: string) => f.labels[f.map[phoneIndex61(p)]];
    assert.equal(name("ao"), "aa");
    assert.equal(name("ax-h"), "ah");
    assert.equal(name("zh"), "sh");
    assert.equal(name("h#"), "sil");
    assert.equal(name("kcl"), "sil");
    assert.equal(name("nx"), "n");
    assert.equal(name("iy"), "iy");
  });
  it("keeps q as a 40th class when asked", () => {
    const f = foldTo39({ q: "keep" });
    assert.equal(f.labels.length, 40);
    assert.equal(f.labels[f.map[phoneIndex61("q")]], "q");
  });
  it("folds label sequences, keeping -1", () => {
    const f = foldTo39();
    const seq = Int32Array.from([phoneIndex61("ix"), -1, phoneIndex61("q")]);
    assert.deepEqual(Array.from(foldLabels(seq, f)), [f.labels.indexOf("ih"), -1, -1]);
  });
});
