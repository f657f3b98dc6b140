/**
 * Cutting and joining along one dimension: slice/narrow (with their scatter-back gradient op),
 * cat/stack, and split/chunk. `cat` and `split` are each other's gradients.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import { normDim, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { zeros } from '../creation.js';
import type { OpDef, OpInfo } from '../op.js';
import { apply, apply1, defineOp, expectSameDtype, expectTensor } from '../op.js';
import { unsqueeze } from './movement_layout.js';
import { joinKernels } from '../backends/reference/movement_join.js';
import type { SliceInfo, CatInfo, SplitInfo } from '../plans.js';
export type { SliceInfo, CatInfo, SplitInfo } from '../plans.js';

// ---- slice -----------------------------------------------------------------------------------

export interface SliceAttrs {
  readonly dim: number;
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

function atLeast1d(op: string, shape: Shape): void {
  if (shape.length === 0) throw new ShapeError({ op, arg: 'input', expected: 'a tensor with at least one dimension', got: 'a 0-d tensor' });
}

function sliceInfo(op: string, inShape: Shape, a: SliceAttrs): Omit<SliceInfo, 'outDtypes'> {
  atLeast1d(op, inShape);
  const dim = normDim(op, a.dim, inShape.length);
  const n = inShape[dim]!;
  if (!Number.isInteger(a.step) || a.step < 1) throw new ValueError({ op, arg: 'step', expected: 'a positive integer', got: fmtValue(a.step) });
  if (!Number.isInteger(a.start) || !Number.isInteger(a.length) || a.length < 0 || a.start < 0 || (a.length > 0 && a.start + (a.length - 1) * a.step >= n)) {
    throw new ValueError({
      op,
      arg: 'start',
      expected: `a selection inside dimension ${dim} of size ${n}`,
      got: `start ${a.start}, step ${a.step}, length ${a.length}`,
    });
  }
  const outShape = inShape.map((s, i) => (i === dim ? a.length : s));
  return { outShapes: [outShape], inShape, outShape, dim, start: a.start, step: a.step, length: a.length };
}

export const sliceOp: OpDef<SliceAttrs, SliceInfo> = defineOp<SliceAttrs, SliceInfo>({
  name: 'slice',
  reference: joinKernels.slice,
  info: ([x], a) => ({ ...sliceInfo('slice', x!.shape, a), outDtypes: [x!.dtype] }),
  vjp: ({ info }, [g]) => [apply1(sliceBackwardOp, [g!], info)],
});

/** The adjoint of slice: embeds the gradient at the selected positions of a zero tensor. */
export const sliceBackwardOp: OpDef<SliceInfo, SliceInfo> = defineOp<SliceInfo, SliceInfo>({
  name: 'sliceBackward',
  reference: joinKernels.sliceBackward,
  info: ([g], fwd) => {
    if (!sameShape(g!.shape, fwd.outShape)) {
      throw new ShapeError({ op: 'sliceBackward', arg: 'grad', expected: `shape ${fmtShape(fwd.outShape)}`, got: fmtShape(g!.shape) });
    }
    return { ...fwd, outShapes: [fwd.inShape], outDtypes: [g!.dtype] };
  },
  vjp: ({ info }, [gg]) => [apply1(sliceOp, [gg!], info)],
});

function optInt(op: string, arg: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ValueError({ op, arg, expected: 'an integer or undefined', got: fmtValue(v) });
  return v;
}

/**
 * `input[..., start:end:step, ...]` along `dim`, with Python's slice rules: negative start/end
 * count from the end, out-of-range bounds are clamped, an empty range gives size 0. step >= 1.
 */
export function slice(input: Tensor, dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
  const op = 'slice';
  expectTensor(op, 'input', input);
  atLeast1d(op, input.shape);
  const d = normDim(op, dim, input.shape.length);
  const n = input.shape[d]!;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 1) {
    throw new ValueError({ op, arg: 'step', expected: 'a positive integer (negative steps are not supported; use flip)', got: fmtValue(step) });
  }
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  const s = clamp(optInt(op, 'start', start) ?? 0);
  const e = clamp(optInt(op, 'end', end) ?? n);
  const length = e > s ? Math.ceil((e - s) / step) : 0;
  return apply1(sliceOp, [input], { dim: d, start: length > 0 ? s : 0, step, length });
}

/** `length` elements from `start` along `dim` (start may be negative, counting from the end). */
export function narrow(input: Tensor, dim: number, start: number, length: number): Tensor {
  const op = 'narrow';
  expectTensor(op, 'input', input);
  atLeast1d(op, input.shape);
  const d = normDim(op, dim, input.shape.length);
  const n = input.shape[d]!;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < -n || start > n) {
    throw new ValueError({ op, arg: 'start', expected: `an integer in [${-n}, ${n}] for dimension ${d} of size ${n}`, got: fmtValue(start) });
  }
  const s = start < 0 ? start + n : start;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || s + length > n) {
    throw new ValueError({
      op,
      arg: 'length',
      expected: `a non-negative integer with start + length <= ${n}`,
      got: fmtValue(length),
      message: `narrow: start ${s} + length ${fmtValue(length)} exceeds dimension ${d} of size ${n}`,
    });
  }
  return apply1(sliceOp, [input], { dim: d, start: length > 0 ? s : 0, step: 1, length });
}

// ---- cat and stack ---------------------------------------------------------------------------

/** torch keeps accepting 1-d empty tensors in cat whatever the other shapes are, and skips them. */
const skipped = (t: Tensor): boolean => t.shape.length === 1 && t.shape[0] === 0;

export const catOp = defineOp<number, CatInfo>({
  name: 'cat',
  reference: joinKernels.cat,
  info: (ts, dim) => {
    const op = 'cat';
    if (ts.length === 0) throw new ValueError({ op, arg: 'tensors', expected: 'a non-empty array of tensors', got: '[]' });
    const dtype = expectSameDtype(op, ts.map((t, i) => [`tensors[${i}]`, t] as [string, Tensor]));
    const refIdx = ts.findIndex((t) => !skipped(t));
    const ref = ts[refIdx < 0 ? 0 : refIdx]!;
    const rank = ref.shape.length;
    if (rank === 0) {
      throw new ShapeError({ op, arg: `tensors[${refIdx}]`, expected: 'tensors with at least one dimension', got: 'a 0-d tensor', message: 'cat: zero-dimensional tensors cannot be concatenated; use stack' });
    }
    const d = normDim(op, dim, rank);
    const sizes = ts.map((t, i) => {
      if (skipped(t) && t !== ref) return 0;
      if (t.shape.length !== rank) {
        throw new ShapeError({
          op,
          arg: `tensors[${i}]`,
          expected: `a ${rank}-d tensor like tensors[${refIdx}]`,
          got: `shape ${fmtShape(t.shape)}`,
          message: `cat: tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[${refIdx}] has ${rank} dimensions ${fmtShape(ref.shape)}`,
        });
      }
      t.shape.forEach((s, k) => {
        if (k !== d && s !== ref.shape[k]) {
          throw new ShapeError({
            op,
            arg: `tensors[${i}]`,
            expected: `size ${ref.shape[k]} at dimension ${k}`,
            got: `shape ${fmtShape(t.shape)}`,
            message: `cat: sizes must match except in dimension ${d}: tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[${refIdx}] has ${fmtShape(ref.shape)} (dimension ${k})`,
          });
        }
      });
      return t.shape[d]!;
    });
    const inner = ref.shape.slice(d + 1).reduce((p, s) => p * s, 1);
    const outer = ref.shape.slice(0, d).reduce((p, s) => p * s, 1);
    const outShape = ref.shape.map((s, k) => (k === d ? sizes.reduce((p, q) => p + q, 0) : s));
    return { outShapes: [outShape], outDtypes: [dtype], outShape, dim: d, sizes, chunks: sizes.map((s) => s * inner), outer };
  },
  vjp: ({ info, inputs, needs }, [g]) => {
    const parts = splitSizes(g!, info.sizes, info.dim);
    // a skipped legacy empty input gets an empty gradient of its own shape
    return parts.map((p, i) => (!needs[i] ? null : sameShape(p.shape, inputs[i]!.shape) ? p : zeros(inputs[i]!.shape, { dtype: p.dtype })));
  },
});

function tensorList(op: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors)) throw new ValueError({ op, arg: 'tensors', expected: 'an array of tensors', got: fmtValue(tensors) });
  tensors.forEach((t, i) => expectTensor(op, `tensors[${i}]`, t));
  return tensors as Tensor[];
}

/** Concatenates along an existing dimension; sizes must match elsewhere. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  const ts = tensorList('cat', tensors);
  return apply1(catOp, ts, dim);
}

/** Joins same-shaped tensors along a new dimension `dim` (in [-rank-1, rank]). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  const op = 'stack';
  const ts = tensorList(op, tensors);
  if (ts.length === 0) throw new ValueError({ op, arg: 'tensors', expected: 'a non-empty array of tensors', got: '[]' });
  const ref = ts[0]!;
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, ref.shape)) {
      throw new ShapeError({
        op,
        arg: `tensors[${i}]`,
        expected: `shape ${fmtShape(ref.shape)} like tensors[0]`,
        got: fmtShape(t.shape),
        message: `stack: every tensor must have the same shape, but tensors[0] is ${fmtShape(ref.shape)} and tensors[${i}] is ${fmtShape(t.shape)}`,
      });
    }
  });
  expectSameDtype(op, ts.map((t, i) => [`tensors[${i}]`, t] as [string, Tensor]));
  const d = normDim(op, dim, ref.shape.length + 1);
  return cat(ts.map((t) => unsqueeze(t, d)), d);
}

// ---- split and chunk -------------------------------------------------------------------------

export const splitOp = defineOp<{ sizes: readonly number[]; dim: number }, SplitInfo>({
  name: 'split',
  reference: joinKernels.split,
  info: ([x], a) => {
    const op = 'split';
    const rank = x!.shape.length;
    if (rank === 0) throw new ShapeError({ op, arg: 'input', expected: 'a tensor with at least one dimension', got: 'a 0-d tensor' });
    const d = normDim(op, a.dim, rank);
    const n = x!.shape[d]!;
    if (!Array.isArray(a.sizes) || a.sizes.length === 0 || !a.sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)) {
      throw new ValueError({ op, arg: 'splitSizeOrSections', expected: 'a non-empty array of non-negative integers', got: fmtValue(a.sizes) });
    }
    const total = a.sizes.reduce((p, s) => p + s, 0);
    if (total !== n) {
      throw new ValueError({
        op,
        arg: 'splitSizeOrSections',
        expected: `sizes summing to ${n} (dimension ${d} of ${fmtShape(x!.shape)})`,
        got: `${fmtValue(a.sizes)} (sum ${total})`,
        message: `split: sizes ${fmtValue(a.sizes)} sum to ${total} but dimension ${d} of the input ${fmtShape(x!.shape)} has size ${n}`,
      });
    }
    const inner = x!.shape.slice(d + 1).reduce((p, s) => p * s, 1);
    const outer = x!.shape.slice(0, d).reduce((p, s) => p * s, 1);
    const outShapes = a.sizes.map((s) => x!.shape.map((v, k) => (k === d ? s : v)));
    return { outShapes, outDtypes: a.sizes.map(() => x!.dtype), inShape: x!.shape, dim: d, sizes: a.sizes.slice(), chunks: a.sizes.map((s) => s * inner), outer };
  },
  vjp: ({ info }, grads) => [apply1(catOp, grads, info.dim)],
});

function splitSizes(x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  return apply(splitOp, [x], { sizes, dim });
}

/**
 * Splits into pieces of `splitSizeOrSections` along `dim` (the last piece may be smaller), or
 * into pieces of the listed sizes (which must sum to the dimension's size).
 */
export function split(input: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const op = 'split';
  expectTensor(op, 'input', input);
  if (Array.isArray(splitSizeOrSections)) return splitSizes(input, splitSizeOrSections, dim);
  const size = splitSizeOrSections;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw new ValueError({ op, arg: 'splitSizeOrSections', expected: 'a positive integer or an array of sizes', got: fmtValue(size) });
  }
  const d = normDim(op, dim, input.shape.length);
  const n = input.shape[d] ?? 0;
  if (size === 0 && n !== 0) {
    throw new ValueError({ op, arg: 'splitSizeOrSections', expected: 'a positive integer (0 only splits an empty dimension)', got: '0' });
  }
  const sizes: number[] = [];
  if (size === 0 || n === 0) sizes.push(0);
  else for (let s = 0; s < n; s += size) sizes.push(Math.min(size, n - s));
  return splitSizes(input, sizes, d);
}

/** Splits into `chunks` pieces of ceil(size / chunks) along `dim` (possibly fewer pieces). */
export function chunk(input: Tensor, chunks: number, dim = 0): Tensor[] {
  const op = 'chunk';
  expectTensor(op, 'input', input);
  if (typeof chunks !== 'number' || !Number.isInteger(chunks) || chunks < 1) {
    throw new ValueError({ op, arg: 'chunks', expected: 'a positive integer', got: fmtValue(chunks) });
  }
  if (input.shape.length === 0) throw new ShapeError({ op, arg: 'input', expected: 'a tensor with at least one dimension', got: 'a 0-d tensor' });
  const d = normDim(op, dim, input.shape.length);
  const n = input.shape[d]!;
  if (n === 0) return splitSizes(input, new Array<number>(chunks).fill(0), d);
  const size = Math.ceil(n / chunks);
  const sizes: number[] = [];
  for (let s = 0; s < n; s += size) sizes.push(Math.min(size, n - s));
  return splitSizes(input, sizes, d);
}
