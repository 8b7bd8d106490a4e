/**
 * A fake TIMIT tree in a temporary folder, for the index and loader tests:
 * TRAIN/TEST/DRn/SPEAKER/UTT.{WAV,PHN,WRD,TXT}, upper or lower case, with
 * small SPHERE (or RIFF) audio and matching .PHN files written from code.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TIMIT_CORE_TEST_SPEAKERS } from "../../src/io/timit.js";
import { sphereBytes, tone, wavBytes } from "./fixtures.js";

export interface FakeUtterance {
  split: "TRAIN" | "TEST";
  dialect: string;
  speaker: string;
  sentence: string;
}

/** 2400 samples: h# 0..800, iy 800..1600, h# 1600..2400. */
export const FAKE_SAMPLES = 2400;
export const FAKE_PHN = "0 800 h#\n800 1600 iy\n1600 2400 h#\n";

export function writeUtterance(root: string, u: FakeUtterance, upper: boolean, riff = false): string {
  const c = (s: string) => (upper ? s.toUpperCase() : s.toLowerCase());
  const dir = join(root, c(u.split), c(u.dialect), c(u.speaker));
  mkdirSync(dir, { recursive: true });
  const base = join(dir, c(u.sentence));
  const samples = tone(500 + 100 * u.sentence.length, FAKE_SAMPLES);
  writeFileSync(
    `${base}.${c("wav")}`,
    riff ? wavBytes(samples) : sphereBytes(samples, { byteOrder: upper ? "01" : "10" }),
  );
  writeFileSync(`${base}.${c("phn")}`, FAKE_PHN);
  writeFileSync(`${base}.${c("wrd")}`, "0 2400 ee\n");
  writeFileSync(`${base}.${c("txt")}`, "0 2400 Ee.\n");
  return base;
}

/**
 * TRAIN: 6 speakers (dr1, dr2), each with sa1, si1, sx1; TEST: the 24 core
 * speakers plus one other (mzzz0), each with sa1 and si1. Upper case unless
 * `upper` is false; returns the root.
 */
export function makeFakeTimit(upper = true): string {
  const root = mkdtempSync(join(tmpdir(), "tbptt-timit-"));
  const train = ["fcjf0", "mdpk0", "fdaw0", "mcpm0", "fetb0", "mgjf0"];
  train.forEach((speaker, i) => {
    for (const sentence of ["sa1", "si1", "sx1"])
      writeUtterance(root, { split: "TRAIN", dialect: i < 3 ? "dr1" : "dr2", speaker, sentence }, upper);
  });
  for (const [dialect, speakers] of Object.entries(TIMIT_CORE_TEST_SPEAKERS))
    for (const speaker of [...speakers, ...(dialect === "dr1" ? ["mzzz0"] : [])])
      for (const sentence of ["sa1", "si1"])
        writeUtterance(root, { split: "TEST", dialect, speaker, sentence }, upper);
  return root;
}
