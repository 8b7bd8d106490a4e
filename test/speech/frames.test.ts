import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { delayLabels, frameCount, frameLabels } from "../../src/tasks/speech/frames.js";

const g = { window: 400, hop: 160 };

describe("frames", () => {
  it("counts whole frames as HTK does", () => {
    assert.equal(frameCount(399, g), 0);
    assert.equal(frameCount(400, g), 1);
    assert.equal(frameCount(559, g), 1);
    assert.equal(frameCount(560, g), 2);
    assert.equal(frameCount(16000, g), 98);
  });
  it("labels each frame by its centre sample t·hop + window/2", () => {
    // centres: 200, 360, 520, 680, 840
    const segs = [
      { start: 0, end: 360, label: 1 },
      { start: 360, end: 700, label: 2 },
      { start: 700, end: 800, label: 3 },
    ];
    assert.deepEqual(Array.from(frameLabels(segs, 5, g)), [1, 2, 2, 2, -1]);
  });
  it("leaves frames before the first segment unlabelled", () => {
    assert.deepEqual(Array.from(frameLabels([{ start: 300, end: 2000, label: 4 }], 3, g)), [-1, 4, 4]);
  });
  it("delays targets by d frames, masking the first d", () => {
    const labels = Int32Array.from([5, 6, 7, 8]);
    assert.deepEqual(Array.from(delayLabels(labels, 0)), [5, 6, 7, 8]);
    assert.deepEqual(Array.from(delayLabels(labels, 2)), [-1, -1, 5, 6]);
    assert.deepEqual(Array.from(delayLabels(labels, 9)), [-1, -1, -1, -1]);
    assert.throws(() => delayLabels(labels, -1), /delay must be an integer ≥ 0, got -1/);
  });
});
