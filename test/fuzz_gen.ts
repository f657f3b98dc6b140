/**
 * Building blocks of the invalid-input fuzz test (test/fuzz.test.ts): a seeded picker, tiny tensor
 * makers and pools of values that are invalid for a given kind of argument (in PyTorch too).
 */
import * as ck from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';

/** One random invalid call: a short description and the call itself. */
export interface Mutant {
  what: string;
  call: () => unknown;
}

/** Makes one random invalid mutation of a valid call. */
export type Maker = (r: Rng) => Mutant;

/** An op under test: a valid base call and makers of invalid single mutations of it. */
export interface Spec {
  op: string;
  base: () => unknown;
  muts: readonly Maker[];
}

export class Rng {
  private g: ck.Generator;
  constructor(seed: number) {
    this.g = new ck.Generator(seed);
  }
  int(lo: number, hi: number): number {
    return this.g.int(lo, hi);
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from empty list');
    return xs[this.g.int(0, xs.length)]!;
  }
}

/** Small random float tensor (data drawn from the default generator, seeded by the test). */
export function T(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return ck.randn([...shape], { dtype });
}

/** Small int32 tensor with values in [lo, hi). */
export function I(shape: readonly number[], hi: number, lo = 0): Tensor {
  return ck.randint(lo, hi, [...shape]);
}

/** A tensor of probabilities in (0, 1). */
export function P(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return ck.sigmoid(T(shape, dtype));
}

/** Values that are not tensors (for a required Tensor argument). */
/** A plain object that looks like a tensor (shape, dtype, data) but is not one. */
export const FAKE_TENSOR: unknown = { shape: [2, 3], dtype: 'float32', data: new Float32Array(6), numel: 6 };
export const NON_TENSORS: readonly unknown[] = [3, 0.5, [1, 2], [[1]], undefined, null, {}, 'x', true, () => 1, FAKE_TENSOR];
/** Not tensors and not numbers (for TensorLike arguments where a plain number is legal). */
export const NON_TENSOR_LIKE: readonly unknown[] = [[1, 2], undefined, null, {}, 'x', FAKE_TENSOR];
/** Not tensors, and not null/undefined/options objects (for an optional bias/weight slot). */
export const BAD_OPTIONAL_TENSOR: readonly unknown[] = [3, [1, 2], 'x', true, FAKE_TENSOR];
/** Invalid for a positive-integer option (stride, dilation, kernel size, groups...). */
export const BAD_POSITIVE: readonly unknown[] = [0, -1, -3, 1.5, NaN, Infinity, -Infinity, 'x', '2', {}];
/** Invalid for a non-negative integer option (padding). */
export const BAD_NONNEG: readonly unknown[] = [-1, -2, 1.5, NaN, Infinity, 'x', {}];
/** Invalid for a finite real option (eps, momentum, slopes...). */
export const BAD_FINITE: readonly unknown[] = [NaN, 'x', '1', [], {}];
/** Invalid for a boolean option. */
export const BAD_BOOL: readonly unknown[] = ['x', 'true', NaN, {}, []];
/** Invalid for an integer dim/index argument regardless of range. */
export const BAD_INT: readonly unknown[] = [1.5, NaN, Infinity, -Infinity, 'x', '0', {}, [0.5]];
/** Misspelt / unknown option keys. */
export const UNKNOWN_KEYS: readonly string[] = ['strides', 'foo', 'Padding', 'keep_dim', 'kernel_size', 'dim'];
/** Invalid enum strings. */
export const BAD_ENUM: readonly unknown[] = ['bogus', '', 'MEAN', 'Zeros', 3, NaN, true];

/** An options object with one unknown key added to `base`. */
export function withUnknown(r: Rng, base: Record<string, unknown> = {}): Record<string, unknown> {
  const k = r.pick(UNKNOWN_KEYS.filter((u) => !(u in base)));
  return { ...base, [k]: 1 };
}

/** Array of `n` copies of `v`, with one entry replaced by `bad` (all-bad when n = 1). */
export function tupleWithBad(r: Rng, n: number, v: number, bad: unknown): unknown[] {
  const a: unknown[] = new Array<unknown>(n).fill(v);
  a[r.int(0, n)] = bad;
  return a;
}

/** An array of the wrong length (0 or n+1) for an n-tuple option. */
export function wrongLength(r: Rng, n: number, v = 1): number[] {
  return r.pick([0, n + 1, n + 2]) === 0 ? [] : new Array<number>(r.pick([n + 1, n + 2])).fill(v);
}

/** A value for a positive-int-or-tuple option that is invalid: bad scalar, bad entry, or bad length. */
export function badPositiveTuple(r: Rng, n: number, allowZero = false, allowEmpty = true): unknown {
  const pool = BAD_POSITIVE.filter((b) => !(allowZero && b === 0));
  const k = r.int(0, 3);
  if (k === 0) return r.pick(pool);
  if (k === 1) return tupleWithBad(r, n, 1, r.pick(pool.filter((b) => typeof b === 'number')));
  const w = wrongLength(r, n);
  return w.length === 0 && !allowEmpty ? [1, 1, 1, 1] : w;
}

/** Same for non-negative (padding) options. */
export function badNonnegTuple(r: Rng, n: number): unknown {
  const k = r.int(0, 3);
  if (k === 0) return r.pick(BAD_NONNEG);
  if (k === 1) return tupleWithBad(r, n, 0, r.pick(BAD_NONNEG.filter((b) => typeof b === 'number')));
  return wrongLength(r, n, 0);
}

/** The other float dtype. */
export function otherDtype(d: DType): DType {
  return d === 'float32' ? 'float64' : 'float32';
}

/** `fn` called with untyped arguments: the fuzz test deliberately passes values TypeScript forbids. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately untyped: the point is to pass invalid arguments
export type Loose = (...args: any[]) => unknown;
export function loose(fn: unknown): Loose {
  return fn as Loose;
}
