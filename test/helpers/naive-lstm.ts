/**
 * A deliberately naive LSTM / LSTMP network, written straight from the equations with
 * scalar loops over named parameters, sharing no code with src/nn: one sequence at a
 * time, no slots, no lanes, no backend. It only computes the loss; gradients come from
 * finite differences of it.
 *
 *   a = W_ih x_t + b_ih + W_hh s_{t−1} + b_hh       (gate order i, f, g, o)
 *   i = σ(a_i + p_i ⊙ c_{t−1}),  f = σ(a_f + p_f ⊙ c_{t−1}),  g = tanh(a_g)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,   o = σ(a_o + p_o ⊙ c_t),      m_t = o ⊙ tanh(c_t)
 *   s_t = W_hr m_t (LSTMP) or m_t;   loss = Σ_t cross-entropy(W_out s_t + b_out, y_t)
 *
 * The 1997 truncated gradient (docs/gradient-1997.md) is, by its definition, the gradient
 * of this loss with s_{t−1} (where W_hh reads it) and the peepholes' c held constant at
 * their values in the unperturbed run: `freeze1997` does exactly that, from a memo of
 * those values filled by the first call. `cutAt` holds the whole state entering a step
 * constant (a TBPTT window's start); `lossSteps` limits which steps' losses count.
 */
import type { SequenceModel } from "../../src/nn/model.js";

export interface NaiveOptions {
  /** true: the 1997 definition; "recurrent-only": s_{t−1} held but the peepholes left live (a control). */
  freeze1997?: boolean | "recurrent-only";
  /** Per sequence: the step whose entering state (s and c) is held at its unperturbed value. */
  cutAt?: readonly number[];
  /** Per sequence: [first, last] steps whose losses count (default: all). */
  lossSteps?: readonly (readonly [number, number])[];
}

export interface NaiveSequence {
  inputs: ArrayLike<number>; // T × I
  labels: ArrayLike<number>; // T, −1: no loss
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Σ loss over the sequences; `memo` records (first call) and then supplies the held values. */
export function naiveLoss(
  model: SequenceModel,
  sequences: readonly NaiveSequence[],
  options: NaiveOptions,
  memo: Map<string, Float64Array>,
): number {
  const cfg = model.config;
  const H = cfg.hiddenSize;
  const P = cfg.projSize ?? 0;
  const R = P > 0 ? P : H;
  const D = cfg.bidirectional ? 2 : 1;
  const w = (name: string) => {
    const e = model.layout.get(name);
    return (i: number) => model.params[e.offset + i] as number;
  };
  const held = (key: string, live: Float64Array): Float64Array => {
    const v = memo.get(key);
    if (v) return v;
    memo.set(key, Float64Array.from(live));
    return live;
  };
  let total = 0;
  sequences.forEach((seq, n) => {
    const T = seq.labels.length;
    let input: Float64Array[] = Array.from({ length: T }, (_, t) =>
      Float64Array.from({ length: cfg.inputSize }, (_, k) => seq.inputs[t * cfg.inputSize + k] as number),
    );
    for (let layer = 0; layer < cfg.layers; layer++) {
      const I = (input[0] as Float64Array).length;
      const output = Array.from({ length: T }, () => new Float64Array(D * R));
      for (let dir = 0; dir < D; dir++) {
        const sfx = `_l${layer}${dir === 1 ? "_reverse" : ""}`;
        const Wih = w(`rnn.weight_ih${sfx}`);
        const Whh = w(`rnn.weight_hh${sfx}`);
        const bih = w(`rnn.bias_ih${sfx}`);
        const bhh = w(`rnn.bias_hh${sfx}`);
        const Whr = P > 0 ? w(`rnn.weight_hr${sfx}`) : null;
        const pi = cfg.peepholes ? w(`rnn.weight_ci${sfx}`) : null;
        const pf = cfg.peepholes ? w(`rnn.weight_cf${sfx}`) : null;
        const po = cfg.peepholes ? w(`rnn.weight_co${sfx}`) : null;
        let s: Float64Array = new Float64Array(R);
        let c: Float64Array = new Float64Array(H);
        for (let k = 0; k < T; k++) {
          const t = dir === 1 ? T - 1 - k : k;
          const key = `${n}/${layer}/${dir}/${t}`;
          if (options.cutAt && options.cutAt[n] === t) {
            s = held(`${key}/cut-s`, s);
            c = held(`${key}/cut-c`, c);
          }
          const sRec = options.freeze1997 ? held(`${key}/s`, s) : s;
          const cPeep = options.freeze1997 === true ? held(`${key}/cprev`, c) : c;
          const x = input[t] as Float64Array;
          const a = new Float64Array(4 * H);
          for (let r = 0; r < 4 * H; r++) {
            let sum = bih(r) + bhh(r);
            for (let j = 0; j < I; j++) sum += Wih(r * I + j) * (x[j] as number);
            for (let j = 0; j < R; j++) sum += Whh(r * R + j) * (sRec[j] as number);
            a[r] = sum;
          }
          const cNew = new Float64Array(H);
          const o = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            const ig = sigmoid((a[j] as number) + (pi ? pi(j) * (cPeep[j] as number) : 0));
            const fg = sigmoid((a[H + j] as number) + (pf ? pf(j) * (cPeep[j] as number) : 0));
            const g = Math.tanh(a[2 * H + j] as number);
            cNew[j] = fg * (c[j] as number) + ig * g;
          }
          const cOut = options.freeze1997 === true ? held(`${key}/c`, cNew) : cNew;
          const m = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            o[j] = sigmoid((a[3 * H + j] as number) + (po ? po(j) * (cOut[j] as number) : 0));
            m[j] = (o[j] as number) * Math.tanh(cNew[j] as number);
          }
          const sNew = new Float64Array(R);
          for (let r = 0; r < R; r++) {
            if (!Whr) sNew[r] = m[r] as number;
            else for (let j = 0; j < H; j++) sNew[r] += Whr(r * H + j) * (m[j] as number);
          }
          (output[t] as Float64Array).set(sNew, dir * R);
          s = sNew;
          c = cNew;
        }
      }
      input = output;
    }
    const C = cfg.outputSize;
    const F = D * R;
    const Wout = w("out.weight");
    const bout = w("out.bias");
    const [from, to] = options.lossSteps?.[n] ?? [0, T - 1];
    for (let t = from; t <= to; t++) {
      const y = seq.labels[t] as number;
      if (y < 0) continue;
      const z = Array.from({ length: C }, (_, k) => {
        let sum = bout(k);
        for (let j = 0; j < F; j++) sum += Wout(k * F + j) * ((input[t] as Float64Array)[j] as number);
        return sum;
      });
      const top = Math.max(...z);
      const logSum = top + Math.log(z.reduce((acc, v) => acc + Math.exp(v - top), 0));
      total += logSum - (z[y] as number);
    }
  });
  return total;
}
