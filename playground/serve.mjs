#!/usr/bin/env node
/**
 * A tiny static server for the built playground, with the cross-origin isolation headers that make
 * SharedArrayBuffer (and so Web Worker threads for the wasm backend) available.
 *
 *   node playground/serve.mjs        serves $PLAYGROUND_OUT (default dist/playground) on $PORT (default 8080)
 *   NO_ISOLATION=1 node playground/serve.mjs   without COOP/COEP (shows the single-thread fallback)
 *
 * `startServer({ root, port })` is exported for the end-to-end tests (port 0 = any free port).
 */
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Starts serving `root`; resolves to { server, port, url, close() }. `isolate: false` leaves out the
 * cross-origin isolation headers (to see the page's single-thread fallback).
 */
export function startServer({ root = resolve(here, '..', process.env.PLAYGROUND_OUT ?? 'dist/playground'), port = 8080, host = '127.0.0.1', isolate = true } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const headers = { ...(isolate ? ISOLATION_HEADERS : {}), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' });
      res.end('bad request\n');
      return;
    }
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain' });
      res.end('forbidden\n');
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': statSync(file).size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${p}/`;
      resolvePromise({ server, port: p, url, close: () => new Promise((r) => server.close(() => r(undefined))) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(here, '..', process.env.PLAYGROUND_OUT ?? 'dist/playground');
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`error: ${root}/index.html not found; build the playground first (npm run build:playground)`);
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  startServer({ root, port, host: process.env.HOST ?? '127.0.0.1', isolate: process.env.NO_ISOLATION !== '1' }).then(
    ({ url }) => console.log(`convkit playground: ${url}  (serving ${root}; Ctrl-C to stop)`),
    (e) => {
      console.error(`error: cannot listen on port ${port}: ${e.message}${e.code === 'EADDRINUSE' ? ' (try PORT=8081)' : ''}`);
      process.exit(1);
    },
  );
}
