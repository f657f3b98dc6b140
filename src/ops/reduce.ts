/**
 * Reductions over dimensions (with `keepdim`), and `sumToShape`, the tape's un-broadcast.
 * `dim` is a number, an array of distinct numbers (negative counts from the end), or undefined /
 * null (all dimensions); as in PyTorch an empty array also means all dimensions.
 * The other reductions live in reduce_minmax.ts, reduce_stats.ts and reduce_prod.ts.
 */
import { ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { normDim, numel, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectFloat, expectTensor, readOptions } from '../op.js';
import { expand, reshape } from './movement.js';
import { mul } from './elementwise.js';
import { reduceKernels } from '../backends/reference/reduce.js';
import type { ReduceInfo } from '../plans.js';
export type { ReduceInfo } from '../plans.js';

/** The `dim` argument of reductions. */
export type ReduceDims = number | readonly number[] | null | undefined;

export interface ReduceOptions {
  keepdim?: boolean;
}

/** Checks `options.keepdim` (default false). */
export function keepdimOf(op: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValueError({ op, arg: 'options.keepdim', expected: 'a boolean', got: fmtValue(v) });
  return v;
}

/**
 * The sorted distinct dimensions `dim` names (all of them for undefined, null or []); a 0-d tensor
 * accepts dim 0 or -1 and has nothing to reduce.
 */
export function reduceDims(op: string, dim: unknown, rank: number): number[] {
  let dims: number[];
  if (dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0)) dims = Array.from({ length: rank }, (_, i) => i);
  else if (typeof dim === 'number') dims = [normDim(op, dim, rank)];
  else if (Array.isArray(dim)) {
    dims = dim.map((d: unknown) => normDim(op, d as number, rank));
    if (new Set(dims).size !== dims.length) throw new ValueError({ op, arg: 'dim', expected: 'distinct dimensions', got: fmtValue(dim) });
  } else throw new ValueError({ op, arg: 'dim', expected: 'an integer, an array of integers, or undefined', got: fmtValue(dim) });
  return rank === 0 ? [] : dims.sort((a, b) => a - b);
}

/** Normalises `dim` (number, array, or undefined = all) and computes the reduction plan. */
export function reduceInfo(op: string, x: Tensor, dim: ReduceDims, keepdim: boolean): ReduceInfo {
  const dims = reduceDims(op, dim, x.shape.length);
  const keptShape = x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const outShape = keepdim ? keptShape : x.shape.filter((_, i) => !dims.includes(i));
  const ks = stridesOf(keptShape);
  return {
    outShapes: [outShape],
    outDtypes: [x.dtype],
    inShape: x.shape,
    dims,
    keptShape,
    outStrides: ks.map((s, i) => (dims.includes(i) ? 0 : s)),
    groupSize: dims.reduce((p, d) => p * x.shape[d]!, 1),
  };
}

export const sumOp = defineOp<{ dim: ReduceDims; keepdim: boolean }, ReduceInfo>({
  name: 'sum',
  reference: reduceKernels.sum,
  info: ([x], a) => reduceInfo('sum', x!, a.dim, a.keepdim),
  vjp: ({ info }, [g]) => [expand(reshape(g!, info.keptShape), info.inShape)],
});

/** Sum over `dim` (all dimensions when omitted). */
export function sum(input: Tensor, dim?: ReduceDims, options?: ReduceOptions): Tensor {
  expectTensor('sum', 'input', input);
  const o = readOptions<ReduceOptions>('sum', options, ['keepdim']);
  return apply1(sumOp, [input], { dim, keepdim: keepdimOf('sum', o.keepdim) });
}

export const meanOp = defineOp<{ dim: ReduceDims; keepdim: boolean }, ReduceInfo>({
  name: 'mean',
  reference: reduceKernels.mean,
  info: ([x], a) => {
    expectFloat('mean', 'input', x!);
    return reduceInfo('mean', x!, a.dim, a.keepdim);
  },
  vjp: ({ info }, [g]) => [expand(reshape(mul(g!, 1 / info.groupSize), info.keptShape), info.inShape)],
});

/** Mean over `dim` (all dimensions when omitted); float tensors only (NaN for an empty group). */
export function mean(input: Tensor, dim?: ReduceDims, options?: ReduceOptions): Tensor {
  expectTensor('mean', 'input', input);
  const o = readOptions<ReduceOptions>('mean', options, ['keepdim']);
  return apply1(meanOp, [input], { dim, keepdim: keepdimOf('mean', o.keepdim) });
}

/**
 * Sums a broadcast gradient back to `shape`: over the leading dimensions `shape` lacks and over
 * the dimensions where `shape` has 1. The one place where broadcasting is undone.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  const lead = g.shape.length - shape.length;
  if (lead < 0) throw new ValueError({ op: 'sumToShape', arg: 'shape', expected: `rank at most ${g.shape.length}`, got: fmtShape(shape) });
  const dims: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) dims.push(i);
  });
  const s = dims.length > 0 ? sum(g, dims, { keepdim: true }) : g;
  return numel(s.shape) === numel(shape) && s.shape.length === shape.length && s.shape.every((d, i) => d === shape[i]) ? s : reshape(s, shape);
}

export * from './reduce_minmax.js';
export * from './reduce_stats.js';
export * from './reduce_prod.js';
