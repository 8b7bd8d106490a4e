// The schedule explainer against closed forms (docs/schedule.md, "What every update reports")
// and against a brute-force count written straight from the contract's text for one
// sequence, independent of the Planner.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { type Explanation, explainSchedule, type ScheduleTotals } from "../../src/engine/explain.js";
import { renderComparisonSvg, renderSvg } from "../../src/engine/render-svg.js";
import {
  HISTORY,
  OWN,
  renderTimeline,
  renderTotals,
  stepsPerColumn,
  UNTOUCHED,
} from "../../src/engine/render-timeline.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { orderSteps, resetPolicy, stepCount } from "../helpers/arbitraries.js";

const INF = Number.POSITIVE_INFINITY;

const explain = (partial: Partial<Record<keyof Schedule, unknown>>, T: number): Explanation =>
  explainSchedule(makeSchedule(partial), T);

/** Σ_{s=0}^{T−1} min(k, s + 1): every step's loss back k steps (or to the start). */
const sumMin = (T: number, k: number): number => {
  let n = 0;
  for (let s = 0; s < T; s++) n += Math.min(k, s + 1);
  return n;
};

test("frame-wise (k1 = 1, k2 = ∞), T = 100: 100 updates, 100 forward, T(T+1)/2 = 5050 backward, history 1…100", () => {
  const e = explain({ k1: 1, k2: INF }, 100);
  assert.deepEqual(e.totals, {
    updates: 100,
    forwardSteps: 100,
    backwardSteps: 5050,
    peakStoredSteps: 100,
    historyMin: 1,
    historyMean: 50.5,
    historyMax: 100,
  });
  assert.equal(e.capacity, 100);
  // Update t covers 0…t and uses the one loss at t.
  e.rows.forEach((row, t) => {
    assert.equal(row.time, t);
    assert.equal(row.previousTime, t - 1);
    assert.equal(row.sweepStart, 0);
    assert.deepEqual([...row.lossStart], [0]);
  });
});

test("sentence-wise (k1 = k2 = ∞): one update, T forward, T backward", () => {
  const e = explain({ k1: INF, k2: INF }, 100);
  assert.deepEqual(e.totals, {
    updates: 1,
    forwardSteps: 100,
    backwardSteps: 100,
    peakStoredSteps: 100,
    historyMin: 1,
    historyMean: 50.5,
    historyMax: 100,
  });
  assert.deepEqual(
    { t: e.rows[0]?.previousTime, tt: e.rows[0]?.time, from: e.rows[0]?.sweepStart },
    { t: -1, tt: 99, from: 0 },
  );
});

test("chunked (k1 = k2 = n): ceil(T/n) updates, T backward, history 1…n, peak n", () => {
  for (const [T, n] of [
    [100, 20],
    [100, 30],
    [7, 3],
    [5, 9],
    [1, 1],
  ] as const) {
    const e = explain({ k1: n, k2: n }, T);
    const q = Math.floor(T / n);
    const r = T % n;
    assert.deepEqual(
      e.totals,
      {
        updates: Math.ceil(T / n),
        forwardSteps: T,
        backwardSteps: T,
        peakStoredSteps: Math.min(n, T),
        historyMin: 1,
        historyMean: ((q * n * (n + 1)) / 2 + (r * (r + 1)) / 2) / T,
        historyMax: Math.min(n, T),
      },
      `T = ${T}, n = ${n}`,
    );
    // The chunks of the usual "detach at chunk borders" loop.
    e.rows.forEach((row, j) => {
      assert.equal(row.sweepStart, j * n);
      assert.equal(row.previousTime + 1, j * n);
    });
  }
});

/**
 * Overlapping windows (window truncation, k1 < k2 finite), one sequence: update j
 * (0-based) has t' = j·k1 − 1 and m_j = min(k1, T − j·k1) own steps (the last is the
 * flush, shorter when k1 ∤ T); its sweep adds min(k2 − k1, j·k1) steps of history, so
 *   backward = Σ_j m_j + min(k2 − k1, j·k1) = T + Σ_{j<U} min(k2 − k1, j·k1),  U = ceil(T / k1),
 * and when k1 | (k2 − k1), with J = (k2 − k1)/k1 ≤ U: T + k1·J(J − 1)/2 + (k2 − k1)(U − J).
 * Loss s of update j flows through s − max(j·k1 − (k2 − k1), 0) + 1 steps.
 */
function overlapping(k1: number, k2: number, T: number): ScheduleTotals {
  const U = Math.ceil(T / k1);
  const h = k2 - k1;
  let backward = 0;
  let peak = 0;
  let histories = 0;
  let min = INF;
  let max = 0;
  for (let j = 0; j < U; j++) {
    const m = Math.min(k1, T - j * k1);
    backward += m + Math.min(h, j * k1);
    peak = Math.max(peak, m + Math.min(h, j * k1));
    for (let s = j * k1; s < j * k1 + m; s++) {
      const history = s - Math.max(j * k1 - h, 0) + 1;
      histories += history;
      min = Math.min(min, history);
      max = Math.max(max, history);
    }
  }
  return {
    updates: U,
    forwardSteps: T,
    backwardSteps: backward,
    peakStoredSteps: peak,
    historyMin: min,
    historyMean: histories / T,
    historyMax: max,
  };
}

test("overlapping windows k1 = 5, k2 = 20, T = 100: 20 updates, 370 backward steps, history 1…20 (mean 16.5)", () => {
  const e = explain({ k1: 5, k2: 20 }, 100);
  assert.deepEqual(e.totals, {
    updates: 20,
    forwardSteps: 100,
    backwardSteps: 370, // 100 + 5·3·2/2 + 15·(20 − 3)
    peakStoredSteps: 20,
    historyMin: 1,
    historyMean: 16.5,
    historyMax: 20,
  });
  assert.deepEqual(e.totals, overlapping(5, 20, 100));
  // Regular updates (j ≥ 3) see k2 − k1 + 1 … k2 = 16 … 20 steps of history.
  const row = e.rows[10];
  assert.ok(row);
  assert.deepEqual(
    [...row.lossStart].map((start, k) => row.previousTime + 1 + k - start + 1),
    [16, 17, 18, 19, 20],
  );
});

test("overlapping windows with a short flush at the end (k1 = 5, k2 = 20, T = 103): the last update is 3 own steps + 15 history", () => {
  const e = explain({ k1: 5, k2: 20 }, 103);
  assert.equal(e.totals.updates, 21);
  assert.equal(e.totals.backwardSteps, 370 + 3 + 15);
  const last = e.rows[e.rows.length - 1];
  assert.deepEqual(
    { t: last?.previousTime, tt: last?.time, from: last?.sweepStart, back: last?.backwardSteps },
    { t: 99, tt: 102, from: 85, back: 18 },
  );
  assert.deepEqual(e.totals, overlapping(5, 20, 103));
});

test("overlapping windows: the closed form holds for many k1 < k2 and T", () => {
  for (const k1 of [1, 2, 3, 5, 7])
    for (const k2 of [k1, k1 + 1, 2 * k1, 13, 20])
      for (const T of [1, 4, 19, 20, 21, 64, 100]) {
        if (k2 < k1) continue;
        assert.deepEqual(explain({ k1, k2 }, T).totals, overlapping(k1, k2, T), `k1 ${k1} k2 ${k2} T ${T}`);
      }
  // The k1 | (k2 − k1) form.
  const [k1, k2, T] = [4, 16, 98];
  const U = Math.ceil(T / k1);
  const J = (k2 - k1) / k1;
  assert.equal(explain({ k1, k2 }, T).totals.backwardSteps, T + (k1 * J * (J - 1)) / 2 + (k2 - k1) * (U - J));
});

test("per-loss k1 = 10, k2 = 5 (Mikolov 2012), T = 100: backward = Σ_s min(k2, s + 1) = 490, stored k1 + k2 − 1 = 14", () => {
  const e = explain({ k1: 10, k2: 5, truncation: "per-loss" }, 100);
  assert.deepEqual(e.totals, {
    updates: 10,
    forwardSteps: 100,
    backwardSteps: 490, // T·k2 − k2(k2 − 1)/2
    peakStoredSteps: 14,
    historyMin: 1,
    historyMean: 4.9,
    historyMax: 5,
  });
  assert.equal(e.totals.backwardSteps, sumMin(100, 5));
  assert.equal(e.capacity, 14);
  // Each loss back exactly its own last k2 steps.
  for (const row of e.rows)
    row.lossStart.forEach((start, k) => {
      const s = row.previousTime + 1 + k;
      assert.equal(start, Math.max(s - 4, 0));
    });
});

test("per-loss for any k1, k2 and T: backward = Σ_s min(k2, s + 1), updates ceil(T/k1), peak k1 + k2 − 1 once the sequence is long enough", () => {
  for (const k1 of [1, 3, 10, 20])
    for (const k2 of [1, 2, 5, 25])
      for (const T of [1, 9, 50, 101, 200]) {
        const t = explain({ k1, k2, truncation: "per-loss" }, T).totals;
        const label = `k1 ${k1} k2 ${k2} T ${T}`;
        assert.equal(t.updates, Math.ceil(T / k1), label);
        assert.equal(t.backwardSteps, sumMin(T, k2), label);
        assert.equal(t.historyMax, Math.min(k2, T), label);
        // Update j sweeps from its first loss's horizon, j·k1 − k2 + 1 (or 0), to its last step.
        let peak = 0;
        for (let j = 0; j * k1 < T; j++)
          peak = Math.max(peak, Math.min(T, (j + 1) * k1) - Math.max(j * k1 - k2 + 1, 0));
        if (T >= 2 * k1 + k2) assert.equal(peak, k1 + k2 - 1, label);
        assert.equal(t.peakStoredSteps, peak, label);
      }
});

test("Williams & Peng BPTT(h) (k1 = 1, k2 = h): backward = T·h − h(h−1)/2; window and per-loss coincide when k1 = 1", () => {
  for (const h of [1, 4, 10]) {
    const T = 100;
    const w = explain({ k1: 1, k2: h }, T);
    const p = explain({ k1: 1, k2: h, truncation: "per-loss" }, T);
    assert.equal(w.totals.backwardSteps, T * h - (h * (h - 1)) / 2);
    assert.deepEqual(w.totals, p.totals);
    assert.deepEqual(
      w.rows.map((r) => [r.sweepStart, [...r.lossStart]]),
      p.rows.map((r) => [r.sweepStart, [...r.lossStart]]),
    );
  }
});

test("Williams & Peng BPTT(h; h') (k1 = h', k2 = h): every loss of a regular update sees h − h' + 1 … h steps", () => {
  const [h, hp, T] = [12, 4, 60];
  const e = explain({ k1: hp, k2: h }, T);
  for (const row of e.rows.slice(h / hp)) {
    assert.equal(row.backwardSteps, h);
    const histories = [...row.lossStart].map((start, k) => row.previousTime + 1 + k - start + 1);
    assert.deepEqual(histories, [h - hp + 1, h - hp + 2, h - hp + 3, h]);
  }
  // rnnlm -bptt B -bptt-block K as window k1 = K, k2 = B + K − 1: errors travel back B … B + K − 1 steps.
  const [B, K] = [5, 10];
  const rnnlm = explain({ k1: K, k2: B + K - 1 }, 200);
  assert.equal(rnnlm.totals.historyMax, B + K - 1);
  const regular = rnnlm.rows
    .slice(2)
    .flatMap((row) => [...row.lossStart].map((st, k) => row.previousTime + 1 + k - st + 1));
  assert.equal(Math.min(...regular), B);
});

test("frame-wise per-loss k2 = ∞ counts Σ over losses (T(T+1)/2), like window: the same gradients", () => {
  const w = explain({ k1: 1, k2: INF }, 30);
  const p = explain({ k1: 1, k2: INF, truncation: "per-loss" }, 30);
  assert.deepEqual(w.totals, p.totals);
  // Sentence-wise per-loss k2 = ∞: the same single sweep, but backwardSteps counts each loss's span.
  const sentence = explain({ k1: INF, k2: INF, truncation: "per-loss" }, 30);
  assert.equal(sentence.totals.updates, 1);
  assert.equal(sentence.totals.backwardSteps, (30 * 31) / 2);
  assert.equal(sentence.totals.peakStoredSteps, 30);
});

test("reset every N cuts the sequence: with flush, an update at each reset, and no history crosses it", () => {
  // Sentence-wise per segment: ceil(T/N) updates, T backward steps, history 1…N.
  const s = explain({ k1: INF, k2: INF, reset: { every: 30 } }, 100);
  assert.deepEqual(s.totals, {
    updates: 4,
    forwardSteps: 100,
    backwardSteps: 100,
    peakStoredSteps: 30,
    historyMin: 1,
    historyMean: ((3 * (30 * 31)) / 2 + (10 * 11) / 2) / 100,
    historyMax: 30,
  });
  assert.deepEqual(s.resets, [0, 30, 60, 90]);
  // Frame-wise per segment: Σ over segments of L(L+1)/2.
  const f = explain({ k1: 1, k2: INF, reset: { every: 30 } }, 100);
  assert.equal(f.totals.backwardSteps, 3 * ((30 * 31) / 2) + (10 * 11) / 2);
  assert.equal(f.totals.updates, 100);
  // Chunked k1 = k2 = 20 over segments of 30, 30, 30, 10: the update clock restarts at each reset.
  const c = explain({ k1: 20, k2: 20, reset: { every: 30 } }, 100);
  assert.deepEqual(
    c.rows.map((r) => [r.previousTime + 1, r.time]),
    [
      [0, 19],
      [20, 29],
      [30, 49],
      [50, 59],
      [60, 79],
      [80, 89],
      [90, 99],
    ],
  );
  assert.equal(c.totals.backwardSteps, 100);
  // Overlapping windows never reach back over a reset.
  const o = explain({ k1: 5, k2: 20, reset: { every: 30 } }, 100);
  for (const row of o.rows) {
    const segment = Math.floor(row.time / 30) * 30;
    assert.ok(row.sweepStart >= segment, `update ending ${row.time} starts at ${row.sweepStart}`);
  }
  assert.equal(
    o.totals.backwardSteps,
    3 * overlapping(5, 20, 30).backwardSteps + overlapping(5, 20, 10).backwardSteps,
  );
});

test("reset every N without flush: updates every k1 steps on the stream clock, windows still cut at resets", () => {
  const e = explain({ k1: 20, k2: 20, reset: { every: 30 }, flush: false }, 100);
  assert.deepEqual(
    e.rows.map((r) => r.time),
    [19, 39, 59, 79, 99],
  );
  // Update 2 (steps 20…39) spans the reset at 30: losses 20…29 back to 20, 30…39 back to 30.
  const row = e.rows[1];
  assert.ok(row);
  assert.deepEqual([...row.lossStart], [...Array(10).fill(20), ...Array(10).fill(30)]);
  assert.equal(e.totals.historyMax, 20);
});

test("reset never and reset every N ≥ T on one sequence are the same as reset sequence", () => {
  for (const partial of [
    { k1: 5, k2: 20 },
    { k1: 1, k2: INF },
    { k1: 10, k2: 5, truncation: "per-loss" },
  ]) {
    const base = explain(partial, 77).totals;
    assert.deepEqual(explain({ ...partial, reset: "never" }, 77).totals, base);
    assert.deepEqual(explain({ ...partial, reset: { every: 77 } }, 77).totals, base);
  }
});

/**
 * A brute-force count from the contract's text (docs/schedule.md), for one sequence of T steps, every step
 * labelled: updates every k1 steps since the last update, at each reset (flush on),
 * and at the end; window losses back to max(t'+1−(k2−k1), reset), per-loss back to
 * max(s−k2+1, reset); the sweep from the earliest start to t.
 */
function reference(schedule: Schedule, T: number): ScheduleTotals {
  const { k1, k2, truncation, reset, flush } = schedule;
  const isReset = (s: number) =>
    s === 0 || (typeof reset === "object" && s % reset.every === 0 && reset.every > 0);
  const lastReset = (s: number) => {
    let r = s;
    while (!isReset(r)) r--;
    return r;
  };
  const totals: ScheduleTotals = {
    updates: 0,
    forwardSteps: 0,
    backwardSteps: 0,
    peakStoredSteps: 0,
    historyMin: INF,
    historyMean: 0,
    historyMax: 0,
  };
  let previous = -1;
  let histories = 0;
  for (let t = 0; t < T; t++) {
    const last = t === T - 1;
    if (!(last || t - previous === k1 || (flush && isReset(t + 1)))) continue;
    let sweepStart = t;
    let perLoss = 0;
    for (let s = previous + 1; s <= t; s++) {
      const horizon = truncation === "window" ? previous + 1 - (k2 - k1) : s - k2 + 1;
      const start = Math.max(Number.isFinite(k2) ? horizon : 0, lastReset(s));
      const history = s - start + 1;
      histories += history;
      perLoss += history;
      totals.historyMin = Math.min(totals.historyMin, history);
      totals.historyMax = Math.max(totals.historyMax, history);
      sweepStart = Math.min(sweepStart, start);
    }
    totals.updates++;
    totals.forwardSteps += t - previous;
    totals.backwardSteps += truncation === "window" ? t - sweepStart + 1 : perLoss;
    totals.peakStoredSteps = Math.max(totals.peakStoredSteps, t - sweepStart + 1);
    previous = t;
  }
  totals.historyMean = histories / T;
  return totals;
}

test("the explainer matches a brute-force count from the contract on 500 random schedules", () => {
  const steps = stepCount(25);
  const resets = resetPolicy(40);
  fc.assert(
    fc.property(
      steps,
      steps,
      fc.constantFrom<"window" | "per-loss">("window", "per-loss"),
      resets,
      fc.boolean(),
      fc.integer({ min: 1, max: 120 }),
      (a, b, truncation, reset, flush, T) => {
        const [k1, k2] = orderSteps(truncation, a, b);
        const schedule = makeSchedule({ k1, k2, truncation, reset, flush });
        const e = explainSchedule(schedule, T);
        assert.deepEqual(e.totals, reference(schedule, T));
        assert.ok(e.totals.peakStoredSteps <= e.capacity, "the ring holds every update's steps");
        return true;
      },
    ),
    { numRuns: 500, seed: 4242 },
  );
});

test("explainSchedule rejects a length that is not a positive integer", () => {
  for (const bad of [0, -3, 2.5, Number.NaN, INF])
    assert.throws(() => explain({}, bad), /length: expected an integer ≥ 1/);
});

// ---- The text timeline -------------------------------------------------------------

test("renderTimeline draws own steps █, history ░ and untouched ·, with t' and t at the row end", () => {
  const text = renderTimeline(explain({ k1: 5, k2: 20 }, 40), { rows: 0 });
  const rows = text.split("\n").filter((l) => l.startsWith("#"));
  assert.equal(rows.length, 8);
  // Update 5: t' = 19, t = 24, history 5…19.
  assert.equal(
    rows[4]?.slice(7, 47),
    `${UNTOUCHED.repeat(5)}${HISTORY.repeat(15)}${OWN.repeat(5)}${UNTOUCHED.repeat(15)}`,
  );
  assert.match(rows[4] ?? "", /t' = +19 {2}t = +24 {2}backward 5…24 \(20 steps\)/);
  assert.match(text, /^schedule: k1 = 5, k2 = 20, window, reset sequence; T = 40 steps, 1 column = 1 step$/m);
  assert.match(text, /legend: █ the update's own steps/);
  assert.match(text, /^step +0 +10 +20 +30 +39$/m);
});

test("renderTimeline buckets long sequences into round columns and elides the middle rows", () => {
  assert.equal(stepsPerColumn(100, 120), 1);
  assert.equal(stepsPerColumn(121, 120), 2);
  assert.equal(stepsPerColumn(1000, 120), 10);
  assert.equal(stepsPerColumn(1_000_000, 120), 10_000);
  const text = renderTimeline(explain({ k1: 50, k2: 100 }, 1000), { rows: 6 });
  assert.match(text, /1 column = 10 steps/);
  assert.match(text, /\(14 more updates not shown; --rows 0 shows all\)/);
  const rows = text.split("\n").filter((l) => l.startsWith("#"));
  assert.equal(rows.length, 6);
  for (const row of rows) assert.equal([...(row.slice(7).split("  ")[0] ?? "")].length, 100);
  // Update 2 (t' = 49, t = 99) over columns of 10: history 0…49 is 5 columns, own 50…99 is 5.
  assert.equal(rows[1]?.slice(7, 17), `${HISTORY.repeat(5)}${OWN.repeat(5)}`);
  assert.match(text, /a column of 10 steps shows █ if it holds any own step/);
});

test("renderTimeline marks resets and explains per-loss history", () => {
  const r = renderTimeline(explain({ k1: 20, k2: 20, reset: { every: 30 } }, 100));
  assert.match(r, /^reset {2}R {29}R {29}R {29}R$/m);
  assert.match(r, /R a reset point/);
  const p = renderTimeline(explain({ k1: 10, k2: 5, truncation: "per-loss" }, 100));
  assert.match(p, /backward 6…19 \(50 steps over its losses\)/);
  assert.match(p, /per-loss: each loss flows back through its own last k2 steps/);
  assert.throws(() => renderTimeline(explain({}, 10), { width: 3 }), /width: expected an integer ≥ 10/);
});

test("renderTotals prints every total", () => {
  const text = renderTotals(explain({ k1: 5, k2: 20 }, 100));
  assert.equal(
    text,
    [
      "updates            20",
      "forward steps      100",
      "backward steps     370 (3.70 per forward step)",
      "peak stored steps  20 (the engine's ring: 20 slots)",
      "history per loss   min 1, mean 16.50, max 20 steps",
      "",
    ].join("\n"),
  );
});

// ---- The SVG -----------------------------------------------------------------------

/** A small well-formedness check: every element closed in order, attributes quoted. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const body = svg.replace(/^<\?xml[^?]*\?>\s*/, "");
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , selfClose] = m;
    if (selfClose) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    else stack.push(name as string);
  }
  assert.deepEqual(stack, [], "unclosed elements");
  // Nothing that looks like a tag was left unmatched, and text has no raw & or <.
  const stripped = body.replace(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, "");
  assert.doesNotMatch(stripped, /[<>]|&(?!#\d+;|amp;|lt;|gt;|quot;)/);
}

test("renderSvg is a standalone SVG: xml header, namespace, one rect pair per update, axis labels and legend", () => {
  const e = explain({ k1: 5, k2: 20 }, 100);
  const svg = renderSvg(e);
  assert.match(
    svg,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/,
  );
  assertWellFormed(svg);
  assert.equal((svg.match(/fill="#1f4e9c"><title>/g) ?? []).length, 20, "one own-steps bar per update");
  assert.equal(
    (svg.match(/fill="#9cc0ec"><title>/g) ?? []).length,
    19,
    "a history bar for every update but the first",
  );
  for (const label of ["0", "10", "50", "90"])
    assert.match(svg, new RegExp(`text-anchor="middle"[^>]*>${label}</text>`));
  assert.match(svg, /k1 = 5, k2 = 20, window, reset sequence · T = 100/);
  assert.match(svg, /history its backward pass reaches/);
  // Update 5: history 5…19 and own steps 20…24 on a 720 px axis from x = 56.
  assert.match(
    svg,
    /<rect x="92" y="[\d.]+" width="108" height="[\d.]+" fill="#9cc0ec"><title>update 5: history 5…19<\/title>/,
  );
  assert.match(
    svg,
    /<rect x="200" y="[\d.]+" width="36" height="[\d.]+" fill="#1f4e9c"><title>update 5: t' = 19, t = 24/,
  );
});

test("renderComparisonSvg stacks panels, draws resets and elides rows; xmllint accepts it when installed", () => {
  const es = [explain({ k1: 1, k2: INF }, 300), explain({ k1: 20, k2: 20, reset: { every: 30 } }, 300)];
  const svg = renderComparisonSvg(es, { title: "a & b <compared>", rows: 50 });
  assertWellFormed(svg);
  assert.match(svg, /a &#38; b &#60;compared&#62;/);
  assert.match(svg, /⋮ 250 more updates/);
  assert.equal(
    (svg.match(/stroke-dasharray="3 2"/g) ?? []).length,
    9 + 1,
    "9 resets after step 0, and the legend",
  );
  const lint = spawnSync("xmllint", ["--version"]);
  if (lint.error) return; // not installed: the check above stands alone
  const dir = mkdtempSync(join(tmpdir(), "tbptt-svg-"));
  const file = join(dir, "cmp.svg");
  writeFileSync(file, svg);
  const r = spawnSync("xmllint", ["--noout", file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("maxRows keeps the first and last rows only, and the totals and drawings are unchanged", () => {
  const schedule = makeSchedule({ k1: 5, k2: 20 });
  const all = explainSchedule(schedule, 1000);
  for (const maxRows of [0, 1, 7, 8, 199, 200, 500]) {
    const some = explainSchedule(schedule, 1000, { maxRows });
    assert.deepEqual(some.totals, all.totals);
    const kept = Math.min(maxRows, 200);
    assert.equal(some.rows.length, kept);
    assert.equal(some.omittedRows, 200 - kept);
    const head = Math.ceil(maxRows / 2);
    const expected =
      kept === 200 ? all.rows : [...all.rows.slice(0, head), ...all.rows.slice(200 - (maxRows - head))];
    assert.deepEqual(
      some.rows.map((r) => r.index),
      expected.map((r) => r.index),
    );
    for (const rows of [0, 6, 7, 40]) {
      if (rows === 0 || rows > maxRows) continue;
      assert.equal(
        renderTimeline(some, { rows }),
        renderTimeline(all, { rows }),
        `maxRows ${maxRows}, rows ${rows}`,
      );
    }
  }
  assert.equal(renderSvg(explainSchedule(schedule, 1000, { maxRows: 100 })), renderSvg(all));
  const cut = renderTimeline(explainSchedule(schedule, 1000, { maxRows: 10 }), { rows: 0 });
  assert.match(cut, /\(190 more updates not shown; --rows 0 shows all\)/);
  assert.throws(() => explainSchedule(schedule, 10, { maxRows: -1 }), /maxRows: expected an integer ≥ 0/);
});
