// The native backend in tests: created where the addon is built. Where the install could not build
// it, native/build-status.txt says "not built: REASON" and the native tests skip with that reason;
// an addon that is missing or broken without such a record is a failure, not a skip (on the
// project's machines and in CI the install builds it).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createNativeBackend,
  type NativeBackend,
  type NativeOptions,
} from "../../src/core/native/backend.js";

const STATUS = join(import.meta.dirname, "..", "..", "native", "build-status.txt");

/** Why the native tests skip here, or null when the addon is expected to load. */
export function nativeSkipReason(): string | null {
  const status = existsSync(STATUS) ? readFileSync(STATUS, "utf8").trim() : "";
  return status.startsWith("not built") ? `native backend ${status.split("\n")[0]}` : null;
}

/** A native backend, or null when the tests should skip (nativeSkipReason says why). */
export async function nativeForTests(options: NativeOptions = {}): Promise<NativeBackend | null> {
  if (nativeSkipReason() !== null) return null;
  return createNativeBackend(options);
}
