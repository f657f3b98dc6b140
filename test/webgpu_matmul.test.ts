/** matmul and linear on WebGPU against the reference kernels (odd sizes, several tiles, batches, broadcasting). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

const r = (...s: number[]): ck.Tensor => ck.randn(s);

describe('webgpu matmul', () => {
  const cases: [string, () => unknown][] = [
    ['4x4 · 4x4', () => ck.matmul(r(4, 4), r(4, 4))],
    ['odd 5x7 · 7x3', () => ck.matmul(r(5, 7), r(7, 3))],
    ['row · column (1x9 · 9x1)', () => ck.matmul(r(1, 9), r(9, 1))],
    ['several tiles 70x33 · 33x130', () => ck.matmul(r(70, 33), r(33, 130))],
    ['long K 3x1000 · 1000x5', () => ck.matmul(r(3, 1000), r(1000, 5))],
    ['vector · matrix', () => ck.matmul(r(6), r(6, 4))],
    ['matrix · vector', () => ck.matmul(r(4, 6), r(6))],
    ['batched with broadcasting (2,1,3,4) · (5,4,6)', () => ck.matmul(r(2, 1, 3, 4), r(5, 4, 6))],
    ['batch stacked on a shared matrix (3,5,4) · (4,2)', () => ck.matmul(r(3, 5, 4), r(4, 2))],
    ['K = 0 gives zeros', () => ck.matmul(r(3, 0), r(0, 4))],
    ['empty M', () => ck.matmul(r(0, 3), r(3, 4))],
    ['linear with bias', () => ck.linear(r(7, 20), r(9, 20), r(9))],
    ['linear without bias, 3-d input', () => ck.linear(r(2, 3, 20), r(65, 20))],
  ];
  for (const [name, fn] of cases) {
    it(name, async () => {
      const { ran } = await checkOnGpu(fn);
      assert.ok(ran.includes('matmul') || ran.includes('linear'), `ran ${ran.join(', ')}`);
    });
  }

  it('matmul and linear backward (every product of a training step)', async () => {
    const { ran } = await checkOnGpu(() => {
      const x = ck.randn([6, 10], { requiresGrad: true });
      const w = ck.randn([7, 10], { requiresGrad: true });
      const b = ck.randn([7], { requiresGrad: true });
      const v = ck.randn([7, 3], { requiresGrad: true });
      ck.sum(ck.matmul(ck.linear(x, w, b), v)).backward();
    });
    assert.ok(ran.filter((n) => n === 'matmul').length >= 3, `ran ${ran.join(', ')}`);
  });
});
