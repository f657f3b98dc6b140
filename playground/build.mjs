#!/usr/bin/env node
/**
 * Builds the static playground: bundles playground/src/main.ts (page) and playground/src/worker.ts
 * (training worker) with esbuild straight from the TypeScript sources in src/, copies index.html and
 * style.css, and packs the embedded digits (the `mnist` package) into digits.bin.
 *
 *   node playground/build.mjs            → dist/playground/   (or $PLAYGROUND_OUT)
 *   node playground/build.mjs --check    → also type-checks playground/src with playground/tsconfig.json
 *   PLAYGROUND_MINIFY=0                  → readable bundles
 *
 * Uncompressed layout of digits.bin.gz: "CKD1" magic, 10 little-endian uint32 per-class counts, then the images of
 * class 0, 1, ..., 9 as 784 grey bytes each (the MNIST bytes: the package stores byte/255 rounded
 * to 3 decimals, and rounding value·255 recovers the byte exactly).
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = resolve(root, process.env.PLAYGROUND_OUT ?? 'dist/playground');

export const DIGITS_MAGIC = 'CKD1';

/** Packs the 10 class files of the mnist package into one byte buffer (see the header comment). */
export function packDigits() {
  const pkg = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const classes = Array.from({ length: 10 }, (_, c) => {
    const { data } = JSON.parse(readFileSync(join(pkg, 'src', 'digits', `${c}.json`), 'utf8'));
    if (!Array.isArray(data) || data.length % 784 !== 0) throw new Error(`mnist digits/${c}.json: expected a data array of n·784 values`);
    return data;
  });
  const total = classes.reduce((s, d) => s + d.length, 0);
  const buf = new Uint8Array(4 + 40 + total);
  buf.set(new TextEncoder().encode(DIGITS_MAGIC), 0);
  const view = new DataView(buf.buffer);
  let k = 44;
  classes.forEach((d, c) => {
    view.setUint32(4 + 4 * c, d.length / 784, true);
    for (const v of d) buf[k++] = Math.round(v * 255);
  });
  return buf;
}

async function main() {
  const t0 = Date.now();
  mkdirSync(out, { recursive: true });
  const entryPoints = { main: join(here, 'src', 'main.ts'), worker: join(here, 'src', 'worker.ts') };
  // the wasm backend's thread pool starts its workers as new Worker(new URL('./thread_worker.js',
  // import.meta.url)): inside a bundle import.meta.url is the bundle's own URL, so the thread entry
  // is emitted next to main.js and worker.js
  const threadWorker = join(root, 'src', 'backends', 'wasm', 'thread_worker.ts');
  if (existsSync(threadWorker)) entryPoints.thread_worker = threadWorker;
  const result = await build({
    entryPoints,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    outdir: out,
    sourcemap: true,
    // minified with source maps; keepNames because the Inside panel and convkit's messages show class names
    minify: process.env.PLAYGROUND_MINIFY !== '0',
    keepNames: true,
    logLevel: 'warning',
    metafile: true,
    legalComments: 'none',
  });
  // the core must stay browser-safe: fail the build if anything pulled in node:*
  const nodeImports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.path.startsWith('node:')).map((i) => i.path));
  if (nodeImports.length) throw new Error(`playground bundle imports Node modules: ${[...new Set(nodeImports)].join(', ')}`);
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
  copyFileSync(join(here, 'style.css'), join(out, 'style.css'));
  const digits = join(out, 'digits.bin.gz');
  // the digits only change with the mnist package: skip the repack when present and newer
  const src = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits', '9.json');
  if (!existsSync(digits) || statSync(digits).mtimeMs < statSync(src).mtimeMs) writeFileSync(digits, gzipSync(packDigits(), { level: 9 }));
  if (process.argv.includes('--check')) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
  }
  console.log(`playground built in ${out} (${Date.now() - t0} ms)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`playground build failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
