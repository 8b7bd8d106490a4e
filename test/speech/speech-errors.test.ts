// Speech inputs whose errors used to come without a source or as an internal message
// (issue 10, item 6): SPHERE header numbers that are not whole, an utterance shorter than
// one analysis frame, a NaN in the feature cache (a miss: computed again, never trained on).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TbpttError } from "../../src/core/errors.js";
import { loadSpeechSet } from "../../src/io/speech-dataset.js";
import { indexTimit } from "../../src/io/timit.js";
import { decodeAudio } from "../../src/tasks/speech/audio.js";
import { makeFakeTimit } from "./corpus.js";
import { sphereBytes, tone } from "./fixtures.js";

test("SPHERE -i fields must be whole numbers ≥ 0, named with the file", () => {
  const samples = tone(440, 1600);
  for (const [spec, field, value] of [
    [{ sampleRate: 16000.5 }, "sample_rate", "16000.5"],
    [{ sampleCount: 1e-3 }, "sample_count", "0.001"],
    [{ channels: -1 }, "channel_count", "-1"],
  ] as const) {
    assert.throws(
      () => decodeAudio(sphereBytes(samples, spec), "u.WAV"),
      (e: Error) =>
        e instanceof TbpttError &&
        e.message === `u.WAV: SPHERE field ${field} is ${value}, expected a whole number ≥ 0`,
    );
  }
});

test("an utterance shorter than one analysis frame is an error naming its audio", () => {
  const root = makeFakeTimit();
  const entry = {
    ...(indexTimit(root, { validationSpeakers: 0 }).train[0] as ReturnType<typeof indexTimit>["train"][0]),
  };
  writeFileSync(entry.audioPath, sphereBytes(tone(440, 100)));
  writeFileSync(entry.phnPath, "0 100 h#\n");
  assert.throws(
    () => loadSpeechSet([entry], {}, null),
    (e: Error) =>
      e instanceof TbpttError &&
      e.message ===
        `${entry.audioPath}: 100 samples (6.3 ms), shorter than one 400-sample analysis frame: no frames to label`,
  );
  const skipped = loadSpeechSet([entry], {}, null, { skipBad: true });
  assert.equal(skipped.utterances.length, 0);
  assert.match(skipped.problems[0] as string, /shorter than one 400-sample analysis frame/);
});

test("a NaN in the feature cache is a miss: the features are computed again and the entry rewritten", () => {
  const root = makeFakeTimit();
  const entries = indexTimit(root, { validationSpeakers: 0 }).train.slice(0, 1);
  const cache = mkdtempSync(join(tmpdir(), "tbptt-cache-nan-"));
  const first = loadSpeechSet(entries, {}, cache);
  const file = join(cache, readdirSync(cache).find((f) => f.endsWith(".feat")) as string);
  const bytes = readFileSync(file);
  bytes.writeFloatLE(Number.NaN, 20 + 4 * 7); // the header is 20 bytes; feature 7 of frame 0
  writeFileSync(file, bytes);
  const again = loadSpeechSet(entries, {}, cache);
  assert.equal(again.cacheHits, 0);
  assert.equal(again.computed, 1);
  assert.deepEqual(again.utterances[0]?.features, first.utterances[0]?.features);
  assert.equal(loadSpeechSet(entries, {}, cache).cacheHits, 1, "the entry was rewritten");
});
