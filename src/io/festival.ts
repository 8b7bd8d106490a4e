/**
 * Drives Debian's Festival synthesiser (and sox) for the synthetic corpus.
 * Node-only.
 *
 * One `festival -b script.scm` process synthesises a batch of utterances of
 * one speaker: the script selects the voice, applies the speaker's prosody,
 * and for each sentence saves the waveform and prints every segment of the
 * utterance's Segment relation with its end time (seconds) and the id and
 * spelling of the word whose syllable holds it:
 *
 *     UTT <key>
 *     SEG <phone> <end> <word id or 0> <word or 0>
 *     END <key>
 *
 * Prosody: diphone voices (kal, ked) multiply their own Duration_Stretch and
 * scale int_lr_params' target_f0_mean/std by 2^(semitones/12); the HTS voice
 * (slt) passes hts_engine's speech rate (-r 1/stretch), and its pitch is
 * shifted afterwards by sox's `pitch` effect, which keeps durations (hts_engine's
 * -fm half-tone option is accepted by Festival but changes nothing). Either
 * way the Segment relation's times stay the times of the audio.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import type { SpeakerPlan } from "../tasks/speech/synth/speakers.js";

export interface FestivalRequest {
  /** A name safe for files and for the protocol (letters, digits, _ and -). */
  key: string;
  text: string;
  /** Where Festival writes its RIFF WAV (at the voice's own rate). */
  wavPath: string;
}

export interface FestivalSegment {
  phone: string;
  /** End time in seconds. */
  end: number;
  wordId: string | null;
  word: string | null;
}

/**
 * Festival's Scheme heap, in cells. Its default (10M cells, 320 MB) costs
 * about 0.3 s of page faults per process start; 2M is ample for a batch.
 */
const FESTIVAL_HEAP_CELLS = 2_000_000;

/** Festival and sox on PATH? Returns the missing programs. */
export function missingPrograms(): string[] {
  const missing: string[] = [];
  if (spawnSync("festival", ["--version"], { stdio: "ignore" }).error) missing.push("festival");
  if (spawnSync("sox", ["--version"], { stdio: "ignore" }).error) missing.push("sox");
  return missing;
}

function schemeString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The Scheme program for one batch of one speaker. */
export function festivalScript(speaker: SpeakerPlan, requests: readonly FestivalRequest[]): string {
  const pitch = 2 ** (speaker.semitones / 12);
  const lines = [`(${speaker.voice.festivalVoice})`];
  if (speaker.voice.engine === "diphone") {
    lines.push(
      `(Parameter.set 'Duration_Stretch (* (Parameter.get 'Duration_Stretch) ${speaker.durationStretch}))`,
      `(set! int_lr_params (list`,
      `  (list 'target_f0_mean (* ${pitch} (car (cdr (assoc 'target_f0_mean int_lr_params)))))`,
      `  (list 'target_f0_std (* ${pitch} (car (cdr (assoc 'target_f0_std int_lr_params)))))`,
      `  (assoc 'model_f0_mean int_lr_params)`,
      `  (assoc 'model_f0_std int_lr_params)))`,
    );
  } else {
    lines.push(
      // hts_engine's own half-tone option (-fm) has no effect through Festival: pitch is shifted by sox (postPitchShift).
      `(set! hts_engine_params (append hts_engine_params (list (list "-r" ${1 / speaker.durationStretch}))))`,
    );
  }
  lines.push(
    `(define (tbptt-synth key text wavfile)`,
    // Utterance is a special form that does not evaluate its arguments.
    `  (let ((utt (utt.synth (eval (list 'Utterance 'Text text)))))`,
    `    (utt.save.wave utt wavfile 'riff)`,
    `    (format t "UTT %s\\n" key)`,
    `    (mapcar`,
    `      (lambda (s)`,
    `        (format t "SEG %s %f %s %s\\n" (item.name s) (item.feat s "end")`,
    `          (item.feat s "R:SylStructure.parent.parent.id")`,
    `          (item.feat s "R:SylStructure.parent.parent.name")))`,
    `      (utt.relation.items utt 'Segment))`,
    `    (format t "END %s\\n" key)))`,
  );
  for (const r of requests) {
    if (!/^[A-Za-z0-9_-]+$/.test(r.key))
      throw new Error(`festival: request key "${r.key}" has unsafe characters`);
    lines.push(`(tbptt-synth ${schemeString(r.key)} ${schemeString(r.text)} ${schemeString(r.wavPath)})`);
  }
  return `${lines.join("\n")}\n`;
}

/** Parse the protocol printed by the script; every requested key must be complete. */
export function parseFestivalOutput(stdout: string, keys: readonly string[]): Map<string, FestivalSegment[]> {
  const out = new Map<string, FestivalSegment[]>();
  let current: FestivalSegment[] | null = null;
  let currentKey = "";
  for (const line of stdout.split("\n")) {
    const parts = line.trim().split(/\s+/);
    if (parts[0] === "UTT" && parts.length === 2) {
      currentKey = parts[1]!;
      current = [];
    } else if (parts[0] === "SEG" && parts.length === 5 && current) {
      const end = Number(parts[2]);
      if (!Number.isFinite(end)) throw new Error(`festival: bad segment end in line "${line}"`);
      const id = parts[3] === "0" ? null : parts[3]!;
      current.push({ phone: parts[1]!, end, wordId: id, word: id === null ? null : parts[4]! });
    } else if (parts[0] === "END" && parts[1] === currentKey && current) {
      out.set(currentKey, current);
      current = null;
    }
  }
  const missing = keys.filter((k) => !out.has(k));
  if (missing.length > 0) throw new Error(`festival: no segments for ${missing.join(", ")}`);
  return out;
}

function run(command: string, args: readonly string[]): Promise<{ stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => stdout.push(b));
    child.stderr.on("data", (b: Buffer) => stderr.push(b));
    child.on("error", (e) => reject(new Error(`${command}: ${e.message}`)));
    child.on("close", (code) => {
      const err = Buffer.concat(stderr).toString("utf8");
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${err.trim()}`));
      else resolve({ stdout: Buffer.concat(stdout), stderr: err });
    });
  });
}

/** Synthesise a batch for one speaker; `scriptPath` is where the generated Scheme goes. */
export async function synthesizeBatch(
  speaker: SpeakerPlan,
  requests: readonly FestivalRequest[],
  scriptPath: string,
): Promise<Map<string, FestivalSegment[]>> {
  await writeFile(scriptPath, festivalScript(speaker, requests));
  const { stdout, stderr } = await run("festival", ["--heap", String(FESTIVAL_HEAP_CELLS), "-b", scriptPath]);
  try {
    return parseFestivalOutput(
      stdout.toString("utf8"),
      requests.map((r) => r.key),
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\nfestival said: ${stderr.trim()}`);
  }
}

/** Semitones sox must shift after Festival (0 where Festival applied the shift itself). */
export function postPitchShift(speaker: SpeakerPlan): number {
  return speaker.voice.engine === "hts" ? speaker.semitones : 0;
}

/**
 * Read any audio file sox understands as 16-bit mono samples at `sampleRate`
 * (resampling with sox's `rate`), optionally pitch-shifted by `semitones`
 * with sox's duration-preserving `pitch` effect.
 */
export async function readResampled(path: string, sampleRate: number, semitones = 0): Promise<Int16Array> {
  const pitch = semitones === 0 ? [] : ["pitch", String(Math.round(semitones * 100))];
  // -D: no dither, so output is reproducible (sox dithers with fresh noise each run); -G: guard against clipping.
  const { stdout } = await run("sox", [
    "-D",
    "-G",
    path,
    "-t",
    "raw",
    "-e",
    "signed-integer",
    "-b",
    "16",
    "-c",
    "1",
    "-L",
    "-",
    ...pitch,
    "rate",
    "-h",
    String(sampleRate),
  ]);
  const samples = new Int16Array(stdout.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = stdout.readInt16LE(2 * i);
  return samples;
}
