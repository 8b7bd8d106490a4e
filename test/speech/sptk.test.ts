/**
 * Checks the front end against the Debian `sptk` package (SPTK 3.9), run as
 * separate processes on the same 16-bit samples. Skipped, saying so, when
 * the SPTK binaries are not installed (`scripts/setup-system.sh sptk`).
 *
 * SPTK 3.9's `dct` reads its imaginary input from in[size .. 2·size), which
 * for `mfcc` with more channels than m + 1 runs past the end of its buffer.
 * The DCT is real, so in exact arithmetic those values only reach the
 * (discarded) imaginary output; but when the stray memory holds an Inf, a NaN
 * or a huge number, rounding carries it into the real output and a frame
 * comes out wrong, now and then. So each pipeline is run until two runs with
 * finite, sane values agree bit for bit (up to 20 runs), and 13 channels (= m + 1, no over-read) is
 * checked too.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { computeMfcc } from "../../src/tasks/speech/mfcc.js";

const dirs = ["/usr/libexec/sptk/bin", "/usr/lib/SPTK/bin", "/usr/local/SPTK/bin", "/usr/bin"];
const bin = dirs.find((d) => ["x2x", "frame", "window", "mfcc"].every((p) => existsSync(join(d, p))));
const skip =
  bin === undefined ? "SPTK not installed (apt-get install sptk): x2x/frame/window/mfcc not found" : false;
if (skip) console.log(`# sptk comparison skipped: ${skip}`);

const tmp = mkdtempSync(join(tmpdir(), "tbptt-sptk-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A deterministic test signal: two tones, one fading in, plus noise, at speech-like levels. */
function signal(n: number): Int16Array {
  const x = new Int16Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const noise = seed / 4294967296 - 0.5;
    x[i] = Math.round(
      3000 * Math.sin((2 * Math.PI * 440 * i) / 16000) +
        1500 * Math.sin((2 * Math.PI * 2500 * i) / 16000) * (i / n) +
        400 * noise,
    );
  }
  return x;
}

function sptk(raw: string, flags: { channels: number; window: boolean }): Float32Array {
  const b = (p: string) => join(bin!, p);
  const mfcc = `${b("mfcc")} -l 400 -L 512 -s 16 -m 12 -n ${flags.channels} -c 22 -a 0.97 -e 1 -E`;
  const pipeline = flags.window
    ? `${b("x2x")} +sf ${raw} | ${b("frame")} -l 400 -p 160 -n | ${b("window")} -l 400 -w 1 -n 0 | ${mfcc} -w 1`
    : `${b("x2x")} +sf ${raw} | ${b("frame")} -l 400 -p 160 -n | ${mfcc} -w 0`;
  // Keep the runs whose values are all finite and of sane size (MFCCs and log energies of 16-bit audio are
  // well under 1e4), and return one as soon as two of them agree bit for bit: the garbage varies between runs.
  const sane: Buffer[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const out = execFileSync("sh", ["-c", pipeline]);
    const values = new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4);
    if (!values.every((v) => Number.isFinite(v) && Math.abs(v) < 1e4)) continue;
    if (sane.some((r) => r.equals(out))) return values;
    sane.push(out);
  }
  throw new Error(`SPTK gave no two agreeing sane answers in 20 runs of: ${pipeline}`);
}

function compare(ours: Float32Array, ref: Float32Array, frames: number): void {
  let worst = 0;
  for (let i = 0; i < frames * 13; i++)
    worst = Math.max(worst, Math.abs(ours[i] - ref[i]) / (1 + Math.abs(ref[i])));
  assert.ok(worst < 1e-4, `largest relative difference ${worst} (${ours.length} vs ${ref.length} values)`);
}

describe("front end against SPTK 3.9", { skip }, () => {
  const x = signal(8000);
  const raw = join(tmp, "x.raw");
  writeFileSync(raw, new Uint8Array(x.buffer));
  const samples = Float32Array.from(x);

  it('convention "sptk" equals frame | window | mfcc, frame for frame (padded end frames included)', () => {
    for (const channels of [26, 20, 13]) {
      const ref = sptk(raw, { channels, window: true });
      const ours = computeMfcc(samples, { convention: "sptk", channels, deltas: false });
      assert.equal(ours.frames, ref.length / 13);
      compare(ours.data, ref, ours.frames);
    }
  });
  it('convention "htk" equals frame -n | mfcc (its own Hamming) on the whole frames', () => {
    const ref = sptk(raw, { channels: 26, window: false });
    const ours = computeMfcc(samples, { deltas: false });
    assert.equal(ours.frames, 48);
    assert.equal(ref.length / 13, 50); // SPTK's frame also emits the zero-padded tail frames
    compare(ours.data, ref, ours.frames);
  });
});
