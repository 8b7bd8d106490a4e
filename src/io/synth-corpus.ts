/**
 * Writes a synthetic corpus in TIMIT's layout and formats (Node-only):
 *
 *     OUT/TRAIN|TEST/DR<n>/<SPEAKER>/<SENTENCE>.{WAV,PHN,WRD,TXT}
 *     OUT/SPEAKERS.TXT   (speaker, voice, pitch shift, duration stretch, split)
 *
 * .WAV is NIST SPHERE, 16 kHz, 16-bit; .PHN and .WRD are `start end label`
 * in samples; .TXT is `0 <samples> <text>`. The plan (speakers, split,
 * sentences) comes from src/tasks/speech/synth; this module runs Festival
 * (`jobs` processes at once), resamples with sox, splits stops from the audio
 * and writes every file atomically (temporary name, then rename).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type LabelledSegment, radioToTimit, wordSegments } from "../tasks/speech/synth/radio-phones.js";
import {
  planCorpus,
  type SpeakerPlan,
  type UtterancePlan,
  VOICES,
  type VoiceName,
} from "../tasks/speech/synth/speakers.js";
import { splitStop } from "../tasks/speech/synth/stops.js";
import { missingPrograms, postPitchShift, readResampled, synthesizeBatch } from "./festival.js";
import { sphereFile } from "./sphere-write.js";

export const SAMPLE_RATE = 16000;
export const DATABASE_ID = "SYNTH-TIMIT";

export interface SynthOptions {
  out: string;
  utterances?: number;
  speakers?: number;
  testSpeakers?: number;
  voices?: readonly VoiceName[];
  seed?: number;
  /** Festival processes at once. */
  jobs?: number;
  /** Utterances per Festival process. */
  batchSize?: number;
  /** Replace OUT/TRAIN, OUT/TEST and OUT/SPEAKERS.TXT if present; otherwise their presence is an error. */
  overwrite?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SplitSummary {
  speakers: number;
  utterances: number;
  seconds: number;
}

export interface SynthSummary {
  out: string;
  utterances: number;
  train: SplitSummary;
  test: SplitSummary;
  /** Bytes written, all files. */
  bytes: number;
  /** Stops split at a measured burst, and at the fallback fraction. */
  stopSplits: { energy: number; fraction: number };
  /** How often each TIMIT label occurs. */
  phoneCounts: Record<string, number>;
  elapsedSeconds: number;
}

export const SYNTH_DEFAULTS = {
  utterances: 48,
  speakers: 6,
  testSpeakers: 2,
  voices: ["kal", "ked", "slt"] as readonly VoiceName[],
  seed: 1,
  jobs: 2,
  batchSize: 8,
  overwrite: false,
};

/** Longest final silence kept, in seconds (Festival's diphone voices end with ~0.45 s; TIMIT's h# is shorter). */
export const MAX_FINAL_SILENCE = 0.2;

/** Cut the audio MAX_FINAL_SILENCE after the end of the last non-silent segment. */
function trimTail(samples: Int16Array, segments: readonly { phone: string; end: number }[]): Int16Array {
  let speechEnd = 0;
  for (const s of segments)
    if (s.phone !== "pau" && s.phone !== "h#" && s.phone !== "brth") speechEnd = s.end;
  const keep = Math.round((speechEnd + MAX_FINAL_SILENCE) * SAMPLE_RATE);
  return keep < samples.length ? samples.subarray(0, keep) : samples;
}

async function writeAtomic(path: string, data: string | Buffer): Promise<number> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(temp, data);
  await rename(temp, path);
  return typeof data === "string" ? Buffer.byteLength(data) : data.length;
}

function labelFile(segments: readonly LabelledSegment[]): string {
  return segments.map((s) => `${s.start} ${s.end} ${s.label}\n`).join("");
}

/** Directory of one speaker: OUT/TRAIN/DR1/MKAL0. */
export function speakerDir(out: string, speaker: SpeakerPlan): string {
  return join(out, speaker.split, `DR${speaker.dialectRegion}`, speaker.id);
}

/**
 * Run `worker` over `items` with at most `jobs` in flight. After a failure no
 * new item starts; the first error is thrown once the running ones finish (so
 * nothing still writes when the caller cleans up).
 */
async function pool<T>(items: readonly T[], jobs: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const runners = Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length && errors.length === 0) {
      try {
        await worker(items[next++]!);
      } catch (e) {
        errors.push(e);
      }
    }
  });
  await Promise.all(runners);
  if (errors.length > 0) throw errors[0];
}

export async function synthesizeCorpus(options: SynthOptions): Promise<SynthSummary> {
  const started = performance.now();
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...SYNTH_DEFAULTS, ...(defined as SynthOptions) };
  if (!(Number.isInteger(o.jobs) && o.jobs >= 1))
    throw new Error(`synth: jobs must be an integer >= 1, got ${o.jobs}`);
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1)) {
    throw new Error(`synth: batchSize must be an integer >= 1, got ${o.batchSize}`);
  }
  const missing = missingPrograms();
  if (missing.length > 0) {
    throw new Error(
      `synth: ${missing.join(" and ")} not found on PATH; install with scripts/setup-system.sh (Debian: festival, sox, ${o.voices
        .map((v) => VOICES[v].debianPackage)
        .join(", ")})`,
    );
  }
  const plan = planCorpus({
    voices: o.voices,
    speakers: o.speakers,
    testSpeakers: o.testSpeakers,
    utterances: o.utterances,
    seed: o.seed,
  });

  // Batches: consecutive utterances of one speaker.
  const batches: UtterancePlan[][] = [];
  for (const u of plan.utterances) {
    const last = batches[batches.length - 1];
    if (last && last[0]!.speaker === u.speaker && last.length < o.batchSize) last.push(u);
    else batches.push([u]);
  }

  const summary: SynthSummary = {
    out: o.out,
    utterances: plan.utterances.length,
    train: { speakers: 0, utterances: 0, seconds: 0 },
    test: { speakers: 0, utterances: 0, seconds: 0 },
    bytes: 0,
    stopSplits: { energy: 0, fraction: 0 },
    phoneCounts: {},
    elapsedSeconds: 0,
  };
  for (const s of plan.speakers) summary[s.split === "TRAIN" ? "train" : "test"].speakers++;

  // A previous corpus's utterances would mix into this one: refuse, or remove them when asked to.
  const previous = ["TRAIN", "TEST", "SPEAKERS.TXT"].filter((name) => existsSync(join(o.out, name)));
  if (previous.length > 0) {
    if (!o.overwrite) {
      throw new Error(
        `synth: ${o.out} already holds ${previous.join(", ")}; choose another directory or pass overwrite (--overwrite) to replace them`,
      );
    }
    for (const name of previous) await rm(join(o.out, name), { recursive: true, force: true });
  }
  await mkdir(o.out, { recursive: true });
  const temp = await mkdtemp(join(tmpdir(), "tbptt-synth-"));
  let done = 0;
  try {
    await pool(batches, o.jobs, async (batch) => {
      const speaker = batch[0]!.speaker;
      const requests = batch.map((u) => ({
        key: `${speaker.id}_${u.id}`,
        text: u.text,
        wavPath: join(temp, `${speaker.id}_${u.id}.riff.wav`),
      }));
      const segments = await synthesizeBatch(speaker, requests, join(temp, `${requests[0]!.key}.scm`));
      for (let i = 0; i < batch.length; i++) {
        const u = batch[i]!;
        const request = requests[i]!;
        const festivalSegments = segments.get(request.key)!;
        const samples = trimTail(
          await readResampled(request.wavPath, SAMPLE_RATE, postPitchShift(speaker)),
          festivalSegments,
        );
        await rm(request.wavPath, { force: true });
        const radio = festivalSegments.map((s) => ({
          phone: s.phone,
          end: s.end * SAMPLE_RATE,
          wordId: s.wordId,
        }));
        const words = new Map<string, string>();
        for (const s of festivalSegments)
          if (s.wordId !== null && s.word !== null) words.set(s.wordId, s.word);
        const phones = radioToTimit(radio, samples.length, (start, end, phone) => {
          const split = splitStop(samples, start, end, phone, { sampleRate: SAMPLE_RATE });
          summary.stopSplits[split.method]++;
          return split.boundary;
        });
        const wordSegs = wordSegments(radio, words, samples.length);

        const base = join(speakerDir(o.out, u.speaker), u.id);
        await mkdir(dirname(base), { recursive: true });
        const utteranceId = `${u.speaker.id.slice(1).toLowerCase()}_${u.id.toLowerCase()}`;
        const written = [
          await writeAtomic(
            `${base}.WAV`,
            sphereFile(samples, {
              databaseId: DATABASE_ID,
              databaseVersion: "1.0",
              utteranceId,
              sampleRate: SAMPLE_RATE,
            }),
          ),
          await writeAtomic(`${base}.PHN`, labelFile(phones)),
          await writeAtomic(`${base}.WRD`, labelFile(wordSegs)),
          await writeAtomic(`${base}.TXT`, `0 ${samples.length} ${u.text}\n`),
        ];
        // Add after the awaits: `x += await f()` would read x before another worker's update.
        for (const n of written) summary.bytes += n;

        const half = u.speaker.split === "TRAIN" ? summary.train : summary.test;
        half.utterances++;
        half.seconds += samples.length / SAMPLE_RATE;
        for (const p of phones) summary.phoneCounts[p.label] = (summary.phoneCounts[p.label] ?? 0) + 1;
        o.onProgress?.(++done, plan.utterances.length);
      }
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }

  const table = [
    "; speaker  split  dialect  voice                         sex  semitones  duration_stretch",
    ...plan.speakers.map(
      (s) =>
        `${s.id.padEnd(10)} ${s.split.padEnd(6)} DR${String(s.dialectRegion).padEnd(6)} ${s.voice.festivalVoice.padEnd(29)} ${s.voice.sex}    ${s.semitones.toFixed(1).padStart(9)}  ${s.durationStretch.toFixed(2)}`,
    ),
  ].join("\n");
  const speakersBytes = await writeAtomic(join(o.out, "SPEAKERS.TXT"), `${table}\n`);
  summary.bytes += speakersBytes;
  summary.elapsedSeconds = (performance.now() - started) / 1000;
  return summary;
}
