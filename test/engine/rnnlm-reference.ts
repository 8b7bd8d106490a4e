// A float64 transcription of the rnnlm toolkit's training loop (Mikolov, rnnlmlib.cpp
// 0.3e–0.4b: trainNet, computeNet, learnNet; rnnlm.cpp for the options), written from
// reading that code, as the test reference for tbptt's rendering of it (docs/rnnlm.md).
// It keeps rnnlm's data structures and order of operations:
//   neu0 = [one-hot of the previous word (V) | previous hidden state (H)], the input layer;
//   syn0 (H rows × (V + H) columns), syn1 ((V + C) rows × H): word rows, then class rows;
//   bptt_history / bptt_hidden: the last bptt + bptt_block steps' input words, hidden
//   activations and hidden errors, newest in slot 0.
// Not transcribed (tbptt does not do them, docs/rnnlm.md says why): direct (max-ent)
// connections, the compression layer, -independent, fasterexp, float32, several epochs.
// The initial hidden state is a parameter (rnnlm's netFlush sets 0.1; tbptt starts from 0).

export interface RnnlmNet {
  /** V words, H hidden units, C classes. */
  vocabulary: number;
  hidden: number;
  classes: number;
  /** Each word's class, non-decreasing in the word id (rnnlm's class_words are contiguous). */
  classOf: Int32Array;
  /** syn0[a + b·(V + H)]: from input unit a to hidden unit b. */
  syn0: Float64Array;
  /** syn1[a + b·H]: from hidden unit a to output unit b (words 0 … V−1, then classes). */
  syn1: Float64Array;
}

export interface RnnlmOptions {
  /** -alpha: the learning rate. */
  alpha: number;
  /** -beta: L2, applied every 10th word to the weights that word touches (rnnlm's default 1e-7). */
  beta: number;
  /** -bptt as given on rnnlm's command line (rnnlm.cpp stores it plus one; 0: no BPTT). */
  bptt: number;
  /** -bptt-block. */
  bpttBlock: number;
  /** -gradient-cutoff: errors clipped to ±this after each product (rnnlm's default 15; Infinity: off). */
  gradientCutoff: number;
  /** The hidden state before the first word (rnnlm: 0.1). */
  initialHidden: number;
}

/** Trains `net` in place on one pass over `words` (ids; the text's first input is word 0, </s>). Returns Σ ln P. */
export function rnnlmTrainEpoch(net: RnnlmNet, words: readonly number[], o: RnnlmOptions): number {
  const { vocabulary: V, hidden: H, classes: C, classOf, syn0, syn1 } = net;
  const layer0 = V + H;
  const layer2 = V + C;
  const bptt = o.bptt + 1; // rnnlm.cpp: bptt = atoi(argv) + 1
  const block = o.bpttBlock;
  const neu0 = { ac: new Float64Array(layer0), er: new Float64Array(layer0) };
  const neu1 = { ac: new Float64Array(H), er: new Float64Array(H) };
  const neu2 = { ac: new Float64Array(layer2), er: new Float64Array(layer2) };
  const history = new Int32Array(bptt + block).fill(0);
  const hiddenAc = new Float64Array((bptt + block + 1) * H);
  const hiddenEr = new Float64Array((bptt + block + 1) * H);
  const bpttSyn0 = new Float64Array(syn0.length);
  const classStart = new Int32Array(C).fill(-1);
  const classCount = new Int32Array(C);
  for (let w = 0; w < V; w++) {
    const c = classOf[w] as number;
    if (classStart[c] === -1) classStart[c] = w;
    classCount[c]++;
  }
  const clip = (x: number) => Math.min(Math.max(x, -o.gradientCutoff), o.gradientCutoff);
  // netFlush: the recurrent half of the input layer starts at the initial hidden value.
  for (let a = V; a < layer0; a++) neu0.ac[a] = o.initialHidden;
  let logp = 0;
  let counter = 0;
  let lastWord = 0;
  for (const word of words) {
    counter++;
    computeNet(lastWord, word);
    const cl = classOf[word] as number;
    logp += Math.log((neu2.ac[V + cl] as number) * (neu2.ac[word] as number));
    // Shift the memory needed for BPTT by one step.
    for (let a = bptt + block - 1; a > 0; a--) history[a] = history[a - 1] as number;
    history[0] = lastWord;
    for (let a = bptt + block - 1; a > 0; a--)
      for (let b = 0; b < H; b++) {
        hiddenAc[a * H + b] = hiddenAc[(a - 1) * H + b] as number;
        hiddenEr[a * H + b] = hiddenEr[(a - 1) * H + b] as number;
      }
    learnNet(lastWord, word);
    // copyHiddenLayerToInput, and the previous word's input unit off again.
    for (let a = 0; a < H; a++) neu0.ac[V + a] = neu1.ac[a] as number;
    neu0.ac[lastWord] = 0;
    lastWord = word;
  }
  return logp;

  function computeNet(last: number, word: number): void {
    neu0.ac[last] = 1;
    for (let b = 0; b < H; b++) {
      let sum = 0;
      for (let a = V; a < layer0; a++) sum += (neu0.ac[a] as number) * (syn0[a + b * layer0] as number);
      sum += (neu0.ac[last] as number) * (syn0[last + b * layer0] as number);
      const x = Math.min(Math.max(sum, -50), 50); // rnnlm clamps for numerical stability
      neu1.ac[b] = 1 / (1 + Math.exp(-x));
    }
    // Classes: a softmax over the C class units.
    softmax(V, layer2);
    // Words: a softmax over the words of the target word's class only.
    const c = classOf[word] as number;
    softmax(classStart[c] as number, (classStart[c] as number) + (classCount[c] as number));
  }

  function softmax(from: number, to: number): void {
    let max = Number.NEGATIVE_INFINITY;
    for (let b = from; b < to; b++) {
      let sum = 0;
      for (let a = 0; a < H; a++) sum += (neu1.ac[a] as number) * (syn1[a + b * H] as number);
      neu2.ac[b] = sum;
      max = Math.max(max, sum);
    }
    let total = 0;
    for (let b = from; b < to; b++) total += Math.exp((neu2.ac[b] as number) - max);
    for (let b = from; b < to; b++) neu2.ac[b] = Math.exp((neu2.ac[b] as number) - max) / total;
  }

  function learnNet(last: number, word: number): void {
    const beta2 = o.beta * o.alpha;
    const decay = counter % 10 === 0; // "regularization is done every 10. step"
    const c = classOf[word] as number;
    const first = classStart[c] as number;
    const end = first + (classCount[c] as number);
    // Error vectors: target − output, for the words of the class and for the classes.
    for (let b = first; b < end; b++) neu2.er[b] = 0 - (neu2.ac[b] as number);
    neu2.er[word] = 1 - (neu2.ac[word] as number);
    neu1.er.fill(0);
    for (let b = V; b < layer2; b++) neu2.er[b] = 0 - (neu2.ac[b] as number);
    neu2.er[V + c] = 1 - (neu2.ac[V + c] as number);
    // Word rows: the error into the hidden layer first (old weights), then the update.
    propagateOutput(first, end);
    updateOutput(first, end, decay, beta2);
    // Class rows, likewise.
    propagateOutput(V, layer2);
    updateOutput(V, layer2, decay, beta2);
    if (bptt <= 1) {
      // No -bptt: plain backpropagation, the input weights change after every word.
      for (let a = 0; a < H; a++) {
        const y = neu1.ac[a] as number;
        neu1.er[a] = (neu1.er[a] as number) * y * (1 - y);
      }
      for (let b = 0; b < H; b++) {
        const i = last + b * layer0;
        syn0[i] =
          (syn0[i] as number) + o.alpha * (neu1.er[b] as number) - (decay ? (syn0[i] as number) * beta2 : 0);
        for (let a = V; a < layer0; a++) {
          const j = a + b * layer0;
          syn0[j] =
            (syn0[j] as number) +
            o.alpha * (neu1.er[b] as number) * (neu0.ac[a] as number) -
            (decay ? (syn0[j] as number) * beta2 : 0);
        }
      }
      return;
    }
    // BPTT (bptt > 1): store this step, and every bptt_block words run the block.
    for (let b = 0; b < H; b++) {
      hiddenAc[b] = neu1.ac[b] as number;
      hiddenEr[b] = neu1.er[b] as number;
    }
    if (counter % block !== 0) return;
    const steps = bptt + block - 2;
    for (let step = 0; step < steps; step++) {
      for (let a = 0; a < H; a++) {
        const y = neu1.ac[a] as number;
        neu1.er[a] = (neu1.er[a] as number) * y * (1 - y);
      }
      const input = history[step] as number;
      for (let b = 0; b < H; b++) bpttSyn0[input + b * layer0] += o.alpha * (neu1.er[b] as number);
      for (let a = V; a < layer0; a++) neu0.er[a] = 0;
      for (let a = V; a < layer0; a++) {
        let sum = 0;
        for (let b = 0; b < H; b++) sum += (neu1.er[b] as number) * (syn0[a + b * layer0] as number);
        neu0.er[a] = clip(sum);
      }
      for (let b = 0; b < H; b++)
        for (let a = V; a < layer0; a++)
          bpttSyn0[a + b * layer0] += o.alpha * (neu1.er[b] as number) * (neu0.ac[a] as number);
      // The error reaching the step before: through the recurrence, plus that step's own.
      for (let a = 0; a < H; a++)
        neu1.er[a] = (neu0.er[V + a] as number) + (hiddenEr[(step + 1) * H + a] as number);
      if (step < steps - 1)
        for (let a = 0; a < H; a++) {
          neu1.ac[a] = hiddenAc[(step + 1) * H + a] as number;
          neu0.ac[V + a] = hiddenAc[(step + 2) * H + a] as number;
        }
    }
    hiddenEr.fill(0, 0, (bptt + block) * H);
    for (let b = 0; b < H; b++) neu1.ac[b] = hiddenAc[b] as number;
    // Apply the accumulated changes: recurrent columns, then the columns of the words seen.
    for (let b = 0; b < H; b++) {
      for (let a = V; a < layer0; a++) {
        const i = a + b * layer0;
        syn0[i] = (syn0[i] as number) + (bpttSyn0[i] as number) - (decay ? (syn0[i] as number) * beta2 : 0);
        bpttSyn0[i] = 0;
      }
      for (let step = 0; step < steps; step++) {
        const i = (history[step] as number) + b * layer0;
        syn0[i] = (syn0[i] as number) + (bpttSyn0[i] as number) - (decay ? (syn0[i] as number) * beta2 : 0);
        bpttSyn0[i] = 0;
      }
    }
  }

  /** neu1.er += syn1[rows from … to]ᵀ · neu2.er, then clipped (matrixXvector, type 1). */
  function propagateOutput(from: number, to: number): void {
    for (let a = 0; a < H; a++) {
      let sum = 0;
      for (let b = from; b < to; b++) sum += (neu2.er[b] as number) * (syn1[a + b * H] as number);
      neu1.er[a] = clip((neu1.er[a] as number) + sum);
    }
  }

  function updateOutput(from: number, to: number, decay: boolean, beta2: number): void {
    for (let b = from; b < to; b++)
      for (let a = 0; a < H; a++) {
        const i = a + b * H;
        syn1[i] =
          (syn1[i] as number) +
          o.alpha * (neu2.er[b] as number) * (neu1.ac[a] as number) -
          (decay ? (syn1[i] as number) * beta2 : 0);
      }
  }
}
