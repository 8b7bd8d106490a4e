import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addDeltas } from "../../src/tasks/speech/deltas.js";
import { frameCount } from "../../src/tasks/speech/frames.js";
import { applyFilterbank, hzToMel, melFilterbank } from "../../src/tasks/speech/mel.js";
import { computeMfcc, featureDim, resolveFrontEnd } from "../../src/tasks/speech/mfcc.js";
import { MagnitudeSpectrum } from "../../src/tasks/speech/spectrum.js";
import { applyWindow, hammingWindow } from "../../src/tasks/speech/window.js";
import { tone } from "./fixtures.js";

describe("front end", () => {
  it("defaults to 26 features per frame, 512-point FFT, 8 kHz band", () => {
    const o = resolveFrontEnd();
    assert.equal(featureDim(o), 26);
    assert.equal(o.fftSize, 512);
    assert.equal(o.highHz, 8000);
    assert.equal(featureDim(resolveFrontEnd({ accelerations: true })), 39);
    assert.equal(featureDim(resolveFrontEnd({ energy: "none", deltas: false })), 12);
  });
  it("refuses bad options by name", () => {
    assert.throws(
      () => resolveFrontEnd({ fftSize: 300 }),
      /fftSize must be a power of two ≥ windowLength 400, got 300/,
    );
    assert.throws(() => resolveFrontEnd({ ceps: 30 }), /ceps must be < channels 26/);
    assert.throws(() => resolveFrontEnd({ hop: 0 }), /hop must be a positive integer, got 0/);
  });
  it("produces ⌊(n − 400)/160⌋ + 1 frames (HTK) and ⌈n/160⌉ (SPTK frame)", () => {
    for (const n of [399, 400, 559, 560, 4000, 16001]) {
      const x = tone(300, n);
      assert.equal(computeMfcc(x).frames, frameCount(n, { window: 400, hop: 160 }), `n=${n}`);
      assert.equal(computeMfcc(x, { convention: "sptk" }).frames, Math.ceil(n / 160), `n=${n}`);
    }
  });
  it("puts a pure tone's energy in the mel band centred nearest to it", () => {
    const fb = melFilterbank(26, 512, 16000);
    const spec = new MagnitudeSpectrum(512);
    const win = hammingWindow(400);
    const centreMel = (c: number) => ((c + 1) / 27) * hzToMel(8000);
    for (const f of [250, 1000, 3000, 6000]) {
      const frame = Float64Array.from(tone(f, 400));
      applyWindow(frame, win);
      const mag = new Float64Array(257);
      spec.compute(frame, 400, mag);
      const bank = new Float64Array(26);
      applyFilterbank(fb, mag, bank);
      const loudest = bank.indexOf(Math.max(...bank));
      let nearest = 0;
      for (let c = 1; c < 26; c++)
        if (Math.abs(centreMel(c) - hzToMel(f)) < Math.abs(centreMel(nearest) - hzToMel(f))) nearest = c;
      assert.equal(loudest, nearest, `${f} Hz`);
    }
  });
  it("gives constant deltas for a linear ramp, away from the replicated edges", () => {
    const frames = 12;
    const data = new Float32Array(frames * 2);
    for (let t = 0; t < frames; t++) data[t * 2] = 3 * t - 5;
    addDeltas(data, frames, 2, 0, 1, 1, 2);
    for (let t = 2; t < frames - 2; t++) assert.ok(Math.abs(data[t * 2 + 1] - 3) < 1e-6, `t=${t}`);
    // at t = 0 the frames before are copies of frame 0: (1·(c1 − c0) + 2·(c2 − c0)) / 10 = (3 + 12)/10
    assert.ok(Math.abs(data[1] - 1.5) < 1e-6);
  });
  it("gives silence zero energy and finite features", () => {
    const f = computeMfcc(new Float32Array(2000));
    assert.ok(f.data.every(Number.isFinite));
    assert.equal(f.data[12], 0);
  });
});
