// `npm run playground`: builds the playground (scripts/build-playground.ts) and serves it on
// http://127.0.0.1:PORT/ with the headers that let the page use threads (scripts/serve-static.ts).
//   npm run playground [-- --port 8080] [--host 0.0.0.0] [--no-build]
import { join, resolve } from "node:path";
import { buildPlayground } from "./build-playground.js";
import { createStaticServer } from "./serve-static.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? (args[at + 1] as string) : fallback;
};
const port = Number(option("--port", "8080"));
const host = option("--host", "127.0.0.1");
const out = join(resolve(import.meta.dirname, ".."), "dist", "playground");
if (!args.includes("--no-build")) {
  const build = await buildPlayground(out);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `built ${out} (${kb(build.weight.code)} gzip of code + ${kb(build.weight.variant)} for one kernel binary)`,
  );
}
const server = createStaticServer(out);
server.on("error", (error: Error) => {
  console.error(
    `tbptt playground: cannot serve on ${host}:${port}: ${error.message} (choose another with --port)`,
  );
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(`tbptt playground: http://${host}:${port}/  (cross-origin isolated: threads on; Ctrl-C stops)`);
});
