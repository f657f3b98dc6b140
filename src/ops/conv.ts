/**
 * Convolutions with PyTorch's semantics: conv1d/2d/3d, convTranspose1d/2d/3d, and the gradient
 * functions of torch.nn.grad (conv1dInput, conv2dWeight, ...). One N-d implementation: options are
 * normalised by `convInfo` (conv_geometry.ts); conv*d and convTranspose*d run the per-rank ops of
 * conv_rank_ops.ts (attributes = the user's options), and every gradient is one of the three
 * convolution-space ops of conv_ops.ts. Kernels (by name): 'conv', 'convTranspose' (also the
 * input gradient), 'convWeightGrad'.
 */
import { ShapeError, ValueError, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isTensor } from '../tensor.js';
import { apply1, expectTensor } from '../op.js';
import { pad, reshape } from './movement.js';
import type { ConvGeometry, ConvGradOptions, ConvOptions, ConvTransposeOptions, PaddingMode } from './conv_geometry.js';
import { GRAD_KEYS, checkDtypes, convSpec, resolveConv } from './conv_geometry.js';
import { convTransposeRaw, convWeightGradRaw } from './conv_ops.js';
import { conv1dOp, conv2dOp, conv3dOp, convTranspose1dOp, convTranspose2dOp, convTranspose3dOp } from './conv_rank_ops.js';

export type { ConvGeometry, ConvGradOptions, ConvOptions, ConvTransposeOptions, ConvPadding, PaddingMode, ShapedLike } from './conv_geometry.js';
export { convInfo } from './conv_geometry.js';
export type { ConvAttrs, ConvPlan, ConvTransposeAttrs, ConvWeightGradAttrs } from './conv_ops.js';
export { convOp, convTransposeOp, convWeightGradOp } from './conv_ops.js';
export { conv1dOp, conv2dOp, conv3dOp, convTranspose1dOp, convTranspose2dOp, convTranspose3dOp, convPlanOf, convTransposePlanOf } from './conv_rank_ops.js';

/** Lets `conv2d(x, w, { stride: 2 })` skip the bias: a plain object in the bias slot is the options. */
function biasAndOptions<O>(op: string, bias: unknown, options: O | undefined): [Tensor | null, O | undefined] {
  if (bias === null || bias === undefined) return [null, options];
  if (isTensor(bias)) return [bias, options];
  if (options === undefined && typeof bias === 'object' && !Array.isArray(bias)) return [null, bias as O];
  throw new ValueError({ op, arg: 'bias', expected: 'a Tensor, null or undefined', got: fmtValue(bias) });
}

const unbatch = (t: Tensor, g: ConvGeometry): Tensor => (g.batched ? t : reshape(t, t.shape.slice(1)));
const batch = (t: Tensor, g: ConvGeometry): Tensor => (g.batched ? t : reshape(t, [1, ...t.shape]));

/** torch.nn.functional.pad's list: last dimension first, (before, after) pairs. */
function torchPadList(before: readonly number[], after: readonly number[]): number[] {
  const list: number[] = [];
  for (let i = before.length - 1; i >= 0; i--) list.push(before[i]!, after[i]!);
  return list;
}

const CONV_OPS = [conv1dOp, conv2dOp, conv3dOp];
const TRANSPOSE_OPS = [convTranspose1dOp, convTranspose2dOp, convTranspose3dOp];

function convNd(r: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined | ConvOptions, options: ConvOptions | undefined): Tensor {
  const op = `conv${r}d`;
  expectTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  const [b, o] = biasAndOptions(op, bias, options);
  const inputs = b ? [input, weight, b] : [input, weight];
  const mode = (o as { paddingMode?: unknown } | undefined)?.paddingMode;
  if (mode === undefined || mode === 'zeros') return apply1(CONV_OPS[r - 1]!, inputs, o);
  const geo = resolveConv(convSpec(op), input, weight, b, o);
  if (![...geo.padBefore, ...geo.padAfter].some((p) => p > 0)) return apply1(CONV_OPS[r - 1]!, inputs, { ...o, paddingMode: 'zeros' });
  // like torch's nn.Conv: pad with the mode, then a convolution without padding
  const x = pad(batch(input, geo), torchPadList(geo.padBefore, geo.padAfter), { mode: geo.paddingMode as Exclude<PaddingMode, 'zeros'> });
  const y = apply1(CONV_OPS[r - 1]!, b ? [x, weight, b] : [x, weight], { stride: geo.stride, dilation: geo.dilation, groups: geo.groups });
  return unbatch(y, geo);
}

/**
 * 1-d convolution (cross-correlation, like torch.nn.functional.conv1d) of input (N, Cin, L) or
 * (Cin, L) with weight (Cout, Cin/groups, K). See `conv2d` for the options.
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOptions, options?: ConvOptions): Tensor {
  return convNd(1, input, weight, bias, options);
}

/**
 * 2-d convolution (cross-correlation, like torch.nn.functional.conv2d) of input (N, Cin, H, W) or
 * (Cin, H, W) with weight (Cout, Cin/groups, kH, kW) and optional bias (Cout).
 *
 * Options (PyTorch's defaults): `stride` 1, `padding` 0, `dilation` 1, `groups` 1, and
 * `paddingMode` 'zeros' | 'reflect' | 'replicate' | 'circular' (nn.Conv2d's padding_mode: the
 * input is padded with that mode, then convolved without padding). `padding` is a number, one
 * number per spatial dimension, or:
 * - 'valid': no padding;
 * - 'same': output size ceil(in/stride). With stride 1 this is PyTorch's rule, total padding
 *   dilation*(k-1) with the odd element after (bottom/right). Unlike PyTorch, stride > 1 is
 *   allowed and uses TensorFlow's rule: total = max((ceil(in/stride)-1)*stride + dilation*(k-1)
 *   + 1 - in, 0), half before and the odd element after;
 * - 'full': dilation*(k-1) on both sides (every partial overlap; the output grows by that much).
 * The bias may be skipped: `conv2d(x, w, { stride: 2 })`.
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOptions, options?: ConvOptions): Tensor {
  return convNd(2, input, weight, bias, options);
}

/** 3-d convolution of input (N, Cin, D, H, W) or (Cin, D, H, W); see `conv2d` for the options. */
export function conv3d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvOptions, options?: ConvOptions): Tensor {
  return convNd(3, input, weight, bias, options);
}

function convTransposeNd(r: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined | ConvTransposeOptions, options: ConvTransposeOptions | undefined): Tensor {
  const op = `convTranspose${r}d`;
  expectTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  const [b, o] = biasAndOptions(op, bias, options);
  return apply1(TRANSPOSE_OPS[r - 1]!, b ? [input, weight, b] : [input, weight], o);
}

/**
 * 1-d transposed convolution (torch.nn.functional.conv_transpose1d) of input (N, Cin, L) or
 * (Cin, L) with weight (Cin, Cout/groups, K). Options: `stride` 1, `padding` 0, `outputPadding` 0
 * (each must be smaller than the stride or the dilation), `groups` 1, `dilation` 1.
 * Output size (L-1)*stride - 2*padding + dilation*(K-1) + outputPadding + 1.
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvTransposeOptions, options?: ConvTransposeOptions): Tensor {
  return convTransposeNd(1, input, weight, bias, options);
}

/** 2-d transposed convolution (torch.nn.functional.conv_transpose2d); see `convTranspose1d`. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvTransposeOptions, options?: ConvTransposeOptions): Tensor {
  return convTransposeNd(2, input, weight, bias, options);
}

/** 3-d transposed convolution (torch.nn.functional.conv_transpose3d); see `convTranspose1d`. */
export function convTranspose3d(input: Tensor, weight: Tensor, bias?: Tensor | null | ConvTransposeOptions, options?: ConvTransposeOptions): Tensor {
  return convTransposeNd(3, input, weight, bias, options);
}

function checkSize(op: string, arg: string, size: unknown): number[] {
  if (!Array.isArray(size) || !size.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new ValueError({ op, arg, expected: 'an array of non-negative integers (a full shape)', got: fmtValue(size) });
  }
  return size as number[];
}

/** The conv geometry a gradient function implies, with gradOutput checked against it. */
function gradGeometry(op: string, r: number, inputSize: readonly number[], weightSize: readonly number[], gradOutput: Tensor, dtype: Tensor['dtype'], options: unknown): ConvGeometry {
  const geo = resolveConv({ op, r, transposed: false, keys: GRAD_KEYS }, { shape: inputSize, dtype }, { shape: weightSize, dtype }, null, options);
  const expect = geo.outShape;
  if (gradOutput.shape.length !== expect.length || !gradOutput.shape.every((d, i) => d === expect[i])) {
    throw new ShapeError({
      op,
      arg: 'gradOutput',
      expected: `shape [${expect.join(', ')}] (the conv${r}d output for input [${inputSize.join(', ')}] and weight [${weightSize.join(', ')}])`,
      got: `[${gradOutput.shape.join(', ')}]`,
      message: `${op}: gradOutput has shape [${gradOutput.shape.join(', ')}] but conv${r}d of an input of shape [${inputSize.join(', ')}] with a weight of shape [${weightSize.join(', ')}] gives [${expect.join(', ')}]`,
    });
  }
  return geo;
}

function convInputNd(r: number, inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options: ConvGradOptions | undefined): Tensor {
  const op = `conv${r}dInput`;
  expectTensor(op, 'weight', weight);
  expectTensor(op, 'gradOutput', gradOutput);
  const size = checkSize(op, 'inputSize', inputSize);
  checkDtypes(op, [['weight', weight], ['gradOutput', gradOutput]]);
  const geo = gradGeometry(op, r, size, weight.shape, gradOutput, weight.dtype, options);
  const dx = convTransposeRaw(batch(gradOutput, geo), weight, null, {
    op,
    stride: geo.stride,
    dilation: geo.dilation,
    padBefore: geo.padBefore,
    padAfter: geo.padAfter,
    groups: geo.groups,
    size: geo.inSize,
  });
  return unbatch(dx, geo);
}

function convWeightNd(r: number, input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options: ConvGradOptions | undefined): Tensor {
  const op = `conv${r}dWeight`;
  expectTensor(op, 'input', input);
  expectTensor(op, 'gradOutput', gradOutput);
  const size = checkSize(op, 'weightSize', weightSize);
  checkDtypes(op, [['input', input], ['gradOutput', gradOutput]]);
  const geo = gradGeometry(op, r, input.shape, size, gradOutput, input.dtype, options);
  return convWeightGradRaw(batch(input, geo), batch(gradOutput, geo), {
    op,
    stride: geo.stride,
    dilation: geo.dilation,
    padBefore: geo.padBefore,
    padAfter: geo.padAfter,
    groups: geo.groups,
    kernel: geo.kernel,
  });
}

/**
 * torch.nn.grad.conv1d_input: the gradient of conv1d with respect to its input, given the input's
 * full shape, the weight and the gradient of the output (a transposed convolution sized to fit).
 * Options: `stride`, `padding` (as conv1d, zero padding), `dilation`, `groups`. Differentiable.
 */
export function conv1dInput(inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options?: ConvGradOptions): Tensor {
  return convInputNd(1, inputSize, weight, gradOutput, options);
}

/** torch.nn.grad.conv2d_input; see `conv1dInput`. */
export function conv2dInput(inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options?: ConvGradOptions): Tensor {
  return convInputNd(2, inputSize, weight, gradOutput, options);
}

/** torch.nn.grad.conv3d_input; see `conv1dInput`. */
export function conv3dInput(inputSize: readonly number[], weight: Tensor, gradOutput: Tensor, options?: ConvGradOptions): Tensor {
  return convInputNd(3, inputSize, weight, gradOutput, options);
}

/**
 * torch.nn.grad.conv1d_weight: the gradient of conv1d with respect to its weight, given the input,
 * the weight's full shape and the gradient of the output. Options as `conv1dInput`. Differentiable.
 */
export function conv1dWeight(input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options?: ConvGradOptions): Tensor {
  return convWeightNd(1, input, weightSize, gradOutput, options);
}

/** torch.nn.grad.conv2d_weight; see `conv1dWeight`. */
export function conv2dWeight(input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options?: ConvGradOptions): Tensor {
  return convWeightNd(2, input, weightSize, gradOutput, options);
}

/** torch.nn.grad.conv3d_weight; see `conv1dWeight`. */
export function conv3dWeight(input: Tensor, weightSize: readonly number[], gradOutput: Tensor, options?: ConvGradOptions): Tensor {
  return convWeightNd(3, input, weightSize, gradOutput, options);
}
