// The browser build of the library: one ES module, dist/browser/convkit.js (everything bundled, no
// bare imports, no node:*), with thread_worker.js beside it — the wasm thread pool starts its Web
// Workers from new URL('./thread_worker.js', import.meta.url), i.e. next to the bundle.
//   <script type="module"> import * as ck from './convkit.js'; </script>
// Threads need a cross-origin-isolated page (COOP same-origin + COEP require-corp); without it the
// backend runs on one thread and threadingStatus() says why.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const result = await build({
  entryPoints: { convkit: `${root}src/index.ts`, thread_worker: `${root}src/backends/wasm/thread_worker.ts` },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  outdir: `${root}dist/browser`,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
});
const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
if (external.length) throw new Error(`browser bundle has unresolved imports: ${[...new Set(external)].join(', ')}`);
const sizes = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith('.js'))
  .map(([f, o]) => `${f.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
console.log(`browser build: ${sizes.join(', ')}`);
