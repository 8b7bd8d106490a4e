/**
 * The errors tbptt reports to its users. Every one names its source (a file, a line, a
 * config key, an option) and says what was expected, so the command line prints the
 * message alone, without a stack. Anything else that escapes is a bug in tbptt, and
 * the command line says so (docs/reliability.md).
 *
 *   TbpttError   bad input, a refused action, a failed write: the command exits 1
 *   UsageError   the command line itself is wrong: the command exits 2
 */
export class TbpttError extends Error {
  override name = "TbpttError";
}

export class UsageError extends TbpttError {
  override name = "UsageError";
}

/** Throws a TbpttError whose message starts with `source`. */
export function fail(source: string, message: string): never {
  throw new TbpttError(`${source}: ${message}`);
}
