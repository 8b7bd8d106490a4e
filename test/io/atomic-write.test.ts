import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  readSafetensorsFile,
  readSafetensorsFileSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeSafetensorsFile,
  writeSafetensorsFileSync,
} from "../../src/io/atomic-write.js";
import { encodeSafetensors } from "../../src/io/safetensors.js";

const root = mkdtempSync(join(tmpdir(), "tbptt-atomic-"));
after(() => rmSync(root, { recursive: true, force: true }));
function freshDir(): string {
  return mkdtempSync(join(root, "d-"));
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "atomic-write-child.ts");

describe("writeFileAtomic", () => {
  it("creates and then replaces a file, leaving no temporary files", async () => {
    const dir = freshDir();
    const path = join(dir, "a.bin");
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    await writeFileAtomic(path, new Uint8Array([9]));
    assert.deepEqual([...readFileSync(path)], [9]);
    writeFileAtomicSync(path, new Uint8Array([4, 5]));
    assert.deepEqual([...readFileSync(path)], [4, 5]);
    assert.deepEqual(readdirSync(dir), ["a.bin"]);
  });

  it("writes an empty file, and a file larger than one write slice", async () => {
    const dir = freshDir();
    await writeFileAtomic(join(dir, "empty"), new Uint8Array(0));
    assert.equal(statSync(join(dir, "empty")).size, 0);
    const big = new Uint8Array((1 << 24) + 12345).map((_, i) => i & 0xff);
    await writeFileAtomic(join(dir, "big"), big);
    assert.ok(readFileSync(join(dir, "big")).equals(big));
  });

  it("keeps the permission bits of the file it replaces", async () => {
    const dir = freshDir();
    const path = join(dir, "private.bin");
    writeFileSync(path, "old");
    chmodSync(path, 0o600);
    await writeFileAtomic(path, new Uint8Array([1]));
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it("fails without leaving anything behind when the directory is missing", async () => {
    const dir = freshDir();
    await assert.rejects(writeFileAtomic(join(dir, "no", "such", "x.bin"), new Uint8Array(1)), /ENOENT/);
    assert.throws(() => writeFileAtomicSync(join(dir, "no", "x.bin"), new Uint8Array(1)), /ENOENT/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("leaves the old target intact and valid when the writer is SIGKILLed part way", async () => {
    const dir = freshDir();
    const path = join(dir, "model.safetensors");
    const w = new Float64Array([1, -0, Number.NaN, 5e-324]);
    await writeSafetensorsFile(path, [{ name: "w", dtype: "F64", shape: [4], data: w }], { version: "old" });
    const old = readFileSync(path);

    // Kill the child as soon as its temporary file holds some, but not all, of 64 MiB.
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, path, "64"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let partial = -1;
    const watcher = watch(dir, (_event, name) => {
      if (partial >= 0 || !name?.endsWith(".tmp")) return;
      try {
        const size = statSync(join(dir, name)).size;
        if (size > 0) {
          partial = size;
          child.kill("SIGKILL");
        }
      } catch {
        // Not there yet, or already renamed: wait for the next event.
      }
    });
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    watcher.close();
    assert.equal(signal, "SIGKILL", `the child finished (exit code ${code}) before it could be killed`);
    assert.ok(partial > 0 && partial < 64 * 2 ** 20, `killed with ${partial} bytes written`);

    // The target is the old file, byte for byte, and still decodes.
    assert.ok(readFileSync(path).equals(old));
    const back = await readSafetensorsFile(path);
    assert.equal(back.metadata.version, "old");
    assert.deepEqual(
      new Uint8Array((back.tensors.get("w")!.data as Float64Array).buffer),
      new Uint8Array(w.buffer),
    );
    // The only trace is the stray temporary file; a later write is unaffected by it.
    const strays = readdirSync(dir).filter((f) => f !== "model.safetensors");
    assert.equal(strays.length, 1);
    assert.match(strays[0]!, /^\.model\.safetensors\.\d+\.[0-9a-f]+\.tmp$/);
    writeSafetensorsFileSync(path, [{ name: "w", dtype: "F64", shape: [1], data: new Float64Array([2]) }], {
      version: "new",
    });
    assert.equal(readSafetensorsFileSync(path).metadata.version, "new");
  });

  it("lets the child finish when nobody kills it: the big file is complete and valid", async () => {
    const dir = freshDir();
    const path = join(dir, "big.safetensors");
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, path, "4"], { stdio: "pipe" });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 0);
    const big = readSafetensorsFileSync(path).tensors.get("big")!;
    assert.deepEqual(big.shape, [2 ** 20]);
    assert.deepEqual(readdirSync(dir), ["big.safetensors"]);
  });
});

describe("readSafetensorsFile / writeSafetensorsFile", () => {
  it("round-trips through a file", async () => {
    const dir = freshDir();
    const path = join(dir, "t.safetensors");
    const tensors = [{ name: "y", dtype: "I64" as const, shape: [2], data: new BigInt64Array([3n, -4n]) }];
    await writeSafetensorsFile(path, tensors, { "tbptt.architecture": "{}" });
    assert.ok(readFileSync(path).equals(encodeSafetensors(tensors, { "tbptt.architecture": "{}" })));
    const back = await readSafetensorsFile(path);
    assert.deepEqual([...(back.tensors.get("y")!.data as BigInt64Array)], [3n, -4n]);
  });

  it("names the file in decoding errors", async () => {
    const dir = freshDir();
    const path = join(dir, "junk.safetensors");
    writeFileSync(path, "junk");
    await assert.rejects(
      readSafetensorsFile(path),
      new RegExp(`${path.replace(/[.]/g, "\\.")}: not a safetensors file`),
    );
    assert.throws(() => readSafetensorsFileSync(path), /junk\.safetensors: not a safetensors file: 4 bytes/);
  });
});
