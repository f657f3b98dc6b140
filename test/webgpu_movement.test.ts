/** WebGPU movement ops (expand, permute, flip, roll, slice, cat/split, pad and its gradient, clone, to) against the reference. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

function gpuCase(name: string, ops: string[], fn: () => unknown): void {
  it(name, async () => {
    const { ran } = await checkOnGpu(fn, 1e-6);
    for (const op of ops) assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
  });
}

/** f(x) and its backward for a random cotangent. */
function step(shape: number[], f: (x: ck.Tensor) => ck.Tensor | ck.Tensor[]): () => unknown {
  return () => {
    const x = ck.randn(shape, { requiresGrad: true });
    const outs = f(x);
    const list = Array.isArray(outs) ? outs : [outs];
    let loss = ck.tensor(0);
    for (const y of list) loss = ck.add(loss, ck.sum(ck.mul(y, ck.randn([...y.shape]))));
    loss.backward();
    return outs;
  };
}

describe('webgpu movement', () => {
  gpuCase('expand (and the sum that is its gradient)', ['expand'], step([3, 1, 2], (x) => ck.expand(x, [4, 3, 5, 2])));
  gpuCase('expand of a 0-d tensor', ['expand'], () => ck.expand(ck.tensor(2.5), [3, 2]));
  gpuCase('permute 4-d and transpose', ['permute'], step([2, 3, 4, 5], (x) => [ck.permute(x, [2, 0, 3, 1]), ck.transpose(x, 1, 3)]));
  gpuCase('flip two dims', ['flip'], step([3, 4, 5], (x) => ck.flip(x, [0, 2])));
  gpuCase('roll with negative shifts', ['roll'], step([4, 7], (x) => ck.roll(x, [-3, 9], [0, 1])));
  gpuCase('slice with a step and its backward', ['slice', 'sliceBackward'], step([5, 9], (x) => ck.slice(x, 1, 1, 8, 3)));
  gpuCase('narrow', ['slice'], step([6, 4], (x) => ck.narrow(x, 0, 2, 3)));
  gpuCase('cat along a middle dim and split/chunk back', ['cat', 'split'], step([2, 6, 3], (x) => [ck.cat([x, ck.mul(x, 2), ck.narrow(x, 1, 0, 1)], 1), ...ck.chunk(x, 3, 1)]));
  gpuCase('stack', ['cat'], () => ck.stack([ck.randn([2, 3]), ck.randn([2, 3])], 1));
  for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
    // the constant pad's gradient is a crop, i.e. pad again with negative pads
    gpuCase(`pad ${mode} and its gradient`, mode === 'constant' ? ['pad'] : ['pad', 'padBackward'], step([2, 3, 5, 6], (x) => ck.pad(x, [2, 1, 3, 2], { mode, ...(mode === 'constant' ? { value: -1.5 } : {}) })));
  }
  gpuCase('pad with negative (cropping) pads', ['pad'], step([3, 7], (x) => ck.pad(x, [-2, 3, 1, -1])));
  gpuCase('reflect pad with a cropped side', ['pad', 'padBackward'], step([3, 7], (x) => ck.pad(x, [-2, 3], { mode: 'reflect' })));
  gpuCase('replicate pad far beyond the edge (many positions summed into one)', ['padBackward'], step([1, 2, 3], (x) => ck.pad(x, [7, 5], { mode: 'replicate' })));
  gpuCase('circular pad of 1-d', ['padBackward'], step([2, 2, 5], (x) => ck.pad(x, [5, 4], { mode: 'circular' })));
  gpuCase('clone', ['clone'], () => ck.clone(ck.randn([4, 5])));
  gpuCase('int32 movement: permute and cat of labels', ['permute', 'cat'], () => [ck.permute(ck.randint(0, 9, [3, 4]), [1, 0]), ck.cat([ck.randint(0, 9, [2]), ck.randint(0, 9, [3])])]);
  gpuCase('to int32 (truncation, wrap-around, NaN and infinities to 0) and back', ['to'], () => {
    const f = ck.tensor([1.9, -1.9, 0.5, -0, 3e9, -3e9, 2147483648, 5e12, NaN, Infinity, -Infinity, 16777217]);
    return [ck.to(f, 'int32'), ck.to(ck.tensor([7, -8, 2147483647], { dtype: 'int32' }), 'float32')];
  });
});
