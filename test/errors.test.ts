/**
 * Pinned error messages: the exact text of the typed error for each category the validation
 * contract requires (rank and channel mismatches, groups, non-positive stride/dilation/kernel,
 * padding too large for reflect/circular, output size below 1 with its formula, class targets out
 * of range, mixed dtypes, NaN options, unknown option keys, backward without a gradient...).
 * A message change must be deliberate: update the text here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { ConvkitError, DTypeError, GradError, ShapeError, ValueError } from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { assertThrowsTyped } from './helpers.js';
import { loose } from './fuzz_gen.js';

const Z = (shape: number[], dtype: DType = 'float32'): Tensor => ck.zeros(shape, { dtype });
const idx = (v: number[]): Tensor => ck.tensor(v, { dtype: 'int32' });

/** Asserts the structured fields of the thrown ConvkitError. */
function assertFields(fn: () => unknown, f: { op: string; arg: string; expected?: string; got?: string }): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ConvkitError, `expected a ConvkitError, got ${String(e)}`);
    assert.equal(e.op, f.op);
    assert.equal(e.arg, f.arg);
    if (f.expected !== undefined) assert.equal(e.expected, f.expected);
    if (f.got !== undefined) assert.equal(e.got, f.got);
    return true;
  });
}

describe('pinned error messages: convolution', () => {
  it('channel mismatch: conv2d(x[1,4,5,5], w[2,3,3,3])', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 3, 3, 3])), ShapeError, 'conv2d: weight has 3 input channels per group but input has 4 channels (groups = 1)');
    assertFields(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 3, 3, 3])), { op: 'conv2d', arg: 'weight', expected: '4 input channels per group (weight.shape[1])', got: '3' });
  });
  it('groups not dividing the input channels', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, { groups: 3 }), ShapeError, 'conv2d: groups = 3 must divide the number of input channels, but input has 4 channels');
  });
  it('groups not dividing the output channels', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([3, 2, 3, 3]), null, { groups: 2 }), ShapeError, 'conv2d: groups = 2 must divide the number of output channels, but weight has 3 output channels (weight.shape[0])');
  });
  it('input rank', () => {
    assertThrowsTyped(() => ck.conv1d(Z([5]), Z([2, 1, 3])), ShapeError, 'conv1d: expected input to be a 2-d or 3-d tensor (unbatched (C, L) or batched (N, C, L)), got shape [5]');
  });
  it('weight rank', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3])), ShapeError, 'conv2d: expected weight to be a 4-d tensor [out_channels, in_channels/groups, H, W], got shape [2, 4, 3]');
  });
  it('stride 0, negative dilation, NaN stride', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, { stride: 0 }), ValueError, 'conv2d: stride must be a positive integer or an array of 2 positive integers, got 0');
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, { dilation: [1, -1] }), ValueError, 'conv2d: dilation must be a positive integer or an array of 2 positive integers, got [1, -1]');
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, { stride: NaN }), ValueError, 'conv2d: stride must be a positive integer or an array of 2 positive integers, got NaN');
  });
  it('reflect padding too large', () => {
    assertThrowsTyped(() => ck.conv1d(Z([1, 4, 5]), Z([2, 4, 3]), null, { padding: 5, paddingMode: 'reflect' }), ValueError, 'conv1d: padding 5 is too large for paddingMode "reflect" in spatial dimension 0: it must be smaller than the input size 5');
  });
  it('circular padding too large', () => {
    assertThrowsTyped(() => ck.conv1d(Z([1, 4, 5]), Z([2, 4, 3]), null, { padding: 6, paddingMode: 'circular' }), ValueError, 'conv1d: padding 6 is too large for paddingMode "circular" in spatial dimension 0: it must be at most the input size 5');
  });
  it('output size below 1, with the formula', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 2, 5]), Z([2, 4, 3, 3])), ShapeError, 'conv2d: output size would be below 1 in spatial dimension 0: floor((2 + 2*0 - 1*(3-1) - 1)/1 + 1) = 0; the padded input is smaller than the dilated kernel');
    assertThrowsTyped(() => ck.conv1d(Z([1, 4, 5]), Z([2, 4, 3]), null, { dilation: 3 }), ShapeError, 'conv1d: output size would be below 1 in spatial dimension 0: floor((5 + 2*0 - 3*(3-1) - 1)/1 + 1) = -1; the padded input is smaller than the dilated kernel');
    assertFields(() => ck.conv2d(Z([1, 4, 2, 5]), Z([2, 4, 3, 3])), {
      op: 'conv2d', arg: 'input', expected: 'an output size of at least 1 in every spatial dimension', got: 'floor((2 + 2*0 - 1*(3-1) - 1)/1 + 1) = 0',
    });
  });
  it('transposed convolution: output size below 1 and outputPadding', () => {
    assertThrowsTyped(() => ck.convTranspose1d(Z([1, 4, 5]), Z([4, 2, 3]), null, { padding: 8 }), ShapeError, 'convTranspose1d: output size would be below 1 in spatial dimension 0: (5-1)*1 - 2*8 + 1*(3-1) + 0 + 1 = -9; the padding crops away the whole output');
    assertThrowsTyped(() => ck.convTranspose1d(Z([1, 4, 5]), Z([4, 2, 3]), null, { outputPadding: 1 }), ValueError, 'convTranspose1d: outputPadding must be smaller than either stride or dilation, but in spatial dimension 0 outputPadding is 1, stride 1, dilation 1');
  });
  it('mixed dtypes, int32 input, bias size, non-tensor, unknown option, non-object options', () => {
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3, 3], 'float64')), DTypeError, 'conv2d: mixed dtypes: input is float32 but weight is float64; convert one with .to()');
    assertThrowsTyped(() => ck.conv2d(ck.randint(0, 3, [1, 4, 5, 5]), Z([2, 4, 3, 3])), DTypeError, 'conv2d: input must be a float32 or float64 tensor, got int32');
    assertThrowsTyped(() => ck.conv2d(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), Z([3])), ShapeError, 'conv2d: bias must have shape [2] (one value per output channel), got [3]');
    assertThrowsTyped(() => loose(ck.conv2d)(3, Z([2, 4, 3, 3])), ValueError, 'conv2d: input must be a Tensor, got 3');
    assertThrowsTyped(() => loose(ck.conv2d)(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, { strides: 2 }), ValueError, 'conv2d: unknown option "strides" (allowed: stride, padding, dilation, groups, paddingMode)');
    assertThrowsTyped(() => loose(ck.conv2d)(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, 'x'), ValueError, 'conv2d: options must be an options object, got "x"');
    assertFields(() => loose(ck.conv2d)(Z([1, 4, 5, 5]), Z([2, 4, 3, 3]), null, { strides: 2 }), { op: 'conv2d', arg: 'options.strides' });
  });
  it('convMatrix shares conv channel checks', () => {
    assertThrowsTyped(() => ck.convMatrix([1, 4, 5], Z([2, 3, 3])), ShapeError, 'convMatrix: weight has 3 input channels per group but input has 4 channels (groups = 1)');
  });
});

describe('pinned error messages: pooling', () => {
  it('kernel 0, padding over half the kernel, output below 1', () => {
    assertThrowsTyped(() => ck.maxPool2d(Z([1, 2, 5, 5]), 0), ValueError, 'maxPool2d: kernelSize must be a positive integer or an array of 2 positive integers, got 0');
    assertThrowsTyped(() => ck.maxPool2d(Z([1, 2, 5, 5]), 2, { padding: 2 }), ValueError, 'maxPool2d: padding [2, 2] must be at most half of kernelSize [2, 2]: padding 2 > floor(2/2) = 1 in spatial dimension 0');
    assertThrowsTyped(() => ck.maxPool2d(Z([1, 2, 5, 5]), 6), ShapeError, 'maxPool2d: output size is too small in spatial dimension 0 of input [1, 2, 5, 5]: floor((5 + 2*0 - 1*(6-1) - 1)/6 + 1) = 0; it must be at least 1');
    assertThrowsTyped(() => ck.avgPool1d(Z([1, 2, 3]), 4), ShapeError, 'avgPool1d: output size is too small in spatial dimension 0 of input [1, 2, 3]: floor((3 + 2*0 - 1*(4-1) - 1)/4 + 1) = 0; it must be at least 1');
  });
  it('adaptive output size negative', () => {
    assertThrowsTyped(() => ck.adaptiveAvgPool2d(Z([1, 2, 5, 5]), [2, -1]), ValueError, 'adaptiveAvgPool2d: outputSize must be a positive integer or an array of 2 positive integers or nulls, got [2, -1]');
  });
});

describe('pinned error messages: normalisation', () => {
  it('groupNorm groups not dividing channels', () => {
    assertThrowsTyped(() => ck.groupNorm(Z([2, 4, 3]), 3), ValueError, 'groupNorm: the number of channels (4) must be divisible by numGroups (3), input of shape [2, 4, 3]');
  });
  it('batchNorm running stats of the wrong size', () => {
    assertThrowsTyped(() => ck.batchNorm(Z([2, 3, 4]), Z([4]), Z([3])), ShapeError, 'batchNorm: runningMean should have shape [3] for input of shape [2, 3, 4], got [4]');
  });
  it('layerNorm shape mismatch and NaN eps', () => {
    assertThrowsTyped(() => ck.layerNorm(Z([2, 3, 4]), [5]), ShapeError, 'layerNorm: normalizedShape [5] does not match the last dimensions of input [2, 3, 4] (expected input of shape [*, 5])');
    assertThrowsTyped(() => ck.layerNorm(Z([2, 3, 4]), [4], { eps: NaN }), ValueError, 'layerNorm: options.eps must be a finite non-negative number, got NaN');
  });
});

describe('pinned error messages: losses', () => {
  it('crossEntropy target class out of range (above and negative)', () => {
    assertThrowsTyped(() => ck.crossEntropy(Z([3, 5]), idx([0, 5, 1])), ValueError, 'crossEntropy: target 5 at position [1] is out of bounds for 5 classes (expected 0 <= target < 5, or ignoreIndex -100)');
    assertThrowsTyped(() => ck.crossEntropy(Z([3, 5]), idx([0, -1, 1])), ValueError, 'crossEntropy: target -1 at position [1] is out of bounds for 5 classes (expected 0 <= target < 5, or ignoreIndex -100)');
  });
  it('nllLoss batch size mismatch', () => {
    assertThrowsTyped(() => ck.nllLoss(Z([3, 5]), idx([0, 1])), ShapeError, 'nllLoss: expected input batch size (3) to match target batch size (2)');
  });
  it('NaN labelSmoothing, unknown reduction, bce input outside [0, 1]', () => {
    assertThrowsTyped(() => ck.crossEntropy(Z([3, 5]), idx([0, 1, 1]), { labelSmoothing: NaN }), ValueError, 'crossEntropy: options.labelSmoothing must be a number between 0 and 1, got NaN');
    assertThrowsTyped(() => loose(ck.mseLoss)(Z([2]), Z([2]), { reduction: 'avg' }), ValueError, 'mseLoss: options.reduction must be "mean", "sum" or "none", got "avg"');
    assertThrowsTyped(() => ck.binaryCrossEntropy(ck.full([2], 1.5), Z([2])), ValueError, 'binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.5 at flat index 0');
  });
});

describe('pinned error messages: elementwise, activations, reductions, linear algebra', () => {
  it('mixed dtypes in add', () => {
    assertThrowsTyped(() => ck.add(Z([2, 3]), Z([2, 3], 'float64')), DTypeError, 'add: mixed dtypes: input is float32 but other is float64; convert one with .to()');
    assertFields(() => ck.add(Z([2, 3]), Z([2, 3], 'float64')), { op: 'add', arg: 'other', expected: 'float32 like input', got: 'float64' });
  });
  it('shapes that do not broadcast', () => {
    assertThrowsTyped(() => ck.add(Z([2, 3]), Z([4])), ShapeError, 'add: shapes [2, 3] (input) and [4] (other) cannot be broadcast: dimension -1 is 3 vs 4');
  });
  it('NaN options', () => {
    assertThrowsTyped(() => ck.add(Z([2, 3]), Z([2, 3]), { alpha: NaN }), ValueError, 'add: options.alpha must be a finite number, got NaN');
    assertThrowsTyped(() => ck.leakyRelu(Z([2]), NaN), ValueError, 'leakyRelu: negativeSlope must be a finite number, got NaN');
  });
  it('dropout p out of range / NaN (fields only: message does not name options.p, see report)', () => {
    assertFields(() => ck.dropout(Z([2]), { p: 1.5 }), { op: 'dropout', arg: 'options.p', expected: 'a probability between 0 and 1', got: '1.5' });
    assertFields(() => ck.dropout(Z([2]), { p: NaN }), { op: 'dropout', arg: 'options.p', got: 'NaN' });
    assertThrowsTyped(() => ck.dropout(Z([2]), { p: NaN }), ValueError, /^dropout: .*NaN/);
  });
  it('softmax dim out of range and int32 input', () => {
    assertThrowsTyped(() => ck.softmax(Z([2, 3]), 2), ValueError, 'softmax: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
    assertThrowsTyped(() => ck.softmax(ck.randint(0, 3, [2, 3]), 1), DTypeError, 'softmax: input must be a float32 or float64 tensor, got an int32 tensor');
  });
  it('repeated reduction dims', () => {
    assertThrowsTyped(() => ck.sum(Z([2, 3]), [0, 0]), ValueError, 'sum: dim must be distinct dimensions, got [0, 0]');
  });
  it('matmul and linear inner-dimension mismatch', () => {
    assertThrowsTyped(() => ck.matmul(Z([2, 3]), Z([4, 4])), ShapeError, 'matmul: shapes [2, 3] (input) and [4, 4] (other) cannot be multiplied: the contracted dimensions are 3 and 4');
    assertThrowsTyped(() => ck.linear(Z([3, 4]), Z([2, 5])), ShapeError, 'linear: weight [2, 5] has 5 input features but input [3, 4] has 4 (its last dimension)');
  });
});

describe('pinned error messages: movement, indexing, signal', () => {
  it('pad: reflect / circular too large, odd length', () => {
    assertThrowsTyped(() => ck.pad(Z([1, 2, 4]), [4, 0], { mode: 'reflect' }), ValueError, 'pad: reflect padding must be less than the input size at dimension 2 (pads (4, 0), input [1, 2, 4]): got 4 >= 4');
    assertThrowsTyped(() => ck.pad(Z([1, 2, 4]), [0, 5], { mode: 'circular' }), ValueError, 'pad: circular padding must be at most the input size at dimension 2 (pads (0, 5), input [1, 2, 4]): got 5 > 4');
    // not pinned: the message calls the argument "pad" but the parameter is `pads` (see report)
    assertThrowsTyped(() => ck.pad(Z([1, 2, 4]), [1]), ValueError, /^pad: .*even.*\[1\]/);
  });
  it('reshape, permute, flip, split, narrow, cat', () => {
    assertThrowsTyped(() => ck.reshape(Z([2, 3]), [4, 2]), ShapeError, 'reshape: cannot reshape a tensor of shape [2, 3] (6 elements) into [4, 2] (8 elements)');
    assertThrowsTyped(() => ck.permute(Z([2, 3, 4]), [0, 0, 1]), ValueError, 'permute: dims must be distinct dimensions, got [0, 0, 1]');
    assertThrowsTyped(() => ck.flip(Z([2, 3]), [0, 0]), ValueError, 'flip: dims must be distinct dimensions, got [0, 0]');
    assertThrowsTyped(() => ck.split(Z([4, 3]), [1, 2], 0), ValueError, 'split: sizes [1, 2] sum to 3 but dimension 0 of the input [4, 3] has size 4');
    assertThrowsTyped(() => ck.narrow(Z([4, 5]), 0, 1, 4), ValueError, 'narrow: start 1 + length 4 exceeds dimension 0 of size 4');
    assertThrowsTyped(() => ck.cat([Z([2, 3]), Z([2, 4])], 0), ShapeError, 'cat: sizes must match except in dimension 0: tensors[1] has shape [2, 4] but tensors[0] has [2, 3] (dimension 1)');
  });
  it('gather / indexSelect index out of range', () => {
    assertThrowsTyped(() => ck.gather(Z([3, 4]), 1, ck.tensor([[0, 4], [1, 2], [3, 0]], { dtype: 'int32' })), ValueError, 'gather: index 4 (at position 1 of index) is out of range for dimension 1 with size 4');
    assertThrowsTyped(() => ck.indexSelect(Z([3, 4]), 0, idx([0, 3])), ValueError, 'indexSelect: index 3 (at position 1 of index) is out of range for dimension 0 with size 3');
  });
  it('signal: bad mode, circular shape mismatch', () => {
    assertThrowsTyped(() => loose(ck.convolve)(Z([5]), Z([3]), 'bogus'), ValueError, 'convolve: mode must be "full", "valid" or "same", got "bogus"');
    assertThrowsTyped(() => ck.circularConvolve(Z([5]), Z([4])), ShapeError, 'circularConvolve: x and y must have the same shape, got [5] and [4]');
  });
});

describe('pinned error messages: autograd', () => {
  it('backward on a non-scalar without a gradient', () => {
    const x = Z([2, 3]).requiresGrad_();
    assertThrowsTyped(() => ck.mul(x, 2).backward(), GradError, 'backward: the output has shape [2, 3]; pass a gradient of that shape (only scalar outputs default to 1)');
  });
});
