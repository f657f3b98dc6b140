/**
 * The one option normaliser and shape rule of every convolution (1/2/3-d, plain and transposed,
 * and the gradient functions): `convInfo` turns what a user passed into canonical per-dimension
 * tuples and output sizes, or throws a typed error naming the op, the argument and the numbers.
 * The kernels, the model summary and the signal-processing code (convolution matrices) all read
 * the same `ConvGeometry`.
 */
import type { DType } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import { convOutFormula, convOutSize, convTransposeOutFormula, convTransposeOutSize, ntuple } from '../shape.js';
import { readOptions } from '../op.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
export type ConvPadding = number | readonly number[] | 'valid' | 'same' | 'full';

/** Options of `conv1d/2d/3d` (PyTorch's keyword arguments, plus nn.Conv's padding_mode). */
export interface ConvOptions {
  stride?: number | readonly number[];
  padding?: ConvPadding;
  dilation?: number | readonly number[];
  groups?: number;
  paddingMode?: PaddingMode;
}

/** Options of `convTranspose1d/2d/3d`. */
export interface ConvTransposeOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  dilation?: number | readonly number[];
}

/** Options of the gradient functions `conv*Input` / `conv*Weight` (torch.nn.grad). */
export interface ConvGradOptions {
  stride?: number | readonly number[];
  padding?: ConvPadding;
  dilation?: number | readonly number[];
  groups?: number;
}

/** Anything with a shape and a dtype: a Tensor, or a description of one (for model summaries). */
export interface ShapedLike {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * The canonical geometry of one convolution. All per-dimension arrays have one entry per spatial
 * dimension (1, 2 or 3).
 *
 * For a plain convolution `padBefore`/`padAfter` are the padding actually applied (after resolving
 * 'valid'/'same'/'full'; with a non-'zeros' paddingMode they are filled by that mode), and
 * outSize[i] = convOutSize(inSize[i], kernel[i], stride[i], padBefore[i], padAfter[i], dilation[i]).
 *
 * For a transposed convolution `padBefore = padAfter = padding` (PyTorch's symmetric padding) and
 * outSize[i] = (inSize[i]-1)*stride[i] - 2*padding[i] + dilation[i]*(kernel[i]-1) + outputPadding[i] + 1.
 * It is exactly the adjoint (input gradient) of the plain convolution of an input of size outSize
 * with padBefore and padAfter - outputPadding, whose output has size inSize.
 */
export interface ConvGeometry {
  /** The public op, e.g. 'conv2d', 'convTranspose1d'. */
  readonly op: string;
  readonly transposed: boolean;
  readonly spatialRank: number;
  /** False for an unbatched input (C, ...spatial); the output is then unbatched too. */
  readonly batched: boolean;
  /** N (1 for an unbatched input). */
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly inSize: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  readonly padBefore: readonly number[];
  readonly padAfter: readonly number[];
  /** Zeros for a plain convolution. */
  readonly outputPadding: readonly number[];
  /** Always 'zeros' for a transposed convolution. */
  readonly paddingMode: PaddingMode;
  readonly outSize: readonly number[];
  /** The full output shape, unbatched when the input is. */
  readonly outShape: readonly number[];
  readonly dtype: DType;
  readonly hasBias: boolean;
  /** Multiply-accumulates: N·Cout·prod(out)·(Cin/groups)·prod(k), or for a transposed convolution
   * N·Cin·prod(in)·(Cout/groups)·prod(k). */
  readonly macs: number;
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'paddingMode'] as const;
const TRANSPOSE_KEYS = ['stride', 'padding', 'outputPadding', 'groups', 'dilation'] as const;
export const GRAD_KEYS = ['stride', 'padding', 'dilation', 'groups'] as const;
const MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];
const AXES = ['L', 'H, W', 'D, H, W'];

/** How the resolver treats one public op. */
export interface ConvSpec {
  readonly op: string;
  readonly r: number;
  readonly transposed: boolean;
  readonly keys: readonly string[];
}

/** The spec of a public conv name ('conv2d', 'convTranspose3d', ...). */
export function convSpec(op: string): ConvSpec {
  const m = /^conv(Transpose)?([123])d$/.exec(typeof op === 'string' ? op : '');
  if (!m) {
    throw new ValueError({
      op: 'convInfo',
      arg: 'op',
      expected: 'one of "conv1d", "conv2d", "conv3d", "convTranspose1d", "convTranspose2d", "convTranspose3d"',
      got: fmtValue(op),
    });
  }
  const transposed = m[1] !== undefined;
  return { op, r: Number(m[2]), transposed, keys: transposed ? TRANSPOSE_KEYS : CONV_KEYS };
}

/**
 * Validates a convolution call and returns its canonical geometry (see `ConvGeometry`).
 * `op` is the public name ('conv1d' ... 'convTranspose3d'); `input`, `weight` and `bias` may be
 * tensors or `{shape, dtype}` descriptions; `options` is what the user passes to that function.
 */
export function convInfo(
  op: string,
  input: ShapedLike,
  weight: ShapedLike,
  bias: ShapedLike | null | undefined,
  options?: ConvOptions | ConvTransposeOptions,
): ConvGeometry {
  return resolveConv(convSpec(op), input, weight, bias ?? null, options);
}

function isShaped(v: unknown): v is ShapedLike {
  return typeof v === 'object' && v !== null && Array.isArray((v as ShapedLike).shape) && typeof (v as ShapedLike).dtype === 'string';
}

/** float32/float64 and one dtype for all tensors (DTypeError otherwise). */
export function checkDtypes(op: string, named: readonly [string, ShapedLike][]): DType {
  for (const [name, t] of named) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') {
      throw new DTypeError({ op, arg: name, expected: 'a float32 or float64 tensor', got: String(t.dtype) });
    }
  }
  const [n0, t0] = named[0]!;
  for (const [name, t] of named.slice(1)) {
    if (t.dtype !== t0.dtype) {
      throw new DTypeError({
        op,
        arg: name,
        expected: `${t0.dtype} like ${n0}`,
        got: t.dtype,
        message: `${op}: mixed dtypes: ${n0} is ${t0.dtype} but ${name} is ${t.dtype}; convert one with .to()`,
      });
    }
  }
  return t0.dtype;
}

/** `input` must be (C, ...spatial) or (N, C, ...spatial). Returns the batched shape. */
export function checkInputRank(op: string, arg: string, shape: readonly number[], r: number): number[] {
  if (shape.length !== r + 1 && shape.length !== r + 2) {
    throw new ShapeError({
      op,
      arg,
      expected: `a ${r + 1}-d (unbatched) or ${r + 2}-d (batched) tensor`,
      got: `shape ${fmtShape(shape)}`,
      message: `${op}: expected ${arg} to be a ${r + 1}-d or ${r + 2}-d tensor (unbatched (C, ${AXES[r - 1]}) or batched (N, C, ${AXES[r - 1]})), got shape ${fmtShape(shape)}`,
    });
  }
  return shape.length === r + 2 ? shape.slice() : [1, ...shape];
}

/** `weight` must be (A, B, ...kernel) with A, B and every kernel size positive. */
export function checkWeight(op: string, shape: readonly number[], r: number, transposed: boolean): void {
  const layout = transposed ? `[in_channels, out_channels/groups, ${AXES[r - 1]}]` : `[out_channels, in_channels/groups, ${AXES[r - 1]}]`;
  if (shape.length !== r + 2) {
    throw new ShapeError({
      op,
      arg: 'weight',
      expected: `a ${r + 2}-d tensor ${layout}`,
      got: `shape ${fmtShape(shape)}`,
      message: `${op}: expected weight to be a ${r + 2}-d tensor ${layout}, got shape ${fmtShape(shape)}`,
    });
  }
  if (shape.some((d) => d < 1)) {
    throw new ShapeError({
      op,
      arg: 'weight',
      expected: `positive channel counts and kernel sizes ${layout}`,
      got: `shape ${fmtShape(shape)}`,
      message: `${op}: weight must have positive channel counts and kernel sizes ${layout}, got shape ${fmtShape(shape)}`,
    });
  }
}

export function checkGroups(op: string, g: unknown): number {
  if (typeof g !== 'number' || !Number.isInteger(g) || g < 1) {
    throw new ValueError({ op, arg: 'groups', expected: 'a positive integer', got: fmtValue(g) });
  }
  return g;
}

/**
 * Channel rule in convolution space: x has `cin` channels, weight is [cout, cinPerGroup, ...k].
 * `what` names the tensor that carries cout (weight.shape[0] for a conv, gradOutput for a gradient).
 */
export function checkConvChannels(op: string, cin: number, wShape: readonly number[], groups: number, inArg = 'input'): void {
  const cout = wShape[0]!;
  const cig = wShape[1]!;
  if (cin % groups !== 0) {
    throw new ShapeError({
      op,
      arg: 'groups',
      expected: `a divisor of the ${cin} ${inArg} channels`,
      got: String(groups),
      message: `${op}: groups = ${groups} must divide the number of ${inArg} channels, but ${inArg} has ${cin} channels`,
    });
  }
  if (cout % groups !== 0) {
    throw new ShapeError({
      op,
      arg: 'groups',
      expected: `a divisor of the ${cout} output channels (weight.shape[0])`,
      got: String(groups),
      message: `${op}: groups = ${groups} must divide the number of output channels, but weight has ${cout} output channels (weight.shape[0])`,
    });
  }
  if (cig * groups !== cin) {
    throw new ShapeError({
      op,
      arg: 'weight',
      expected: `${cin / groups} input channels per group (weight.shape[1])`,
      got: String(cig),
      message: `${op}: weight has ${cig} input channels per group but ${inArg} has ${cin} channels (groups = ${groups})`,
    });
  }
}

/** Channel rule of a transposed convolution: input has `cin` = weight.shape[0] channels. */
export function checkTransposeChannels(op: string, cin: number, wShape: readonly number[], groups: number): void {
  if (wShape[0] !== cin) {
    throw new ShapeError({
      op,
      arg: 'weight',
      expected: `${cin} input channels (weight.shape[0])`,
      got: String(wShape[0]),
      message: `${op}: weight has ${wShape[0]} input channels (weight.shape[0]) but input has ${cin} channels`,
    });
  }
  if (cin % groups !== 0) {
    throw new ShapeError({
      op,
      arg: 'groups',
      expected: `a divisor of the ${cin} input channels`,
      got: String(groups),
      message: `${op}: groups = ${groups} must divide the number of input channels, but input has ${cin} channels`,
    });
  }
}

export function checkBias(op: string, bias: ShapedLike | null, channels: number): void {
  if (bias === null) return;
  if (bias.shape.length !== 1 || bias.shape[0] !== channels) {
    throw new ShapeError({
      op,
      arg: 'bias',
      expected: `shape [${channels}] (one value per output channel)`,
      got: fmtShape(bias.shape),
      message: `${op}: bias must have shape [${channels}] (one value per output channel), got ${fmtShape(bias.shape)}`,
    });
  }
}

function outSizeError(op: string, i: number, formula: string, why: string): ShapeError {
  return new ShapeError({
    op,
    arg: 'input',
    expected: 'an output size of at least 1 in every spatial dimension',
    got: formula,
    message: `${op}: output size would be below 1 in spatial dimension ${i}: ${formula}; ${why}`,
  });
}

/** Plain-conv output sizes, with a ShapeError showing the formula when one is below 1. */
export function convOutSizes(
  op: string,
  inSize: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  padBefore: readonly number[],
  padAfter: readonly number[],
  dilation: readonly number[],
): number[] {
  return inSize.map((n, i) => {
    const args = [n, kernel[i]!, stride[i]!, padBefore[i]!, padAfter[i]!, dilation[i]!] as const;
    const o = convOutSize(...args);
    if (o < 1) throw outSizeError(op, i, convOutFormula(...args), 'the padded input is smaller than the dilated kernel');
    return o;
  });
}

/**
 * Resolves the `padding` option of a plain convolution into per-dimension (before, after) amounts.
 * 'same' uses PyTorch's rule for stride 1 (total dilation*(k-1), the odd element after) and
 * TensorFlow's for stride > 1 (out = ceil(in/stride)); 'full' pads dilation*(k-1) on both sides.
 */
export function resolvePadding(
  op: string,
  padding: unknown,
  inSize: readonly number[],
  kernel: readonly number[],
  stride: readonly number[],
  dilation: readonly number[],
): [number[], number[]] {
  const r = inSize.length;
  if (typeof padding === 'string') {
    const span = (i: number): number => dilation[i]! * (kernel[i]! - 1);
    switch (padding) {
      case 'valid':
        return [new Array<number>(r).fill(0), new Array<number>(r).fill(0)];
      case 'full':
        return [inSize.map((_, i) => span(i)), inSize.map((_, i) => span(i))];
      case 'same': {
        // with stride 1 the total is span(i) exactly; with stride s it is what makes out = ceil(in/s)
        const total = inSize.map((n, i) => Math.max((Math.ceil(n / stride[i]!) - 1) * stride[i]! + span(i) + 1 - n, 0));
        const before = total.map((t) => Math.floor(t / 2));
        return [before, total.map((t, i) => t - before[i]!)];
      }
      default:
        throw new ValueError({
          op,
          arg: 'padding',
          expected: `a non-negative integer, an array of ${r} of them, "valid", "same" or "full"`,
          got: fmtValue(padding),
        });
    }
  }
  const p = ntuple(op, 'padding', padding, r, 'nonnegative');
  return [p, p.slice()];
}

/** reflect needs pad < size, circular pad <= size (each side), replicate a non-empty dimension. */
function checkModePadding(op: string, mode: PaddingMode, inSize: readonly number[], pb: readonly number[], pa: readonly number[]): void {
  if (mode === 'zeros') return;
  inSize.forEach((n, i) => {
    const p = Math.max(pb[i]!, pa[i]!);
    const bad = mode === 'reflect' ? p >= n : mode === 'circular' ? p > n : p > 0 && n < 1;
    if (!bad) return;
    const limit = mode === 'reflect' ? `smaller than the input size ${n}` : mode === 'circular' ? `at most the input size ${n}` : 'a non-empty input';
    throw new ValueError({
      op,
      arg: 'padding',
      expected: `padding ${limit} in spatial dimension ${i} for paddingMode "${mode}"`,
      got: String(p),
      message: `${op}: padding ${p} is too large for paddingMode "${mode}" in spatial dimension ${i}: it must be ${limit}`,
    });
  });
}

/** The resolver behind `convInfo` (and the gradient functions, with their own spec). */
export function resolveConv(
  spec: ConvSpec,
  input: unknown,
  weight: unknown,
  bias: unknown,
  options: unknown,
): ConvGeometry {
  const { op, r, transposed } = spec;
  if (!isShaped(input)) throw new ValueError({ op, arg: 'input', expected: 'a Tensor', got: fmtValue(input) });
  if (!isShaped(weight)) throw new ValueError({ op, arg: 'weight', expected: 'a Tensor', got: fmtValue(weight) });
  if (bias !== null && bias !== undefined && !isShaped(bias)) {
    throw new ValueError({ op, arg: 'bias', expected: 'a Tensor, null or undefined', got: fmtValue(bias) });
  }
  const b = (bias ?? null) as ShapedLike | null;
  const o = readOptions<ConvOptions & ConvTransposeOptions>(op, options, spec.keys as (keyof (ConvOptions & ConvTransposeOptions))[]);
  const dtype = checkDtypes(op, b ? [['input', input], ['weight', weight], ['bias', b]] : [['input', input], ['weight', weight]]);
  const xs = checkInputRank(op, 'input', input.shape, r);
  checkWeight(op, weight.shape, r, transposed);
  const batched = input.shape.length === r + 2;
  const [batch, channels] = [xs[0]!, xs[1]!];
  const inSize = xs.slice(2);
  const kernel = weight.shape.slice(2);
  const stride = ntuple(op, 'stride', o.stride ?? 1, r, 'positive');
  const dilation = ntuple(op, 'dilation', o.dilation ?? 1, r, 'positive');
  const groups = checkGroups(op, o.groups ?? 1);
  const paddingMode = o.paddingMode ?? 'zeros';
  if (!MODES.includes(paddingMode)) {
    throw new ValueError({ op, arg: 'paddingMode', expected: '"zeros", "reflect", "replicate" or "circular"', got: fmtValue(paddingMode) });
  }
  const prodK = kernel.reduce((p, k) => p * k, 1);
  let outChannels: number;
  let padBefore: number[];
  let padAfter: number[];
  let outputPadding = new Array<number>(r).fill(0);
  let outSize: number[];
  let macs: number;
  if (!transposed) {
    checkConvChannels(op, channels, weight.shape, groups);
    outChannels = weight.shape[0]!;
    checkBias(op, b, outChannels);
    [padBefore, padAfter] = resolvePadding(op, o.padding ?? 0, inSize, kernel, stride, dilation);
    checkModePadding(op, paddingMode, inSize, padBefore, padAfter);
    outSize = convOutSizes(op, inSize, kernel, stride, padBefore, padAfter, dilation);
    macs = batch * outChannels * outSize.reduce((p, d) => p * d, 1) * (channels / groups) * prodK;
  } else {
    checkTransposeChannels(op, channels, weight.shape, groups);
    outChannels = weight.shape[1]! * groups;
    checkBias(op, b, outChannels);
    padBefore = ntuple(op, 'padding', o.padding ?? 0, r, 'nonnegative');
    padAfter = padBefore.slice();
    outputPadding = ntuple(op, 'outputPadding', o.outputPadding ?? 0, r, 'nonnegative');
    outputPadding.forEach((p, i) => {
      if (p >= stride[i]! && p >= dilation[i]!) {
        throw new ValueError({
          op,
          arg: 'outputPadding',
          expected: `a value smaller than either stride (${stride[i]}) or dilation (${dilation[i]}) in spatial dimension ${i}`,
          got: String(p),
          message: `${op}: outputPadding must be smaller than either stride or dilation, but in spatial dimension ${i} outputPadding is ${p}, stride ${stride[i]}, dilation ${dilation[i]}`,
        });
      }
    });
    outSize = inSize.map((n, i) => {
      const args = [n, kernel[i]!, stride[i]!, padBefore[i]!, dilation[i]!, outputPadding[i]!] as const;
      const L = convTransposeOutSize(...args);
      if (L < 1) throw outSizeError(op, i, convTransposeOutFormula(...args), 'the padding crops away the whole output');
      return L;
    });
    macs = batch * channels * inSize.reduce((p, d) => p * d, 1) * (outChannels / groups) * prodK;
  }
  const outShape = batched ? [batch, outChannels, ...outSize] : [outChannels, ...outSize];
  return {
    op,
    transposed,
    spatialRank: r,
    batched,
    batch,
    inChannels: channels,
    outChannels,
    groups,
    inSize,
    kernel,
    stride,
    dilation,
    padBefore,
    padAfter,
    outputPadding,
    paddingMode,
    outSize,
    outShape,
    dtype,
    hasBias: b !== null,
    macs,
  };
}
