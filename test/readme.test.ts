/** The README's example runs as written (docs that run). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './helpers.js';

it('the README example computes what its comments say', async () => {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
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

it('the README training example trains, with callable modules, a loss module and tensor methods', async () => {
  const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)][1]?.[1];
  assert.ok(block, 'README has a second ts example');
  const entry = pathToFileURL(new URL('dist/src/index.js', ROOT).pathname).href;
  // type annotations are the only TypeScript in the block
  const js = block.replace("from 'convkit'", `from '${entry}'`).replace('const losses: number[] = [];', 'const losses = [];').replace(/console\.log\(.*\);\n/, '') + '\nexport { losses, classes, values };\n';
  const file = join(mkdtempSync(join(tmpdir(), 'convkit-readme-')), 'train.mjs');
  writeFileSync(file, js);
  const m = (await import(pathToFileURL(file).href)) as { losses: number[]; classes: { shape: readonly number[]; dtype: string }; values: { shape: readonly number[] } };
  assert.equal(m.losses.length, 10);
  assert.ok(m.losses[9]! < m.losses[0]! / 2, `loss ${m.losses[0]} -> ${m.losses[9]}`);
  assert.deepEqual([m.classes.shape, m.classes.dtype, m.values.shape], [[16], 'int32', [16]]);
});
