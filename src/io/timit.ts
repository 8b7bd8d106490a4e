/**
 * The TIMIT index: finds the utterances of a corpus laid out as the LDC
 * distributes TIMIT (LDC93S1),
 *
 *     ROOT/TRAIN|TEST/DR1..DR8/SPEAKER/UTTERANCE.{WAV,PHN,WRD,TXT}
 *
 * in upper or lower case (ROOT may also be the folder holding TIMIT/ or
 * timit/), and splits them into training, validation and test sets. Only
 * readdir and stat are used: no audio is read here, so 6,300 utterances index
 * in well under a second.
 *
 * Conventions, each an option (defaults are the usual ones):
 * - `includeSA: false`: the two SA sentences every speaker read are left out
 *   (they would bias a phone recogniser towards their text), as in Lee & Hon
 *   (1989) and all later TIMIT phone work: 3,696 training utterances.
 * - `coreTest: true`: the test set is the 24-speaker core test set (192
 *   utterances, SI and SX only). Turn it off for a corpus whose speakers are
 *   not TIMIT's (e.g. a synthetic one): then the whole TEST folder is used.
 * - `validationFraction: 0.05`, `validationSeed: 0`: 5% of the TRAIN speakers
 *   (rounded, at least 1 when there are 2 or more), drawn by a seeded shuffle
 *   of the sorted speaker list, are held out for validation. On TIMIT that is
 *   23 of 462 speakers, 23 × 8 = 184 utterances, the size of Graves &
 *   Schmidhuber's (2005) validation set, which they also took from TRAIN
 *   (their exact utterances are not published). Held out by speaker, so no
 *   validation speaker is trained on. `validationSpeakers` sets the count
 *   instead; 0 gives no validation set.
 * - `skipBad: false`: a problem (a .PHN without audio, audio without .PHN, a
 *   missing core-test speaker) throws, listing every problem found. With
 *   `skipBad: true` the bad utterances are left out and the problems returned.
 */

import { type Dirent, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { TbpttError } from "../core/errors.js";
import { Rng } from "../core/random.js";

/**
 * The core test set: 2 male and 1 female speaker from each of the 8 dialect
 * regions. Source: the TIMIT documentation (`DOC/TESTSET.DOC`), as used by
 * Lee & Hon (1989) and listed in Halberstadt (1998), "Heterogeneous acoustic
 * measurements and multiple classifiers for speech recognition", MIT PhD
 * thesis (the same 24 as Kaldi's `egs/timit/s5/conf/test_spk.list`).
 * Written out here from that standard list.
 */
export const TIMIT_CORE_TEST_SPEAKERS: Readonly<Record<string, readonly string[]>> = {
  dr1: ["mdab0", "mwbt0", "felc0"],
  dr2: ["mtas1", "mwew0", "fpas0"],
  dr3: ["mjmp0", "mlnt0", "fpkt0"],
  dr4: ["mlll0", "mtls0", "fjlm0"],
  dr5: ["mbpm0", "mklt0", "fnlp0"],
  dr6: ["mcmj0", "mjdh0", "fmgd0"],
  dr7: ["mgrt0", "mnjm0", "fdhc0"],
  dr8: ["mjln0", "mpam0", "fmld0"],
};

/** One utterance's files. Names are kept as found on disk; `id` is lower case. */
export interface TimitEntry {
  /** "train/dr1/fcjf0/si1027" (lower case, stable across upper/lower-case copies). */
  id: string;
  split: "train" | "validation" | "test";
  dialect: string;
  speaker: string;
  /** "si1027" */
  sentence: string;
  /** "sa", "si" or "sx" (the first two letters of the sentence). */
  kind: string;
  audioPath: string;
  phnPath: string;
  wrdPath: string | null;
  txtPath: string | null;
  /** The audio file's size and modification time, for cache keys. */
  audioBytes: number;
  audioMtimeMs: number;
}

/**
 * Options of `indexTimit`: the core test set or all of TEST, validation speakers held out, skipping
 * bad files.
 */
export interface TimitIndexOptions {
  includeSA?: boolean;
  coreTest?: boolean;
  /** Share of TRAIN speakers held out (default 0.05); ignored when validationSpeakers is given. */
  validationFraction?: number;
  /** Exact number of TRAIN speakers held out. */
  validationSpeakers?: number;
  validationSeed?: number;
  skipBad?: boolean;
  /**
   * Index TEST (default true). A training run never scores TEST, so it leaves it out: a
   * corrupt or missing file there does not stop it (TEST must still be a folder).
   */
  includeTest?: boolean;
}

/**
 * A TIMIT-layout corpus's utterances by split (train, validation, test), and the problems met while
 * indexing it.
 */
export interface TimitIndex {
  train: TimitEntry[];
  validation: TimitEntry[];
  test: TimitEntry[];
  /** Problems found (only non-empty with skipBad). Each names the file or folder. */
  problems: string[];
}

/** Indexes a TIMIT-layout corpus at `root`. Throws if there is no TRAIN/TEST pair, or on problems without skipBad. */
export function indexTimit(root: string, options: TimitIndexOptions = {}): TimitIndex {
  const includeSA = options.includeSA ?? false;
  const coreTest = options.coreTest ?? true;
  const seed = options.validationSeed ?? 0;
  const problems: string[] = [];

  const base = findCorpusRoot(root);
  const trainDir = childNamed(base, "train")!;
  const testDir = childNamed(base, "test")!;
  const train = scanSplit(trainDir, "train", includeSA, problems);
  const includeTest = options.includeTest ?? true;
  let test = includeTest ? scanSplit(testDir, "test", includeSA, problems) : [];

  if (coreTest && includeTest) {
    const core = new Set(Object.values(TIMIT_CORE_TEST_SPEAKERS).flat());
    const present = new Set(test.map((e) => e.speaker));
    const missing = [...core].filter((s) => !present.has(s));
    if (missing.length > 0)
      problems.push(
        `${testDir}: core test speakers missing: ${missing.join(", ")} ` +
          "(for a corpus whose speakers are not TIMIT's, turn the core test set off: coreTest: false)",
      );
    test = test.filter((e) => core.has(e.speaker) && e.kind !== "sa");
  }

  const speakers = [...new Set(train.map((e) => e.speaker))].sort();
  const fraction = options.validationFraction ?? 0.05;
  if (!(fraction >= 0 && fraction < 1))
    throw new TbpttError(`TIMIT index: validationFraction must be in [0, 1), got ${fraction}`);
  const byFraction =
    speakers.length < 2 || fraction === 0 ? 0 : Math.max(1, Math.round(fraction * speakers.length));
  const nValidation = options.validationSpeakers ?? byFraction;
  if (
    !Number.isInteger(nValidation) ||
    nValidation < 0 ||
    (nValidation > 0 && nValidation >= speakers.length)
  )
    throw new TbpttError(
      `${trainDir}: validationSpeakers must be in 0 .. ${speakers.length - 1} (there are ${speakers.length} training speakers), got ${nValidation}`,
    );
  const held = new Set(new Rng(seed).shuffle(speakers.slice()).slice(0, nValidation));
  const validation = train.filter((e) => held.has(e.speaker));
  for (const e of validation) e.split = "validation";
  const kept = train.filter((e) => !held.has(e.speaker));

  if (problems.length > 0 && !options.skipBad) {
    const shown = problems.slice(0, 10).join("\n  ");
    const more = problems.length > 10 ? `\n  … and ${problems.length - 10} more` : "";
    throw new TbpttError(
      `TIMIT index of ${base}: ${problems.length} problem(s) (skipBad reads the rest):\n  ${shown}${more}`,
    );
  }
  return { train: kept, validation, test, problems };
}

/** ROOT itself if it holds TRAIN and TEST, else ROOT/TIMIT (any case). */
function findCorpusRoot(root: string): string {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (e) {
    throw new TbpttError(`TIMIT index: cannot read ${root}: ${(e as Error).message}`);
  }
  if (childNamed(root, "train", names) && childNamed(root, "test", names)) return root;
  const inner = childNamed(root, "timit", names);
  if (inner && childNamed(inner, "train") && childNamed(inner, "test")) return inner;
  throw new TbpttError(
    `TIMIT index: ${root} has no TRAIN and TEST folders (upper or lower case), nor a TIMIT folder holding them`,
  );
}

function childNamed(dir: string, lower: string, names?: string[]): string | null {
  const found = (names ?? readdirSync(dir)).find((n) => n.toLowerCase() === lower);
  return found === undefined ? null : join(dir, found);
}

const AUDIO_EXT = new Set(["wav", "sph"]);

function scanSplit(
  dir: string,
  split: "train" | "test",
  includeSA: boolean,
  problems: string[],
): TimitEntry[] {
  const entries: TimitEntry[] = [];
  for (const dr of sortedDirs(dir, problems)) {
    const dialect = dr.toLowerCase();
    if (!/^dr\d$/.test(dialect)) continue;
    for (const spk of sortedDirs(join(dir, dr), problems)) {
      const speakerDir = join(dir, dr, spk);
      const speaker = spk.toLowerCase();
      // Group the speaker's files by sentence: "SI1027.WAV" → si1027 / wav.
      const groups = new Map<string, Map<string, string>>();
      for (const f of readdirSync(speakerDir, { withFileTypes: true })) {
        if (entryKind(speakerDir, f, problems) !== "file") continue;
        const dot = f.name.indexOf(".");
        if (dot <= 0) continue;
        const stem = f.name.slice(0, dot).toLowerCase();
        const ext = f.name.slice(dot + 1).toLowerCase();
        const kind = AUDIO_EXT.has(ext) ? "audio" : ext;
        if (!["audio", "phn", "wrd", "txt"].includes(kind)) continue;
        if (!groups.has(stem)) groups.set(stem, new Map());
        const group = groups.get(stem)!;
        if (group.has(kind)) {
          problems.push(
            `${join(speakerDir, f.name)}: a second ${kind} file for ${stem} (also ${group.get(kind)})`,
          );
          continue;
        }
        group.set(kind, join(speakerDir, f.name));
      }
      for (const stem of [...groups.keys()].sort()) {
        const g = groups.get(stem)!;
        const kind = stem.slice(0, 2);
        if (kind === "sa" && !includeSA) continue;
        const audio = g.get("audio");
        const phn = g.get("phn");
        if (audio === undefined || phn === undefined) {
          const have = [...g.values()][0];
          if (audio === undefined && phn === undefined) continue; // only .WRD/.TXT: nothing to train on
          problems.push(
            `${have}: no ${audio === undefined ? "audio (.WAV)" : ".PHN"} file beside it for ${stem}`,
          );
          continue;
        }
        const st = statSync(audio);
        entries.push({
          id: `${split}/${dialect}/${speaker}/${stem}`,
          split,
          dialect,
          speaker,
          sentence: stem,
          kind,
          audioPath: audio,
          phnPath: phn,
          wrdPath: g.get("wrd") ?? null,
          txtPath: g.get("txt") ?? null,
          audioBytes: st.size,
          audioMtimeMs: st.mtimeMs,
        });
      }
    }
  }
  if (entries.length === 0) problems.push(`${dir}: no utterances found under DR*/SPEAKER/`);
  return entries;
}

/**
 * A folder entry's kind, symbolic links followed (a speaker folder linked in from another
 * disk is read like any other); a link to nothing is a problem named by its path.
 */
function entryKind(dir: string, entry: Dirent, problems: string[]): "file" | "folder" | "other" {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "folder";
  if (!entry.isSymbolicLink()) return "other";
  const path = join(dir, entry.name);
  try {
    const target = statSync(path);
    return target.isFile() ? "file" : target.isDirectory() ? "folder" : "other";
  } catch (e) {
    problems.push(
      `${path}: a symbolic link to nothing (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`,
    );
    return "other";
  }
}

function sortedDirs(dir: string, problems: string[]): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => entryKind(dir, d, problems) === "folder")
    .map((d) => d.name)
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}
