/** WebGPU reductions against the reference: dims, keepdim, small and large groups, NaN and ties. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

const r = (...s: number[]): ck.Tensor => ck.randn(s);

function gpuCase(name: string, op: string, fn: () => unknown, rtol?: number): void {
  it(name, async () => {
    const { ran } = await checkOnGpu(fn, rtol);
    assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
  });
}

/** Values with ties and NaNs in known places, for extrema. */
const tricky = (): ck.Tensor => ck.tensor([[1, 3, 3, -2], [NaN, 5, NaN, 0], [-Infinity, -Infinity, -7, -7], [2, 2, 2, 2]]);

describe('webgpu reductions', () => {
  for (const [name, fn] of [['sum', ck.sum], ['mean', ck.mean], ['logsumexp', ck.logsumexp]] as const) {
    gpuCase(`${name}: full, small`, name, () => fn(r(3, 5), [0, 1]));
    gpuCase(`${name}: last dim`, name, () => fn(r(6, 7), 1));
    gpuCase(`${name}: middle dim kept-dim`, name, () => fn(r(3, 4, 5), 1, { keepdim: true }));
    gpuCase(`${name}: dims (0, 2, 3) of an NCHW tensor (a bias gradient), large groups`, name, () => fn(r(4, 3, 9, 10), [0, 2, 3]));
    gpuCase(`${name}: a group above 256 per workgroup thread count`, name, () => fn(r(2, 3000), 1));
  }
  gpuCase('sum over everything (no dims)', 'sum', () => ck.sum(r(33, 40)));
  gpuCase('mean of an empty dimension is NaN', 'mean', () => ck.mean(r(3, 0), 1));
  gpuCase('sum of an empty dimension is 0', 'sum', () => ck.sum(r(3, 0), 1));
  gpuCase('logsumexp with infinities and NaN', 'logsumexp', () => ck.logsumexp(ck.tensor([[-Infinity, -Infinity], [Infinity, 1], [NaN, 2], [1000, 1000]]), 1));
  for (const [name, fn] of [['var', ck.var], ['std', ck.std]] as const) {
    gpuCase(`${name}: last dim, Bessel`, name, () => fn(r(5, 30), 1));
    gpuCase(`${name}: large groups, correction 0`, name, () => fn(ck.add(r(3, 500), 100), 1, { correction: 0 }), 1e-5);
    gpuCase(`${name}: one element with correction 1 (0/0 = NaN)`, name, () => fn(r(4, 1), 1));
  }
  gpuCase('prod over a dim, with zeros, infinities and NaN', 'prod', () => [ck.prod(ck.add(ck.rand([4, 6]), 0.5), 1), ck.prod(ck.tensor([[2, 0, Infinity], [NaN, 1, 2], [-1, -2, -3]]), 1)], 1e-5);
  gpuCase('prod backward: the product of the others (prodOthers), zeros included', 'prodOthers', () => {
    const x = ck.tensor([[2, 0, 3, 4], [1, 5, 0, 0], [-1, 2, -3, 0.5]], { requiresGrad: true });
    ck.sum(ck.mul(ck.prod(x, 1), ck.tensor([1, 2, 3]))).backward();
    const y = ck.add(ck.rand([3, 4, 5], { requiresGrad: true }), 0.5);
    ck.sum(ck.prod(y, [0, 2])).backward();
  }, 1e-5);
  gpuCase('prod over a large group', 'prod', () => ck.prod(ck.add(ck.mul(ck.rand([2, 300]), 0.02), 0.99), 1), 1e-5);
  for (const p of [2, 'fro', Infinity, -Infinity, 0, 1, 3, 0.5] as const) {
    gpuCase(`norm p = ${p}: rows, and over everything`, 'norm', () => [ck.norm(ck.randn([5, 7]), p, 1), ck.norm(ck.randn([40, 30]), p)], 1e-5);
  }
  gpuCase('norm 2 of huge and tiny values (scaled), zeros and NaN', 'norm', () => ck.norm(ck.tensor([[3e30, 4e30], [3e-30, 4e-30], [0, 0], [NaN, 1]]), 2, 1), 1e-5);
  describe('extrema: the first NaN, else the first extreme element', () => {
    gpuCase('amax / amin over rows', 'amax', () => [ck.amax(tricky(), 1), ck.amin(tricky(), 1), ck.amax(tricky(), 0)]);
    gpuCase('argmax / argmin over rows and columns', 'argmax', () => [ck.argmax(tricky(), 1), ck.argmin(tricky(), 1), ck.argmax(tricky(), 0), ck.argmin(tricky(), 0)]);
    gpuCase('argmax of the whole tensor is a flat index', 'argmax', () => ck.argmax(tricky()));
    gpuCase('max along a dimension: values and indices', 'maxDim', () => ck.max(tricky(), 1));
    gpuCase('min along a dimension, keepdim', 'minDim', () => ck.min(tricky(), 0, { keepdim: true }));
    gpuCase('argmax over large groups with a tie and a NaN late', 'argmax', () => {
      const v = Array.from({ length: 1000 }, (_, i) => (i === 400 || i === 700 ? 9 : i === 900 ? NaN : Math.sin(i)));
      const w = Array.from({ length: 1000 }, (_, i) => (i === 10 || i === 999 ? 9 : Math.cos(i)));
      return [ck.argmax(ck.tensor([v, w]), 1), ck.amax(ck.tensor([v, w]), 1), ck.argmin(ck.tensor([v, w]), 1)];
    });
  });
});
