// A tiny static file server for the playground and the browser tests: serves a folder with
// the headers that make a page cross-origin isolated (Cross-Origin-Opener-Policy and
// Cross-Origin-Embedder-Policy), which SharedArrayBuffer, and so the wasm backend's threads,
// need. Any static host that sends those two headers serves the playground the same way.
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".md": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".bin": "application/octet-stream",
  ".wasm": "application/wasm",
};

/** The headers of every response; without isolation, a page gets no SharedArrayBuffer (one thread). */
export function isolationHeaders(isolated = true): Record<string, string> {
  return isolated
    ? {
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
        "Cross-Origin-Resource-Policy": "same-origin",
      }
    : {};
}

/**
 * A server for the files under `root` (index.html for a folder); nothing outside `root` is
 * served. `isolated: false` leaves the isolation headers out (tests of the fallback).
 */
export function createStaticServer(folder: string, { isolated = true } = {}): Server {
  const root = resolve(folder);
  return createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    let file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) {
      response.writeHead(403).end("forbidden");
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, "index.html");
      const size = statSync(file).size;
      response.writeHead(200, {
        ...isolationHeaders(isolated),
        "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
        "Content-Length": size,
        "Cache-Control": "no-cache",
      });
      createReadStream(file).pipe(response);
    } catch {
      response.writeHead(404, { ...isolationHeaders(isolated), "Content-Type": "text/plain" });
      response.end(`not found: ${path}`);
    }
  });
}
