import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { festivalScript, parseFestivalOutput, postPitchShift } from "../../src/io/festival.js";
import { planSpeakers } from "../../src/tasks/speech/synth/speakers.js";

const [kal0, slt0, kal1, slt1] = planSpeakers(["kal", "slt"], 4, 0, 1);

describe("synth Festival script and output", () => {
  it("selects the voice and sets diphone prosody through Duration_Stretch and int_lr_params", () => {
    const script = festivalScript(kal1!, [{ key: "MKAL1_SX1", text: "A cat.", wavPath: "/tmp/a.wav" }]);
    assert.match(script, /^\(voice_kal_diphone\)\n/);
    assert.match(script, new RegExp(`\\(Parameter.get 'Duration_Stretch\\) ${kal1!.durationStretch}\\)`));
    assert.match(script, new RegExp(`'target_f0_mean \\(\\* ${2 ** (kal1!.semitones / 12)} `));
    assert.doesNotMatch(script, /hts_engine_params/);
    assert.equal(postPitchShift(kal1!), 0);
  });

  it("sets the HTS voice's rate through hts_engine and leaves its pitch to sox", () => {
    const script = festivalScript(slt1!, [{ key: "FSLT1_SX1", text: "A cat.", wavPath: "/tmp/a.wav" }]);
    assert.match(script, /^\(voice_cmu_us_slt_arctic_hts\)\n/);
    assert.match(script, new RegExp(`\\(list "-r" ${1 / slt1!.durationStretch}\\)`));
    assert.doesNotMatch(script, /"-fm"|int_lr_params/);
    assert.equal(postPitchShift(slt1!), slt1!.semitones);
    assert.equal(postPitchShift(slt0!), 0);
  });

  it("quotes the text for Scheme and refuses unsafe keys", () => {
    const script = festivalScript(kal0!, [{ key: "k", text: 'Say "hi" \\ now.', wavPath: "/tmp/x y.wav" }]);
    assert.ok(script.includes('(tbptt-synth "k" "Say \\"hi\\" \\\\ now." "/tmp/x y.wav")'), script);
    assert.throws(
      () => festivalScript(kal0!, [{ key: 'k")', text: "x", wavPath: "/tmp/x.wav" }]),
      /request key "k"\)" has unsafe characters/,
    );
  });

  it("parses segments with their words, and names the utterances that are missing", () => {
    const stdout = [
      "some festival chatter",
      "UTT a",
      "SEG pau 0.220000 0 0",
      "SEG hh 0.300000 _7 Her",
      "SEG er 0.350000 _7 Her",
      "SEG r 0.400000 0 0",
      "SEG pau 0.600000 0 0",
      "END a",
      "UTT b",
      "SEG pau 0.1 0 0",
    ].join("\n");
    assert.throws(() => parseFestivalOutput(stdout, ["a", "b"]), /festival: no segments for b/);
    const out = parseFestivalOutput(stdout, ["a"]);
    assert.deepEqual(out.get("a"), [
      { phone: "pau", end: 0.22, wordId: null, word: null },
      { phone: "hh", end: 0.3, wordId: "_7", word: "Her" },
      { phone: "er", end: 0.35, wordId: "_7", word: "Her" },
      { phone: "r", end: 0.4, wordId: null, word: null },
      { phone: "pau", end: 0.6, wordId: null, word: null },
    ]);
    assert.throws(
      () => parseFestivalOutput("UTT a\nSEG pau x 0 0\nEND a\n", ["a"]),
      /bad segment end in line "SEG pau x 0 0"/,
    );
  });
});
