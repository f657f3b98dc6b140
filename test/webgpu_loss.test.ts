/** WebGPU losses (point-wise and class losses, forward and backward) against the reference. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

function gpuCase(name: string, ops: string[], fn: () => void): void {
  it(name, async () => {
    const { ran } = await checkOnGpu(fn, 1e-5);
    for (const op of ops) assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
  });
}

const x = (...s: number[]): ck.Tensor => ck.randn(s, { requiresGrad: true });
const labels = (n: number, c: number): ck.Tensor => ck.randint(0, c, [n]);
const probs = (...s: number[]): ck.Tensor => ck.sigmoid(ck.randn(s));

describe('webgpu losses', () => {
  gpuCase('mseLoss', ['mseLoss'], () => ck.mseLoss(x(4, 5), ck.randn([4, 5])).backward());
  gpuCase('l1Loss, sum', ['l1Loss'], () => ck.l1Loss(x(7), ck.randn([7]), { reduction: 'sum' }).backward());
  gpuCase('binaryCrossEntropy with weight, clamped logs at 0 and 1', ['binaryCrossEntropy'], () =>
    ck.binaryCrossEntropy(ck.tensor([0, 1, 0.3, 0.999, 1e-9], { requiresGrad: true }), ck.tensor([1, 0, 0.5, 1, 0]), { weight: ck.tensor([1, 2, 3, 4, 5]) }).backward(),
  );
  gpuCase('binaryCrossEntropy, random', ['binaryCrossEntropy'], () => ck.binaryCrossEntropy(ck.sigmoid(x(3, 4)), probs(3, 4)).backward());
  gpuCase('binaryCrossEntropyWithLogits with weight and posWeight, large logits', ['binaryCrossEntropyWithLogits'], () =>
    ck.binaryCrossEntropyWithLogits(ck.mul(x(3, 4), 40), probs(3, 4), { weight: ck.rand([4]), posWeight: ck.add(ck.rand([4]), 0.5) }).backward(),
  );
  gpuCase('binaryCrossEntropyWithLogits posWeight only', ['binaryCrossEntropyWithLogits'], () =>
    ck.binaryCrossEntropyWithLogits(x(5), probs(5), { posWeight: ck.add(ck.rand([5]), 0.5) }).backward(),
  );
  const CE = ['crossEntropyClassTarget', 'softmaxCrossEntropy', 'softmaxCrossEntropyBackward'];
  gpuCase('crossEntropy (N, C) with class indices', CE, () => ck.crossEntropy(x(8, 10), labels(8, 10)).backward());
  gpuCase('crossEntropy with weight, ignoreIndex and label smoothing', CE, () =>
    ck.crossEntropy(x(6, 5), ck.tensor([0, 4, -100, 2, 2, -100], { dtype: 'int32' }), { weight: ck.rand([5]), labelSmoothing: 0.1 }).backward(),
  );
  gpuCase('crossEntropy over (N, C, H, W), sum', CE, () => ck.crossEntropy(x(2, 4, 3, 3), ck.randint(0, 4, [2, 3, 3]), { reduction: 'sum' }).backward());
  gpuCase('crossEntropy with probabilities as target', ['softmaxCrossEntropy', 'softmaxCrossEntropyBackward'], () => ck.crossEntropy(x(4, 6), ck.softmax(ck.randn([4, 6]), 1)).backward());
  gpuCase('crossEntropy with -inf logits', CE, () => ck.crossEntropy(ck.tensor([[0, -Infinity, 2], [-Infinity, 1, 1]], { requiresGrad: true }), ck.tensor([0, 2], { dtype: 'int32' })).backward());
  gpuCase('nllLoss with weight and ignoreIndex', ['nllLoss', 'nllLossBackward'], () =>
    ck.nllLoss(ck.logSoftmax(x(6, 4), 1), ck.tensor([1, 3, 0, 7, 2, 7], { dtype: 'int32' }), { weight: ck.rand([4]), ignoreIndex: 7 }).backward(),
  );
  gpuCase('nllLoss over (N, C, L), no weight', ['nllLoss', 'nllLossBackward'], () => ck.nllLoss(x(3, 5, 4), ck.randint(0, 5, [3, 4])).backward());
});
