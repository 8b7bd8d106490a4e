import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import type { DecodedTensor, NamedTensor, TensorData } from "../../src/io/safetensors-types.js";

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Frames a header (object or raw text) and data by hand, without the encoder and without padding. */
function frame(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f64Bits(hi: number, lo: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, lo, true);
  v.setUint32(4, hi, true);
  return v.getFloat64(0, true);
}

/** Doubles whose bits a careless codec (one that goes through JSON or arithmetic) would change. */
function awkwardDoubles(): Float64Array {
  const a = new Float64Array(8);
  a[0] = -0;
  a[1] = 5e-324; // smallest subnormal
  a[2] = 2.2250738585072004e-308; // largest subnormal
  a[3] = Number.POSITIVE_INFINITY;
  a[4] = -Number.MAX_VALUE;
  a[5] = Math.PI;
  const u = new Uint32Array(a.buffer);
  // NaN payloads written as bits: a quiet NaN with payload 0x123 and a signalling NaN with payload 1.
  u[12] = 0x123;
  u[13] = 0xfff80000;
  u[14] = 0x1;
  u[15] = 0x7ff00000;
  return a;
}

function awkwardFloats(): Float32Array {
  const a = new Float32Array(6);
  a[0] = -0;
  a[1] = 1e-45; // smallest subnormal
  a[2] = 3.4028234663852886e38;
  a[3] = -1 / 3;
  const u = new Uint32Array(a.buffer);
  u[4] = 0x7fc00abc; // quiet NaN, payload 0xabc
  u[5] = 0xff800001; // negative signalling NaN
  return a;
}

const sample: NamedTensor[] = [
  { name: "f64", dtype: "F64", shape: [2, 4], data: awkwardDoubles() },
  { name: "f32", dtype: "F32", shape: [3, 2], data: awkwardFloats() },
  { name: "i64", dtype: "I64", shape: [3], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, -1n]) },
  { name: "i32", dtype: "I32", shape: [1, 3], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1, 7]) },
  { name: "u8", dtype: "U8", shape: [5], data: new Uint8Array([0, 1, 127, 128, 255]) },
  { name: "bf16", dtype: "BF16", shape: [2], data: new Uint16Array([0x3f80, 0xffc1]) },
  { name: "scalar", dtype: "F64", shape: [], data: new Float64Array([f64Bits(0x7ff00000, 0x2)]) },
  { name: "empty", dtype: "F32", shape: [0, 3], data: new Float32Array(0) },
];

function assertSameTensor(actual: DecodedTensor | undefined, expected: NamedTensor): void {
  assert.ok(actual, `tensor ${expected.name} is missing`);
  assert.equal(actual.dtype, expected.dtype);
  assert.deepEqual(actual.shape, expected.shape);
  assert.equal(Object.prototype.toString.call(actual.data), Object.prototype.toString.call(expected.data));
  assert.deepEqual(bytesOf(actual.data), bytesOf(expected.data), `bits of ${expected.name}`);
}

describe("encodeSafetensors / decodeSafetensors", () => {
  it("round-trips every tensor bit for bit: NaN payloads, -0, subnormals, 64-bit extremes, scalars, empties", () => {
    const metadata = { "tbptt.architecture": '{"cell":"lstm"}', note: "ünïcödé ✓" };
    const { tensors, metadata: back } = decodeSafetensors(encodeSafetensors(sample, metadata));
    assert.equal(tensors.size, sample.length);
    for (const t of sample) assertSameTensor(tensors.get(t.name), t);
    assert.deepEqual(back, metadata);
    assert.ok(Object.is(tensors.get("f64")!.data[0], -0));
  });

  it("encodes views into larger buffers by their own bytes, and keeps awkward names", () => {
    const backing = new Float32Array([9, 1, 2, 3, 9]);
    const tensors: NamedTensor[] = [
      { name: "view", dtype: "F32", shape: [3], data: backing.subarray(1, 4) },
      { name: "__proto__", dtype: "U8", shape: [1], data: new Uint8Array([7]) },
      { name: 'ünï "quoted"', dtype: "U8", shape: [1], data: new Uint8Array([8]) },
    ];
    const { tensors: back, metadata } = decodeSafetensors(encodeSafetensors(tensors, { __proto__x: "a" }));
    assert.deepEqual([...back.get("view")!.data], [1, 2, 3]);
    assert.deepEqual([...back.get("__proto__")!.data], [7]);
    assert.deepEqual([...back.get('ünï "quoted"')!.data], [8]);
    assert.equal(metadata.__proto__x, "a");
    const proto = decodeSafetensors(frame({ __metadata__: JSON.parse('{"__proto__":"p"}') })).metadata;
    assert.equal(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value, "p");
  });

  it("stays pure: no Node imports, so it bundles for a browser", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    for (const file of ["safetensors.ts", "safetensors-types.ts"]) {
      const text = readFileSync(join(here, "..", "..", "src", "io", file), "utf8");
      assert.doesNotMatch(text, /from "node:|require\(|\bBuffer\b|\bprocess\./, file);
    }
  });

  it("pads the header with spaces to 8 bytes and starts every tensor aligned to its element size", () => {
    const bytes = encodeSafetensors(sample, { a: "b" });
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    assert.equal(view.getUint32(4, true), 0);
    assert.equal(n % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.match(text, /^\{"__metadata__":\{"a":"b"\},/);
    assert.match(text, /\} *$/);
    const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    const size: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, BF16: 2, U8: 1 };
    for (const [name, info] of Object.entries(header)) {
      if (name === "__metadata__") continue;
      assert.equal(info.data_offsets[0] % size[info.dtype]!, 0, `${name} at ${info.data_offsets[0]}`);
    }
  });

  it("omits __metadata__ when there is none, and decodes it as {}", () => {
    const bytes = encodeSafetensors([{ name: "w", dtype: "F32", shape: [1], data: new Float32Array([1]) }]);
    assert.doesNotMatch(new TextDecoder().decode(bytes), /__metadata__/);
    assert.deepEqual(decodeSafetensors(bytes).metadata, {});
  });

  it("copies unaligned data out into aligned typed arrays", () => {
    const data = new Float64Array([1.5, -2.25, Number.NaN]);
    // An unpadded 3-byte header puts the data at file offset 11, which no Float64Array can view.
    const header = `{"x":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}`;
    const bytes = frame(header, bytesOf(data));
    assert.notEqual((8 + header.length) % 8, 0);
    // And the whole image starts at an odd byte offset of its buffer.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const x = decodeSafetensors(shifted.subarray(1)).tensors.get("x")!;
    assert.equal(x.data.byteOffset, 0);
    assert.deepEqual(bytesOf(x.data), bytesOf(data));
  });

  it("refuses to encode what it could not decode back", () => {
    const w = (over: Partial<NamedTensor>): NamedTensor => ({
      name: "w",
      dtype: "F32",
      shape: [2],
      data: new Float32Array(2),
      ...over,
    });
    assert.throws(() => encodeSafetensors([w({}), w({})]), /tensor "w": the name appears twice/);
    assert.throws(() => encodeSafetensors([w({ name: "__metadata__" })]), /reserved for metadata/);
    assert.throws(
      () => encodeSafetensors([w({ data: new Float64Array(2) })]),
      /F32 needs a Float32Array, got a Float64Array/,
    );
    assert.throws(() => encodeSafetensors([w({ shape: [3] })]), /shape \[3\] holds 3 elements, data has 2/);
    assert.throws(() => encodeSafetensors([w({ shape: [-1, -2] })]), /non-count dimension/);
    assert.throws(
      () => encodeSafetensors([w({ dtype: "F128" as never })]),
      /unknown dtype "F128", expected one of F64, F32/,
    );
  });
});

describe("decodeSafetensors: corrupt files, each named with what is wrong", () => {
  const x = (offsets: [number, number], shape = [2], dtype = "F32") => ({
    dtype,
    shape,
    data_offsets: offsets,
  });

  it("a file shorter than the 8-byte length", () => {
    assert.throws(
      () => decodeSafetensors(new Uint8Array(5), "m.safetensors"),
      /^TbpttError: m\.safetensors: not a safetensors file: 5 bytes, fewer than the 8-byte header length/,
    );
  });
  it("a header length beyond the file", () => {
    const bytes = frame({ w: x([0, 8]) }, new Uint8Array(8)).subarray(0, 30);
    assert.throws(
      () => decodeSafetensors(bytes, "cut.safetensors"),
      /cut\.safetensors: safetensors header length 54 reaches beyond the file: only 22 bytes follow/,
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setUint32(4, 1, true); // 2^32
    assert.throws(
      () => decodeSafetensors(huge),
      /<bytes>: safetensors header length 4294967296 reaches beyond/,
    );
  });
  it("a header that is not JSON, or not a JSON object", () => {
    assert.throws(
      () => decodeSafetensors(frame('{"w": [1, 2'), "j"),
      /^TbpttError: j: safetensors header is not valid JSON \(/,
    );
    assert.throws(
      () => decodeSafetensors(frame("[1, 2]"), "j"),
      /j: safetensors header must be a JSON object, got \[1,2\]/,
    );
    const badUtf8 = frame("{}");
    badUtf8[9] = 0xff;
    assert.throws(
      () => decodeSafetensors(badUtf8, "u"),
      /u: safetensors header \(2 bytes\) is not valid UTF-8/,
    );
  });
  it("an unknown dtype", () => {
    assert.throws(
      () => decodeSafetensors(frame({ w: x([0, 8], [2], "F128") }, new Uint8Array(8)), "d"),
      /d: tensor "w": unknown dtype "F128", expected one of F64, F32, F16, BF16/,
    );
  });
  it("a malformed entry: missing offsets, negative shape, begin after end", () => {
    assert.throws(
      () => decodeSafetensors(frame({ w: { dtype: "F32", shape: [2] } })),
      /tensor "w": data_offsets must be \[begin, end\] of non-negative integers, got undefined/,
    );
    assert.throws(
      () => decodeSafetensors(frame({ w: x([0, 0], [-1]) })),
      /tensor "w": shape must be an array of non-negative integers, got \[-1\]/,
    );
    assert.throws(
      () => decodeSafetensors(frame({ w: x([8, 0]) }, new Uint8Array(8))),
      /\[8, 0\] end before they begin/,
    );
  });
  it("offsets beyond the data section", () => {
    assert.throws(
      () => decodeSafetensors(frame({ w: x([0, 16], [4]) }, new Uint8Array(8)), "o"),
      /o: tensor "w": data_offsets \[0, 16\] reach beyond the 8-byte data section/,
    );
  });
  it("overlapping tensors", () => {
    const bytes = frame({ a: x([0, 8]), b: x([4, 12]) }, new Uint8Array(12));
    assert.throws(
      () => decodeSafetensors(bytes, "o"),
      /o: tensor "b" data_offsets \[4, 12\] overlap tensor "a" \[0, 8\]/,
    );
  });
  it("bytes that belong to no tensor, between tensors or at the end", () => {
    assert.throws(
      () => decodeSafetensors(frame({ a: x([0, 8]), b: x([12, 20]) }, new Uint8Array(20)), "g"),
      /g: data bytes \[8, 12\) belong to no tensor; tensor "b" begins at 12/,
    );
    assert.throws(
      () => decodeSafetensors(frame({ a: x([0, 8]) }, new Uint8Array(11)), "g"),
      /g: the data section is 11 bytes but the tensors cover only \[0, 8\); 3 trailing bytes belong to no tensor/,
    );
  });
  it("a shape whose size disagrees with its byte range", () => {
    assert.throws(
      () => decodeSafetensors(frame({ w: x([0, 20], [2, 3]) }, new Uint8Array(20)), "s"),
      /s: tensor "w": shape \[2, 3\] of F32 needs 24 bytes \(6 × 4\) but data_offsets \[0, 20\] hold 20/,
    );
  });
  it("metadata that is not strings", () => {
    assert.throws(
      () => decodeSafetensors(frame({ __metadata__: { epoch: 3 } }), "m"),
      /m: __metadata__ "epoch" must be a string, got 3/,
    );
  });
});

// The committed PyTorch fixtures (test/fixtures/torch/README.md). Reading them needs no torch.
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "torch");
const T = 6;
const B = 2;
const I = 3;
const H = 4;
const C = 5;
/** proj: LSTMP's proj_size (0: none); the recurrent state's width is then proj instead of H. */
const CASES: Record<
  string,
  { cell: "LSTM" | "GRU" | "RNN"; layers: number; directions: number; proj?: number }
> = {
  lstm_1layer: { cell: "LSTM", layers: 1, directions: 1 },
  lstm_2layer: { cell: "LSTM", layers: 2, directions: 1 },
  lstm_bidirectional: { cell: "LSTM", layers: 2, directions: 2 },
  gru_1layer: { cell: "GRU", layers: 1, directions: 1 },
  gru_bidirectional: { cell: "GRU", layers: 2, directions: 2 },
  rnn_tanh_1layer: { cell: "RNN", layers: 1, directions: 1 },
  rnn_tanh_2layer: { cell: "RNN", layers: 2, directions: 1 },
  lstmp_1layer: { cell: "LSTM", layers: 1, directions: 1, proj: 2 },
  lstmp_2layer: { cell: "LSTM", layers: 2, directions: 1, proj: 3 },
  lstmp_bidirectional: { cell: "LSTM", layers: 2, directions: 2, proj: 2 },
};
const stateWidth = (c: (typeof CASES)[string]) => c.proj || H;
const GATES = { LSTM: 4, GRU: 3, RNN: 1 };

/** The parameter names and PyTorch shapes each case must hold. */
function expectedParameters(c: (typeof CASES)[string]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const R = stateWidth(c);
  for (let l = 0; l < c.layers; l++) {
    const width = l === 0 ? I : c.directions * R;
    for (const suffix of c.directions === 2 ? ["", "_reverse"] : [""]) {
      out.set(`rnn.weight_ih_l${l}${suffix}`, [GATES[c.cell] * H, width]);
      out.set(`rnn.weight_hh_l${l}${suffix}`, [GATES[c.cell] * H, R]);
      out.set(`rnn.bias_ih_l${l}${suffix}`, [GATES[c.cell] * H]);
      out.set(`rnn.bias_hh_l${l}${suffix}`, [GATES[c.cell] * H]);
      if (c.proj) out.set(`rnn.weight_hr_l${l}${suffix}`, [c.proj, H]);
    }
  }
  out.set("out.weight", [C, c.directions * R]);
  out.set("out.bias", [C]);
  return out;
}

describe("PyTorch fixtures (test/fixtures/torch)", () => {
  it("holds exactly the documented cases", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".safetensors"));
    assert.deepEqual(
      files.sort(),
      Object.keys(CASES)
        .map((c) => `${c}.safetensors`)
        .sort(),
    );
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: names, shapes and dtypes as documented; the output layer and loss agree with the file's own numbers`, () => {
      const path = join(FIXTURES, `${name}.safetensors`);
      const bytes = readFileSync(path);
      const { tensors, metadata } = decodeSafetensors(bytes, path);
      assert.equal(metadata["fixture.case"], name);
      const config = JSON.parse(metadata["fixture.config"]!) as Record<string, unknown>;
      assert.equal(config.cell, c.cell);
      assert.equal(config.num_layers, c.layers);
      assert.equal(config.bidirectional, c.directions === 2);
      assert.equal(config.proj_size, c.proj);
      const R = stateWidth(c);

      const expected = new Map<string, { dtype: string; shape: number[] }>();
      for (const [p, shape] of expectedParameters(c)) {
        expected.set(p, { dtype: "F64", shape });
        expected.set(`grad.${p}`, { dtype: "F64", shape });
      }
      expected.set("input.x", { dtype: "F64", shape: [T, B, I] });
      expected.set("input.y", { dtype: "I64", shape: [T, B] });
      expected.set("output.loss", { dtype: "F64", shape: [1] });
      expected.set("output.logits", { dtype: "F64", shape: [T, B, C] });
      expected.set("output.hidden", { dtype: "F64", shape: [T, B, c.directions * R] });
      expected.set("output.h_n", { dtype: "F64", shape: [c.layers * c.directions, B, R] });
      if (c.cell === "LSTM")
        expected.set("output.c_n", { dtype: "F64", shape: [c.layers * c.directions, B, H] });
      expected.set("grad.input.x", { dtype: "F64", shape: [T, B, I] });
      assert.deepEqual([...tensors.keys()].sort(), [...expected.keys()].sort());
      for (const [t, want] of expected) {
        const got = tensors.get(t)!;
        assert.equal(got.dtype, want.dtype, t);
        assert.deepEqual(got.shape, want.shape, t);
      }

      // logits = out.weight · hidden + out.bias; loss = Σ cross-entropy; grad.out.bias = Σ (softmax − onehot).
      const hidden = tensors.get("output.hidden")!.data as Float64Array;
      const weight = tensors.get("out.weight")!.data as Float64Array;
      const bias = tensors.get("out.bias")!.data as Float64Array;
      const logits = tensors.get("output.logits")!.data as Float64Array;
      const labels = tensors.get("input.y")!.data as BigInt64Array;
      const width = c.directions * R;
      let loss = 0;
      const dBias = new Float64Array(C);
      for (let f = 0; f < T * B; f++) {
        const z = new Float64Array(C);
        for (let k = 0; k < C; k++) {
          z[k] = bias[k]!;
          for (let j = 0; j < width; j++) z[k]! += weight[k * width + j]! * hidden[f * width + j]!;
          assert.ok(Math.abs(z[k]! - logits[f * C + k]!) < 1e-12, `logit ${f},${k}`);
        }
        const y = Number(labels[f]);
        assert.ok(y >= 0 && y < C);
        const max = Math.max(...z);
        let sum = 0;
        for (let k = 0; k < C; k++) sum += Math.exp(z[k]! - max);
        loss += max + Math.log(sum) - z[y]!;
        for (let k = 0; k < C; k++) dBias[k]! += Math.exp(z[k]! - max) / sum - (k === y ? 1 : 0);
      }
      const fileLoss = (tensors.get("output.loss")!.data as Float64Array)[0]!;
      assert.ok(Math.abs(loss - fileLoss) < 1e-10, `loss ${loss} vs ${fileLoss}`);
      const gradBias = tensors.get("grad.out.bias")!.data as Float64Array;
      for (let k = 0; k < C; k++)
        assert.ok(Math.abs(dBias[k]! - gradBias[k]!) < 1e-12, `grad.out.bias[${k}]`);

      // Our encoder and the hand-written Python writer frame the same tensors identically.
      const again = encodeSafetensors(
        [...tensors].map(([n, t]) => ({ name: n, ...t })),
        metadata,
      );
      assert.deepEqual(again, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  }
});
