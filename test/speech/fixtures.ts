/**
 * Writers of small audio files for the speech tests: NIST SPHERE (either byte
 * order, with header fields that can be made to lie) and RIFF WAV (16-bit PCM).
 */

export interface SphereSpec {
  byteOrder?: "01" | "10";
  sampleRate?: number;
  channels?: number;
  coding?: string;
  /** Written into the header instead of the real count (to make the header lie). */
  sampleCount?: number;
  sampleBytes?: number;
}

/** A SPHERE file holding `samples` as 16-bit integers. */
export function sphereBytes(samples: ArrayLike<number>, spec: SphereSpec = {}): Uint8Array {
  const order = spec.byteOrder ?? "01";
  const lines = [
    "NIST_1A",
    "   1024",
    "database_id -s5 TIMIT",
    `sample_count -i ${spec.sampleCount ?? samples.length}`,
    `sample_rate -i ${spec.sampleRate ?? 16000}`,
    `channel_count -i ${spec.channels ?? 1}`,
    `sample_byte_format -s2 ${order}`,
    `sample_n_bytes -i ${spec.sampleBytes ?? 2}`,
    `sample_sig_bits -i 16`,
    `sample_coding -s${(spec.coding ?? "pcm").length} ${spec.coding ?? "pcm"}`,
    "end_head",
  ];
  const header = new Uint8Array(1024).fill(0x20);
  const text = `${lines.join("\n")}\n`;
  for (let i = 0; i < text.length; i++) header[i] = text.charCodeAt(i);
  const out = new Uint8Array(1024 + samples.length * 2);
  out.set(header);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(1024 + 2 * i, samples[i], order === "01");
  return out;
}

export interface WavSpec {
  sampleRate?: number;
  channels?: number;
  bits?: number;
  format?: number;
}

/** A canonical 44-byte-header WAV file. */
export function wavBytes(samples: ArrayLike<number>, spec: WavSpec = {}): Uint8Array {
  const channels = spec.channels ?? 1;
  const bits = spec.bits ?? 16;
  const rate = spec.sampleRate ?? 16000;
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  put(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  put(8, "WAVE");
  put(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, spec.format ?? 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, (rate * channels * bits) / 8, true);
  view.setUint16(32, (channels * bits) / 8, true);
  view.setUint16(34, bits, true);
  put(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i], true);
  return out;
}

/** A sine of `freq` Hz, `amplitude` peak, `n` samples at `rate`. */
export function tone(freq: number, n: number, rate = 16000, amplitude = 10000): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}
