import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { decodeAudio } from "../../src/tasks/speech/audio.js";
import { sphereBytes, wavBytes } from "./fixtures.js";

const samples = [0, 1, -1, 32767, -32768, 1234, -4321, 7];

describe("decodeAudio", () => {
  it("reads little-endian SPHERE", () => {
    const a = decodeAudio(sphereBytes(samples, { byteOrder: "01" }), "a.wav");
    assert.equal(a.format, "sphere");
    assert.equal(a.sampleRate, 16000);
    assert.deepEqual(Array.from(a.samples), samples);
  });
  it("reads big-endian SPHERE", () => {
    const a = decodeAudio(sphereBytes(samples, { byteOrder: "10" }), "b.wav");
    assert.deepEqual(Array.from(a.samples), samples);
  });
  it("reads 16-bit PCM WAV, sniffed rather than trusted by extension", () => {
    const a = decodeAudio(wavBytes(samples), "c.sph");
    assert.equal(a.format, "wav");
    assert.deepEqual(Array.from(a.samples), samples);
  });
  it("refuses shorten-compressed SPHERE by name", () => {
    const bytes = sphereBytes(samples, { coding: "pcm,embedded-shorten-v2.00" });
    assert.throws(
      () => decodeAudio(bytes, "SX1.WAV"),
      /SX1\.WAV: unsupported SPHERE sample_coding "pcm,embedded-shorten-v2\.00" \(shorten/,
    );
  });
  it("names a truncated header", () => {
    const bytes = sphereBytes(samples).subarray(0, 500);
    assert.throws(
      () => decodeAudio(bytes, "t.wav"),
      /t\.wav: truncated SPHERE header: it declares 1024 bytes but the file has 500/,
    );
    assert.throws(
      () => decodeAudio(sphereBytes(samples).subarray(0, 10), "t.wav"),
      /t\.wav: truncated SPHERE header/,
    );
  });
  it("names a header that lies about the length", () => {
    const bytes = sphereBytes(samples, { sampleCount: 100 });
    assert.throws(
      () => decodeAudio(bytes, "l.wav"),
      /l\.wav: header says sample_count 100 × 2 bytes = 200 bytes of samples, but the file holds 16 bytes/,
    );
    const cut = sphereBytes(samples).subarray(0, 1024 + 10);
    assert.throws(
      () => decodeAudio(cut, "l.wav"),
      /sample_count 8 × 2 bytes = 16 bytes of samples, but the file holds 10 bytes/,
    );
  });
  it("refuses stereo", () => {
    assert.throws(
      () => decodeAudio(sphereBytes(samples, { channels: 2 }), "s.wav"),
      /s\.wav: 2 channels; only mono/,
    );
    assert.throws(
      () => decodeAudio(wavBytes(samples, { channels: 2 }), "s2.wav"),
      /s2\.wav: 2 channels; only mono/,
    );
  });
  it("refuses a sample rate other than the expected one, unless told otherwise", () => {
    assert.throws(
      () => decodeAudio(sphereBytes(samples, { sampleRate: 8000 }), "r.wav"),
      /r\.wav: sample rate is 8000 Hz, expected 16000 Hz/,
    );
    assert.throws(
      () => decodeAudio(wavBytes(samples, { sampleRate: 22050 }), "r.wav"),
      /sample rate is 22050 Hz/,
    );
    assert.equal(
      decodeAudio(wavBytes(samples, { sampleRate: 8000 }), "r.wav", { expectedSampleRate: null }).sampleRate,
      8000,
    );
  });
  it("refuses other sample widths and formats", () => {
    assert.throws(
      () => decodeAudio(sphereBytes(samples, { sampleBytes: 1 }), "w.wav"),
      /sample_n_bytes is 1/,
    );
    assert.throws(() => decodeAudio(wavBytes(samples, { format: 3 }), "f.wav"), /format tag 3; only PCM/);
  });
  it("names a truncated WAV and unknown bytes", () => {
    assert.throws(
      () => decodeAudio(wavBytes(samples).subarray(0, 50), "x.wav"),
      /x\.wav: WAV data chunk declares 16 bytes but only 6 follow/,
    );
    assert.throws(() => decodeAudio(wavBytes(samples).subarray(0, 20), "y.wav"), /y\.wav: truncated WAV/);
    assert.throws(
      () => decodeAudio(new TextEncoder().encode("hello world"), "z.txt"),
      /z\.txt: not NIST SPHERE .* first bytes are \[68 65/,
    );
  });
});

const sox = ["/usr/bin/sox", "/usr/local/bin/sox"].find((p) => existsSync(p));
describe("decodeAudio on files written by sox", {
  skip: sox ? false : "sox not installed (apt-get install sox)",
}, () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-sox-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("reads sox's SPHERE (both byte orders) and WAV as the same samples", () => {
    const make = (name: string, extra: string[]) => {
      const path = join(dir, name);
      execFileSync(sox!, [
        "-D",
        "-n",
        "-r",
        "16000",
        "-b",
        "16",
        "-c",
        "1",
        ...extra,
        path,
        "synth",
        "0.05",
        "sine",
        "440",
      ]);
      return decodeAudio(readFileSync(path), path);
    };
    const little = make("a.sph", ["-L"]);
    const big = make("b.sph", ["-B"]);
    const wav = make("c.wav", []);
    assert.equal(little.format, "sphere");
    assert.equal(wav.format, "wav");
    assert.equal(little.samples.length, 800);
    assert.deepEqual(big.samples, little.samples);
    assert.deepEqual(wav.samples, little.samples);
    assert.ok(Math.max(...little.samples) > 1000);
  });
});
