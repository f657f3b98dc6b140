/**
 * Shapes: broadcasting, strides, and the one output-size formula of convolution and pooling that
 * kernels, the model summary and error messages all share.
 */
import { ShapeError, ValueError, fmtShape, fmtValue } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy/PyTorch broadcasting of two shapes; throws a ShapeError naming the op. */
export function broadcastShapes(op: string, a: Shape, b: Shape, argA = 'input', argB = 'other'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError({
        op,
        arg: argB,
        expected: `a shape broadcastable with ${argA} ${fmtShape(a)}`,
        got: fmtShape(b),
        message: `${op}: shapes ${fmtShape(a)} (${argA}) and ${fmtShape(b)} (${argB}) cannot be broadcast: dimension ${i - n} is ${da} vs ${db}`,
      });
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * For each output element index of `outShape`, the strides to walk `inShape` broadcast to it
 * (0 where the input dimension is 1 or missing).
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const st = stridesOf(inShape);
  const off = outShape.length - inShape.length;
  return outShape.map((_, i) => (i < off || inShape[i - off] === 1 ? 0 : st[i - off]!));
}

/** Normalises a negative dimension index and checks range. */
export function normDim(op: string, dim: number, rank: number, arg = 'dim'): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new ValueError({
      op,
      arg,
      expected: `an integer in [${-r}, ${r - 1}] for a tensor of rank ${rank}`,
      got: fmtValue(dim),
    });
  }
  return dim < 0 ? dim + r : dim;
}

/**
 * The output length of a convolution or pooling window along one dimension (PyTorch's rule):
 *   out = floor((in + padBefore + padAfter - dilation*(kernel-1) - 1) / stride) + 1
 * With ceilMode the division rounds up (PyTorch's pooling_output_shape adds stride - 1 and divides
 * rounding towards -infinity, so a window larger than the input still gives one output), but a
 * last window that would start inside the right padding is dropped: if (out-1)*stride >=
 * in + padBefore, then out -= 1.
 */
export function convOutSize(
  inSize: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  ceilMode = false,
): number {
  const span = inSize + padBefore + padAfter - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.floor((span + stride - 1) / stride) + 1;
  if (lastWindowDropped(inSize, stride, padBefore, out)) out -= 1;
  return out;
}

/** Ceil mode's exception: the last window would start in the right padding (so it is dropped). */
function lastWindowDropped(inSize: number, stride: number, padBefore: number, ceilOut: number): boolean {
  return ceilOut > 1 && (ceilOut - 1) * stride >= inSize + padBefore;
}

/**
 * The same formula written out with numbers substituted, for error messages and `explain`. In
 * ceil mode a dropped last window shows as `ceil(...) - 1`, so the text always evaluates to the size.
 */
export function convOutFormula(
  inSize: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
  ceilMode = false,
): string {
  const pad = padBefore === padAfter ? `2*${padBefore}` : `${padBefore} + ${padAfter}`;
  const fl = ceilMode ? 'ceil' : 'floor';
  const out = convOutSize(inSize, kernel, stride, padBefore, padAfter, dilation, ceilMode);
  const span = inSize + padBefore + padAfter - dilation * (kernel - 1) - 1;
  const dropped = ceilMode && lastWindowDropped(inSize, stride, padBefore, Math.floor((span + stride - 1) / stride) + 1);
  return `${fl}((${inSize} + ${pad} - ${dilation}*(${kernel}-1) - 1)/${stride} + 1)${dropped ? ' - 1' : ''} = ${out}`;
}

/**
 * The output length of a transposed convolution along one dimension (PyTorch's rule):
 *   out = (in - 1)*stride - 2*padding + dilation*(kernel-1) + outputPadding + 1
 */
export function convTransposeOutSize(inSize: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (inSize - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/** The transposed rule written out with numbers substituted, for error messages and `explain`. */
export function convTransposeOutFormula(inSize: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): string {
  const out = convTransposeOutSize(inSize, kernel, stride, padding, dilation, outputPadding);
  return `(${inSize}-1)*${stride} - 2*${padding} + ${dilation}*(${kernel}-1) + ${outputPadding} + 1 = ${out}`;
}

/** Accepts an int or a tuple of `n` ints (PyTorch's `_ntuple`) and checks each value. */
export function ntuple(
  op: string,
  arg: string,
  v: unknown,
  n: number,
  check: 'positive' | 'nonnegative' | 'any' = 'positive',
): number[] {
  const arr = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  const what = check === 'positive' ? 'positive integer' : check === 'nonnegative' ? 'non-negative integer' : 'integer';
  if (!Array.isArray(arr) || arr.length !== n) {
    throw new ValueError({ op, arg, expected: `a ${what} or an array of ${n} ${what}s`, got: fmtValue(v) });
  }
  for (const x of arr) {
    const ok =
      typeof x === 'number' && Number.isInteger(x) && (check === 'any' || (check === 'positive' ? x > 0 : x >= 0));
    if (!ok) throw new ValueError({ op, arg, expected: `a ${what} or an array of ${n} ${what}s`, got: fmtValue(v) });
  }
  return arr as number[];
}

export function checkFinite(op: string, arg: string, v: unknown, expected = 'a finite number'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ValueError({ op, arg, expected, got: fmtValue(v) });
  return v;
}
