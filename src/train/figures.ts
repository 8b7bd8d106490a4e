/**
 * Figures as people read them, in one unit everywhere (console lines of train, eval and
 * compare): error rates — any figure whose name says "error" — as percentages with two
 * decimals, everything else (losses, bits per character, perplexity, RMSE) with four
 * significant decimals. Machine-readable outputs (--json, log.jsonl) keep fractions.
 */

/** True for a figure that is a rate in [0, 1] shown as a percentage (frameError, frameError39, …). */
export function isErrorRate(key: string): boolean {
  return /error/i.test(key);
}

/** "frameError39 15.23%", "bitsPerChar 1.2345". */
export function figurePhrase(key: string, value: number): string {
  return isErrorRate(key) ? `${key} ${(100 * value).toFixed(2)}%` : `${key} ${value.toFixed(4)}`;
}

/** Each figure of `figures` as a phrase, in their order. */
export function figurePhrases(figures: Record<string, number>): string[] {
  return Object.entries(figures).map(([k, v]) => figurePhrase(k, v));
}
