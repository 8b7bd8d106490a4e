import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { corpusCommand } from "../../src/cli/corpus.js";

describe("synth CLI flags", () => {
  const cases: Array<[string[], RegExp]> = [
    [["synth"], /--out DIR is required/],
    [["synth", "--out", "x", "--speakers", "abc"], /--speakers must be an integer, got "abc"/],
    [["synth", "--out", "x", "--utterances", "0"], /--utterances must be at least 1, got 0/],
    [
      ["synth", "--out", "x", "--speakers", "3", "--test-speakers", "3"],
      /--test-speakers \(3\) must be fewer than --speakers \(3\)/,
    ],
    [
      ["synth", "--out", "x", "--speakers", "6", "--utterances", "4"],
      /--utterances \(4\) must be at least --speakers \(6\)/,
    ],
    [["synth", "--out", "x", "--voices", "kal,foo"], /--voices: unknown voice "foo"/],
    [["synth", "--out", "x", "--voices", "kal,kal"], /--voices lists a voice twice/],
    [["synth", "--out", "x", "--jobs", "0"], /--jobs must be at least 1, got 0/],
    [["synth", "--out", "x", "--bogus"], /tbptt corpus synth: Unknown option '--bogus'/],
    [["mix"], /unknown subcommand "mix"; expected "synth"/],
  ];
  for (const [argv, message] of cases) {
    it(`rejects ${argv.join(" ")}`, async () => {
      await assert.rejects(corpusCommand(argv), message);
    });
  }
});
