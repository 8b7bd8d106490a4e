/**
 * rnnlm's word classes (`-class C`; rnnlmlib.cpp, initNet; Mikolov et al. 2011,
 * "Extensions of recurrent neural network language model", §3): the vocabulary, in its
 * order (most frequent first, see rnnlm-order.ts), is cut into C consecutive bins of
 * roughly equal mass. With N the total count and the words' counts c_i in order,
 *   default ("new classes"): mass m_i = √(c_i / N) / Σ_j √(c_j / N);
 *   `-old-classes`:          mass m_i = c_i / N (unigram frequency binning, the paper's);
 * walking the words with the running sum F_i = min(1, Σ_{j ≤ i} m_j), word i joins the
 * current class a, and a moves on to a + 1 (at most C − 1) once F_i > (a + 1) / C. So a
 * class is a run of consecutive word ids, frequent words get small classes, and when a
 * single word carries more than one bin of mass the classes after the last one used stay
 * empty (rnnlm keeps their output units all the same). The arithmetic is in doubles, in
 * the toolkit's order, so the assignment is the toolkit's.
 */

/**
 * How rnnlm bins words into classes by frequency: by the square root of the counts (its default) or
 * by the counts.
 */
export type ClassBinning = "sqrt" | "frequency";

/** Each word's class, for words in vocabulary order with these counts. */
export function rnnlmClasses(
  counts: readonly number[],
  classes: number,
  binning: ClassBinning = "sqrt",
): Int32Array {
  if (!Number.isInteger(classes) || classes < 1)
    throw new Error(`classes: expected an integer ≥ 1, got ${JSON.stringify(classes)}`);
  const n = counts.length;
  let total = 0;
  for (const c of counts) total += c;
  if (!(total > 0)) throw new Error("classes: the words' counts add up to 0");
  const mass = (c: number) => (binning === "sqrt" ? Math.sqrt(c / total) : c / total);
  let norm = 1;
  if (binning === "sqrt") {
    norm = 0;
    for (const c of counts) norm += mass(c);
  }
  const out = new Int32Array(n);
  let running = 0;
  let a = 0;
  for (let i = 0; i < n; i++) {
    running += binning === "sqrt" ? mass(counts[i] as number) / norm : mass(counts[i] as number);
    if (running > 1) running = 1;
    out[i] = a;
    if (running > (a + 1) / classes && a < classes - 1) a++;
  }
  return out;
}

/** How many words each of the C classes holds (classes are runs of consecutive ids). */
export function classSizes(classOf: ArrayLike<number>, classes: number): number[] {
  const sizes = new Array<number>(classes).fill(0);
  for (let i = 0; i < classOf.length; i++) sizes[classOf[i] as number]++;
  return sizes;
}
