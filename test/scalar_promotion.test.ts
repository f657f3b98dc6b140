/**
 * A JavaScript number meeting an int32 tensor follows PyTorch's rule for Python scalars: a
 * non-integer number makes the op compute in float32; an integer keeps int32; an integer outside
 * int32's range is refused. Every op that takes a number next to a tensor is checked here
 * (expected values are exact: the results are representable in float32).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { ValueError, DTypeError, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { assertThrowsTyped } from './helpers.js';

const i32 = (v: number[]): Tensor => tensor(v, { dtype: 'int32' });
const vals = (t: Tensor): number[] => Array.from(t.data);
const is = (t: Tensor, dtype: string, v: number[]): void => {
  assert.equal(t.dtype, dtype);
  assert.deepEqual(vals(t), v);
};

describe('int32 tensor with a JavaScript number (PyTorch scalar promotion)', () => {
  const x = i32([3, 5]);

  it('arithmetic with a non-integer number computes in float32', () => {
    is(ck.mul(x, 0.5), 'float32', [1.5, 2.5]);
    is(ck.mul(0.5, x), 'float32', [1.5, 2.5]);
    is(ck.add(x, 1.5), 'float32', [4.5, 6.5]);
    is(ck.add(x, 1.7), 'float32', [Math.fround(4.7), Math.fround(6.7)]);
    is(ck.sub(x, 0.5), 'float32', [2.5, 4.5]);
    is(ck.sub(0.5, x), 'float32', [-2.5, -4.5]);
    is(ck.div(x, 0.5), 'float32', [6, 10]);
    is(ck.add(x, 1.5, { alpha: 2 }), 'float32', [6, 8]);
    is(x.mul(0.25), 'float32', [0.75, 1.25]);
  });

  it('integer numbers keep int32', () => {
    is(ck.add(x, 2), 'int32', [5, 7]);
    is(ck.mul(x, 3.0), 'int32', [9, 15]);
    is(ck.sub(10, x), 'int32', [7, 5]);
    is(ck.add(i32([0]), -2147483648), 'int32', [-2147483648]);
  });

  it('true division of int32 gives float32, as torch.div', () => {
    is(ck.div(x, 2), 'float32', [1.5, 2.5]);
    is(ck.div(x, i32([2, 4])), 'float32', [1.5, 1.25]);
    is(ck.div(6, i32([4])), 'float32', [1.5]);
  });

  it('NaN and infinities are floats', () => {
    assert.ok(Number.isNaN(ck.add(x, NaN).data[0]));
    assert.equal(ck.add(x, NaN).dtype, 'float32');
    is(ck.mul(x, Infinity), 'float32', [Infinity, Infinity]);
  });

  it('comparisons compare with the exact number', () => {
    is(ck.lt(x, 4.5), 'int32', [1, 0]);
    is(ck.gt(x, 4.5), 'int32', [0, 1]);
    is(ck.le(x, 3.5), 'int32', [1, 0]);
    is(ck.ge(x, 3.5), 'int32', [0, 1]);
    is(ck.eq(x, 3.5), 'int32', [0, 0]);
    is(ck.ne(x, 3.5), 'int32', [1, 1]);
    is(ck.eq(x, 3), 'int32', [1, 0]);
    is(x.lt(3.001), 'int32', [1, 0]);
  });

  it('maximum, minimum, where, clamp and pow', () => {
    is(ck.maximum(x, 4.5), 'float32', [4.5, 5]);
    is(ck.minimum(4.5, x), 'float32', [3, 4.5]);
    is(ck.where(i32([1, 0]), x, 0.5), 'float32', [3, 0.5]);
    is(ck.where(i32([1, 0]), 0.5, x), 'float32', [0.5, 5]);
    is(ck.where(i32([1, 0]), x, 7), 'int32', [3, 7]);
    is(ck.clamp(x, 3.5), 'float32', [3.5, 5]);
    is(ck.clamp(x, { max: 4.5 }), 'float32', [3, 4.5]);
    is(ck.clamp(x, { min: -Infinity }), 'float32', [3, 5]);
    is(ck.clamp(x, 4), 'int32', [4, 5]);
    is(ck.pow(i32([4, 9]), 0.5), 'float32', [2, 3]);
  });

  it('refuses integers that int32 cannot hold instead of wrapping around', () => {
    assertThrowsTyped(() => ck.add(x, 3e9), ValueError, "add: other 3000000000 does not fit in int32, the dtype of the tensor it meets; convert the tensor with .to('float64') first");
    assertThrowsTyped(() => ck.mul(-2147483649, x), ValueError, /mul: input -2147483649 does not fit in int32/);
    assertThrowsTyped(() => ck.lt(x, 2 ** 40), ValueError, /lt: other 1099511627776 does not fit in int32/);
  });

  it('fills and pad values that an int32 tensor cannot hold unchanged are refused', () => {
    assertThrowsTyped(() => ck.full([2], 0.5, { dtype: 'int32' }), ValueError, 'full: value 0.5 cannot be stored in an int32 tensor unchanged; pass an integer or use a float dtype');
    assertThrowsTyped(() => ck.full([2], NaN, { dtype: 'int32' }), ValueError, /full: value NaN cannot be stored/);
    assertThrowsTyped(() => ck.fullLike(x, 2.5), ValueError, /full: value 2.5 cannot be stored/);
    assertThrowsTyped(() => ck.pad(i32([1, 2]), [1, 1], { value: 0.5 }), ValueError, 'pad: options.value 0.5 cannot be stored in an int32 tensor unchanged; pass an integer or use a float dtype');
    is(ck.pad(i32([1, 2]), [1, 1], { value: 7 }), 'int32', [7, 1, 2, 7]);
    is(ck.full([2], 7, { dtype: 'int32' }), 'int32', [7, 7]);
  });

  it('in-place ops refuse a number that would promote an int32 self, and leave it unchanged', () => {
    const y = i32([3, 5]);
    assertThrowsTyped(() => y.mul_(0.5), DTypeError, "mul_: with 0.5 the result is float32 (PyTorch's scalar promotion), which cannot be stored in the int32 self in place; use mul() for a new tensor, or convert self with .to('float32') first");
    assertThrowsTyped(() => y.add_(1.5), DTypeError, /add_: with 1\.5 the result is float32/);
    assertThrowsTyped(() => y.sub_(NaN), DTypeError, /add_: with NaN the result is float32/);
    assertThrowsTyped(() => y.add_(1, { alpha: 0.5 }), DTypeError, 'add_: options.alpha must be an integer for an int32 self, got 0.5');
    assert.deepEqual(vals(y), [3, 5]);
    is(y.mul_(2), 'int32', [6, 10]);
  });

  it('float tensors are unchanged by the rule', () => {
    const f = tensor([1, 2], { dtype: 'float64' });
    is(ck.mul(f, 0.1), 'float64', [0.1, 0.2]);
    is(ck.add(tensor([1.5]), 2), 'float32', [3.5]);
    // tensors of different dtypes are still never mixed silently
    assertThrowsTyped(() => ck.add(x, tensor([0.5, 0.5])), DTypeError, /add: mixed dtypes: input is int32 but other is float32/);
  });
});
