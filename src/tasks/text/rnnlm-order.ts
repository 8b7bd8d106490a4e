/**
 * The order of the rnnlm toolkit's vocabulary (rnnlmlib.cpp, learnVocabFromTrainFile and
 * sortVocab): `</s>` is word 0; the other words start in order of first occurrence and
 * are then sorted by count, most frequent first, with a selection sort that swaps — for
 * position a = 1, 2, …, the first word of highest count at or after a trades places with
 * the word at a. That sort is not stable: how words of equal count end up ordered depends
 * on the swaps, and with it which class a word on a class boundary falls in. This file
 * reproduces it exactly, in O(n log n) instead of the toolkit's O(n²): per count value, a
 * heap of the positions (≥ a) holding words of that count. The word picked at a is the
 * smallest position in the heap of the largest count; the word it displaces moves to the
 * picked position, which joins its own count's heap.
 */

/** Positions 1 … n − 1 of `counts` (position 0 stays first) in rnnlm's sorted order: the returned array maps new position → old. */
export function rnnlmOrder(counts: readonly number[]): Int32Array {
  const n = counts.length;
  const word = Int32Array.from({ length: n }, (_, i) => i); // position → original index
  const heaps = new Map<number, MinHeap>();
  for (let p = 1; p < n; p++) {
    const c = counts[p] as number;
    let h = heaps.get(c);
    if (!h) {
      h = new MinHeap();
      heaps.set(c, h);
    }
    h.push(p);
  }
  const byCount = [...heaps.keys()].sort((x, y) => y - x);
  let top = 0; // index into byCount of the largest count with words left
  for (let a = 1; a < n; a++) {
    while ((heaps.get(byCount[top] as number) as MinHeap).size === 0) top++;
    const best = heaps.get(byCount[top] as number) as MinHeap;
    const m = best.pop();
    if (m === a) continue;
    // The word at a has a smaller count; a is the smallest position left in its heap.
    const displaced = word[a] as number;
    const own = heaps.get(counts[displaced] as number) as MinHeap;
    own.pop();
    own.push(m);
    word[a] = word[m] as number;
    word[m] = displaced;
  }
  return word;
}

/** The toolkit's own O(n²) loop, for tests. */
export function rnnlmOrderNaive(counts: readonly number[]): Int32Array {
  const word = Int32Array.from({ length: counts.length }, (_, i) => i);
  for (let a = 1; a < counts.length; a++) {
    let max = a;
    for (let b = a + 1; b < counts.length; b++)
      if ((counts[word[max] as number] as number) < (counts[word[b] as number] as number)) max = b;
    const swap = word[max] as number;
    word[max] = word[a] as number;
    word[a] = swap;
  }
  return word;
}

class MinHeap {
  private items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const h = this.items;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as number) <= x) break;
      h[i] = h[parent] as number;
      i = parent;
    }
    h[i] = x;
  }

  pop(): number {
    const h = this.items;
    const top = h[0] as number;
    const last = h.pop() as number;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && (h[r] as number) < (h[l] as number) ? r : l;
        if ((h[c] as number) >= last) break;
        h[i] = h[c] as number;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
