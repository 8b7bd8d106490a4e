// Fuzz targets of the speech readers: audio (NIST SPHERE and RIFF WAV, decoded then turned
// into MFCC frames as a corpus load does) and TIMIT .PHN transcriptions (parsed against the
// audio's length, then turned into frame labels).
import fc from "fast-check";
import { decodeAudio } from "../../../src/tasks/speech/audio.js";
import { computeFeatures } from "../../../src/tasks/speech/fbank.js";
import { frameLabels } from "../../../src/tasks/speech/frames.js";
import { parsePhn } from "../../../src/tasks/speech/phn.js";
import { sphereBytes, tone, wavBytes } from "../../speech/fixtures.js";
import { fromLatin1, latin1, type Mutation, numberFieldChange } from "../mutate.js";
import type { FuzzTarget } from "../target.js";

const AUDIO = "fuzz/SA1.WAV";
const PHN = "fuzz/SA1.PHN";

const samples = Array.from(tone(440, 480));

/**
 * A SPHERE header field changed (a number, a field's type or value, a field dropped or
 * repeated), the header kept at its declared size so the samples stay where they were.
 */
const sphereFieldChange = fc
  .tuple(
    fc.nat(),
    fc.constantFrom(
      "sample_count -i ",
      "sample_rate -i ",
      "channel_count -i ",
      "sample_n_bytes -i ",
      "sample_byte_format -s2 ",
      "sample_coding -s3 ",
      "sample_rate -r ",
      "sample_count -s4 ",
      "sample_coding -s20 ",
      "",
    ),
    fc.oneof(
      fc.constantFrom("1", "2", "10", "01", "pcm", "ulaw", "16000", "-1", "1e9", "x y", ""),
      fc.string(),
    ),
  )
  .map(
    ([n, field, value]): Mutation =>
      (bytes) => {
        const text = latin1(bytes);
        const end = text.indexOf("end_head");
        if (!text.startsWith("NIST_1A") || end < 0 || bytes.length < 1024) return bytes;
        const lines = text.slice(16, end).split("\n");
        const i = n % Math.max(1, lines.length);
        lines.splice(i, n % 3 === 0 ? 0 : 1, field === "" ? "" : `${field}${value}`);
        const header = `${text.slice(0, 16)}${lines.join("\n")}end_head\n`.padEnd(1024, " ").slice(0, 1024);
        return fromLatin1(header + text.slice(1024));
      },
  );

/** A RIFF header field (chunk sizes, format tag, channels, rate, bits) set to a boundary value. */
const wavFieldChange = fc
  .tuple(
    fc.constantFrom(4, 16, 20, 22, 24, 32, 34, 40),
    fc.constantFrom(0, 1, 2, 3, 8, 15, 16, 17, 24, 0xfffe, 0xffff, 0x7fffffff, 0xffffffff, 16000, 44100),
  )
  .map(
    ([offset, value]): Mutation =>
      (bytes) => {
        if (bytes.length < offset + 4 || latin1(bytes.subarray(0, 4)) !== "RIFF") return bytes;
        const out = Uint8Array.from(bytes);
        const view = new DataView(out.buffer);
        if (offset === 4 || offset === 16 || offset === 24 || offset === 40)
          view.setUint32(offset, value, true);
        else view.setUint16(offset, value & 0xffff, true);
        return out;
      },
  );

export const audioTarget: FuzzTarget = {
  name: "audio",
  title: "decodeAudio (SPHERE, RIFF WAV) then computeFeatures",
  sources: [AUDIO],
  seeds: [
    sphereBytes(samples),
    sphereBytes(samples, { byteOrder: "10" }),
    wavBytes(samples),
    sphereBytes(samples.slice(0, 20)),
  ],
  fields: [sphereFieldChange, wavFieldChange, numberFieldChange],
  run: (bytes) => {
    const audio = decodeAudio(bytes, AUDIO);
    return computeFeatures(audio.samples);
  },
};

const phnText = ["0 1200 h#", "1200 2100 sh", "2100 3300 iy", "3300 4800 h#", ""].join("\n");

export const phnTarget: FuzzTarget = {
  name: "phn",
  title: "parsePhn (TIMIT .PHN) then frameLabels",
  sources: [PHN],
  seeds: [new TextEncoder().encode(phnText), new TextEncoder().encode("0 4800 pau\r\n")],
  fields: [numberFieldChange],
  alphabet: "0123456789 \n\r\t-.h#shiyaepau",
  run: (bytes) => {
    const segments = parsePhn(new TextDecoder().decode(bytes), PHN, { audioLength: 4800 });
    return frameLabels(segments, 28, { window: 400, hop: 160 });
  },
};
