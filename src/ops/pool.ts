/**
 * Pooling, as torch.nn.functional: max, average and adaptive pools over 1 to 3 spatial dimensions,
 * for batched (N, C, ...) and unbatched (C, ...) inputs. One N-d implementation serves every rank
 * (plans in pool_plan.ts, ops in pool_ops.ts). Differences from PyTorch 1.13:
 * - indices are int32 (torch: int64);
 * - integer inputs are rejected (torch average-pools int64 tensors);
 * - an adaptive outputSize of 0 is rejected (torch returns an empty tensor), and `null` entries are
 *   accepted by the 1-d adaptive pools too (torch accepts None only in 2-d and 3-d);
 * - a dilated max-pool window holding only padding gives -inf with index -1 and no gradient
 *   (torch gives -inf with an index outside the window, and its backward adds there).
 */
import { ValueError, fmtValue } from '../errors.js';
import { ntuple } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, apply1, expectTensor, readOptions } from '../op.js';
import type { AdaptiveAttrs, AvgAttrs, WindowAttrs } from './pool_plan.js';
import { adaptiveAvgPoolOp, adaptiveMaxPoolOp, avgPoolOp, maxPoolOp } from './pool_ops.js';

export {
  maxPoolOp,
  adaptiveMaxPoolOp,
  maxPoolBackwardOp,
  maxPoolGatherOp,
  avgPoolOp,
  adaptiveAvgPoolOp,
  avgPoolBackwardOp,
} from './pool_ops.js';
export { poolOps } from './pool_plan.js';
export type { PoolPlan, AvgPoolPlan } from './pool_plan.js';

/** An integer, or an array with one integer per spatial dimension. */
export type PoolIntOrTuple = number | readonly number[];

export interface MaxPoolOptions {
  /** Default (undefined, null or []): kernelSize. */
  stride?: PoolIntOrTuple | null;
  /** Implicit -inf padding on both sides; at most floor(kernelSize/2). Default 0. */
  padding?: PoolIntOrTuple;
  /** Spacing between window elements. Default 1. */
  dilation?: PoolIntOrTuple;
  /** Round the output size up (a last window starting in the right padding is dropped). Default false. */
  ceilMode?: boolean;
  /** Also return the int32 flat index of each maximum in its (n, c) input plane. Default false. */
  returnIndices?: boolean;
}

/** avgPool1d takes no divisorOverride (as torch.nn.functional.avg_pool1d). */
export interface AvgPool1dOptions {
  stride?: PoolIntOrTuple | null;
  /** Implicit zero padding on both sides; at most floor(kernelSize/2). Default 0. */
  padding?: PoolIntOrTuple;
  ceilMode?: boolean;
  /** Count padding zeros in the divisor. Default true. */
  countIncludePad?: boolean;
}

export interface AvgPoolOptions extends AvgPool1dOptions {
  /** A non-zero integer divisor replacing the window size (torch allows negative values too). Default null. */
  divisorOverride?: number | null;
}

export interface AdaptiveMaxPoolOptions {
  returnIndices?: boolean;
}

/** An output size, or one per spatial dimension where null keeps the input's size. */
export type AdaptiveOutputSize = number | readonly (number | null)[];

type WithIndices<O> = O & { returnIndices: true };
type WithoutIndices<O> = O & { returnIndices?: false };

function boolOpt(op: string, arg: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new ValueError({ op, arg, expected: 'true or false', got: fmtValue(v) });
  return v;
}

function strideOpt(op: string, v: unknown, nd: number, kernel: number[]): number[] {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return kernel;
  return ntuple(op, 'options.stride', v, nd, 'positive');
}

function windowAttrs(op: string, nd: number, kernelSize: unknown, o: MaxPoolOptions | AvgPool1dOptions, dilation: unknown): WindowAttrs {
  const kernel = ntuple(op, 'kernelSize', kernelSize, nd, 'positive');
  return {
    op,
    nd,
    kernel,
    stride: strideOpt(op, o.stride, nd, kernel),
    padding: ntuple(op, 'options.padding', o.padding ?? 0, nd, 'nonnegative'),
    dilation: ntuple(op, 'options.dilation', dilation ?? 1, nd, 'positive'),
    ceilMode: boolOpt(op, 'options.ceilMode', o.ceilMode, false),
  };
}

function maxPoolNd(op: string, nd: number, input: Tensor, kernelSize: PoolIntOrTuple, options: unknown): Tensor | [Tensor, Tensor] {
  expectTensor(op, 'input', input);
  const o = readOptions<MaxPoolOptions>(op, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const attrs = windowAttrs(op, nd, kernelSize, o, o.dilation);
  const withIndices = boolOpt(op, 'options.returnIndices', o.returnIndices, false);
  const [out, indices] = apply(maxPoolOp, [input], attrs);
  return withIndices ? [out!, indices!] : out!;
}

function avgPoolNd(op: string, nd: number, input: Tensor, kernelSize: PoolIntOrTuple, options: unknown): Tensor {
  expectTensor(op, 'input', input);
  const keys: (keyof AvgPoolOptions)[] = ['stride', 'padding', 'ceilMode', 'countIncludePad'];
  if (nd > 1) keys.push('divisorOverride');
  const o = readOptions<AvgPoolOptions>(op, options, keys);
  const d = o.divisorOverride;
  if (d !== undefined && d !== null && !(typeof d === 'number' && Number.isInteger(d) && d !== 0)) {
    throw new ValueError({ op, arg: 'options.divisorOverride', expected: 'a non-zero integer or null', got: fmtValue(d) });
  }
  const attrs: AvgAttrs = {
    ...windowAttrs(op, nd, kernelSize, o, 1),
    countIncludePad: boolOpt(op, 'options.countIncludePad', o.countIncludePad, true),
    divisorOverride: d ?? null,
  };
  return apply1(avgPoolOp, [input], attrs);
}

function adaptiveAttrs(op: string, nd: number, outputSize: unknown): AdaptiveAttrs {
  const expected = `a positive integer or an array of ${nd} positive integers or nulls`;
  const sizes = typeof outputSize === 'number' ? new Array<unknown>(nd).fill(outputSize) : outputSize;
  if (!Array.isArray(sizes) || sizes.length !== nd) throw new ValueError({ op, arg: 'outputSize', expected, got: fmtValue(outputSize) });
  for (const s of sizes) {
    if (!(s === null || (typeof s === 'number' && Number.isInteger(s) && s > 0))) {
      throw new ValueError({ op, arg: 'outputSize', expected, got: fmtValue(outputSize) });
    }
  }
  return { op, nd, outputSize: sizes as (number | null)[] };
}

function adaptiveMaxPoolNd(op: string, nd: number, input: Tensor, outputSize: AdaptiveOutputSize, options: unknown): Tensor | [Tensor, Tensor] {
  expectTensor(op, 'input', input);
  const o = readOptions<AdaptiveMaxPoolOptions>(op, options, ['returnIndices']);
  const attrs = adaptiveAttrs(op, nd, outputSize);
  const withIndices = boolOpt(op, 'options.returnIndices', o.returnIndices, false);
  const [out, indices] = apply(adaptiveMaxPoolOp, [input], attrs);
  return withIndices ? [out!, indices!] : out!;
}

function adaptiveAvgPoolNd(op: string, nd: number, input: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  expectTensor(op, 'input', input);
  return apply1(adaptiveAvgPoolOp, [input], adaptiveAttrs(op, nd, outputSize));
}

// ---- max pools --------------------------------------------------------------------------------

/** Max over windows of an (N, C, L) or (C, L) input; `[output, indices]` with returnIndices. */
export function maxPool1d(input: Tensor, kernelSize: PoolIntOrTuple, options: WithIndices<MaxPoolOptions>): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: PoolIntOrTuple, options?: WithoutIndices<MaxPoolOptions>): Tensor;
export function maxPool1d(input: Tensor, kernelSize: PoolIntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: PoolIntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, input, kernelSize, options);
}

/** Max over windows of an (N, C, H, W) or (C, H, W) input; `[output, indices]` with returnIndices. */
export function maxPool2d(input: Tensor, kernelSize: PoolIntOrTuple, options: WithIndices<MaxPoolOptions>): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: PoolIntOrTuple, options?: WithoutIndices<MaxPoolOptions>): Tensor;
export function maxPool2d(input: Tensor, kernelSize: PoolIntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: PoolIntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, input, kernelSize, options);
}

/** Max over windows of an (N, C, D, H, W) or (C, D, H, W) input; `[output, indices]` with returnIndices. */
export function maxPool3d(input: Tensor, kernelSize: PoolIntOrTuple, options: WithIndices<MaxPoolOptions>): [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: PoolIntOrTuple, options?: WithoutIndices<MaxPoolOptions>): Tensor;
export function maxPool3d(input: Tensor, kernelSize: PoolIntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: PoolIntOrTuple, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool3d', 3, input, kernelSize, options);
}

// ---- average pools ----------------------------------------------------------------------------

/** Mean over windows of an (N, C, L) or (C, L) input. */
export function avgPool1d(input: Tensor, kernelSize: PoolIntOrTuple, options?: AvgPool1dOptions): Tensor {
  return avgPoolNd('avgPool1d', 1, input, kernelSize, options);
}

/** Mean over windows of an (N, C, H, W) or (C, H, W) input. */
export function avgPool2d(input: Tensor, kernelSize: PoolIntOrTuple, options?: AvgPoolOptions): Tensor {
  return avgPoolNd('avgPool2d', 2, input, kernelSize, options);
}

/** Mean over windows of an (N, C, D, H, W) or (C, D, H, W) input. */
export function avgPool3d(input: Tensor, kernelSize: PoolIntOrTuple, options?: AvgPoolOptions): Tensor {
  return avgPoolNd('avgPool3d', 3, input, kernelSize, options);
}

// ---- adaptive pools ---------------------------------------------------------------------------

/** Mean over the windows [floor(i*L/out), ceil((i+1)*L/out)) of an (N, C, L) or (C, L) input. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool1d', 1, input, outputSize);
}

/** Adaptive mean over (N, C, H, W) or (C, H, W); a null size keeps that input size. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool2d', 2, input, outputSize);
}

/** Adaptive mean over (N, C, D, H, W) or (C, D, H, W); a null size keeps that input size. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveOutputSize): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool3d', 3, input, outputSize);
}

/** Max over the adaptive windows of an (N, C, L) or (C, L) input; `[output, indices]` with returnIndices. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveOutputSize, options: WithIndices<AdaptiveMaxPoolOptions>): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveOutputSize, options?: WithoutIndices<AdaptiveMaxPoolOptions>): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptiveMaxPool1d', 1, input, outputSize, options);
}

/** Max over the adaptive windows of an (N, C, H, W) or (C, H, W) input. */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveOutputSize, options: WithIndices<AdaptiveMaxPoolOptions>): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveOutputSize, options?: WithoutIndices<AdaptiveMaxPoolOptions>): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptiveMaxPool2d', 2, input, outputSize, options);
}

/** Max over the adaptive windows of an (N, C, D, H, W) or (C, D, H, W) input. */
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveOutputSize, options: WithIndices<AdaptiveMaxPoolOptions>): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveOutputSize, options?: WithoutIndices<AdaptiveMaxPoolOptions>): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveOutputSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptiveMaxPool3d', 3, input, outputSize, options);
}
