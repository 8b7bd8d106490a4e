/**
 * The synthetic corpus's speakers and who reads what.
 *
 * A "speaker" is one Festival voice with one prosody variant: a pitch shift
 * in semitones and a duration stretch (1.2 = 20% slower). Each voice's first
 * speaker is the voice unchanged; the others take shifts within +-4.75
 * semitones and stretches within [0.84, 1.22] (SEMITONE_STEPS, STRETCH_STEPS).
 *
 * Speaker ids follow TIMIT's shape: sex, three letters, one character
 * (MKAL0, MKED1, FSLT2; the last character runs 0-9 then A-Z). The dialect
 * region is the voice (DR1 kal, DR2 ked, DR3 slt): it carries no dialect.
 *
 * Split: speakers are dealt round-robin over the voices, and the last
 * `testSpeakers` of that order read the TEST sentences, so TEST speakers are
 * never heard in TRAIN and, as far as the counts allow, every voice appears
 * in both halves.
 *
 * Sentences, as TIMIT (Garofolo et al. 1993) but without its SA dialect
 * sentences: about 5/8 of each speaker's utterances are SX sentences, each
 * read by up to 3 speakers of the same half, and the rest SI sentences, read
 * by one speaker only. No text is read in both TRAIN and TEST.
 */
import { Rng } from "../../../core/random.js";
import { generateSentences } from "./sentences.js";

export type VoiceName = "kal" | "ked" | "slt";

export interface VoiceInfo {
  name: VoiceName;
  /** Festival's voice function, without the parentheses. */
  festivalVoice: string;
  /** Debian package that installs the voice. */
  debianPackage: string;
  sex: "M" | "F";
  /** The rate Festival synthesises at, before resampling to 16 kHz. */
  sampleRate: number;
  /** Prosody is set through Festival's Duration_Stretch/int_lr_params (diphone) or hts_engine's -r/-fm (HTS). */
  engine: "diphone" | "hts";
  dialectRegion: number;
}

export const VOICES: Readonly<Record<VoiceName, VoiceInfo>> = {
  kal: {
    name: "kal",
    festivalVoice: "voice_kal_diphone",
    debianPackage: "festvox-kallpc16k",
    sex: "M",
    sampleRate: 16000,
    engine: "diphone",
    dialectRegion: 1,
  },
  ked: {
    name: "ked",
    festivalVoice: "voice_ked_diphone",
    debianPackage: "festvox-kdlpc16k",
    sex: "M",
    sampleRate: 16000,
    engine: "diphone",
    dialectRegion: 2,
  },
  slt: {
    name: "slt",
    festivalVoice: "voice_cmu_us_slt_arctic_hts",
    debianPackage: "festvox-us-slt-hts",
    sex: "F",
    sampleRate: 32000,
    engine: "hts",
    dialectRegion: 3,
  },
};

export const VOICE_NAMES: readonly VoiceName[] = ["kal", "ked", "slt"];

export type Split = "TRAIN" | "TEST";

export interface SpeakerPlan {
  id: string;
  voice: VoiceInfo;
  /** Pitch shift in semitones (0 = the voice's own). */
  semitones: number;
  /** Duration stretch (1 = the voice's own; 1.2 = 20% slower). */
  durationStretch: number;
  split: Split;
  dialectRegion: number;
}

export interface UtterancePlan {
  speaker: SpeakerPlan;
  /** TIMIT-style sentence id, e.g. SX12 or SI1034; unique per text. */
  id: string;
  kind: "SX" | "SI";
  text: string;
}

export interface CorpusPlanOptions {
  voices: readonly VoiceName[];
  speakers: number;
  testSpeakers: number;
  utterances: number;
  seed: number;
}

export interface CorpusPlan {
  speakers: SpeakerPlan[];
  utterances: UtterancePlan[];
}

const ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/**
 * Prosody of a voice's variants 1, 2, 3, ...: cycles of coprime lengths (8
 * and 5), so 40 variants differ before a pair repeats; each value is jittered
 * (+-0.25 semitone, +-0.02 stretch) by the seeded generator.
 */
const SEMITONE_STEPS = [2, -2, 3.5, -3.5, 1, -1, 4.5, -4.5] as const;
const STRETCH_STEPS = [0.9, 1.12, 1.04, 0.86, 1.2] as const;
/** Speakers that share one SX sentence at most. */
const SX_READERS = 3;

function checkInteger(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new Error(`corpus plan: ${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** The speakers: voice, prosody, id and split. */
export function planSpeakers(
  voices: readonly VoiceName[],
  count: number,
  testCount: number,
  seed: number,
): SpeakerPlan[] {
  if (voices.length === 0) throw new Error("corpus plan: at least one voice is needed");
  for (const v of voices) {
    if (!(v in VOICES))
      throw new Error(`corpus plan: unknown voice "${v}", expected one of ${VOICE_NAMES.join(", ")}`);
  }
  if (new Set(voices).size !== voices.length)
    throw new Error(`corpus plan: voices repeat: ${voices.join(",")}`);
  checkInteger("speakers", count, 1);
  checkInteger("testSpeakers", testCount, 0);
  if (testCount >= count) {
    throw new Error(`corpus plan: testSpeakers (${testCount}) must be fewer than speakers (${count})`);
  }
  if (count > voices.length * ID_CHARS.length) {
    throw new Error(
      `corpus plan: at most ${voices.length * ID_CHARS.length} speakers with ${voices.length} voices`,
    );
  }
  const rng = new Rng(seed ^ 0x5eed5);
  const perVoice = new Map<VoiceName, number>();
  const out: SpeakerPlan[] = [];
  for (let i = 0; i < count; i++) {
    const voice = VOICES[voices[i % voices.length]!];
    const index = perVoice.get(voice.name) ?? 0;
    perVoice.set(voice.name, index + 1);
    // Jitter drawn for every speaker, so that one speaker's prosody does not depend on another's voice.
    const pitchJitter = rng.uniform(-0.25, 0.25);
    const stretchJitter = rng.uniform(-0.02, 0.02);
    const k = index - 1;
    out.push({
      id: `${voice.sex}${voice.name.toUpperCase()}${ID_CHARS[index]}`,
      voice,
      semitones:
        index === 0 ? 0 : Math.round((SEMITONE_STEPS[k % SEMITONE_STEPS.length]! + pitchJitter) * 10) / 10,
      durationStretch:
        index === 0 ? 1 : Math.round((STRETCH_STEPS[k % STRETCH_STEPS.length]! + stretchJitter) * 100) / 100,
      split: i >= count - testCount ? "TEST" : "TRAIN",
      dialectRegion: voice.dialectRegion,
    });
  }
  return out;
}

/** Utterances per speaker: as even as possible, the first speakers take the remainder. */
function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Speakers, and for each utterance its speaker, sentence id and text. */
export function planCorpus(options: CorpusPlanOptions): CorpusPlan {
  const speakers = planSpeakers(options.voices, options.speakers, options.testSpeakers, options.seed);
  checkInteger("utterances", options.utterances, options.speakers);
  const counts = shares(options.utterances, speakers.length);

  // Slots: for each half, speaker-minor order of SX slots, grouped into shared sentences.
  type Slot = { speaker: SpeakerPlan; kind: "SX" | "SI"; group: number };
  const slots: Slot[] = [];
  let groups = 0;
  for (const split of ["TRAIN", "TEST"] as const) {
    const members = speakers.map((s, i) => ({ s, n: counts[i]! })).filter((m) => m.s.split === split);
    const sx = members.map((m) => Math.round((m.n * 5) / 8));
    const readers = Math.min(SX_READERS, members.length);
    let group: { id: number; speakers: Set<string> } | null = null;
    const rows = Math.max(0, ...sx);
    for (let row = 0; row < rows; row++) {
      members.forEach((m, i) => {
        if (row >= sx[i]!) return;
        if (group === null || group.speakers.size >= readers || group.speakers.has(m.s.id)) {
          group = { id: groups++, speakers: new Set() };
        }
        group.speakers.add(m.s.id);
        slots.push({ speaker: m.s, kind: "SX", group: group.id });
      });
    }
    members.forEach((m, i) => {
      for (let j = sx[i]!; j < m.n; j++) slots.push({ speaker: m.s, kind: "SI", group: groups++ });
    });
  }
  const texts = generateSentences(groups, options.seed);
  // Number SX texts first, then SI, as TIMIT numbers its SX below its SI.
  const order = [...new Set(slots.filter((s) => s.kind === "SX").map((s) => s.group))];
  const siGroups = slots.filter((s) => s.kind === "SI").map((s) => s.group);
  const number = new Map<number, number>();
  for (const [i, g] of [...order, ...siGroups].entries()) number.set(g, i + 1);

  const utterances = slots.map((slot) => ({
    speaker: slot.speaker,
    id: `${slot.kind}${number.get(slot.group)}`,
    kind: slot.kind,
    text: texts[slot.group]!,
  }));
  // Group by speaker, in speaker order.
  const rank = new Map(speakers.map((s, i) => [s.id, i]));
  utterances.sort((a, b) => rank.get(a.speaker.id)! - rank.get(b.speaker.id)!);
  return { speakers, utterances };
}
