/**
 * explainConv and `convkit conv`: outputs against numpy (1-d convolve/correlate), scipy.signal (2-d)
 * and PyTorch (stride, padding, dilation) from scripts/gen_explain.py; every written-out sum adds up
 * to its output; extremes and zeros found independently.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { explainConv, formatConvExplanation } from '../src/index.js';
import type { ExplainConvOptions } from '../src/index.js';
import { ShapeError, ValueError } from '../src/errors.js';
import { ROOT, assertThrowsTyped } from './helpers.js';

type Arr = number[] | number[][];
interface Case {
  x: Arr;
  w: Arr;
  mode: 'valid' | 'same' | 'full';
  flip: boolean;
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  out: Arr;
}
const F = JSON.parse(readFileSync(new URL('test/fixtures/explain/conv.json', ROOT), 'utf8')) as { cases: Case[] };

/** Positions (0-based) of the entries of a 1-d or 2-d array satisfying `pred`, row by row. */
function where(a: Arr, pred: (v: number) => boolean): number[][] {
  const rows = (Array.isArray(a[0]) ? a : [a]) as number[][];
  const flat = !Array.isArray(a[0]);
  const out: number[][] = [];
  rows.forEach((r, i) => r.forEach((v, j) => {
    if (pred(v)) out.push(flat ? [j] : [i, j]);
  }));
  return out;
}

describe('explainConv against numpy, scipy and PyTorch', () => {
  it(`all ${F.cases.length} cases: output, sums, extremes and zeros`, () => {
    for (const c of F.cases) {
      const o: ExplainConvOptions = { mode: c.mode, flip: c.flip };
      if (c.stride !== undefined) o.stride = c.stride;
      if (c.padding !== undefined) o.padding = c.padding;
      if (c.dilation !== undefined) o.dilation = c.dilation;
      const e = explainConv(c.x, c.w, o);
      const what = JSON.stringify({ ...c, out: undefined });
      assert.deepEqual(e.output.toArray(), c.out, what);
      for (const t of e.terms) assert.equal(t.products.reduce((s, [k, v]) => s + k * v, 0), t.value, `${what}: ${t.text}`);
      const flat = (Array.isArray(c.out[0]) ? (c.out as number[][]).flat() : c.out) as number[];
      const max = Math.max(...flat);
      const min = Math.min(...flat);
      assert.deepEqual(e.max, { value: max, positions: where(c.out, (v) => v === max) }, what);
      assert.deepEqual(e.min, { value: min, positions: where(c.out, (v) => v === min) }, what);
      assert.deepEqual(e.zeros, where(c.out, (v) => v === 0), what);
    }
  });

  it('writes each sum with the numbers substituted, in the textbook form', () => {
    const x = [[0, 1, 0, 2, 5], [1, 0, 2, 3, 0], [2, 2, 1, 3, 0]];
    const e = explainConv(x, [[1, -1], [1, -1]]);
    assert.equal(e.terms.find((t) => t.position.join() === '1,3')!.text, 'Z[1,3] = 1·3 + (−1)·0 + 1·3 + (−1)·0 = 6');
    // taps in the padding are left out: full mode's corner has one product
    const f = explainConv([1, 2, 3, 4], [1, 0, 2], { mode: 'full', flip: true });
    assert.equal(f.terms[0]!.text, 'Z[0] = 1·1 = 1');
    assert.equal(explainConv([0.5, -1.25], [2], {}).terms[1]!.text, 'Z[1] = 2·(−1.25) = −2.5');
  });

  it('refuses what it cannot do, naming the argument', () => {
    assertThrowsTyped(() => explainConv([[[1]]], [1]), ShapeError, /explainConv: .*input.*1-d or 2-d/);
    assertThrowsTyped(() => explainConv([1, 2, 3], [[1]]), ShapeError, /a 1-d kernel like the input/);
    assertThrowsTyped(() => explainConv([1, 2, 3], [1], { mode: 'same', padding: 1 }), ValueError, /no padding with mode 'same'/);
    assertThrowsTyped(() => explainConv([1, 2], [1, 2, 3]), ShapeError, /conv1d: output size would be below 1/);
  });
});

describe('convkit conv', () => {
  const BIN = fileURLToPath(new URL('bin/convkit.js', ROOT));
  const run = (...a: string[]) => spawnSync(process.execPath, [BIN, 'conv', ...a], { encoding: 'utf8' });

  it('prints the output, extremes with every position, zeros, and with --explain every sum', () => {
    const r = run('[[1,2,0,3],[4,1,2,0],[0,3,1,2],[2,0,4,1]]', '[[1,-1],[2,0]]', '--explain');
    assert.equal(r.status, 0, r.stderr);
    const e = explainConv([[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]], [[1, -1], [2, 0]]);
    assert.equal(r.stdout, formatConvExplanation(e, { explain: true }) + '\n');
    assert.match(r.stdout, /^largest: 7 at \[0,0\], \[2,2\]$/m);
    assert.match(r.stdout, /^ {2}Z\[0,0\] = 1·1 \+ \(−1\)·2 \+ 2·4 \+ 0·1 = 7$/m);
    const s = run('[1,2,3,4]', '[1,0,2]', '--mode', 'same', '--flip');
    assert.match(s.stdout, /output Z, shape 4:\n {2}\[2, 5, 8, 6\]/);
    const z = run('[1,-1,1,-1]', '[1,1]', '--stride', '1');
    assert.match(z.stdout, /zero at: \[0\], \[1\], \[2\]/);
  });

  it('bad arrays and flags are errors naming them', () => {
    const r = run('[1,2', '[1]');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /convkit conv: X must be a 1-d or 2-d array of numbers/);
    const m = run('[1,2,3]', '[1]', '--mode', 'half');
    assert.match(m.stderr, /--mode expects one of valid, same, full/);
    const s = run('[1,2,3]', '[1]', '--stride', 'two');
    assert.match(s.stderr, /--stride/);
  });
});
