import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Rng } from "../../src/core/random.js";
import { FALLBACK_CLOSURE_FRACTION, splitStop } from "../../src/tasks/speech/synth/stops.js";

const RATE = 16000;

/** Quiet closure then a loud burst at `burst`, over [0, length). */
function closureThenBurst(length: number, burst: number, seed = 1): Int16Array {
  const rng = new Rng(seed);
  const x = new Int16Array(length);
  for (let n = 0; n < length; n++) x[n] = Math.round((n < burst ? 20 : 4000) * (2 * rng.next() - 1));
  return x;
}

describe("synth stop split", () => {
  it("finds the burst after a silent closure", () => {
    const x = closureThenBurst(1600, 1000); // 100 ms stop, burst at 62.5 ms
    const split = splitStop(x, 0, 1600, "t", { sampleRate: RATE });
    assert.equal(split.method, "energy");
    assert.ok(Math.abs(split.boundary - 1000) <= 32, `boundary ${split.boundary}`);
  });

  it("measures within the segment only, not the audio around it", () => {
    const x = closureThenBurst(3200, 2200);
    for (let n = 0; n < 800; n++) x[n] = 8000; // loud vowel before the stop
    const split = splitStop(x, 800, 2800, "k", { sampleRate: RATE });
    assert.equal(split.method, "energy");
    assert.ok(Math.abs(split.boundary - 2200) <= 32, `boundary ${split.boundary}`);
  });

  it("takes the first burst, not a later louder onset", () => {
    const rng = new Rng(4);
    const x = new Int16Array(1600);
    for (let n = 0; n < 1600; n++) {
      const amplitude = n < 400 ? 6000 : n < 1000 ? 20 : n < 1300 ? 600 : 6000; // fricative tail, closure, burst, vowel
      x[n] = Math.round(amplitude * (2 * rng.next() - 1));
    }
    const split = splitStop(x, 0, 1600, "t", { sampleRate: RATE });
    assert.equal(split.method, "energy");
    assert.ok(Math.abs(split.boundary - 1000) <= 32, `boundary ${split.boundary}`);
  });

  it("takes the half-way point of a smooth rise that has no abrupt step", () => {
    // Silence for 40 ms, then amplitude growing by 3 dB per 2 ms frame: no 6 dB step anywhere.
    const rng = new Rng(3);
    const x = new Int16Array(1600);
    for (let n = 640; n < 1600; n++) {
      const frame = Math.floor((n - 640) / 32);
      x[n] = Math.round(Math.min(8000, 40 * 10 ** ((3 * frame) / 20)) * (2 * rng.next() - 1));
    }
    const split = splitStop(x, 0, 1600, "t", { sampleRate: RATE });
    assert.equal(split.method, "energy");
    // Quietest ~30 dB (the floor), loudest ~73 dB: half-way ~52 dB, about 9 frames into the ramp.
    assert.ok(split.boundary > 640 + 6 * 32 && split.boundary < 640 + 12 * 32, `boundary ${split.boundary}`);
  });

  it("falls back to the phone's fixed fraction without a burst", () => {
    const rng = new Rng(2);
    const x = Int16Array.from({ length: 1000 }, () => Math.round(1000 * (2 * rng.next() - 1)));
    const split = splitStop(x, 0, 1000, "b", { sampleRate: RATE });
    assert.equal(split.method, "fraction");
    assert.equal(split.boundary, Math.round(FALLBACK_CLOSURE_FRACTION.b! * 1000));
  });

  it("falls back on segments too short to measure and stays strictly inside", () => {
    const x = closureThenBurst(100, 50);
    for (const [start, end] of [
      [10, 12],
      [10, 13],
      [0, 100],
    ] as const) {
      const split = splitStop(x, start, end, "p", { sampleRate: RATE });
      assert.ok(split.boundary > start && split.boundary < end, `${start} < ${split.boundary} < ${end}`);
    }
  });

  it("keeps a minimum closure even when the segment opens loud", () => {
    const x = closureThenBurst(1600, 0);
    for (let n = 0; n < 64; n++) x[n] = 0;
    const split = splitStop(x, 0, 1600, "d", { sampleRate: RATE });
    assert.ok(split.boundary >= 0.2 * 1600, `boundary ${split.boundary}`);
  });

  it("rejects a segment outside the audio", () => {
    assert.throws(() => splitStop(new Int16Array(10), 5, 20, "t", { sampleRate: RATE }), /segment \[5, 20\)/);
  });
});
