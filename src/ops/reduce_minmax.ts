/**
 * Extremum reductions: max/min (torch overloads), amax/amin and argmax/argmin. NaN counts as
 * larger (and smaller) than everything, so it propagates; among ties the first index wins.
 * Gradients follow PyTorch: amax/amin and full max()/min() split evenly among ties,
 * max/min along a dim send the gradient to the returned index only.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { isTensor } from '../tensor.js';
import type { OpDef } from '../op.js';
import { apply, apply1, defineOp, expectTensor, readOptions } from '../op.js';
import { arange, scalarLike } from '../creation.js';
import { div, mul } from './elementwise.js';
import { eq, maximum, minimum, ne } from './elementwise_binary.js';
import { where } from './elementwise_where.js';
import { reshape } from './movement.js';
import type { ReduceDims, ReduceOptions } from './reduce.js';
import { keepdimOf, reduceInfo, sum } from './reduce.js';
import { minmaxKernels } from '../backends/reference/reduce_minmax.js';
import type { ExtremumDimInfo, ReduceInfo } from '../plans.js';
export type { ExtremumDimInfo } from '../plans.js';

/** Rejects reducing over a zero-size dimension (there is no extremum), like PyTorch. */
function nonEmpty(op: string, x: Tensor, info: ReduceInfo): ReduceInfo {
  if (info.groupSize === 0 && x.numel === 0 && info.outShapes[0]!.every((d) => d !== 0)) {
    throw new ShapeError({
      op,
      arg: 'input',
      expected: 'non-zero sizes along the reduced dimensions',
      got: `shape ${fmtShape(x.shape)}`,
      message: `${op}: cannot reduce over a zero-size dimension (input shape ${fmtShape(x.shape)}, reduced dims [${info.dims.join(', ')}])`,
    });
  }
  return info;
}

/** Float 0/1 mask of x's dtype where cond is non-zero, and its per-group counts. */
function tieMask(x: Tensor, cond: Tensor, dims: readonly number[]): [Tensor, Tensor] {
  const m = where(cond, scalarLike(1, x), 0);
  return [m, sum(m, [...dims], { keepdim: true })];
}

interface ExtremumAttrs {
  dim: ReduceDims;
  keepdim: boolean;
  /** max()/min() over everything: ties split evenly, and a NaN result selects the NaNs. */
  full: boolean;
}

function extremumOp(name: 'amax' | 'amin'): OpDef<ExtremumAttrs, ReduceInfo> {
  return defineOp<ExtremumAttrs, ReduceInfo>({
    name,
    reference: minmaxKernels[name],
    info: ([x], a) => nonEmpty(a.full ? (name === 'amax' ? 'max' : 'min') : name, x!, reduceInfo(name, x!, a.dim, a.keepdim)),
    vjp: ({ inputs: [x], outputs: [y], info }, [g]) => {
      // PyTorch compares with == (so a NaN maximum gives NaN gradients) except for the full
      // max()/min(), which then spreads the gradient over the NaN inputs instead
      // (decided with ops, not by reading y: on a GPU the values are not at hand)
      const yk = reshape(y!, info.keptShape);
      const full = info.dims.length === info.inShape.length;
      const cond = full ? where(ne(yk, yk), ne(x!, x!), eq(x!, yk)) : eq(x!, yk);
      const [m, count] = tieMask(x!, cond, info.dims);
      return [mul(m, div(reshape(g!, info.keptShape), count))];
    },
  });
}

export const amaxOp = extremumOp('amax');
export const aminOp = extremumOp('amin');

function extremumDimOp(name: 'maxDim' | 'minDim', pub: string): OpDef<{ dim: number; keepdim: boolean }, ExtremumDimInfo> {
  return defineOp<{ dim: number; keepdim: boolean }, ExtremumDimInfo>({
    name,
    reference: minmaxKernels[name],
    info: ([x], a) => {
      const r = nonEmpty(pub, x!, reduceInfo(pub, x!, a.dim, a.keepdim));
      return { ...r, outShapes: [r.outShapes[0]!, r.outShapes[0]!], outDtypes: [x!.dtype, 'int32'], dim: r.dims[0] ?? 0 };
    },
    // the gradient goes to the selected index: mask = (position along dim == index)
    vjp: ({ inputs: [x], outputs: [, idx], info }, [g]) => {
      if (info.dims.length === 0) return [g!];
      const n = x!.shape[info.dim]!;
      const posShape = x!.shape.map((d, i) => (i === info.dim ? d : 1));
      const hit = eq(reshape(arange(n), posShape), reshape(idx!, info.keptShape));
      return [where(hit, reshape(g!, info.keptShape), 0)];
    },
  });
}

export const maxDimOp = extremumDimOp('maxDim', 'max');
export const minDimOp = extremumDimOp('minDim', 'min');

function argOp(name: 'argmax' | 'argmin'): OpDef<{ dim: number | undefined; keepdim: boolean }, ReduceInfo> {
  return defineOp<{ dim: number | undefined; keepdim: boolean }, ReduceInfo>({
    name,
    reference: minmaxKernels[name],
    info: ([x], a) => {
      const r = nonEmpty(name, x!, reduceInfo(name, x!, a.dim, a.keepdim));
      return { ...r, outDtypes: ['int32'] };
    },
  });
}

export const argmaxOp = argOp('argmax');
export const argminOp = argOp('argmin');

function singleDim(op: string, dim: unknown): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim)) throw new ValueError({ op, arg: 'dim', expected: 'an integer', got: fmtValue(dim) });
  return dim;
}

function extremum(
  op: 'max' | 'min',
  input: Tensor,
  dimOrOther: number | Tensor | undefined,
  options: ReduceOptions | undefined,
): Tensor | [Tensor, Tensor] {
  expectTensor(op, 'input', input);
  if (isTensor(dimOrOther)) {
    if (options !== undefined) {
      throw new ValueError({
        op,
        arg: 'options',
        expected: 'no options',
        got: fmtValue(options),
        message: `${op}: ${op}(input, other) is the element-wise ${op}imum and takes no options, got ${fmtValue(options)}`,
      });
    }
    return op === 'max' ? maximum(input, dimOrOther) : minimum(input, dimOrOther);
  }
  const o = readOptions<ReduceOptions>(op, options, ['keepdim']);
  const keepdim = keepdimOf(op, o.keepdim);
  if (dimOrOther === undefined) {
    if (o.keepdim !== undefined) {
      throw new ValueError({
        op,
        arg: 'options.keepdim',
        expected: 'a dim to go with keepdim',
        got: 'no dim',
        message: `${op}: keepdim needs a dim (${op}(input) reduces every dimension)`,
      });
    }
    return apply1(op === 'max' ? amaxOp : aminOp, [input], { dim: undefined, keepdim: false, full: true });
  }
  const [values, indices] = apply(op === 'max' ? maxDimOp : minDimOp, [input], { dim: singleDim(op, dimOrOther), keepdim });
  return [values!, indices!];
}

/**
 * `max(input)`: the largest element (0-d). `max(input, dim, {keepdim})`: `[values, indices]`
 * along dim (first index among ties). `max(input, other)`: element-wise `maximum`.
 */
export function max(input: Tensor): Tensor;
export function max(input: Tensor, dim: number, options?: ReduceOptions): [Tensor, Tensor];
export function max(input: Tensor, other: Tensor): Tensor;
export function max(input: Tensor, dimOrOther?: number | Tensor, options?: ReduceOptions): Tensor | [Tensor, Tensor] {
  return extremum('max', input, dimOrOther, options);
}

/** Like `max`, for the smallest element. */
export function min(input: Tensor): Tensor;
export function min(input: Tensor, dim: number, options?: ReduceOptions): [Tensor, Tensor];
export function min(input: Tensor, other: Tensor): Tensor;
export function min(input: Tensor, dimOrOther?: number | Tensor, options?: ReduceOptions): Tensor | [Tensor, Tensor] {
  return extremum('min', input, dimOrOther, options);
}

function reduceExtremum(op: OpDef<ExtremumAttrs, ReduceInfo>, input: Tensor, dim: ReduceDims, options: ReduceOptions | undefined): Tensor {
  expectTensor(op.name, 'input', input);
  const o = readOptions<ReduceOptions>(op.name, options, ['keepdim']);
  return apply1(op, [input], { dim, keepdim: keepdimOf(op.name, o.keepdim), full: false });
}

/** Largest value over `dim` (all dims when omitted); the gradient is split evenly among ties. */
export function amax(input: Tensor, dim?: ReduceDims, options?: ReduceOptions): Tensor {
  return reduceExtremum(amaxOp, input, dim, options);
}

/** Smallest value over `dim` (all dims when omitted); the gradient is split evenly among ties. */
export function amin(input: Tensor, dim?: ReduceDims, options?: ReduceOptions): Tensor {
  return reduceExtremum(aminOp, input, dim, options);
}

function argExtremum(op: OpDef<{ dim: number | undefined; keepdim: boolean }, ReduceInfo>, input: Tensor, dim: number | null | undefined, options: ReduceOptions | undefined): Tensor {
  expectTensor(op.name, 'input', input);
  const o = readOptions<ReduceOptions>(op.name, options, ['keepdim']);
  const d = dim === undefined || dim === null ? undefined : singleDim(op.name, dim);
  return apply1(op, [input], { dim: d, keepdim: keepdimOf(op.name, o.keepdim) });
}

/** Index (int32) of the first largest value along `dim`, or in the flattened input (dim undefined/null). */
export function argmax(input: Tensor, dim?: number | null, options?: ReduceOptions): Tensor {
  return argExtremum(argmaxOp, input, dim, options);
}

/** Index (int32) of the first smallest value along `dim`, or in the flattened input. */
export function argmin(input: Tensor, dim?: number | null, options?: ReduceOptions): Tensor {
  return argExtremum(argminOp, input, dim, options);
}
