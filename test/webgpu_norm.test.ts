/** WebGPU normalisation primitives (batch, layer, group norm; forward and backward) against the reference. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

type NormFn = (x: ck.Tensor, w: ck.Tensor, b: ck.Tensor) => ck.Tensor;

/** Forward and backward of a norm with affine parameters of `c` entries. */
function step(shape: number[], c: number, f: NormFn): () => void {
  return () => {
    const x = ck.add(ck.mul(ck.randn(shape, { requiresGrad: true }), 3), 1);
    const w = ck.randn([c], { requiresGrad: true });
    const b = ck.randn([c], { requiresGrad: true });
    const y = f(x, w, b);
    ck.sum(ck.mul(y, ck.randn([...y.shape]))).backward();
  };
}

const ALL = ['normStandardize', 'normAffine', 'normStandardizeBackward', 'normAffineGrad'];

function gpuCase(name: string, fn: () => void, ops = ALL): void {
  it(name, async () => {
    const { ran } = await checkOnGpu(fn, 1e-5);
    for (const op of ops) assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
  });
}

describe('webgpu norms', () => {
  const bn: NormFn = (x, w, b) => ck.batchNorm(x, null, null, { weight: w, bias: b, training: true });
  gpuCase('batchNorm over (N, C, H, W), small groups', step([2, 3, 4, 5], 3, bn));
  gpuCase('batchNorm over (N, C, H, W), large groups (a workgroup per channel)', step([4, 5, 9, 10], 5, bn));
  gpuCase('batchNorm over (N, C)', step([7, 4], 4, bn));
  gpuCase('layerNorm over the last two dims', step([3, 4, 6], 24, (x, w, b) => ck.layerNorm(x, [4, 6], { weight: w.reshape([4, 6]), bias: b.reshape([4, 6]) })));
  gpuCase('layerNorm over 300 features', step([2, 300], 300, (x, w, b) => ck.layerNorm(x, 300, { weight: w, bias: b })));
  gpuCase('groupNorm 2 groups', step([2, 6, 5, 5], 6, (x, w, b) => ck.groupNorm(x, 2, { weight: w, bias: b })));
  gpuCase('batchNorm in eval mode (running statistics, no standardize)', () => {
    const x = ck.randn([3, 2, 4, 4], { requiresGrad: true });
    const y = ck.batchNorm(x, ck.randn([2]), ck.rand([2]), { weight: ck.randn([2]), bias: ck.randn([2]), training: false });
    ck.sum(y).backward();
  }, ['normAffine']);
});
