/**
 * TIMIT's phone sets: the 61 labels of the transcriptions and the standard
 * folding to 39 classes for scoring.
 *
 * Sources:
 * - The 61 labels: the TIMIT documentation, `DOC/PHONCODE.DOC` (Garofolo et
 *   al., 1993, "DARPA TIMIT Acoustic-Phonetic Continuous Speech Corpus",
 *   NISTIR 4930), which lists stops, closures, affricates, fricatives, nasals,
 *   semivowels and glides, vowels, and the non-speech symbols pau, epi, h#.
 * - The folding: K.-F. Lee & H.-W. Hon (1989), "Speaker-independent phone
 *   recognition using hidden Markov models", IEEE Trans. ASSP 37(11), Table I:
 *   train on 48, score on 39 after merging aa/ao, ah/ax/ax-h, er/axr, hh/hv,
 *   ih/ix, l/el, m/em, n/en/nx, ng/eng, sh/zh, uw/ux, the closures with pau,
 *   epi and h# into one silence class, and deleting the glottal stop q. This is
 *   the 61→39 map used by most later work (Halberstadt 1998; Graves et al.
 *   2013; Kaldi's `egs/timit` `phones.60-48-39.map`).
 *
 * Graves & Schmidhuber (2005) train and score frame-wise on all 61 labels; the
 * 39-class folding is what later work reports, so both are here.
 *
 * `q` (glottal stop): Lee & Hon delete it. By default (`q: "drop"`) frames
 * labelled q fold to -1, which the scorer skips; `q: "keep"` makes it a 40th
 * class of its own. In the 61-label set q is always an ordinary class.
 */

/** The 61 TIMIT phone labels, in the order their indices follow (PHONCODE.DOC groups). */
export const TIMIT_PHONES_61: readonly string[] = [
  // stops
  "b",
  "d",
  "g",
  "p",
  "t",
  "k",
  "dx",
  "q",
  // closures
  "bcl",
  "dcl",
  "gcl",
  "pcl",
  "tcl",
  "kcl",
  // affricates
  "jh",
  "ch",
  // fricatives
  "s",
  "sh",
  "z",
  "zh",
  "f",
  "th",
  "v",
  "dh",
  // nasals
  "m",
  "n",
  "ng",
  "em",
  "en",
  "eng",
  "nx",
  // semivowels and glides
  "l",
  "r",
  "w",
  "y",
  "hh",
  "hv",
  "el",
  // vowels
  "iy",
  "ih",
  "eh",
  "ey",
  "ae",
  "aa",
  "aw",
  "ay",
  "ah",
  "ao",
  "oy",
  "ow",
  "uh",
  "uw",
  "ux",
  "er",
  "ax",
  "ix",
  "axr",
  "ax-h",
  // others
  "pau",
  "epi",
  "h#",
];

/** Lee & Hon (1989): each label that merges into another; labels not listed stay themselves. `null` = deleted. */
export const LEE_HON_FOLDING: Readonly<Record<string, string | null>> = {
  ao: "aa",
  ax: "ah",
  "ax-h": "ah",
  axr: "er",
  hv: "hh",
  ix: "ih",
  el: "l",
  em: "m",
  en: "n",
  nx: "n",
  eng: "ng",
  zh: "sh",
  ux: "uw",
  bcl: "sil",
  dcl: "sil",
  gcl: "sil",
  pcl: "sil",
  tcl: "sil",
  kcl: "sil",
  pau: "sil",
  epi: "sil",
  "h#": "sil",
  q: null,
};

const INDEX_61 = new Map(TIMIT_PHONES_61.map((p, i) => [p, i]));

/** The index of a 61-set label, or -1 when it is not a TIMIT label. */
export function phoneIndex61(label: string): number {
  return INDEX_61.get(label) ?? -1;
}

/** A many-to-one map from the 61 labels' indices to a smaller set. */
export interface PhoneFolding {
  /** The folded classes' names, indexed by folded class. */
  labels: readonly string[];
  /** `map[i61]` = folded class of 61-label i61, or -1 when its frames are not scored. */
  map: Int32Array;
}

/** Options of `foldTo39`. */
export interface FoldingOptions {
  /** "drop" (default, Lee & Hon): q frames are not scored; "keep": q is a 40th class. */
  q?: "drop" | "keep";
}

/** The 61→39 folding (40 classes with `q: "keep"`); class names sorted, "sil" included. */
export function foldTo39(options: FoldingOptions = {}): PhoneFolding {
  const q = options.q ?? "drop";
  const target = (p: string): string | null => {
    if (p === "q") return q === "keep" ? "q" : null;
    return p in LEE_HON_FOLDING ? LEE_HON_FOLDING[p] : p;
  };
  const labels = [...new Set(TIMIT_PHONES_61.map(target).filter((p): p is string => p !== null))].sort();
  const index = new Map(labels.map((p, i) => [p, i]));
  const map = new Int32Array(TIMIT_PHONES_61.length);
  TIMIT_PHONES_61.forEach((p, i) => {
    const t = target(p);
    map[i] = t === null ? -1 : index.get(t)!;
  });
  return { labels, map };
}

/** Applies a folding to a label sequence; -1 (unlabelled) stays -1. */
export function foldLabels(labels: Int32Array, folding: PhoneFolding): Int32Array {
  const out = new Int32Array(labels.length);
  for (let t = 0; t < labels.length; t++) out[t] = labels[t] < 0 ? -1 : folding.map[labels[t]];
  return out;
}
