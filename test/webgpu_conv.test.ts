/**
 * The WebGPU convolutions (forward, input gradient = transposed conv, weight gradient with
 * split-K) against the reference kernels, over what broke other libraries' WebGPU convs: stride > 1
 * with 'same' padding, dilation, groups and depthwise, padding modes, odd sizes, 1-d and 3-d,
 * outputPadding, more than 65,535 workgroups, empty batches.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { ConvOptions } from '../src/index.js';
import { planGemm } from '../src/backends/webgpu/gemm.js';
import { checkOnGpu } from './webgpu_check.js';

const r = (...s: number[]): ck.Tensor => ck.randn(s);
type ConvFn = (x: ck.Tensor, w: ck.Tensor, b?: ck.Tensor | null, o?: ConvOptions) => ck.Tensor;
const CONVS: ConvFn[] = [ck.conv1d, ck.conv2d, ck.conv3d];

/** Forward and both gradients (and the bias gradient) of one convolution, all replayed on the GPU. */
function convStep(rank: number, x: number[], w: number[], opts: ConvOptions, bias = true): () => void {
  return () => {
    const xt = ck.randn(x, { requiresGrad: true });
    const wt = ck.randn(w, { requiresGrad: true });
    const bt = bias ? ck.randn([w[0]!], { requiresGrad: true }) : null;
    const y = CONVS[rank - 1]!(xt, wt, bt, opts);
    ck.sum(ck.mul(y, ck.randn([...y.shape]))).backward();
  };
}

const ALL = ['conv', 'convTranspose', 'convWeightGrad'];

async function expectAll(fn: () => void, ops = ALL): Promise<void> {
  const { ran } = await checkOnGpu(fn);
  for (const op of ops) assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')})`);
}

describe('webgpu conv: forward, input gradient, weight gradient', () => {
  const cases: [string, number, number[], number[], ConvOptions, boolean?][] = [
    ['2-d 3x3 valid', 2, [2, 3, 7, 6], [4, 3, 3, 3], {}],
    ['2-d stride 2 same (the extra padding goes after)', 2, [2, 3, 8, 7], [5, 3, 3, 3], { stride: 2, padding: 'same' }],
    ['2-d stride 3 same, even kernel', 2, [1, 2, 10, 11], [3, 2, 4, 2], { stride: 3, padding: 'same' }],
    ['2-d dilation 2, padding 3', 2, [2, 2, 9, 9], [3, 2, 3, 3], { dilation: 2, padding: 3 }],
    ['2-d stride (2,1), dilation (1,3), asymmetric kernel', 2, [1, 3, 9, 12], [2, 3, 2, 3], { stride: [2, 1], dilation: [1, 3], padding: [1, 2] }],
    ['2-d groups 2', 2, [2, 4, 6, 6], [6, 2, 3, 3], { groups: 2, padding: 1 }],
    ['2-d depthwise (groups = channels)', 2, [2, 5, 7, 7], [5, 1, 3, 3], { groups: 5, padding: 'same' }],
    ['2-d depthwise multiplier 2, stride 2', 2, [1, 3, 8, 8], [6, 1, 3, 3], { groups: 3, stride: 2 }],
    ['2-d full padding', 2, [1, 2, 4, 5], [2, 2, 3, 2], { padding: 'full' }],
    ['2-d reflect padding', 2, [1, 2, 6, 5], [3, 2, 3, 3], { padding: 2, paddingMode: 'reflect' }],
    ['2-d replicate padding', 2, [1, 2, 5, 5], [3, 2, 3, 3], { padding: 1, paddingMode: 'replicate' }],
    ['2-d circular padding', 2, [1, 2, 5, 6], [3, 2, 3, 3], { padding: [1, 2], paddingMode: 'circular' }],
    ['2-d 1x1 kernel, no bias', 2, [3, 5, 4, 4], [7, 5, 1, 1], {}, false],
    ['2-d odd everything (channels 3 -> 5, 13x11, kernel 5x3)', 2, [3, 3, 13, 11], [5, 3, 5, 3], { stride: [2, 3], padding: [2, 1] }],
    ['2-d input larger than the kernel reach (floor drops rows)', 2, [1, 1, 8, 8], [2, 1, 3, 3], { stride: 3 }],
    ['2-d many channels (several tiles in every dimension)', 2, [2, 40, 9, 9], [70, 40, 3, 3], { padding: 1 }],
    ['1-d stride 2 same', 1, [3, 2, 17], [4, 2, 5], { stride: 2, padding: 'same' }],
    ['1-d dilation 3, groups 2', 1, [2, 4, 20], [6, 2, 3], { dilation: 3, groups: 2 }],
    ['3-d 2x3x3, stride 2', 3, [1, 2, 5, 6, 7], [3, 2, 2, 3, 3], { stride: 2, padding: 1 }],
    ['3-d depthwise, dilation 2', 3, [2, 3, 6, 6, 6], [3, 1, 2, 2, 2], { groups: 3, dilation: 2 }],
  ];
  for (const [name, rank, x, w, opts, bias] of cases) {
    it(name, () => expectAll(convStep(rank, x, w, opts, bias ?? true)));
  }

  it('weight gradient with split-K (N·spatial reduced in several chunks, summed in order)', async () => {
    const g = planGemm({ M: 4, N: 27, K: 4 * 30 * 30, batches: 1 }, true);
    assert.ok(g.splits > 1, `expected a split, got ${g.splits}`);
    await expectAll(convStep(2, [4, 3, 32, 32], [4, 3, 3, 3], { padding: 1 }));
  });

  it('more than 65,535 workgroups (2-d dispatch): depthwise over 70,000 channels', async () => {
    const C = 70000;
    const g = planGemm({ M: 1, N: 2 * 3, K: 1, batches: C });
    assert.ok(g.groups > 65535, `${g.groups} workgroups`);
    const { ran } = await checkOnGpu(() => ck.conv2d(r(1, C, 2, 3), r(C, 1, 1, 1), r(C), { groups: C }));
    assert.deepEqual(ran, ['conv']);
  });

  it('an empty batch gives an empty output; an empty batch weight gradient is zeros', async () => {
    await expectAll(() => ck.conv2d(r(0, 2, 5, 5), r(3, 2, 3, 3)), ['conv']);
    await expectAll(() => ck.conv2dWeight(r(0, 2, 5, 5), [3, 2, 3, 3], r(0, 3, 3, 3)), ['convWeightGrad']);
  });

  describe('transposed convolutions', () => {
    const tcases: [string, number, number[], number[], ck.ConvTransposeOptions][] = [
      ['2-d stride 2, outputPadding 1', 2, [2, 3, 4, 5], [3, 4, 3, 3], { stride: 2, outputPadding: 1, padding: 1 }],
      ['2-d groups 2, dilation 2', 2, [1, 4, 5, 5], [4, 3, 3, 2], { groups: 2, dilation: 2 }],
      ['1-d stride 3, padding 2', 1, [2, 2, 7], [2, 3, 4], { stride: 3, padding: 2 }],
      ['3-d stride 2', 3, [1, 2, 3, 3, 4], [2, 2, 2, 2, 3], { stride: 2 }],
    ];
    const TR = [ck.convTranspose1d, ck.convTranspose2d, ck.convTranspose3d];
    for (const [name, rank, x, w, opts] of tcases) {
      it(name, () =>
        expectAll(() => {
          const xt = ck.randn(x, { requiresGrad: true });
          const wt = ck.randn(w, { requiresGrad: true });
          const bt = ck.randn([w[1]! * (opts.groups ?? 1)], { requiresGrad: true });
          const y = TR[rank - 1]!(xt, wt, bt, opts);
          ck.sum(ck.mul(y, ck.randn([...y.shape]))).backward();
        }),
      );
    }
  });
});
