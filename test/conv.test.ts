/** Convolutions: exact hand-computed cases, geometry, identities and pinned error messages. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, ShapeError, ValueError } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { TOL64, assertClose, assertThrowsTyped, describeBackends, onBackend } from './helpers.js';

const f32 = (v: ck.NestedArray): Tensor => ck.tensor(v);
const f64 = (v: ck.NestedArray): Tensor => ck.tensor(v, { dtype: 'float64' });
const arr = (t: Tensor): ck.NestedArray => t.toArray();

describeBackends('conv: exact results', (b) => {
  it('conv1d valid cross-correlation, bias, unbatched', () =>
    onBackend(b, () => {
      const x = f32([[[1, 2, 3, 4, 5]]]);
      const w = f32([[[1, 0, -1]]]);
      assert.deepEqual(arr(ck.conv1d(x, w)), [[[-2, -2, -2]]]);
      assert.deepEqual(arr(ck.conv1d(x, w, f32([10]))), [[[8, 8, 8]]]);
      const y = ck.conv1d(f32([[1, 2, 3, 4, 5]]), w);
      assert.deepEqual([...y.shape], [1, 3]);
      assert.deepEqual(arr(y), [[-2, -2, -2]]);
    }));

  it('conv2d of an integer image with bias', () =>
    onBackend(b, () => {
      const x = f32([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
      const w = f32([[[[1, 2], [3, 4]]]]);
      assert.deepEqual(arr(ck.conv2d(x, w, f32([1]))), [[[[38, 48], [68, 78]]]]);
    }));

  it('stride and dilation together: out[o] = x[3o] + x[3o + 2]', () =>
    onBackend(b, () => {
      const x = ck.reshape(ck.arange(0, 10, 1, { dtype: 'float32' }), [1, 1, 10]);
      assert.deepEqual(arr(ck.conv1d(x, f32([[[1, 1]]]), null, { stride: 3, dilation: 2 })), [[[2, 8, 14]]]);
    }));

  it("padding 'same': odd element after, and TensorFlow's rule with stride 2", () =>
    onBackend(b, () => {
      // k = 2: total 1, all after: [1, 2, 3, 4, 0]
      assert.deepEqual(arr(ck.conv1d(f32([[[1, 2, 3, 4]]]), f32([[[1, 1]]]), null, { padding: 'same' })), [[[3, 5, 7, 4]]]);
      // in 5, k 3, s 2: out 3, total max(2*2 + 2 + 1 - 5, 0) = 2 -> [0, 1..5, 0]
      const ones = f32([[[1, 1, 1]]]);
      assert.deepEqual(arr(ck.conv1d(f32([[[1, 2, 3, 4, 5]]]), ones, null, { padding: 'same', stride: 2 })), [[[3, 9, 9]]]);
      // in 6: total 1, after: [1..6, 0]
      assert.deepEqual(arr(ck.conv1d(f32([[[1, 2, 3, 4, 5, 6]]]), ones, null, { padding: 'same', stride: 2 })), [[[6, 12, 11]]]);
      // dilation 2, k 2: total 2 -> one each side: [0, 1, 2, 3, 0], out[o] = p[o] + p[o+2]
      assert.deepEqual(arr(ck.conv1d(f32([[[1, 2, 3]]]), f32([[[1, 1]]]), null, { padding: 'same', dilation: 2 })), [[[2, 4, 2]]]);
    }));

  it("padding 'full' and 'valid'", () =>
    onBackend(b, () => {
      const x = f32([[[1, 2, 3]]]);
      const w = f32([[[1, 2]]]);
      assert.deepEqual(arr(ck.conv1d(x, w, null, { padding: 'full' })), [[[2, 5, 8, 3]]]);
      assert.deepEqual(arr(ck.conv1d(x, w, null, { padding: 'valid' })), [[[5, 8]]]);
    }));

  it('padding modes reflect, replicate, circular', () =>
    onBackend(b, () => {
      const x = f32([[[1, 2, 3, 4, 5]]]);
      const w = f32([[[1, 0, -1]]]);
      const run = (paddingMode: ck.PaddingMode): ck.NestedArray => arr(ck.conv1d(x, w, { padding: 1, paddingMode }));
      assert.deepEqual(run('zeros'), [[[-2, -2, -2, -2, 4]]]);
      assert.deepEqual(run('reflect'), [[[0, -2, -2, -2, 0]]]); // [2, 1..5, 4]
      assert.deepEqual(run('replicate'), [[[-1, -2, -2, -2, -1]]]); // [1, 1..5, 5]
      assert.deepEqual(run('circular'), [[[3, -2, -2, -2, 3]]]); // [5, 1..5, 1]
      // 2-d reflect of an unbatched image: rows [2,1,2,3,2] etc., a 1x1 identity kernel shows the padding
      const img = f32([[[1, 2, 3], [4, 5, 6]]]);
      const y = ck.conv2d(img, f32([[[[1]]]]), { padding: [0, 1], paddingMode: 'reflect' });
      assert.deepEqual(arr(y), [[[2, 1, 2, 3, 2], [5, 4, 5, 6, 5]]]);
    }));

  it('groups: depthwise and with a channel multiplier', () =>
    onBackend(b, () => {
      const x = f32([[[1, 2, 3], [10, 20, 30]]]);
      assert.deepEqual(arr(ck.conv1d(x, f32([[[1, 1]], [[1, -1]]]), null, { groups: 2 })), [[[3, 5], [-10, -10]]]);
      // multiplier 2: output channels 0,1 read input 0; 2,3 read input 1
      const w = f32([[[1, 0]], [[0, 1]], [[1, 0]], [[0, 1]]]);
      assert.deepEqual(arr(ck.conv1d(x, w, f32([0, 0, 0, 100]), { groups: 2 })), [[[1, 2], [2, 3], [10, 20], [120, 130]]]);
    }));

  it('convTranspose1d: stride, padding, outputPadding', () =>
    onBackend(b, () => {
      const x = f32([[[1, 2]]]);
      const w = f32([[[1, 10, 100]]]);
      assert.deepEqual(arr(ck.convTranspose1d(x, w, null, { stride: 2 })), [[[1, 10, 102, 20, 200]]]);
      assert.deepEqual(arr(ck.convTranspose1d(x, w, null, { stride: 2, padding: 1 })), [[[10, 102, 20]]]);
      assert.deepEqual(arr(ck.convTranspose1d(x, w, f32([1]), { stride: 2, outputPadding: 1 })), [[[2, 11, 103, 21, 201, 1]]]);
      // outputPadding < dilation with stride 1: y[i + 2k] += x[i] w[k], plus one zero row at the end
      assert.deepEqual(arr(ck.convTranspose1d(x, w, null, { dilation: 2, outputPadding: 1 })), [[[1, 2, 10, 20, 100, 200, 0]]]);
      // groups 2, unbatched: each input channel feeds its own output channel
      const y = ck.convTranspose1d(f32([[1, 2], [3, 4]]), f32([[[1, 1]], [[1, -1]]]), { groups: 2 });
      assert.deepEqual(arr(y), [[1, 3, 2], [3, 1, -4]]);
    }));

  it('convTranspose2d is the transpose of conv2d: <conv(x), y> = <x, convT(y)>', () =>
    onBackend(b, () => {
      ck.manualSeed(3);
      const opts = { stride: [2, 3], padding: [1, 0], dilation: [1, 2], groups: 2 };
      const x = ck.randn([2, 4, 7, 8], { dtype: 'float64' });
      const w = ck.randn([6, 2, 3, 2], { dtype: 'float64' });
      const y = ck.conv2d(x, w, opts);
      const v = ck.randn([...y.shape], { dtype: 'float64' });
      // output padding recovers the rows the forward conv's floor dropped: (7+2-3)/2 = 3 rem 0, (8-3)/3 = 1 rem 2
      const xt = ck.convTranspose2d(v, w, { ...opts, outputPadding: [0, 2] });
      assert.deepEqual([...xt.shape], [...x.shape]);
      const lhs = ck.sum(ck.mul(y, v)).item();
      const rhs = ck.sum(ck.mul(x, xt)).item();
      assert.ok(Math.abs(lhs - rhs) < 1e-9 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
      assertClose(ck.conv2dInput([2, 4, 7, 8], w, v, opts), xt, TOL64, 'conv2dInput = convTranspose2d');
    }));

  it('conv3d against a direct sum', () =>
    onBackend(b, () => {
      ck.manualSeed(4);
      const x = ck.randn([1, 2, 4, 3, 5], { dtype: 'float64' });
      const w = ck.randn([3, 2, 2, 2, 3], { dtype: 'float64' });
      const y = ck.conv3d(x, w, null, { stride: [1, 2, 1], padding: [1, 0, 1], dilation: [2, 1, 1] });
      const [, , D, H, W] = y.shape as [number, number, number, number, number];
      const xv = (c: number, d: number, h: number, ww: number): number =>
        d < 0 || d >= 4 || h < 0 || h >= 3 || ww < 0 || ww >= 5 ? 0 : x.data[((c * 4 + d) * 3 + h) * 5 + ww]!;
      for (let co = 0; co < 3; co++) {
        for (let d = 0; d < D; d++) {
          for (let h = 0; h < H; h++) {
            for (let q = 0; q < W; q++) {
              let s = 0;
              for (let ci = 0; ci < 2; ci++) {
                for (let kd = 0; kd < 2; kd++) {
                  for (let kh = 0; kh < 2; kh++) {
                    for (let kw = 0; kw < 3; kw++) {
                      s += w.data[(((co * 2 + ci) * 2 + kd) * 2 + kh) * 3 + kw]! * xv(ci, d - 1 + 2 * kd, 2 * h + kh, q - 1 + kw);
                    }
                  }
                }
              }
              const got = y.data[((co * D + d) * H + h) * W + q]!;
              assert.ok(Math.abs(got - s) < 1e-12, `y[${co},${d},${h},${q}] = ${got}, expected ${s}`);
            }
          }
        }
      }
    }));
});

describeBackends('conv: backprop identities', (b) => {
  // dx of a valid conv = full cross-correlation of g with the flipped kernel, channels swapped
  const flipped = (w: Tensor): Tensor => ck.flip(ck.transpose(w, 0, 1), [2, 3]);
  it('through a valid conv: dx = conv(g, flip(w), padding full)', () =>
    onBackend(b, () => {
      ck.manualSeed(5);
      for (const dilation of [1, 2]) {
        const x = ck.randn([2, 3, 7, 6], { dtype: 'float64' });
        const w = ck.randn([4, 3, 3, 2], { dtype: 'float64' });
        const g = ck.randn([...ck.conv2d(x, w, { dilation }).shape], { dtype: 'float64' });
        const [dx] = ck.vjp((a: Tensor) => ck.conv2d(a, w, { dilation }), x)[1](g);
        assertClose(dx!, ck.conv2d(g, flipped(w), { padding: 'full', dilation }), TOL64, `valid, dilation ${dilation}`);
      }
    }));
  it('through a full conv: dx = conv(g, flip(w)) (valid)', () =>
    onBackend(b, () => {
      ck.manualSeed(6);
      const x = ck.randn([1, 2, 4, 5], { dtype: 'float64' });
      const w = ck.randn([3, 2, 2, 3], { dtype: 'float64' });
      const g = ck.randn([...ck.conv2d(x, w, { padding: 'full' }).shape], { dtype: 'float64' });
      const [dx] = ck.vjp((a: Tensor) => ck.conv2d(a, w, { padding: 'full' }), x)[1](g);
      assertClose(dx!, ck.conv2d(g, flipped(w)), TOL64, 'full');
    }));
  it('dw = conv of the input with the upstream gradient as kernel (batch and channels swapped)', () =>
    onBackend(b, () => {
      ck.manualSeed(7);
      const x = ck.randn([3, 2, 6, 5], { dtype: 'float64' });
      const w = ck.randn([4, 2, 3, 3], { dtype: 'float64' });
      const g = ck.randn([3, 4, 4, 3], { dtype: 'float64' });
      const [, dw] = ck.vjp((a: Tensor, ww: Tensor) => ck.conv2d(a, ww), x, w)[1](g);
      // dw[co, ci] = sum_n corr(x[n, ci], g[n, co]): a conv of x^T (ci as batch, n as channel) with g^T
      const viaConv = ck.transpose(ck.conv2d(ck.transpose(x, 0, 1), ck.transpose(g, 0, 1)), 0, 1);
      assertClose(dw!, viaConv, TOL64, 'dw');
      assertClose(ck.conv2dWeight(x, [4, 2, 3, 3], g), viaConv, TOL64, 'conv2dWeight');
    }));
});

describeBackends('conv: geometry and multiply-accumulates', (b) => {
  it('convInfo resolves padding strings and sizes', () =>
    onBackend(b, () => {
      const x = ck.zeros([2, 4, 10, 11]);
      const w = ck.zeros([6, 2, 3, 4]);
      const g = ck.convInfo('conv2d', x, w, null, { padding: 'same', stride: [3, 2], groups: 2 });
      assert.deepEqual(g.padBefore, [1, 1]);
      assert.deepEqual(g.padAfter, [1, 2]);
      assert.deepEqual(g.outSize, [4, 6]);
      assert.deepEqual(g.outShape, [2, 6, 4, 6]);
      assert.equal(g.macs, 2 * 6 * 24 * 2 * 12);
      const full = ck.convInfo('conv1d', { shape: [3, 5], dtype: 'float64' }, { shape: [2, 3, 3], dtype: 'float64' }, null, { padding: 'full', dilation: 2 });
      assert.deepEqual([full.padBefore, full.padAfter, full.outShape, full.batched], [[4], [4], [2, 9], false]);
      const t = ck.convInfo('convTranspose2d', ck.zeros([1, 4, 5, 5]), ck.zeros([4, 3, 3, 3]), ck.zeros([6]), { stride: 2, padding: 1, outputPadding: [1, 0], groups: 2 });
      assert.deepEqual([t.outSize, t.outShape, t.outChannels, t.hasBias], [[10, 9], [1, 6, 10, 9], 6, true]);
      assert.equal(t.macs, 1 * 4 * 25 * 3 * 9);
    }));
  it('conv2dOp and convTranspose2dOp count multiply-accumulates', () =>
    onBackend(b, () => {
      const w = ck.zeros([20, 10, 3, 3]);
      const info = ck.conv2dOp.info([ck.zeros([1, 10, 48, 64]), w], {});
      assert.equal(ck.conv2dOp.macs!(info), 46 * 62 * 20 * 10 * 9);
      const ti = ck.convTranspose2dOp.info([ck.zeros([2, 4, 5, 5]), ck.zeros([4, 3, 2, 2])], { stride: 2, groups: 2 });
      assert.equal(ck.convTranspose2dOp.macs!(ti), 2 * 4 * 25 * 3 * 4);
      assert.deepEqual([...ti.outShapes[0]!], [2, 6, 10, 10]);
    }));
  it('the options may take the bias slot', () =>
    onBackend(b, () => {
      const x = f32([[[1, 2, 3, 4, 5]]]);
      const w = f32([[[1, 1]]]);
      assert.deepEqual(arr(ck.conv1d(x, w, { stride: 2 })), arr(ck.conv1d(x, w, null, { stride: 2 })));
      assert.deepEqual(arr(ck.convTranspose1d(x, w, { stride: 2 })), arr(ck.convTranspose1d(x, w, undefined, { stride: 2 })));
    }));
});

describeBackends('conv: errors', (b) => {
  const x4 = ck.zeros([1, 4, 5, 5]);
  const w3 = ck.zeros([2, 3, 3, 3]);
  const t = (fn: () => unknown, cls: new (...a: never[]) => Error, msg: string): void => onBackend(b, () => assertThrowsTyped(fn, cls, msg));
  it('ranks', () => {
    t(() => ck.conv2d(ck.zeros([4, 5]), w3), ShapeError, 'conv2d: expected input to be a 3-d or 4-d tensor (unbatched (C, H, W) or batched (N, C, H, W)), got shape [4, 5]');
    t(() => ck.conv1d(ck.zeros([1, 2, 3, 4]), ck.zeros([1, 2, 1])), ShapeError, 'conv1d: expected input to be a 2-d or 3-d tensor (unbatched (C, L) or batched (N, C, L)), got shape [1, 2, 3, 4]');
    t(() => ck.conv2d(x4, ck.zeros([2, 4, 3])), ShapeError, 'conv2d: expected weight to be a 4-d tensor [out_channels, in_channels/groups, H, W], got shape [2, 4, 3]');
  });
  it('channels and groups', () => {
    t(() => ck.conv2d(x4, w3), ShapeError, 'conv2d: weight has 3 input channels per group but input has 4 channels (groups = 1)');
    t(() => ck.conv2d(x4, ck.zeros([3, 1, 3, 3]), { groups: 3 }), ShapeError, 'conv2d: groups = 3 must divide the number of input channels, but input has 4 channels');
    t(() => ck.conv2d(x4, ck.zeros([5, 2, 3, 3]), { groups: 2 }), ShapeError, 'conv2d: groups = 2 must divide the number of output channels, but weight has 5 output channels (weight.shape[0])');
    t(() => ck.convTranspose2d(x4, ck.zeros([3, 2, 3, 3])), ShapeError, 'convTranspose2d: weight has 3 input channels (weight.shape[0]) but input has 4 channels');
    t(() => ck.convTranspose2d(x4, ck.zeros([4, 2, 3, 3]), { groups: 3 }), ShapeError, 'convTranspose2d: groups = 3 must divide the number of input channels, but input has 4 channels');
  });
  it('stride, dilation, kernel, padding, groups values', () => {
    const w = ck.zeros([2, 4, 3, 3]);
    t(() => ck.conv2d(x4, w, { stride: 0 }), ValueError, 'conv2d: stride must be a positive integer or an array of 2 positive integers, got 0');
    t(() => ck.conv2d(x4, w, { dilation: [1, -2] }), ValueError, 'conv2d: dilation must be a positive integer or an array of 2 positive integers, got [1, -2]');
    t(() => ck.conv2d(x4, w, { stride: [1, 1, 1] }), ValueError, 'conv2d: stride must be a positive integer or an array of 2 positive integers, got [1, 1, 1]');
    t(() => ck.conv2d(x4, ck.zeros([2, 4, 0, 3])), ShapeError, 'conv2d: weight must have positive channel counts and kernel sizes [out_channels, in_channels/groups, H, W], got shape [2, 4, 0, 3]');
    t(() => ck.conv2d(x4, w, { padding: -1 }), ValueError, 'conv2d: padding must be a non-negative integer or an array of 2 non-negative integers, got -1');
    t(() => ck.conv2d(x4, w, { padding: 'middle' as 'same' }), ValueError, 'conv2d: padding must be a non-negative integer, an array of 2 of them, "valid", "same" or "full", got "middle"');
    t(() => ck.conv2d(x4, w, { groups: 0 }), ValueError, 'conv2d: groups must be a positive integer, got 0');
    t(() => ck.convTranspose2d(x4, ck.zeros([4, 1, 3, 3]), { padding: 'same' as unknown as number }), ValueError, 'convTranspose2d: padding must be a non-negative integer or an array of 2 non-negative integers, got "same"');
  });
  it('NaN options and unknown options', () => {
    const w = ck.zeros([2, 4, 3, 3]);
    t(() => ck.conv2d(x4, w, { stride: NaN }), ValueError, 'conv2d: stride must be a positive integer or an array of 2 positive integers, got NaN');
    t(() => ck.conv2d(x4, w, { padding: [1, NaN] }), ValueError, 'conv2d: padding must be a non-negative integer or an array of 2 non-negative integers, got [1, NaN]');
    t(() => ck.conv2d(x4, w, { groups: NaN }), ValueError, 'conv2d: groups must be a positive integer, got NaN');
    t(() => ck.conv2d(x4, w, null, { strides: 2 } as ck.ConvOptions), ValueError, 'conv2d: unknown option "strides" (allowed: stride, padding, dilation, groups, paddingMode)');
    t(() => ck.convTranspose1d(ck.zeros([1, 2, 3]), ck.zeros([2, 1, 2]), null, { paddingMode: 'zeros' } as ck.ConvTransposeOptions), ValueError, 'convTranspose1d: unknown option "paddingMode" (allowed: stride, padding, outputPadding, groups, dilation)');
    t(() => ck.conv2d(x4, w, { paddingMode: 'mirror' as ck.PaddingMode }), ValueError, 'conv2d: paddingMode must be "zeros", "reflect", "replicate" or "circular", got "mirror"');
  });
  it('padding too large for reflect and circular', () => {
    const x = ck.zeros([1, 1, 3]);
    const w = ck.zeros([1, 1, 3]);
    t(() => ck.conv1d(x, w, { padding: 3, paddingMode: 'reflect' }), ValueError, 'conv1d: padding 3 is too large for paddingMode "reflect" in spatial dimension 0: it must be smaller than the input size 3');
    t(() => ck.conv1d(x, w, { padding: 4, paddingMode: 'circular' }), ValueError, 'conv1d: padding 4 is too large for paddingMode "circular" in spatial dimension 0: it must be at most the input size 3');
    t(() => ck.conv2d(ck.zeros([1, 3, 4]), ck.zeros([1, 1, 1, 9]), { padding: 'same', paddingMode: 'reflect' }), ValueError, 'conv2d: padding 4 is too large for paddingMode "reflect" in spatial dimension 1: it must be smaller than the input size 4');
  });
  it('bias, tensors and dtypes', () => {
    const w = ck.zeros([2, 4, 3, 3]);
    t(() => ck.conv2d(x4, w, ck.zeros([3])), ShapeError, 'conv2d: bias must have shape [2] (one value per output channel), got [3]');
    t(() => ck.conv2d(x4, w, [1, 2] as unknown as Tensor), ValueError, 'conv2d: bias must be a Tensor, null or undefined, got [1, 2]');
    t(() => ck.conv2d([1, 2] as unknown as Tensor, w), ValueError, 'conv2d: input must be a Tensor, got [1, 2]');
    t(() => ck.conv2d(x4, ck.zeros([2, 4, 3, 3], { dtype: 'float64' })), DTypeError, 'conv2d: mixed dtypes: input is float32 but weight is float64; convert one with .to()');
    t(() => ck.conv2d(x4, w, ck.zeros([2], { dtype: 'float64' })), DTypeError, 'conv2d: mixed dtypes: input is float32 but bias is float64; convert one with .to()');
    t(() => ck.conv2d(ck.zeros([1, 4, 5, 5], { dtype: 'int32' }), w), DTypeError, 'conv2d: input must be a float32 or float64 tensor, got int32');
  });
  it('output sizes below 1 show the formula', () => {
    t(() => ck.conv2d(ck.zeros([1, 1, 2, 5]), ck.zeros([1, 1, 3, 3])), ShapeError, 'conv2d: output size would be below 1 in spatial dimension 0: floor((2 + 2*0 - 1*(3-1) - 1)/1 + 1) = 0; the padded input is smaller than the dilated kernel');
    t(() => ck.conv1d(ck.zeros([1, 1, 2]), ck.zeros([1, 1, 3]), { dilation: 3, padding: 1 }), ShapeError, 'conv1d: output size would be below 1 in spatial dimension 0: floor((2 + 2*1 - 3*(3-1) - 1)/1 + 1) = -2; the padded input is smaller than the dilated kernel');
    t(() => ck.conv3d(ck.zeros([1, 4, 4, 2]), ck.zeros([1, 1, 1, 1, 3]), { stride: 2 }), ShapeError, 'conv3d: output size would be below 1 in spatial dimension 2: floor((2 + 2*0 - 1*(3-1) - 1)/2 + 1) = 0; the padded input is smaller than the dilated kernel');
    t(() => ck.convTranspose1d(ck.zeros([1, 1, 2]), ck.zeros([1, 1, 2]), { padding: 2 }), ShapeError, 'convTranspose1d: output size would be below 1 in spatial dimension 0: (2-1)*1 - 2*2 + 1*(2-1) + 0 + 1 = -1; the padding crops away the whole output');
  });
  it('outputPadding must be below stride or dilation', () => {
    t(() => ck.convTranspose2d(x4, ck.zeros([4, 1, 3, 3]), { stride: [2, 1], outputPadding: [1, 1] }), ValueError, 'convTranspose2d: outputPadding must be smaller than either stride or dilation, but in spatial dimension 1 outputPadding is 1, stride 1, dilation 1');
  });
  it('gradient functions check gradOutput and the op checks paddingMode', () => {
    t(() => ck.conv2dInput([1, 4, 5, 5], ck.zeros([2, 4, 3, 3]), ck.zeros([1, 2, 4, 3])), ShapeError, 'conv2dInput: gradOutput has shape [1, 2, 4, 3] but conv2d of an input of shape [1, 4, 5, 5] with a weight of shape [2, 4, 3, 3] gives [1, 2, 3, 3]');
    t(() => ck.conv2dWeight(x4, [2, 4, 3], ck.zeros([1, 2, 3, 3])), ShapeError, 'conv2dWeight: expected weight to be a 4-d tensor [out_channels, in_channels/groups, H, W], got shape [2, 4, 3]');
    t(() => ck.conv2dOp.info([x4, ck.zeros([2, 4, 3, 3])], { padding: 1, paddingMode: 'reflect' }), ValueError, 'conv2dOp pads with zeros only; conv2d() applies paddingMode "reflect" by padding the input first');
  });
});
