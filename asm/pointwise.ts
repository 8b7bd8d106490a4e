// Pointwise kernels: bias broadcast, bias gradient, tanh, and the fused LSTM and GRU steps.
// Contracts and equations: src/core/backend.ts; the specification is src/core/plain.ts.
//
// Dimension legend: R rows (streams), H hidden units, G gates (4H LSTM, 3H GRU).
// Every pointer is a byte address in linear memory; sizes are in elements.
// Each kernel walks a row four lanes at a time and finishes it one lane at a time with the same
// code (`full` = false loads one value splatted and stores lane 0), so there is one formula per
// kernel. Every lane reads all its inputs before writing, which keeps the in-place uses the
// contract allows (act = gi, dcPrev = dc, y = x) correct.

import { ld, st, vsigmoid, vtanh } from "./math";

/** c[r, j] += bias[j] */
export function addRowBroadcast(rows: i32, cols: i32, bias: usize, c: usize): void {
  for (let r = 0; r < rows; r++) {
    const row = c + ((<usize>r * <usize>cols) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(bias + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(row + o, load<f32>(row + o) + load<f32>(bias + o));
    }
  }
}

/** out[j] += Σ_r a[r, j], rows added in order (as the plain kernel does), streaming a row by row. */
export function sumRows(rows: i32, cols: i32, a: usize, out: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const row = a + <usize>r * rowBytes;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(row + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(row + o));
    }
  }
}

/** y = tanh(x) */
export function tanhForward(n: i32, x: usize, y: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, vtanh(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    st(y + o, vtanh(ld(x + o, false)), false);
  }
}

/** dx = dy ⊙ (1 − y²) */
export function tanhBackward(n: i32, y: usize, dy: usize, dx: usize): void {
  const one = f32x4.splat(1.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const yi = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.sub(one, f32x4.mul(yi, yi))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const yi = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (1 - yi * yi));
  }
}

// ---------------------------------------------------------------------------------------------
// LSTM, gate order i, f, g, o; peepholes p_i, p_f, p_o (Graves 2013, eq. 7-11).

// @ts-ignore: decorator
@inline function lstmForwardLanes(
  gr: usize, hb: usize, cp: usize, peep: usize, c: usize, h: usize, o: usize, hasPeep: bool, full: bool,
): void {
  const cPrev = ld(cp + o, full);
  let ai = ld(gr + o, full);
  let af = ld(gr + hb + o, full);
  const ag = ld(gr + 2 * hb + o, full);
  let ao = ld(gr + 3 * hb + o, full);
  if (hasPeep) {
    ai = f32x4.add(ai, f32x4.mul(ld(peep + o, full), cPrev));
    af = f32x4.add(af, f32x4.mul(ld(peep + hb + o, full), cPrev));
  }
  const i = vsigmoid(ai);
  const f = vsigmoid(af);
  const g = vtanh(ag);
  // c = f ⊙ c_prev + i ⊙ g
  const cell = f32x4.add(f32x4.mul(f, cPrev), f32x4.mul(i, g));
  // o = σ(a_o + p_o ⊙ c): the output peephole reads the new cell
  if (hasPeep) ao = f32x4.add(ao, f32x4.mul(ld(peep + 2 * hb + o, full), cell));
  const og = vsigmoid(ao);
  st(gr + o, i, full);
  st(gr + hb + o, f, full);
  st(gr + 2 * hb + o, g, full);
  st(gr + 3 * hb + o, og, full);
  st(c + o, cell, full);
  // h = o ⊙ tanh(c)
  st(h + o, f32x4.mul(og, vtanh(cell)), full);
}

export function lstmForward(
  rows: i32, hidden: i32, gates: usize, cPrev: usize, peep: usize, hasPeep: bool, c: usize, h: usize,
): void {
  const hb = <usize>hidden << 2;
  for (let r = 0; r < rows; r++) {
    const gr = gates + <usize>r * 4 * hb;
    const s = <usize>r * hb;
    let j = 0;
    if (hasPeep) {
      for (; j + 4 <= hidden; j += 4) lstmForwardLanes(gr, hb, cPrev + s, peep, c + s, h + s, <usize>j << 2, true, true);
      for (; j < hidden; j++) lstmForwardLanes(gr, hb, cPrev + s, peep, c + s, h + s, <usize>j << 2, true, false);
    } else {
      for (; j + 4 <= hidden; j += 4) lstmForwardLanes(gr, hb, cPrev + s, 0, c + s, h + s, <usize>j << 2, false, true);
      for (; j < hidden; j++) lstmForwardLanes(gr, hb, cPrev + s, 0, c + s, h + s, <usize>j << 2, false, false);
    }
  }
}

// @ts-ignore: decorator
@inline function lstmBackwardLanes(
  gr: usize, hb: usize, cp: usize, c: usize, peep: usize, dh: usize, dc: usize, dgr: usize, dcp: usize,
  dPeep: usize, o: usize, hasPeep: bool, hasDPeep: bool, full: bool,
): void {
  const one = f32x4.splat(1.0);
  const i = ld(gr + o, full);
  const f = ld(gr + hb + o, full);
  const g = ld(gr + 2 * hb + o, full);
  const og = ld(gr + 3 * hb + o, full);
  const cell = ld(c + o, full);
  const cPrev = ld(cp + o, full);
  const tc = vtanh(cell);
  const dhj = ld(dh + o, full);
  // h = o ⊙ tanh(c): ∂/∂a_o and ∂/∂c
  const dAo = f32x4.mul(f32x4.mul(f32x4.mul(dhj, tc), og), f32x4.sub(one, og));
  let dCell = f32x4.add(ld(dc + o, full), f32x4.mul(f32x4.mul(dhj, og), f32x4.sub(one, f32x4.mul(tc, tc))));
  // o's peephole reads the new cell
  if (hasPeep) dCell = f32x4.add(dCell, f32x4.mul(dAo, ld(peep + 2 * hb + o, full)));
  // c = f ⊙ c_prev + i ⊙ g
  const dAi = f32x4.mul(f32x4.mul(f32x4.mul(dCell, g), i), f32x4.sub(one, i));
  const dAf = f32x4.mul(f32x4.mul(f32x4.mul(dCell, cPrev), f), f32x4.sub(one, f));
  const dAg = f32x4.mul(f32x4.mul(dCell, i), f32x4.sub(one, f32x4.mul(g, g)));
  let dcPrev = f32x4.mul(dCell, f);
  if (hasPeep) {
    // i and f peepholes read the previous cell
    dcPrev = f32x4.add(dcPrev, f32x4.add(f32x4.mul(dAi, ld(peep + o, full)), f32x4.mul(dAf, ld(peep + hb + o, full))));
    if (hasDPeep) {
      st(dPeep + o, f32x4.add(ld(dPeep + o, full), f32x4.mul(dAi, cPrev)), full);
      st(dPeep + hb + o, f32x4.add(ld(dPeep + hb + o, full), f32x4.mul(dAf, cPrev)), full);
      st(dPeep + 2 * hb + o, f32x4.add(ld(dPeep + 2 * hb + o, full), f32x4.mul(dAo, cell)), full);
    }
  }
  st(dgr + o, dAi, full);
  st(dgr + hb + o, dAf, full);
  st(dgr + 2 * hb + o, dAg, full);
  st(dgr + 3 * hb + o, dAo, full);
  st(dcp + o, dcPrev, full);
}

export function lstmBackward(
  rows: i32, hidden: i32, gates: usize, cPrev: usize, c: usize, peep: usize, hasPeep: bool,
  dh: usize, dc: usize, dGates: usize, dcPrev: usize, dPeep: usize, hasDPeep: bool,
): void {
  const hb = <usize>hidden << 2;
  for (let r = 0; r < rows; r++) {
    const gr = gates + <usize>r * 4 * hb;
    const dgr = dGates + <usize>r * 4 * hb;
    const s = <usize>r * hb;
    let j = 0;
    if (hasPeep && hasDPeep) {
      for (; j + 4 <= hidden; j += 4)
        lstmBackwardLanes(gr, hb, cPrev + s, c + s, peep, dh + s, dc + s, dgr, dcPrev + s, dPeep, <usize>j << 2, true, true, true);
      for (; j < hidden; j++)
        lstmBackwardLanes(gr, hb, cPrev + s, c + s, peep, dh + s, dc + s, dgr, dcPrev + s, dPeep, <usize>j << 2, true, true, false);
    } else if (hasPeep) {
      for (; j + 4 <= hidden; j += 4)
        lstmBackwardLanes(gr, hb, cPrev + s, c + s, peep, dh + s, dc + s, dgr, dcPrev + s, 0, <usize>j << 2, true, false, true);
      for (; j < hidden; j++)
        lstmBackwardLanes(gr, hb, cPrev + s, c + s, peep, dh + s, dc + s, dgr, dcPrev + s, 0, <usize>j << 2, true, false, false);
    } else {
      for (; j + 4 <= hidden; j += 4)
        lstmBackwardLanes(gr, hb, cPrev + s, c + s, 0, dh + s, dc + s, dgr, dcPrev + s, 0, <usize>j << 2, false, false, true);
      for (; j < hidden; j++)
        lstmBackwardLanes(gr, hb, cPrev + s, c + s, 0, dh + s, dc + s, dgr, dcPrev + s, 0, <usize>j << 2, false, false, false);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GRU (PyTorch's formulation), gate order r, z, n.

// @ts-ignore: decorator
@inline function gruForwardLanes(
  gi: usize, gh: usize, hp: usize, act: usize, h: usize, hb: usize, o: usize, full: bool,
): void {
  const one = f32x4.splat(1.0);
  const r = vsigmoid(f32x4.add(ld(gi + o, full), ld(gh + o, full)));
  const z = vsigmoid(f32x4.add(ld(gi + hb + o, full), ld(gh + hb + o, full)));
  // n = tanh(gi_n + r ⊙ gh_n)
  const n = vtanh(f32x4.add(ld(gi + 2 * hb + o, full), f32x4.mul(r, ld(gh + 2 * hb + o, full))));
  const hPrev = ld(hp + o, full);
  st(act + o, r, full);
  st(act + hb + o, z, full);
  st(act + 2 * hb + o, n, full);
  // h = (1 − z) ⊙ n + z ⊙ h_prev
  st(h + o, f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, hPrev)), full);
}

export function gruForward(rows: i32, hidden: i32, gi: usize, gh: usize, hPrev: usize, act: usize, h: usize): void {
  const hb = <usize>hidden << 2;
  for (let row = 0; row < rows; row++) {
    const g = <usize>row * 3 * hb;
    const s = <usize>row * hb;
    let j = 0;
    for (; j + 4 <= hidden; j += 4) gruForwardLanes(gi + g, gh + g, hPrev + s, act + g, h + s, hb, <usize>j << 2, true);
    for (; j < hidden; j++) gruForwardLanes(gi + g, gh + g, hPrev + s, act + g, h + s, hb, <usize>j << 2, false);
  }
}

// @ts-ignore: decorator
@inline function gruBackwardLanes(
  act: usize, gh: usize, hp: usize, dh: usize, dgi: usize, dgh: usize, dhp: usize, hb: usize, o: usize, full: bool,
): void {
  const one = f32x4.splat(1.0);
  const r = ld(act + o, full);
  const z = ld(act + hb + o, full);
  const n = ld(act + 2 * hb + o, full);
  const hPrev = ld(hp + o, full);
  const d = ld(dh + o, full);
  const ghn = ld(gh + 2 * hb + o, full);
  // h = (1 − z) ⊙ n + z ⊙ h_prev; n = tanh(gi_n + r ⊙ gh_n)
  const dAn = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const dAz = f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(hPrev, n)), z), f32x4.sub(one, z));
  // r scales gh_n
  const dAr = f32x4.mul(f32x4.mul(f32x4.mul(dAn, ghn), r), f32x4.sub(one, r));
  st(dgi + o, dAr, full);
  st(dgi + hb + o, dAz, full);
  st(dgi + 2 * hb + o, dAn, full);
  st(dgh + o, dAr, full);
  st(dgh + hb + o, dAz, full);
  st(dgh + 2 * hb + o, f32x4.mul(dAn, r), full);
  st(dhp + o, f32x4.mul(d, z), full);
}

export function gruBackward(
  rows: i32, hidden: i32, act: usize, gh: usize, hPrev: usize, dh: usize, dGi: usize, dGh: usize, dhPrev: usize,
): void {
  const hb = <usize>hidden << 2;
  for (let row = 0; row < rows; row++) {
    const g = <usize>row * 3 * hb;
    const s = <usize>row * hb;
    let j = 0;
    for (; j + 4 <= hidden; j += 4)
      gruBackwardLanes(act + g, gh + g, hPrev + s, dh + s, dGi + g, dGh + g, dhPrev + s, hb, <usize>j << 2, true);
    for (; j < hidden; j++)
      gruBackwardLanes(act + g, gh + g, hPrev + s, dh + s, dGi + g, dGh + g, dhPrev + s, hb, <usize>j << 2, false);
  }
}
