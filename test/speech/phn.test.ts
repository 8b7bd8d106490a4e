import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePhn } from "../../src/tasks/speech/phn.js";
import { phoneIndex61 } from "../../src/tasks/speech/phones.js";

describe("parsePhn", () => {
  it("reads contiguous segments", () => {
    const segs = parsePhn("0 3050 h#\n3050 4559 sh\n4559 5723 ix\n5723 6000 h#\n", "a.PHN", {
      audioLength: 6000,
    });
    assert.equal(segs.length, 4);
    assert.deepEqual(segs[1], { start: 3050, end: 4559, label: phoneIndex61("sh") });
  });
  const bad: [string, string, RegExp][] = [
    ["malformed", "0 10 h#\n10 x20 sh\n", /a\.PHN:2: malformed line "10 x20 sh"/],
    ["short line", "0 10 h#\n10 20\n", /a\.PHN:2: malformed line/],
    ["gap", "0 10 h#\n\n12 20 sh\n", /a\.PHN:3: gap: starts at 12, but the previous segment ends at 10/],
    [
      "overlap",
      "0 10 h#\n8 20 sh\n",
      /a\.PHN:2: overlap: starts at 8, before the previous segment ends at 10/,
    ],
    ["out of order", "5 10 h#\n0 20 sh\n", /a\.PHN:2: out of order: starts at 0/],
    ["reversed", "0 10 h#\n10 10 sh\n", /a\.PHN:2: segment ends at 10, not after its start 10/],
    [
      "out of range",
      "0 10 h#\n10 200 sh\n",
      /a\.PHN:2: out of range: segment ends at 200, beyond the audio's 100 samples/,
    ],
    ["unknown label", "0 10 h#\n10 20 xx\n", /a\.PHN:2: unknown phone label "xx"/],
    ["empty", "\n", /a\.PHN: no segments/],
  ];
  for (const [what, text, message] of bad)
    it(`names the file and line for ${what}`, () => {
      assert.throws(() => parsePhn(text, "a.PHN", { audioLength: 100 }), message);
    });
});
