/**
 * How the command line reports a failure, and with which exit status:
 *   UsageError (the command line is wrong)          its message, status 2 (also parseArgs' errors)
 *   TbpttError (bad input, a refusal, a failed write) its message, status 1
 *   a system error from Node (ENOSPC, EACCES, …)     the file and the reason in words, status 1
 *   a plain Error                                     its message, status 1
 *   a TypeError, RangeError, … (never meant for users) a bug in tbptt: said so, with the stack, status 1
 */
import { TbpttError, UsageError } from "../core/errors.js";

/** Words for the file-system errors users meet. */
const SYSTEM_REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOENT: "no such file or folder",
  EISDIR: "is a folder, expected a file",
  ENOTDIR: "a part of the path is not a folder",
  EMFILE: "too many open files",
  EIO: "input/output error",
  EFBIG: "file too large (the file size limit: ulimit -f)",
};

/** Prints `error` through `print` and returns the exit status. */
export function reportError(error: unknown, print: (line: string) => void): number {
  // node:util's parseArgs, used directly: its errors are about the command line too.
  const parseArgsError =
    typeof (error as { code?: unknown })?.code === "string" &&
    (error as { code: string }).code.startsWith("ERR_PARSE_ARGS_");
  if (error instanceof UsageError || parseArgsError) {
    print(`tbptt: ${(error as Error).message}`);
    return 2;
  }
  if (error instanceof TbpttError) {
    print(`tbptt: ${error.message}`);
    return 1;
  }
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e.code === "string" && SYSTEM_REASONS[e.code]) {
    const where = e.path ?? "";
    print(
      `tbptt: ${where ? `${where}: ` : ""}${e.syscall ? `cannot ${e.syscall}: ` : ""}${SYSTEM_REASONS[e.code]}`,
    );
    return 1;
  }
  if (error instanceof Error && error.constructor === Error) {
    print(`tbptt: ${error.message}`);
    return 1;
  }
  print(
    `tbptt: internal error (a bug in tbptt; please report it with this output):\n${e?.stack ?? String(error)}`,
  );
  return 1;
}
