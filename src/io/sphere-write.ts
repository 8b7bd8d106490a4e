/**
 * Writes 16-bit mono PCM as a NIST SPHERE file the way TIMIT's .WAV files are
 * laid out: the text header `NIST_1A\n   1024\n`, one `name -type value` field
 * a line, `end_head`, padded with spaces to 1024 bytes, then little-endian
 * samples (`sample_byte_format -s2 01`). TIMIT's files carry no
 * `sample_coding` field (PCM is SPHERE's default); we write `-s3 pcm`
 * explicitly so readers need not assume it.
 */

const HEADER_BYTES = 1024;

export interface SphereFields {
  /** e.g. "SYNTH-TIMIT"; TIMIT has "TIMIT". */
  databaseId: string;
  databaseVersion: string;
  /** TIMIT's form: speaker id without sex, underscore, sentence id, lower case ("kal0_sx12"). */
  utteranceId: string;
  sampleRate: number;
}

function stringField(name: string, value: string): string {
  if (/\s/.test(value)) throw new Error(`sphere: field ${name} must not contain white space, got "${value}"`);
  return `${name} -s${Buffer.byteLength(value, "latin1")} ${value}\n`;
}

/** The 1024-byte header for `samples`. */
export function sphereHeader(samples: Int16Array, fields: SphereFields): Buffer {
  let min = 0;
  let max = 0;
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const text =
    "NIST_1A\n" +
    `${String(HEADER_BYTES).padStart(7)}\n` +
    stringField("database_id", fields.databaseId) +
    stringField("database_version", fields.databaseVersion) +
    stringField("utterance_id", fields.utteranceId) +
    "channel_count -i 1\n" +
    `sample_count -i ${samples.length}\n` +
    `sample_rate -i ${fields.sampleRate}\n` +
    `sample_min -i ${min}\n` +
    `sample_max -i ${max}\n` +
    "sample_n_bytes -i 2\n" +
    stringField("sample_byte_format", "01") +
    "sample_sig_bits -i 16\n" +
    stringField("sample_coding", "pcm") +
    "end_head\n";
  if (text.length > HEADER_BYTES)
    throw new Error(`sphere: header needs ${text.length} bytes, more than ${HEADER_BYTES}`);
  const header = Buffer.alloc(HEADER_BYTES, 0x20);
  header.write(text, 0, "latin1");
  return header;
}

/** A whole SPHERE file: header then little-endian 16-bit samples. */
export function sphereFile(samples: Int16Array, fields: SphereFields): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) data.writeInt16LE(samples[i]!, i * 2);
  return Buffer.concat([sphereHeader(samples, fields), data]);
}
