/** WebGPU pooling (max, average, adaptive; 1-3 d; forward and backward) against the reference. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

/** The pool's forward and its backward for a random cotangent. */
function step(f: (x: ck.Tensor) => ck.Tensor | [ck.Tensor, ck.Tensor], shape: number[]): () => unknown {
  return () => {
    const x = ck.randn(shape, { requiresGrad: true });
    const out = f(x);
    const y = Array.isArray(out) ? out[0] : out;
    ck.sum(ck.mul(y, ck.randn([...y.shape]))).backward();
    return out;
  };
}

/**
 * The gradient with respect to c of |∂⟨c, pool(x)⟩/∂x|²: the max pool's backward is linear in
 * its incoming gradient, and its adjoint there is a gather at the indices (maxPoolGather).
 */
function doubleBackward(shape: number[]): () => unknown {
  return () => {
    const x = ck.randn(shape);
    const c0 = ck.randn([...ck.maxPool2d(x, 2).shape]);
    const gxOf = (c: ck.Tensor): ck.Tensor => ck.grad((t: ck.Tensor) => ck.sum(ck.mul(ck.maxPool2d(t, 2), c)))(x) as ck.Tensor;
    return ck.grad((c: ck.Tensor) => ck.sum(ck.mul(gxOf(c), ck.arange(0, x.numel, 1, { dtype: 'float32' }).reshape([...x.shape]))))(c0);
  };
}

function gpuCase(name: string, ops: string[], fn: () => unknown): void {
  it(name, async () => {
    const { ran } = await checkOnGpu(fn);
    for (const op of ops) assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
  });
}

const MAX = ['maxPool', 'maxPoolBackward'];
const AVG = ['avgPool', 'avgPoolBackward'];

describe('webgpu pooling', () => {
  gpuCase('maxPool2d 2x2 (the CNN default)', MAX, step((x) => ck.maxPool2d(x, 2), [2, 3, 8, 8]));
  gpuCase('maxPool2d 3x3 stride 2 padding 1, odd sizes, indices', MAX, step((x) => ck.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true }), [2, 2, 9, 7]));
  gpuCase('maxPool2d dilation 2, ceilMode', MAX, step((x) => ck.maxPool2d(x, 2, { dilation: 2, ceilMode: true, stride: 2 }), [1, 2, 9, 10]));
  gpuCase('maxPool2d dilation 3 with padding (windows starting in the padding)', MAX, step((x) => ck.maxPool2d(x, 3, { dilation: 3, padding: 1, stride: 1 }), [1, 1, 8, 8]));
  gpuCase('maxPool1d and maxPool3d', MAX, () => [step((x) => ck.maxPool1d(x, 3, { stride: 2 }), [2, 3, 11])(), step((x) => ck.maxPool3d(x, 2), [1, 2, 4, 5, 6])()]);
  gpuCase('maxPool2d with NaN and ties (first max, NaN wins)', ['maxPool'], () => ck.maxPool2d(ck.tensor([[[[1, 1, NaN, 2], [1, 0, 3, NaN], [-Infinity, -Infinity, 5, 5], [-Infinity, -Infinity, 5, 5]]]]), 2, { returnIndices: true }));
  gpuCase('maxPool2d double backward (maxPoolGather)', ['maxPoolGather'], doubleBackward([1, 2, 6, 6]));
  gpuCase('avgPool2d 2x2', AVG, step((x) => ck.avgPool2d(x, 2), [2, 3, 8, 8]));
  gpuCase('avgPool2d 3x3 stride 2 padding 1, countIncludePad false, ceilMode', AVG, step((x) => ck.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [1, 2, 9, 8]));
  gpuCase('avgPool2d divisorOverride', AVG, step((x) => ck.avgPool2d(x, 2, { divisorOverride: 3 }), [1, 2, 6, 6]));
  gpuCase('avgPool1d and avgPool3d', AVG, () => [step((x) => ck.avgPool1d(x, 4, { stride: 3, padding: 2 }), [2, 2, 13])(), step((x) => ck.avgPool3d(x, [2, 3, 2]), [1, 2, 4, 6, 5])()]);
  gpuCase('adaptiveAvgPool2d to 3x5 (overlapping windows)', ['adaptiveAvgPool', 'avgPoolBackward'], step((x) => ck.adaptiveAvgPool2d(x, [3, 5]), [2, 2, 7, 11]));
  gpuCase('adaptiveMaxPool2d to 4x3', ['adaptiveMaxPool', 'maxPoolBackward'], step((x) => ck.adaptiveMaxPool2d(x, [4, 3]), [1, 3, 9, 7]));
  gpuCase('global average pool (adaptive to 1)', ['adaptiveAvgPool'], step((x) => ck.adaptiveAvgPool2d(x, 1), [3, 4, 5, 5]));
});
