import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TIMIT_PHONES_61 } from "../../src/tasks/speech/phones.js";
import {
  RADIO_PHONES,
  type RadioSegment,
  radioToTimit,
  radioToTimitTable,
  TIMIT_61,
  wordSegments,
} from "../../src/tasks/speech/synth/radio-phones.js";

const midpoint = (start: number, end: number) => Math.floor((start + end) / 2);

function seg(phone: string, end: number, wordId: string | null = "w1"): RadioSegment {
  return { phone, end, wordId };
}

describe("radio -> TIMIT phones", () => {
  it("keeps a private copy of TIMIT's 61 labels equal to the shared one", () => {
    assert.equal(TIMIT_61.length, 61);
    assert.deepEqual([...TIMIT_61].sort(), [...TIMIT_PHONES_61].sort());
  });

  it("maps every radio phone onto TIMIT labels only", () => {
    const table = radioToTimitTable();
    assert.deepEqual(
      table.map((r) => r.radio),
      [...RADIO_PHONES],
    );
    for (const row of table) {
      assert.ok(row.timit.length >= 1, row.radio);
      for (const label of row.timit)
        assert.ok((TIMIT_61 as readonly string[]).includes(label), `${row.radio} -> ${label}`);
    }
    const byRadio = new Map(table.map((r) => [r.radio, r.timit.join(" ")]));
    assert.equal(byRadio.get("t"), "tcl t");
    assert.equal(byRadio.get("b"), "bcl b");
    assert.equal(byRadio.get("ch"), "tcl ch");
    assert.equal(byRadio.get("jh"), "dcl jh");
    assert.equal(byRadio.get("ax"), "ax");
    assert.equal(byRadio.get("pau"), "pau");
  });

  it("every radio phone passes through radioToTimit", () => {
    const segments = RADIO_PHONES.map((p, i) => seg(p, 100 * (i + 1)));
    const out = radioToTimit(segments, 100 * segments.length, midpoint);
    for (const s of out) assert.ok((TIMIT_61 as readonly string[]).includes(s.label), s.label);
  });

  it("names silences h# at the edges and pau inside, merging neighbours", () => {
    const out = radioToTimit(
      [
        seg("pau", 100, null),
        seg("s", 200),
        seg("pau", 300, null),
        seg("brth", 350, null),
        seg("iy", 400),
        seg("pau", 500, null),
      ],
      500,
      midpoint,
    );
    assert.deepEqual(
      out.map((s) => `${s.start} ${s.end} ${s.label}`),
      ["0 100 h#", "100 200 s", "200 350 pau", "350 400 iy", "400 500 h#"],
    );
  });

  it("splits stops and affricates at the splitter's boundary", () => {
    const calls: string[] = [];
    const out = radioToTimit(
      [seg("pau", 100, null), seg("t", 200), seg("jh", 300), seg("pau", 400, null)],
      400,
      (start, end, phone) => {
        calls.push(`${phone} ${start} ${end}`);
        return start + 60;
      },
    );
    assert.deepEqual(calls, ["t 100 200", "jh 200 300"]);
    assert.deepEqual(
      out.map((s) => `${s.start} ${s.end} ${s.label}`),
      ["0 100 h#", "100 160 tcl", "160 200 t", "200 260 dcl", "260 300 jh", "300 400 h#"],
    );
  });

  it("rejects a splitter boundary outside the segment", () => {
    assert.throws(
      () =>
        radioToTimit([seg("pau", 100, null), seg("k", 200), seg("pau", 300, null)], 300, (start) => start),
      /stop split for "k" in \[100, 200\) must be an integer strictly inside, got 100/,
    );
  });

  it("merges an inserted r (no syllable) into the er before it, keeps a lexical r", () => {
    const out = radioToTimit(
      [
        seg("pau", 10, null),
        seg("er", 20),
        seg("r", 30, null),
        seg("r", 40, "w2"),
        seg("iy", 50, "w2"),
        seg("pau", 60, null),
      ],
      60,
      midpoint,
    );
    assert.deepEqual(
      out.map((s) => `${s.start} ${s.end} ${s.label}`),
      ["0 10 h#", "10 30 er", "30 40 r", "40 50 iy", "50 60 h#"],
    );
  });

  it("is contiguous from 0 to the audio's end, clamping and dropping empty segments", () => {
    const out = radioToTimit(
      [seg("pau", 100.4, null), seg("s", 100.2), seg("iy", 900), seg("pau", 1200, null)],
      1000,
      midpoint,
    );
    assert.deepEqual(
      out.map((s) => `${s.start} ${s.end} ${s.label}`),
      ["0 100 h#", "100 900 iy", "900 1000 h#"],
    );
    const longer = radioToTimit(
      [seg("pau", 100, null), seg("iy", 900), seg("pau", 950, null)],
      1000,
      midpoint,
    );
    assert.equal(longer[longer.length - 1]!.end, 1000);
  });

  it("rejects phones outside the radio set", () => {
    assert.throws(
      () => radioToTimit([seg("ix", 10)], 10, midpoint),
      /"ix" is not a radio phone \(segment 0\)/,
    );
  });

  it("builds word segments, the inserted r included", () => {
    const words = new Map([
      ["_1", "Her"],
      ["_2", "bird"],
    ]);
    const out = wordSegments(
      [
        seg("pau", 10, null),
        seg("hh", 20, "_1"),
        seg("er", 30, "_1"),
        seg("r", 40, null),
        seg("b", 50, "_2"),
        seg("er", 60, "_2"),
        seg("r", 70, null),
        seg("d", 80, "_2"),
        seg("pau", 90, null),
      ],
      words,
      90,
    );
    assert.deepEqual(
      out.map((s) => `${s.start} ${s.end} ${s.label}`),
      ["10 40 her", "40 80 bird"],
    );
  });
});
