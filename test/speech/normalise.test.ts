import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { normalisationStats, normalise } from "../../src/tasks/speech/normalise.js";

describe("normalisation", () => {
  it("takes mean and std over all frames of all utterances, per dimension", () => {
    const a = Float32Array.from([1, 10, 3, 10]);
    const b = Float32Array.from([5, 10]);
    const s = normalisationStats([a, b], 2);
    assert.deepEqual(Array.from(s.mean), [3, 10]);
    assert.ok(Math.abs(s.std[0] - Math.sqrt(8 / 3)) < 1e-6);
    assert.equal(s.std[1], 1); // constant column keeps std 1
    normalise(a, s);
    assert.ok(Math.abs(a[0] + 2 / Math.sqrt(8 / 3)) < 1e-6);
    assert.equal(a[1], 0);
  });
  it("refuses matrices that are not frames × dim", () => {
    assert.throws(() => normalisationStats([new Float32Array(3)], 2), /3 values is not frames × 2/);
    assert.throws(() => normalisationStats([], 2), /no frames/);
  });
});
