/**
 * `tbptt corpus synth`: generate a synthetic corpus in TIMIT's layout with
 * Festival (see docs/corpus.md). The CLI parses and prints; the work is in
 * src/io/synth-corpus.ts.
 */
import { UsageError } from "../core/errors.js";
import { SYNTH_DEFAULTS, synthesizeCorpus } from "../io/synth-corpus.js";
import { VOICE_NAMES, type VoiceName } from "../tasks/speech/synth/speakers.js";
import { parseOptions } from "./args.js";
import { docsLine } from "./help.js";

export const CORPUS_USAGE = `Usage: tbptt corpus synth --out DIR [options]

Synthesise a TIMIT-layout corpus (OUT/TRAIN|TEST/DRn/SPEAKER/UTT.{WAV,PHN,WRD,TXT})
with Festival and sox.

Options:
  --out DIR            output directory (required)
  --utterances N       utterances in total (default ${SYNTH_DEFAULTS.utterances})
  --speakers N         speakers in total, voice x prosody variants (default ${SYNTH_DEFAULTS.speakers})
  --test-speakers N    of these, speakers held out for TEST (default ${SYNTH_DEFAULTS.testSpeakers})
  --voices LIST        comma-separated subset of ${VOICE_NAMES.join(",")} (default ${SYNTH_DEFAULTS.voices.join(",")})
  --seed S             seed for sentences and prosody (default ${SYNTH_DEFAULTS.seed})
  --jobs J             Festival processes in parallel (default ${SYNTH_DEFAULTS.jobs})
  --overwrite          replace DIR/TRAIN, DIR/TEST and DIR/SPEAKERS.TXT if present
                       (without it their presence is an error)
  --quiet              no progress output
  -h, --help           this text

${docsLine("corpus.md")}
`;

function integerFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value.trim())) throw new UsageError(`--${name} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min) throw new UsageError(`--${name} must be at least ${min}, got ${n}`);
  return n;
}

function voicesFlag(value: string | undefined): VoiceName[] {
  if (value === undefined) return [...SYNTH_DEFAULTS.voices];
  const voices = value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
  if (voices.length === 0)
    throw new UsageError(`--voices must name at least one of ${VOICE_NAMES.join(", ")}`);
  for (const v of voices) {
    if (!(VOICE_NAMES as readonly string[]).includes(v)) {
      throw new UsageError(`--voices: unknown voice "${v}", expected some of ${VOICE_NAMES.join(", ")}`);
    }
  }
  if (new Set(voices).size !== voices.length)
    throw new UsageError(`--voices lists a voice twice: "${value}"`);
  return voices as VoiceName[];
}

function parseSynthArgs(argv: string[]) {
  return parseOptions(
    {
      args: argv,
      options: {
        out: { type: "string" },
        utterances: { type: "string" },
        speakers: { type: "string" },
        "test-speakers": { type: "string" },
        voices: { type: "string" },
        seed: { type: "string" },
        jobs: { type: "string" },
        overwrite: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    },
    CORPUS_USAGE,
    "tbptt corpus synth",
  );
}

async function synthCommand(argv: string[]): Promise<void> {
  const { values } = parseSynthArgs(argv);
  if (values.help) {
    process.stdout.write(CORPUS_USAGE);
    return;
  }
  if (values.out === undefined || values.out === "")
    throw new UsageError(`--out DIR is required\n\n${CORPUS_USAGE}`);
  const speakers = integerFlag("speakers", values.speakers, SYNTH_DEFAULTS.speakers, 1);
  const testSpeakers = integerFlag("test-speakers", values["test-speakers"], SYNTH_DEFAULTS.testSpeakers, 0);
  if (testSpeakers >= speakers) {
    throw new UsageError(`--test-speakers (${testSpeakers}) must be fewer than --speakers (${speakers})`);
  }
  const utterances = integerFlag("utterances", values.utterances, SYNTH_DEFAULTS.utterances, 1);
  if (utterances < speakers) {
    throw new UsageError(
      `--utterances (${utterances}) must be at least --speakers (${speakers}): every speaker reads one`,
    );
  }
  const quiet = values.quiet ?? false;
  const summary = await synthesizeCorpus({
    out: values.out,
    utterances,
    speakers,
    testSpeakers,
    voices: voicesFlag(values.voices),
    seed: integerFlag("seed", values.seed, SYNTH_DEFAULTS.seed, 0),
    jobs: integerFlag("jobs", values.jobs, SYNTH_DEFAULTS.jobs, 1),
    overwrite: values.overwrite ?? false,
    onProgress: quiet
      ? undefined
      : (done, total) => process.stderr.write(`\rsynth: ${done}/${total} utterances`),
  });
  if (!quiet) process.stderr.write("\n");
  const mb = (summary.bytes / 1e6).toFixed(2);
  const stops = summary.stopSplits;
  process.stdout.write(
    `wrote ${summary.utterances} utterances to ${summary.out} (${mb} MB) in ${summary.elapsedSeconds.toFixed(1)} s\n` +
      `  TRAIN: ${summary.train.speakers} speakers, ${summary.train.utterances} utterances, ${summary.train.seconds.toFixed(1)} s of audio\n` +
      `  TEST:  ${summary.test.speakers} speakers, ${summary.test.utterances} utterances, ${summary.test.seconds.toFixed(1)} s of audio\n` +
      `  stops split at a measured burst: ${stops.energy}, at the fallback fraction: ${stops.fraction}\n` +
      `  TIMIT labels used: ${Object.keys(summary.phoneCounts).length} of 61\n`,
  );
}

/** `tbptt corpus <subcommand> ...` */
export async function corpusCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "synth") return synthCommand(rest);
  if (sub === undefined || sub === "-h" || sub === "--help" || sub === "help") {
    process.stdout.write(CORPUS_USAGE);
    return;
  }
  throw new UsageError(`tbptt corpus: unknown subcommand "${sub}"; expected "synth"\n\n${CORPUS_USAGE}`);
}
