// A worker thread does not inherit the parent's TypeScript loader: register tsx, then run
// the worker itself (fuzz-worker.ts).
import { register } from "tsx/esm/api";

register();
await import("./fuzz-worker.ts");
