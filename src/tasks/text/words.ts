/**
 * Text as words, the way the rnnlm toolkit reads it (rnnlmlib.cpp, readWord): words are
 * separated by spaces, tabs and line ends; every line end is the word `</s>` (so an empty
 * line is a lone `</s>`); carriage returns are ignored. A text that does not end with a
 * line end gets a final `</s>` here (rnnlm instead drops its last word: it reads it at
 * end of file and stops). Words are not truncated (rnnlm cuts them at 100 bytes).
 */

/** The sentence end: word 0 of every word vocabulary, and the first input of every text. */
export const SENTENCE_END = "</s>";
/** The word that stands for every word outside the vocabulary, when the vocabulary has one. */
export const UNKNOWN = "<unk>";

/**
 * The words of a text, `</s>` at each line end, and at the end after a last unfinished
 * line unless `endLastLine` is false (a prime to continue).
 */
export function tokenizeWords(text: string, endLastLine = true): string[] {
  const out: string[] = [];
  let start = -1; // where the current word began, −1 between words
  let ended = true; // the last thing seen was a line end (or nothing)
  let word = "";
  const finish = (i: number) => {
    if (start >= 0) out.push(word + text.slice(start, i));
    start = -1;
    word = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      // A carriage return is skipped, even inside a word (rnnlm's `if (ch==13) continue`).
      if (start >= 0) {
        word += text.slice(start, i);
        start = i + 1;
      }
      continue;
    }
    if (c === 32 || c === 9 || c === 10) {
      finish(i);
      if (c === 10) {
        out.push(SENTENCE_END);
        ended = true;
      }
      continue;
    }
    if (start < 0) start = i;
    ended = false;
  }
  finish(text.length);
  if (!ended && endLastLine) out.push(SENTENCE_END);
  return out;
}
