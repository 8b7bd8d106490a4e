import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sphereFile, sphereHeader } from "../../src/io/sphere-write.js";
import { decodeAudio, parseSphereHeader } from "../../src/tasks/speech/audio.js";

const fields = {
  databaseId: "SYNTH-TIMIT",
  databaseVersion: "1.0",
  utteranceId: "kal0_sx1",
  sampleRate: 16000,
};

describe("synth SPHERE writer", () => {
  it("writes TIMIT's 1024-byte header, space-padded, with the data's count, min and max", () => {
    const samples = Int16Array.from([0, -300, 1200, 7, -32768, 32767]);
    const header = sphereHeader(samples, fields);
    assert.equal(header.length, 1024);
    const text = header.toString("latin1");
    assert.ok(text.startsWith("NIST_1A\n   1024\ndatabase_id -s11 SYNTH-TIMIT\ndatabase_version -s3 1.0\n"));
    for (const line of [
      "utterance_id -s8 kal0_sx1",
      "channel_count -i 1",
      "sample_count -i 6",
      "sample_rate -i 16000",
      "sample_min -i -32768",
      "sample_max -i 32767",
      "sample_n_bytes -i 2",
      "sample_byte_format -s2 01",
      "sample_sig_bits -i 16",
      "sample_coding -s3 pcm",
    ]) {
      assert.ok(text.includes(`\n${line}\n`), line);
    }
    const end = text.indexOf("end_head\n") + "end_head\n".length;
    assert.match(text.slice(end), /^ +$/);
  });

  it("round-trips through the project's SPHERE reader", () => {
    const samples = Int16Array.from({ length: 1000 }, (_, i) => Math.round(10000 * Math.sin(i / 7)));
    const file = sphereFile(samples, fields);
    assert.equal(file.length, 1024 + 2000);
    const { fields: parsed, headerBytes } = parseSphereHeader(file, "x.WAV");
    assert.equal(headerBytes, 1024);
    assert.equal(parsed.get("sample_count"), 1000);
    assert.equal(parsed.get("utterance_id"), "kal0_sx1");
    const audio = decodeAudio(file, "x.WAV");
    assert.deepEqual(Array.from(audio.samples), Array.from(samples));
  });

  it("rejects white space in a string field", () => {
    assert.throws(
      () => sphereHeader(new Int16Array(1), { ...fields, utteranceId: "a b" }),
      /utterance_id must not contain white space/,
    );
  });
});
