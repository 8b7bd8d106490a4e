// A data file that is not JSON Lines is named for what it is, never reported as a broken
// binary (safetensors) header; a UTF-8 byte-order mark is read past; a value beyond
// float32's range is an error naming the line (issue 10, item 6).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { labelledSetFromRows, parseLabelledJsonl } from "../../src/data/jsonl.js";
import { readLabelledFile } from "../../src/io/dataset-files.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tbptt-kind-"));
const text = `${JSON.stringify({
  x: [
    [1, 2],
    [3, 4],
  ],
  y: [0, 1],
})}\n`;

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

test("UTF-16, gzip, zip, blank and other text files are named for what they are", () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  const cases: [string, Uint8Array | string, string][] = [
    [
      "u16.jsonl",
      utf16,
      "UTF-16 text; expected JSON Lines (UTF-8, one {...} per line) or the binary form (safetensors): save it as UTF-8",
    ],
    [
      "gz.jsonl",
      gzipSync(text),
      "gzip-compressed; expected JSON Lines (UTF-8, one {...} per line) or the binary form (safetensors): decompress it first (gunzip)",
    ],
    [
      "zip.jsonl",
      Buffer.from("PK\u0003\u0004rest of a zip"),
      "a zip archive; expected JSON Lines (UTF-8, one {...} per line) or the binary form (safetensors): extract it first",
    ],
    [
      "blank.jsonl",
      "\n  \n\r\n",
      "only blank lines; expected JSON Lines (one sequence per line) or the binary form",
    ],
    [
      "csv.jsonl",
      "a,b,label\n1,2,0\n",
      'starts with "a,b,label"; expected JSON Lines (UTF-8, one {...} per line) or the binary form (safetensors) (a JSON Lines line starts with {)',
    ],
  ];
  for (const [name, bytes, message] of cases) {
    const path = file(name, bytes);
    assert.throws(() => readLabelledFile(path), { name: "TbpttError", message: `${path}: ${message}` }, name);
  }
  // Through the command line: exit 1, the file and the problem, no safetensors talk.
  const config = file(
    "c.json",
    JSON.stringify({ data: { train: join(dir, "gz.jsonl") }, out: join(dir, "run") }),
  );
  const failed = runCli(["train", config]);
  assert.equal(failed.status, 1, failed.stderr);
  assert.match(failed.stderr, /gz\.jsonl: gzip-compressed/);
  assert.doesNotMatch(failed.stderr, /safetensors header/);
});

test("a UTF-8 byte-order mark is read past", () => {
  const path = file("bom.jsonl", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  const set = readLabelledFile(path);
  assert.deepEqual([...(set.sequences[0]?.features ?? [])], [1, 2, 3, 4]);
  assert.equal(readFileSync(path)[0], 0xef);
});

test("a feature or target beyond float32's range is an error naming the line and the value", () => {
  assert.throws(
    () =>
      parseLabelledJsonl(
        `${text}${JSON.stringify({
          x: [
            [1, 2],
            [-1e39, 0],
          ],
          y: [0, 1],
        })}\n`,
        "f.jsonl",
      ),
    {
      message:
        "f.jsonl:2: x[1][0] is -1e+39, beyond float32's range (±3.4e38), where features and targets are stored",
    },
  );
  assert.throws(() => labelledSetFromRows([{ x: [[1], [2]], y: [[0.5], [4e38]] }], "rows"), {
    message:
      "rows[0]: y[1][0] is 4e+38, beyond float32's range (±3.4e38), where features and targets are stored",
  });
  // The largest float32 itself is fine.
  const edge = labelledSetFromRows([{ x: [[3.4028234663852886e38]], y: [0] }]);
  assert.equal(edge.sequences[0]?.features[0], 3.4028234663852886e38);
});
