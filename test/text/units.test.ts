// Text units at the file boundary: bytes vs UTF-8 characters, and the errors for
// empty, binary and non-UTF-8 files (each names the file, the offset and suggests --data.unit byte).
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeText, firstInvalidUtf8, symbolCount } from "../../src/tasks/text/units.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

test("char unit decodes UTF-8 to code points, byte unit keeps the bytes", () => {
  const text = "héllo €𝄞"; // 1-, 2-, 3- and 4-byte UTF-8 sequences
  const bytes = utf8(text);
  assert.equal(bytes.length, 1 + 2 + 1 + 1 + 1 + 1 + 3 + 4);
  const chars = decodeText(bytes, "char", "a.txt");
  assert.equal(chars, text);
  assert.equal(symbolCount(chars), 8);
  const raw = decodeText(bytes, "byte", "a.txt");
  assert.ok(raw instanceof Uint8Array);
  assert.equal(symbolCount(raw), bytes.length);
});

test("a leading byte-order mark is not a character", () => {
  assert.equal(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61), "char", "bom.txt"), "a");
  assert.throws(
    () => decodeText(Uint8Array.of(0xef, 0xbb, 0xbf), "char", "bom.txt"),
    /bom\.txt: .*only a byte-order mark/,
  );
});

test("an empty file is an error naming it, in both units", () => {
  for (const unit of ["char", "byte"] as const)
    assert.throws(
      () => decodeText(new Uint8Array(0), unit, "empty.txt"),
      /^TbpttError: empty\.txt: the file is empty/,
    );
});

test("NUL bytes in char mode: looks binary, suggests --data.unit byte; byte mode accepts them", () => {
  const bytes = Uint8Array.of(0x61, 0x62, 0x00, 0x63);
  assert.throws(
    () => decodeText(bytes, "char", "data.bin"),
    (e: Error) => /data\.bin: NUL byte at offset 2/.test(e.message) && e.message.includes("--data.unit byte"),
  );
  assert.deepEqual(decodeText(bytes, "byte", "data.bin"), bytes);
});

test("invalid UTF-8 in char mode names the offset and the bytes and suggests --data.unit byte", () => {
  const latin1 = Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x21); // "café!" in Latin-1
  assert.throws(
    () => decodeText(latin1, "char", "latin1.txt"),
    (e: Error) =>
      e.message.startsWith("latin1.txt: invalid UTF-8 at byte offset 3 (0xe9 0x21)") &&
      e.message.includes("--data.unit byte"),
  );
  assert.equal((decodeText(latin1, "byte", "latin1.txt") as Uint8Array).length, 5);
});

test("firstInvalidUtf8 rejects what RFC 3629 rejects", () => {
  assert.equal(firstInvalidUtf8(utf8("plain ascii, é, €, 𝄞")), -1);
  assert.equal(firstInvalidUtf8(Uint8Array.of(0x41, 0x80)), 1); // lone continuation byte
  assert.equal(firstInvalidUtf8(Uint8Array.of(0xc0, 0x80)), 0); // overlong NUL
  assert.equal(firstInvalidUtf8(Uint8Array.of(0xe0, 0x80, 0x80)), 0); // overlong 3-byte
  assert.equal(firstInvalidUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), 0); // UTF-16 surrogate U+D800
  assert.equal(firstInvalidUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80)), 0); // past U+10FFFF
  assert.equal(firstInvalidUtf8(Uint8Array.of(0x41, 0xe2, 0x82)), 1); // truncated at the end
  assert.equal(firstInvalidUtf8(Uint8Array.of(0xff)), 0);
});
