// The 40-channel log mel filterbank front end (data.frontEnd "fbank", Sak et al. 2014)
// against a float64 reference written here from the definitions alone: the DFT by its
// sum (no FFT), each triangular filter from its mel-spaced edges (not HTK's per-bin
// split that mel.ts uses), HTK's pre-emphasis, Hamming window and bin range.
import assert from "node:assert/strict";
import { test } from "node:test";
import { computeFbank, computeFeatures, frontEndOptions } from "../../src/tasks/speech/fbank.js";
import { computeMfcc, featureDim, resolveFrontEnd } from "../../src/tasks/speech/mfcc.js";
import { parseConfig } from "../../src/train/config.js";

/** Two tones (one fading in) and noise at speech-like levels, on the 16-bit scale. */
function signal(n: number): Float32Array {
  const x = new Float32Array(n);
  let seed = 11;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    x[i] = Math.round(
      2500 * Math.sin((2 * Math.PI * 310 * i) / 16000) +
        1200 * Math.sin((2 * Math.PI * 3100 * i) / 16000) * (i / n) +
        300 * (seed / 4294967296 - 0.5),
    );
  }
  return x;
}

const mel = (f: number) => 1127 * Math.log(1 + f / 700);

/** log filterbank outputs of frame t, written from the definitions (HTK convention, 16 kHz, 25/10 ms, 512-point). */
function reference(x: Float32Array, t: number, channels: number, power: boolean): number[] {
  const W = 400;
  const N = 512;
  const fs = 16000;
  const raw = Array.from({ length: W }, (_, i) => x[t * 160 + i] as number);
  // pre-emphasis within the frame, the first sample against itself: y[0] = (1 − 0.97) x[0]
  const y = raw.map((v, i) => v - 0.97 * (raw[i > 0 ? i - 1 : 0] as number));
  const windowed = y.map((v, i) => v * (0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (W - 1))));
  const spectrum: number[] = [];
  for (let k = 0; k <= N / 2; k++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < W; n++) {
      re += (windowed[n] as number) * Math.cos((2 * Math.PI * k * n) / N);
      im -= (windowed[n] as number) * Math.sin((2 * Math.PI * k * n) / N);
    }
    const magnitude = Math.sqrt(re * re + im * im);
    spectrum.push(power ? magnitude * magnitude : magnitude);
  }
  // C triangles with C + 2 edges equally spaced in mel over 0 .. fs/2; bins 1 .. N/2 − 1 (HTK leaves out DC and Nyquist)
  const edge = (j: number) => (j * mel(fs / 2)) / (channels + 1);
  const out: number[] = [];
  for (let j = 1; j <= channels; j++) {
    let sum = 0;
    for (let k = 1; k < N / 2; k++) {
      const m = mel((k * fs) / N);
      let w = 0;
      if (m >= edge(j - 1) && m <= edge(j)) w = (m - edge(j - 1)) / (edge(j) - edge(j - 1));
      else if (m > edge(j) && m <= edge(j + 1)) w = (edge(j + 1) - m) / (edge(j + 1) - edge(j));
      sum += w * (spectrum[k] as number);
    }
    out.push(Math.log(Math.max(sum, 1)));
  }
  return out;
}

/** Largest absolute difference between computeFbank's output and the reference over every frame. */
function worstDifference(x: Float32Array, channels: number, power: boolean): number {
  const f = computeFbank(x, { channels, power });
  let worst = 0;
  for (let t = 0; t < f.frames; t++) {
    const ref = reference(x, t, channels, power);
    for (let c = 0; c < channels; c++)
      worst = Math.max(worst, Math.abs((f.data[t * channels + c] as number) - (ref[c] as number)));
  }
  return worst;
}

test("fbank: 40 log power channels per 10 ms frame equal the float64 reference", () => {
  const x = signal(4000);
  const f = computeFbank(x);
  assert.equal(f.dim, 40);
  assert.equal(f.frames, Math.floor((4000 - 400) / 160) + 1);
  // float32 storage of values up to ~25: a few 1e-6 absolute
  const worst = worstDifference(x, 40, true);
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
});

test("fbank with power false and 23 channels (HTK's FBANK magnitude) equals the reference too", () => {
  const worst = worstDifference(signal(3000), 23, false);
  assert.ok(worst < 1e-5, `largest difference ${worst}`);
});

test("the control: the reference with a shifted filter edge does not match", () => {
  const x = signal(2000);
  const f = computeFbank(x);
  const ref = reference(x, 3, 41, true); // 41 channels: every edge moves
  let worst = 0;
  for (let c = 0; c < 40; c++)
    worst = Math.max(worst, Math.abs((f.data[3 * 40 + c] as number) - (ref[c] as number)));
  assert.ok(worst > 1e-2);
});

test("the DCT of the magnitude fbank is the MFCC front end's cepstrum (one analysis, two outputs)", () => {
  const x = signal(3000);
  const bank = computeFbank(x, { channels: 26, power: false });
  const mfcc = computeMfcc(x, { deltas: false, energy: "none", lifter: 0 });
  for (let t = 0; t < bank.frames; t++)
    for (let j = 1; j <= 12; j++) {
      let c = 0;
      for (let k = 0; k < 26; k++)
        c += (bank.data[t * 26 + k] as number) * Math.cos((Math.PI * j * (k + 0.5)) / 26);
      c *= Math.sqrt(2 / 26);
      assert.ok(Math.abs(c - (mfcc.data[t * 12 + j - 1] as number)) < 1e-4, `frame ${t} c${j}`);
    }
});

test("fbank options: energy, deltas and accelerations append as for MFCC; c0 and unknown types are refused", () => {
  const x = signal(3000);
  const f = computeFeatures(x, { type: "fbank", energy: "energy", deltas: true, accelerations: true });
  assert.equal(f.dim, 41 * 3);
  const plain = computeFbank(x);
  for (let t = 0; t < f.frames; t++)
    for (let c = 0; c < 40; c++) assert.equal(f.data[t * 123 + c], plain.data[t * 40 + c]);
  assert.equal(featureDim(resolveFrontEnd({ type: "fbank" })), 40);
  assert.equal(featureDim(resolveFrontEnd({})), 26);
  assert.throws(
    () => resolveFrontEnd({ type: "fbank", energy: "c0" }),
    /front end: energy "c0" is a cepstrum/,
  );
  assert.throws(
    () => resolveFrontEnd({ type: "plp" as "fbank" }),
    /front end: type must be "mfcc" or "fbank"/,
  );
  // the MFCC path is unchanged by a type field
  assert.deepEqual(computeFeatures(x, {}).data, computeMfcc(x).data);
});

test("data.frontEnd in a config: a name or an object, strictly checked", () => {
  const parse = (frontEnd: unknown) =>
    parseConfig({ task: "speech", data: { train: "corpus", frontEnd } }, "c.json").data.frontEnd;
  assert.deepEqual(frontEndOptions(parse("fbank")), { type: "fbank" });
  assert.deepEqual(frontEndOptions(parse({ type: "fbank", channels: 24, deltas: true })), {
    type: "fbank",
    channels: 24,
    deltas: true,
  });
  assert.deepEqual(frontEndOptions(undefined), {});
  assert.throws(() => parse("plp"), /c\.json: invalid configuration:\n {2}data\.frontEnd/);
  assert.throws(() => parse({ type: "fbank", chanels: 40 }), /chanels: unknown key/);
});
