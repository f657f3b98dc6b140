/** The README's examples run as written (docs that run). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from './helpers.js';

const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
const dist = (p: string): string => pathToFileURL(new URL(`dist/src/${p}`, ROOT).pathname).href;
/** `from 'convkit'` and `from 'convkit/io'` (etc.) as the built files. */
const resolveImports = (js: string): string =>
  js.replace(/from 'convkit'/g, `from '${dist('node/index.js')}'`).replace(/from 'convkit\/(\w+)'/g, (_m, sub: string) => `from '${dist(`${sub}/index.js`)}'`);

it('the README example computes what its comments say', async () => {
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has a ts example');
  const entry = pathToFileURL(new URL('dist/src/index.js', ROOT).pathname).href;
  const js = block.replace("from 'convkit'", `from '${entry}'`) + '\nexport { y, dx, M };\n';
  const file = join(mkdtempSync(join(tmpdir(), 'convkit-readme-')), 'example.mjs');
  writeFileSync(file, js);
  const m = (await import(pathToFileURL(file).href)) as Record<string, { toArray(): unknown; shape: readonly number[] }>;
  assert.deepEqual(m['y']!.toArray(), [[[[-4, -4], [-4, -4]]]]);
  // each input pixel's gradient counts the kernel taps that touch it: w sums to 0 at the centre
  assert.deepEqual(m['dx']!.toArray(), [[[[1, 1, 0], [1, 0, -1], [0, -1, -1]]]]);
  assert.deepEqual(m['M']!.shape, [4, 9]);
});

it('every further ts example runs and prints what its "// prints:" comments say', () => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].slice(1).map((m) => m[1]!);
  assert.ok(blocks.length >= 1);
  for (const block of blocks) {
    const file = join(mkdtempSync(join(tmpdir(), 'convkit-readme-')), 'example.mjs');
    writeFileSync(file, resolveImports(block));
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `${block}\n${r.stderr}`);
    for (const m of block.matchAll(/\/\/ prints: (.*)$/gm)) assert.ok(r.stdout.includes(m[1]!.trim()), `prints ${m[1]}: got ${r.stdout}`);
  }
});

/** Splits a shell command line into words: double-quoted strings or runs of non-spaces. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

it('every console example prints exactly what the README shows', () => {
  const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
  const blocks = [...readme.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 2);
  let n = 0;
  for (const block of blocks) {
    const parts = block.split(/^\$ /m).filter((p) => p.trim() !== '');
    for (const part of parts) {
      const [cmd, ...expected] = part.split('\n');
      const [npx, convkit, ...args] = words(cmd!);
      assert.deepEqual([npx, convkit], ['npx', 'convkit'], cmd);
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `${cmd}\n${r.stderr}`);
      assert.equal(r.stdout, expected.join('\n'), cmd);
      n++;
    }
  }
  assert.ok(n >= 3);
});
