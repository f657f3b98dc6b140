/**
 * Ceil-mode pools whose window is larger than the input (PyTorch gives a size-1 output there, the
 * floor rule 0): the shape rule, its written-out formula, the summary's row and working, and
 * PyTorch's avg_pool3d exception. Values and gradients are in test/fixtures/pool_ceil.json
 * (scripts/fixtures/pool_ceil.py), run on every backend by conformance.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { ShapeError } from '../src/errors.js';
import { summarizeArchitecture } from '../src/summary/index.js';
import { assertThrowsTyped } from './helpers.js';

/** Evaluates `floor(...)`/`ceil(...)` arithmetic text (digits, + - * / and parentheses only). */
function evalFormula(f: string): number {
  assert.match(f.replace(/floor|ceil/g, ''), /^[0-9+\-*/() ]*$/, f);
  const fn = new Function('floor', 'ceil', `return (${f});`) as (a: (x: number) => number, b: (x: number) => number) => number;
  return fn(Math.floor, Math.ceil);
}

describe('ceil-mode output size (PyTorch pooling_output_shape)', () => {
  it("the issue's two cases give 1, not an error", () => {
    // span = 4 - 2*(3-1) - 1 = -1; ceil(-1/3) + 1 = 1; the window starts at 0 < 4: kept
    assert.equal(ck.convOutSize(4, 3, 3, 0, 0, 2, true), 1);
    assert.deepEqual(ck.maxPool1d(ck.tensor([[[0, 1, 2, 3]]]), 3, { stride: 3, dilation: 2, ceilMode: true }).toArray(), [[[2]]]);
    // span = 2 - 2 - 1 = -1 -> 1 output; the window [0, 3) is clipped to [0, 2): mean of 0 and 1
    assert.equal(ck.convOutSize(2, 3, 3, 0, 0, 1, true), 1);
    assert.deepEqual(ck.avgPool1d(ck.tensor([[[0, 1]]]), 3, { stride: 3, ceilMode: true }).toArray(), [[[0.5]]]);
  });

  it('floor mode and too-small ceil outputs still refuse', () => {
    assert.equal(ck.convOutSize(4, 3, 3, 0, 0, 2, false), 0);
    assertThrowsTyped(() => ck.maxPool1d(ck.zeros([1, 1, 4]), 3, { stride: 3, dilation: 2 }), ShapeError, /output size is too small/);
    // span = 1 - 3*2 - 1 = -6, ceil(-6/1) + 1 = -5 (PyTorch: "Invalid computed output size: -5")
    assertThrowsTyped(() => ck.maxPool1d(ck.zeros([1, 1, 1]), 3, { stride: 1, dilation: 3, ceilMode: true }), ShapeError, /ceil\(\(1 \+ 2\*0 - 3\*\(3-1\) - 1\)\/1 \+ 1\) = -5/);
  });

  it('the written formula evaluates to the size, including a dropped last window', () => {
    const cases: [number, number, number, number, number][] = [
      [4, 3, 3, 0, 2], [2, 3, 3, 0, 1], [1, 4, 2, 1, 1], [5, 2, 2, 1, 1], [7, 3, 2, 1, 1], [6, 4, 3, 2, 1], [2, 5, 3, 2, 1],
    ];
    for (const [n, k, s, p, d] of cases) {
      const text = ck.convOutFormula(n, k, s, p, p, d, true);
      const [formula, value] = text.split(' = ') as [string, string];
      assert.equal(evalFormula(formula), Number(value), text);
      assert.equal(Number(value), ck.convOutSize(n, k, s, p, p, d, true), text);
    }
    // n=5, k=2, s=2, p=1: ceil(5/2) + 1 = 4 windows, the 4th would start at 3*2 - 1 = 5, in the padding
    assert.equal(ck.convOutFormula(5, 2, 2, 1, 1, 1, true), 'ceil((5 + 2*1 - 1*(2-1) - 1)/2 + 1) - 1 = 3');
  });

  it('avgPool3d refuses an input smaller than the kernel (PyTorch check_input_size), maxPool3d does not', () => {
    assertThrowsTyped(
      () => ck.avgPool3d(ck.zeros([1, 1, 2, 2, 2]), 3, { stride: 3, ceilMode: true }),
      ShapeError,
      /^avgPool3d: input \[1, 1, 2, 2, 2\] is smaller than the kernel \[3, 3, 3\] in spatial dimension 0 \(2 < 3\)/,
    );
    assertThrowsTyped(() => ck.avgPool3d(ck.zeros([1, 1, 3, 3, 2]), 3, { stride: 2, padding: 1, ceilMode: true }), ShapeError, /dimension 2 \(2 < 3\)/);
    assert.deepEqual(ck.maxPool3d(ck.zeros([1, 1, 2, 2, 2]), 3, { stride: 3, ceilMode: true }).shape, [1, 1, 1, 1, 1]);
    assert.deepEqual(ck.avgPool2d(ck.ones([1, 1, 2, 2]), 3, { stride: 2, ceilMode: true }).toArray(), [[[[1]]]]);
  });
});

describe('ceil-mode pools in the model summary', () => {
  it('shape, taps and the working of a window larger than the input', () => {
    const r = summarizeArchitecture('2x4 | maxpool 3 d2 s3 ceil', { explain: true });
    assert.deepEqual(r.outputShape, [1, 2, 1]);
    const lines = r.rows[0]!.explain;
    assert.equal(lines[0]!.text, 'L_out = ceil((4 + 2*0 - 2*(3-1) - 1)/3 + 1) = 1');
    // the window taps 0, 2 (4 is past the input): 2 comparisons per channel
    assert.equal(r.rows[0]!.otherOps[0]!.count, 4);
    const a = summarizeArchitecture('3x2x2 | avgpool 3 s2 ceil', { explain: true });
    assert.deepEqual(a.outputShape, [1, 3, 1, 1]);
    assert.equal(a.rows[0]!.explain[0]!.text, 'H_out = ceil((2 + 2*0 - 1*(3-1) - 1)/2 + 1) = 1');
    const d = summarizeArchitecture('1x5 | maxpool 2 p1 ceil', { explain: true });
    assert.equal(d.rows[0]!.explain[0]!.text, 'L_out = ceil((5 + 2*1 - 1*(2-1) - 1)/2 + 1) - 1 = 3');
    for (const res of [r, a, d]) for (const e of res.rows[0]!.explain) if (e.formula !== '') assert.equal(evalFormula(e.formula), e.value, e.text);
  });
});
