/**
 * A seeded sentence generator for the synthetic corpus: a small phrase
 * grammar over a hand-written vocabulary (no copied text). The vocabulary is
 * chosen so that Festival's pronunciations cover nearly every phone of the
 * radio phone set: zh (measure, beige, garage), oy (boy, noise), aw (house,
 * brown), uh (book, wood), ng (king, young), th/dh (thin, mother), ch/jh
 * (church, judge), syllabic l/n (bottle, button) and so on.
 *
 * Same seed, same sentences, on every platform (the generator only uses the
 * integer-exact `Rng`).
 */
import { Rng } from "../../../core/random.js";

// biome-ignore format: a word list, kept compact
const NOUNS = [
  "boy", "judge", "church", "house", "mouse", "garage", "treasure", "cheese", "sugar", "book", "wood",
  "foot", "yard", "king", "thumb", "path", "mother", "father", "feather", "village", "engine", "jacket",
  "noise", "coin", "voice", "oyster", "toy", "cow", "town", "cloud", "bottle", "button", "kitten",
  "garden", "orange", "window", "ladder", "water", "butter", "river", "valley", "shoe", "spoon", "tooth",
  "goose", "beach", "sheep", "leaf", "thief", "chain", "badge", "ship", "fish", "zebra", "lizard",
  "puzzle", "whistle", "wagon", "rabbit", "pepper", "apple", "umbrella", "owl", "ocean", "island",
  "pillow", "hammer", "camera", "pencil", "drawer", "cushion", "nephew", "giraffe", "vision", "pleasure",
  "monkey", "basket", "cabbage", "jungle", "dozen",
] as const;

// biome-ignore format: a word list, kept compact
const ADJECTIVES = [
  "yellow", "thin", "thick", "smooth", "rough", "quiet", "loud", "young", "old", "shiny", "beige",
  "purple", "huge", "tiny", "cheap", "gentle", "heavy", "lazy", "busy", "eager", "awkward", "brown",
  "round", "wet", "hot", "cold", "sharp", "soft", "pleasant", "usual", "foolish", "joyful", "clumsy",
  "noisy", "hungry", "frozen", "wooden", "golden", "muddy", "sugary",
] as const;

/** Transitive verbs as [base, past]. */
// biome-ignore format: a word list, kept compact
const TRANSITIVE = [
  ["buy", "bought"], ["catch", "caught"], ["push", "pushed"], ["pull", "pulled"], ["wash", "washed"],
  ["watch", "watched"], ["choose", "chose"], ["find", "found"], ["borrow", "borrowed"],
  ["paint", "painted"], ["measure", "measured"], ["carry", "carried"], ["drop", "dropped"],
  ["fix", "fixed"], ["throw", "threw"], ["hide", "hid"], ["touch", "touched"], ["chase", "chased"],
  ["enjoy", "enjoyed"], ["boil", "boiled"], ["join", "joined"], ["show", "showed"], ["shake", "shook"],
  ["bring", "brought"], ["open", "opened"], ["visit", "visited"], ["follow", "followed"],
  ["deliver", "delivered"], ["polish", "polished"], ["juggle", "juggled"],
] as const;

/** Intransitive verbs in the past tense. */
// biome-ignore format: a word list, kept compact
const INTRANSITIVE = [
  "slept", "laughed", "sang", "jumped", "waited", "smiled", "shouted", "vanished", "wandered", "yawned",
  "stumbled", "whispered", "coughed", "danced", "hurried", "paused", "rested", "sneezed", "wobbled",
  "shivered",
] as const;

// biome-ignore format: a word list, kept compact
const NAMES = [
  "Judy", "Roger", "Nathan", "Martha", "Oliver", "Zoe", "Hugo", "Agnes", "Theo", "Joyce", "George", "Ruth",
  "Sheila", "Vincent", "Maggie", "Howard", "Eugene", "Rosa", "Walter", "Yvonne",
] as const;

// biome-ignore format: a word list, kept compact
const ADVERBS = [
  "quickly", "slowly", "gently", "yesterday", "again", "twice", "early", "outside", "at noon",
  "on Thursday", "all morning", "in the evening", "without a sound", "with joy", "by mistake",
] as const;

// biome-ignore format: a word list, kept compact
const PREPOSITIONS = [
  "near", "under", "behind", "beside", "with", "into", "on", "through", "across", "by", "above", "toward",
] as const;

const DETERMINERS = ["the", "a", "every", "my", "her", "his", "our", "their", "that", "this"] as const;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

/** A determiner agreed with the next word ("a" becomes "an" before a vowel letter). */
function determiner(rng: Rng, next: string): string {
  const d = pick(rng, DETERMINERS);
  return d === "a" && /^[aeiou]/.test(next) ? "an" : d;
}

/** Determiner, optional adjective, noun. */
function nounPhrase(rng: Rng, adjectiveChance: number): string {
  const noun = pick(rng, NOUNS);
  const head = rng.next() < adjectiveChance ? `${pick(rng, ADJECTIVES)} ${noun}` : noun;
  return `${determiner(rng, head)} ${head}`;
}

function subject(rng: Rng): string {
  return rng.next() < 0.3 ? pick(rng, NAMES) : nounPhrase(rng, 0.5);
}

/** The grammar's sentence templates; each returns the words and the final punctuation. */
const TEMPLATES: ReadonlyArray<(rng: Rng) => [string, string]> = [
  // S -> Subject Vt NP
  (rng) => [`${subject(rng)} ${pick(rng, TRANSITIVE)[1]} ${nounPhrase(rng, 0.6)}`, "."],
  // S -> Subject Vt NP PP
  (rng) => [
    `${subject(rng)} ${pick(rng, TRANSITIVE)[1]} ${nounPhrase(rng, 0.3)} ${pick(rng, PREPOSITIONS)} ${nounPhrase(rng, 0.2)}`,
    ".",
  ],
  // S -> Subject Vi Adv
  (rng) => [`${subject(rng)} ${pick(rng, INTRANSITIVE)} ${pick(rng, ADVERBS)}`, "."],
  // S -> Subject Vi PP
  (rng) => [
    `${subject(rng)} ${pick(rng, INTRANSITIVE)} ${pick(rng, PREPOSITIONS)} ${nounPhrase(rng, 0.4)}`,
    ".",
  ],
  // S -> did Name Vt(base) NP ?
  (rng) => [`did ${pick(rng, NAMES)} ${pick(rng, TRANSITIVE)[0]} ${nounPhrase(rng, 0.5)}`, "?"],
  // S -> NP was Adj
  (rng) => [`${nounPhrase(rng, 0.3)} was ${pick(rng, ADJECTIVES)}`, "."],
  // S -> Name and Name Vt NP Adv
  (rng) => [
    `${pick(rng, NAMES)} and ${pick(rng, NAMES)} ${pick(rng, TRANSITIVE)[1]} ${nounPhrase(rng, 0)} ${pick(rng, ADVERBS)}`,
    ".",
  ],
];

/** One sentence from the grammar, capitalised and punctuated. */
export function generateSentence(rng: Rng): string {
  const [words, stop] = pick(rng, TEMPLATES)(rng);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${stop}`;
}

/** `count` distinct sentences, determined by `seed`. */
export function generateSentences(count: number, seed: number): string[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`generateSentences: count must be a non-negative integer, got ${count}`);
  }
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  const maxAttempts = 50 * count + 1000;
  for (let attempt = 0; out.length < count; attempt++) {
    if (attempt >= maxAttempts) {
      throw new Error(`generateSentences: only ${out.length} distinct sentences after ${attempt} draws`);
    }
    const sentence = generateSentence(rng);
    if (seen.has(sentence)) continue;
    seen.add(sentence);
    out.push(sentence);
  }
  return out;
}

/** The vocabulary, for tests and docs. */
export const VOCABULARY = {
  nouns: NOUNS,
  adjectives: ADJECTIVES,
  transitive: TRANSITIVE,
  intransitive: INTRANSITIVE,
  names: NAMES,
  adverbs: ADVERBS,
  prepositions: PREPOSITIONS,
  determiners: DETERMINERS,
} as const;
