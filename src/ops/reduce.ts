/** Reductions over dimensions (with `keepdim`), and `sumToShape`, the tape's un-broadcast. */
import { ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { normDim, numel, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { OpInfo } from '../op.js';
import { apply1, defineOp, expectTensor, readOptions } from '../op.js';
import { expand, reshape } from './movement.js';

export interface ReduceOptions {
  keepdim?: boolean;
}

export interface ReduceInfo extends OpInfo {
  readonly inShape: Shape;
  /** Sorted reduced dimensions. */
  readonly dims: readonly number[];
  /** Output shape with reduced dimensions kept as 1. */
  readonly keptShape: Shape;
  /** For each input dimension, the stride into the output (0 for a reduced dimension). */
  readonly outStrides: readonly number[];
  /** Number of input elements folded into each output element. */
  readonly groupSize: number;
}

/** Normalises `dim` (number, array, or undefined = all) and computes the reduction plan. */
export function reduceInfo(op: string, x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): ReduceInfo {
  const rank = x.shape.length;
  let dims: number[];
  if (dim === undefined || dim === null) dims = x.shape.map((_, i) => i);
  else if (typeof dim === 'number') dims = [normDim(op, dim, rank)];
  else if (Array.isArray(dim)) dims = dim.map((d) => normDim(op, d, rank));
  else throw new ValueError({ op, arg: 'dim', expected: 'an integer, an array of integers, or undefined', got: fmtValue(dim) });
  if (rank === 0) dims = [];
  dims = [...new Set(dims)].sort((a, b) => a - b);
  if (dim !== undefined && Array.isArray(dim) && dims.length !== dim.length) {
    throw new ValueError({ op, arg: 'dim', expected: 'distinct dimensions', got: fmtValue(dim) });
  }
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

export const sumOp = defineOp<{ dim: number | readonly number[] | undefined; keepdim: boolean }, ReduceInfo>({
  name: 'sum',
  info: ([x], a) => reduceInfo('sum', x!, a.dim, a.keepdim),
  vjp: ({ info }, [g]) => [expand(reshape(g!, info.keptShape), info.inShape)],
});

/** Sum over `dim` (all dimensions when omitted). */
export function sum(input: Tensor, dim?: number | readonly number[], options?: ReduceOptions): Tensor {
  expectTensor('sum', 'input', input);
  const o = readOptions<ReduceOptions>('sum', options, ['keepdim']);
  return apply1(sumOp, [input], { dim, keepdim: o.keepdim ?? false });
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
