/**
 * End to end: a 3-utterance corpus from Festival (one speaker of each voice,
 * one held out for TEST), checked against TIMIT's layout and formats, and
 * read back with the project's own SPHERE and .PHN readers.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { missingPrograms } from "../../src/io/festival.js";
import { type SynthSummary, synthesizeCorpus } from "../../src/io/synth-corpus.js";
import { decodeAudio } from "../../src/tasks/speech/audio.js";
import { parsePhn } from "../../src/tasks/speech/phn.js";
import { TIMIT_61 } from "../../src/tasks/speech/synth/radio-phones.js";

const missing = missingPrograms();
const skip =
  missing.length > 0 ? `${missing.join(" and ")} not installed (run scripts/setup-system.sh)` : false;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The SPHERE header's text fields, read here independently of the project's reader. */
function sphereFields(bytes: Buffer): Map<string, string> {
  const text = bytes.subarray(0, 1024).toString("latin1");
  const fields = new Map<string, string>();
  for (const line of text.split("\n").slice(2)) {
    if (line === "end_head") break;
    const [name, type, value] = line.split(" ");
    if (name && type && value !== undefined) fields.set(name, `${type} ${value}`);
  }
  return fields;
}

function lines(path: string): string[][] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split(" "));
}

describe("synth corpus end to end", { skip }, () => {
  let out = "";
  let summary: SynthSummary;
  before(async () => {
    out = mkdtempSync(join(tmpdir(), "tbptt-synth-test-"));
    summary = await synthesizeCorpus({ out, utterances: 3, speakers: 3, testSpeakers: 1, seed: 11 });
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it("refuses to write over a corpus unless told to overwrite", async () => {
    await assert.rejects(
      synthesizeCorpus({ out, utterances: 3, speakers: 3, testSpeakers: 1, seed: 11 }),
      /already holds TRAIN, TEST, SPEAKERS.TXT; choose another directory or pass overwrite/,
    );
  });

  it("writes TIMIT's layout with a TRAIN/TEST split by speaker", () => {
    const utterances = files(out)
      .map((f) => relative(out, f))
      .filter((f) => f.endsWith(".WAV"));
    assert.equal(utterances.length, 3);
    assert.equal(summary.utterances, 3);
    for (const wav of utterances) {
      assert.match(wav, /^(TRAIN|TEST)\/DR\d\/[MF][A-Z]{3}[0-9A-Z]\/S[IX]\d+\.WAV$/);
      for (const ext of ["PHN", "WRD", "TXT"])
        assert.ok(existsSync(join(out, wav.replace(/WAV$/, ext))), ext);
    }
    const speakersOf = (split: string) =>
      new Set(utterances.filter((u) => u.startsWith(split)).map((u) => u.split("/")[2]));
    assert.equal(speakersOf("TRAIN").size, 2);
    assert.deepEqual([...speakersOf("TEST")], ["FSLT0"]);
    assert.ok(existsSync(join(out, "SPEAKERS.TXT")));
    assert.ok(!files(out).some((f) => f.includes(".tmp-")), "no temporary files left");
  });

  it("writes SPHERE headers as TIMIT has them, consistent with the data", () => {
    for (const wav of files(out).filter((f) => f.endsWith(".WAV"))) {
      const bytes = readFileSync(wav);
      assert.equal(bytes.subarray(0, 16).toString("latin1"), "NIST_1A\n   1024\n");
      const fields = sphereFields(bytes);
      const count = Number(fields.get("sample_count")!.split(" ")[1]);
      assert.equal(fields.get("sample_count"), `-i ${count}`);
      assert.equal(bytes.length, 1024 + 2 * count);
      assert.equal(fields.get("sample_rate"), "-i 16000");
      assert.equal(fields.get("sample_n_bytes"), "-i 2");
      assert.equal(fields.get("sample_byte_format"), "-s2 01");
      assert.equal(fields.get("channel_count"), "-i 1");
      assert.equal(fields.get("sample_coding"), "-s3 pcm");
      assert.equal(fields.get("sample_sig_bits"), "-i 16");
      assert.equal(fields.get("database_id"), "-s11 SYNTH-TIMIT");
      assert.match(fields.get("utterance_id")!, /^-s\d+ [a-z]{3}[0-9a-z]_s[ix]\d+$/);
      let min = 0;
      let max = 0;
      for (let i = 0; i < count; i++) {
        const x = bytes.readInt16LE(1024 + 2 * i);
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      assert.equal(fields.get("sample_min"), `-i ${min}`);
      assert.equal(fields.get("sample_max"), `-i ${max}`);
      assert.ok(max > 1000, "audible");
      // The project's own reader agrees.
      const audio = decodeAudio(bytes, wav);
      assert.equal(audio.samples.length, count);
      assert.equal(audio.sampleRate, 16000);
    }
  });

  it("writes .PHN segments that are contiguous, cover the audio and use TIMIT labels only", () => {
    for (const phn of files(out).filter((f) => f.endsWith(".PHN"))) {
      const count = (statSync(phn.replace(/PHN$/, "WAV")).size - 1024) / 2;
      const rows = lines(phn);
      assert.ok(rows.length >= 5);
      let expectedStart = 0;
      for (const [start, end, label] of rows) {
        assert.equal(Number(start), expectedStart, `${phn}: gap or overlap at ${start}`);
        assert.ok(Number(end) > Number(start), `${phn}: empty segment at ${start}`);
        assert.ok((TIMIT_61 as readonly string[]).includes(label!), `${phn}: label ${label}`);
        expectedStart = Number(end);
      }
      assert.equal(expectedStart, count, `${phn} ends at the audio's end`);
      assert.equal(rows[0]![2], "h#");
      assert.equal(rows[rows.length - 1]![2], "h#");
      for (let i = 0; i < rows.length; i++) {
        const label = rows[i]![2]!;
        if (label.endsWith("cl")) assert.ok(i + 1 < rows.length, `${phn}: closure at the end`);
        const closure = { b: "bcl", d: "dcl", g: "gcl", p: "pcl", t: "tcl", k: "kcl", ch: "tcl", jh: "dcl" }[
          label
        ];
        if (closure) assert.equal(rows[i - 1]![2], closure, `${phn}: ${label} after ${rows[i - 1]![2]}`);
      }
      // The project's .PHN parser accepts it.
      assert.equal(parsePhn(readFileSync(phn, "utf8"), phn, { audioLength: count }).length, rows.length);
    }
  });

  it("writes .WRD inside the audio and in order, and .TXT as 0 <samples> <text>", () => {
    for (const wrd of files(out).filter((f) => f.endsWith(".WRD"))) {
      const count = (statSync(wrd.replace(/WRD$/, "WAV")).size - 1024) / 2;
      const rows = lines(wrd);
      assert.ok(rows.length >= 2);
      let previousEnd = 0;
      for (const [start, end, word] of rows) {
        assert.ok(
          Number(start) >= previousEnd && Number(end) > Number(start) && Number(end) <= count,
          `${wrd}: ${start} ${end}`,
        );
        assert.match(word!, /^[a-z']+$/);
        previousEnd = Number(end);
      }
      const txt = readFileSync(wrd.replace(/WRD$/, "TXT"), "utf8");
      const match = /^0 (\d+) ([A-Z].*[.?])\n$/.exec(txt);
      assert.ok(match, txt);
      assert.equal(Number(match[1]), count);
      // Word boundaries are phone boundaries.
      const phoneBounds = new Set(lines(wrd.replace(/WRD$/, "PHN")).flatMap((r) => [r[0], r[1]]));
      for (const [start, end] of rows)
        assert.ok(phoneBounds.has(start) && phoneBounds.has(end), `${wrd}: ${start} ${end}`);
      const spoken = rows.map((r) => r[2]).join(" ");
      assert.equal(spoken, match[2]!.toLowerCase().replace(/[.?]/g, ""));
    }
  });
});
