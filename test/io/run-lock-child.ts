// Child process for test/io/run-lock.test.ts: waits for the go file, tries to take the
// lock of argv[2], prints "won" or the error's message, holds a won lock until told to quit.
import { existsSync } from "node:fs";
import { acquireRunLock } from "../../src/io/run-lock.js";

const [dir, go] = process.argv.slice(2) as [string, string];
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 2));
try {
  const lock = acquireRunLock(dir, "child");
  process.stdout.write(`won${lock.tookOver ? " (took over)" : ""}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    lock.release();
    process.exit(0);
  });
} catch (e) {
  process.stdout.write(`lost: ${(e as Error).message}\n`);
}
