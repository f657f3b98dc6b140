/**
 * Element-wise WebGPU kernels against the reference: broadcasting, int32, 0-d and empty tensors,
 * and the special values (NaN, ±Infinity, ±0) each op treats in its own way.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { checkOnGpu } from './webgpu_check.js';

const r = (...s: number[]): ck.Tensor => ck.randn(s);
const t = (v: number[], dtype: ck.DType = 'float32'): ck.Tensor => ck.tensor(v, { dtype });
const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3, NaN, Infinity, -Infinity, 1e-30, -1e30, 2.5, 1.5, -0.5];
const pos = (...s: number[]): ck.Tensor => ck.add(ck.rand(s), 0.05);

/** Runs `fn` on the reference and replays it; `op` must have run on the GPU. */
function gpuCase(name: string, op: string, fn: () => unknown, rtol?: number): void {
  it(name, async () => {
    const { ran, declined } = await checkOnGpu(fn, rtol);
    assert.ok(ran.includes(op), `${op} did not run on the GPU (ran: ${ran.join(', ')}; declined: ${declined.join(', ')})`);
  });
}

describe('webgpu element-wise', () => {
  describe('binary arithmetic with broadcasting', () => {
    for (const [name, fn] of [['add', ck.add], ['sub', ck.sub], ['mul', ck.mul], ['div', ck.div], ['maximum', ck.maximum], ['minimum', ck.minimum]] as const) {
      gpuCase(`${name}: same shape`, name, () => fn(r(3, 5), r(3, 5)));
      gpuCase(`${name}: (4,1,3) with (2,1)`, name, () => fn(r(4, 1, 3), r(2, 1)));
      gpuCase(`${name}: tensor with a number`, name, () => fn(r(7), 2.5));
      gpuCase(`${name}: special values against each other`, name, () => fn(t(SPECIAL).reshape([15, 1]), t(SPECIAL).reshape([1, 15])));
    }
    gpuCase('add with alpha', 'addAlpha', () => ck.add(r(2, 3), r(3), { alpha: -1.5 }));
    gpuCase('int32 add with broadcasting', 'add', () => ck.add(t([1, -2, 3, 2147483647], 'int32').reshape([4, 1]), t([5, -7], 'int32')));
    gpuCase('int32 mul, sub, maximum', 'mul', () => [ck.mul(t([3, -4], 'int32'), t([-5, 6], 'int32')), ck.sub(t([1], 'int32'), t([9], 'int32')), ck.maximum(t([1, 8], 'int32'), t([4, 2], 'int32'))]);
    gpuCase('int32 alpha', 'addAlpha', () => ck.sub(t([1, 2], 'int32'), t([3, 4], 'int32'), { alpha: 3 }));
    gpuCase('0-d operands', 'mul', () => ck.mul(ck.tensor(3), ck.tensor(-2)));
    gpuCase('empty operands', 'add', () => ck.add(r(0, 3), r(1, 3)));
    gpuCase('six broadcast dimensions that do not coalesce', 'add', () => ck.add(r(2, 1, 3, 1, 2, 1), r(1, 2, 1, 3, 1, 2)));
  });

  describe('comparisons (int32 0/1)', () => {
    for (const [name, fn] of [['eq', ck.eq], ['ne', ck.ne], ['lt', ck.lt], ['le', ck.le], ['gt', ck.gt], ['ge', ck.ge]] as const) {
      gpuCase(`${name}: special values, broadcast`, name, () => fn(t(SPECIAL).reshape([15, 1]), t(SPECIAL)));
    }
    gpuCase('int32 comparison', 'lt', () => ck.lt(t([1, 5, -3], 'int32'), t([2, 5, -4], 'int32')));
  });

  describe('pow', () => {
    gpuCase('pow: special bases and exponents (Math.pow rules)', 'pow', () => ck.pow(t(SPECIAL).reshape([15, 1]), t([0, -0, 1, 2, 3, -1, -2, 0.5, -0.5, 2.5, NaN, Infinity, -Infinity])));
    gpuCase('pow: random positive bases', 'pow', () => ck.pow(pos(20), r(20)), 1e-5);
    for (const c of [2, 3, 1, 0.5, -1.5, 4]) gpuCase(`powScalar ${c}`, 'powScalar', () => ck.pow(t(SPECIAL), c), 1e-5);
  });

  describe('unary maths', () => {
    const domains: [string, (x: ck.Tensor) => ck.Tensor, () => ck.Tensor][] = [
      ['neg', ck.neg, () => t(SPECIAL)],
      ['exp', ck.exp, () => ck.mul(r(50), 10)],
      ['log', ck.log, () => ck.mul(pos(50), 100)],
      ['sqrt', ck.sqrt, () => ck.mul(pos(50), 100)],
      ['rsqrt', ck.rsqrt, () => pos(50)],
      ['abs', ck.abs, () => t(SPECIAL)],
      ['sign', ck.sign, () => t(SPECIAL)],
      ['square', ck.square, () => r(50)],
      ['reciprocal', ck.reciprocal, () => r(50)],
      ['sin', ck.sin, () => ck.mul(r(50), 3)],
      ['cos', ck.cos, () => ck.mul(r(50), 3)],
      ['log1p', ck.log1p, () => t([1e-7, -1e-7, 3e-5, 0.3, -0.5, 10, 0, -0, -1])],
      ['expm1', ck.expm1, () => t([1e-7, -1e-7, 3e-5, 0.3, -0.5, 10, 0, -30])],
      ['floor', ck.floor, () => t(SPECIAL)],
      ['ceil', ck.ceil, () => t(SPECIAL)],
    ];
    for (const [name, fn, x] of domains) gpuCase(name, name, () => fn(x()), 1e-5);
    gpuCase('special values through exp, log, sqrt', 'exp', () => [ck.exp(t(SPECIAL)), ck.log(t(SPECIAL)), ck.sqrt(t(SPECIAL))]);
    gpuCase('int32 neg, abs, sign, square, floor', 'abs', () => {
      const i = t([3, -4, 0, 7], 'int32');
      return [ck.neg(i), ck.abs(i), ck.sign(i), ck.square(i), ck.floor(i)];
    });
    gpuCase('round half to even', 'round', () => ck.round(t([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 3.7, NaN, -Infinity])));
    gpuCase('round to 2 decimals and to tens', 'round', () => [ck.round(t([1.235, 2.675, -0.125, 3.14159]), { decimals: 2 }), ck.round(t([15, 25, 149, -35]), { decimals: -1 })]);
  });

  describe('where and clamp', () => {
    gpuCase('where with an int32 condition, broadcast', 'where', () => ck.where(t([1, 0, 1], 'int32'), r(2, 3), r(2, 1)));
    gpuCase('where with a float condition (-0 and NaN count as 0 and non-zero)', 'where', () => ck.where(t([0, -0, NaN, 2]), t([1, 2, 3, 4]), 9));
    gpuCase('where with int32 branches', 'where', () => ck.where(t([0, 1], 'int32'), t([5, 6], 'int32'), t([7, 8], 'int32')));
    gpuCase('clamp both sides, NaN kept', 'clamp', () => ck.clamp(t(SPECIAL), -1, 2));
    gpuCase('clamp min only, max only, min > max', 'clamp', () => [ck.clamp(t(SPECIAL), { min: 0 }), ck.clamp(t(SPECIAL), { max: 0 }), ck.clamp(t(SPECIAL), 3, 1)]);
    gpuCase('clamp with tensor bounds, broadcast', 'clampTensor', () => ck.clamp(r(3, 4), ck.mul(pos(4), -1), pos(3, 1)));
  });
});
