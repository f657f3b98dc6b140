/**
 * Element-wise ops: hand-derived values and gradients (integer inputs, PyTorch's choices at
 * ties and boundaries), pinned error messages, and float64 gradcheck / vjp dot-product / double
 * backward on random configurations of every differentiable op.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { assertThrowsTyped, describeBackends, onBackend } from './helpers.js';
import type { Fn } from './elementwise_check.js';
import { assertDiagHessian, checkGradients, f64, rnd, uni } from './elementwise_check.js';

const arr = (t: Tensor): number[] => [...t.data];
const shp = (t: Tensor): number[] => [...t.shape];
const i32 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'int32' });
/** Gradients of sum(f(xs)) w.r.t. every input. */
const gsum = (f: Fn, ...xs: Tensor[]): number[][] => {
  const gs = ck.grad((...ys: Tensor[]) => ck.sum(f(...ys)), xs.map((_, i) => i))(...xs) as Tensor[];
  return gs.map(arr);
};

describeBackends('elementwise', (b) => {
  const t = (name: string, fn: () => void): void => {
    it(name, () => onBackend(b, fn));
  };

  // ---- exact values ---------------------------------------------------------------------------

  t('add/sub with alpha, broadcasting, numbers and int32', () => {
    const x = tensor([[1, 2], [3, 4]]);
    const y = tensor([10, 20]);
    assert.deepEqual(arr(ck.add(x, y, { alpha: 2 })), [21, 42, 23, 44]);
    assert.deepEqual(arr(ck.sub(x, y, { alpha: 0.5 })), [-4, -8, -2, -6]);
    assert.deepEqual(arr(ck.add(x, 3, { alpha: -1 })), [-2, -1, 0, 1]);
    assert.deepEqual(arr(ck.add(i32([1, 2]), i32([3, 4]), { alpha: 3 })), [10, 14]);
    assert.equal(ck.add(i32([1, 2]), i32([3, 4]), { alpha: 3 }).dtype, 'int32');
    // d/dother of x + alpha·other is alpha, summed over the broadcast rows
    assert.deepEqual(gsum((a, c) => ck.sub(a, c, { alpha: 3 }), x, y), [[1, 1, 1, 1], [-6, -6]]);
  });

  t('unary maths on exact points', () => {
    const x = tensor([-2, -1, 0, 1, 4]);
    assert.deepEqual(arr(ck.abs(x)), [2, 1, 0, 1, 4]);
    assert.deepEqual(arr(ck.sign(tensor([-3, -0, 0, 2.5, NaN]))), [-1, 0, 0, 1, 0]);
    assert.deepEqual(arr(ck.square(x)), [4, 1, 0, 1, 16]);
    assert.deepEqual(arr(ck.sqrt(tensor([0, 1, 4, 9]))), [0, 1, 2, 3]);
    assert.deepEqual(arr(ck.rsqrt(tensor([1, 4, 0.25]))), [1, 0.5, 2]);
    assert.deepEqual(arr(ck.reciprocal(tensor([2, -4, 0]))), [0.5, -0.25, Infinity]);
    assert.deepEqual(arr(ck.exp(f64([0]))), [1]);
    assert.deepEqual(arr(ck.log(tensor([1, 0, -1]))), [0, -Infinity, NaN]);
    assert.deepEqual(arr(ck.sin(f64([0]))), [0]);
    assert.deepEqual(arr(ck.cos(f64([0]))), [1]);
    assert.deepEqual(arr(ck.log1p(f64([0, 1e-20]))), [0, 1e-20]);
    assert.deepEqual(arr(ck.expm1(f64([0, 1e-20]))), [0, 1e-20]);
    assert.deepEqual(arr(ck.abs(i32([-3, 0, 2]))), [3, 0, 2]);
    assert.deepEqual(arr(ck.square(i32([-3, 5]))), [9, 25]);
  });

  t('floor, ceil and round (half to even, decimals) have zero gradient', () => {
    const x = tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -3.7]);
    assert.deepEqual(arr(ck.round(x)), [-2, -2, -0, 0, 2, 2, 0, -4]);
    assert.deepEqual(arr(ck.floor(x)), [-3, -2, -1, 0, 1, 2, 0, -4]);
    assert.deepEqual(arr(ck.ceil(x)), [-2, -1, -0, 1, 2, 3, 1, -3]);
    assert.deepEqual(arr(ck.round(f64([1.25, 1.35, 1234.5]), { decimals: 1 })), [1.2, 1.4, 1234.5]);
    assert.deepEqual(arr(ck.round(f64([1250, 1350, -49]), { decimals: -2 })), [1200, 1400, -0]);
    for (const f of [ck.floor, ck.ceil, ck.round, ck.sign] as Fn[]) {
      const [g] = gsum((a) => ck.mul(f(a), a), x);
      assert.deepEqual(g, arr(f(x)), 'd/dx f(x)·x = f(x) when f has zero gradient');
    }
  });

  t('pow: values, gradients and PyTorch’s zeros at 0^0', () => {
    const base = f64([2, 3, 0, 0, 4]);
    const e = f64([3, 2, 0, 2, 0.5]);
    assert.deepEqual(arr(ck.pow(base, e)), [8, 9, 1, 0, 2]);
    const [gb, ge] = gsum(ck.pow, base, e);
    // d/dbase = e·b^(e-1) (0 where e == 0); d/de = b^e·ln b (0 where b == 0 and e >= 0)
    assert.deepEqual(gb, [12, 6, 0, 0, 0.25]);
    assert.deepEqual(ge, [8 * Math.log(2), 9 * Math.log(3), 0, 0, 2 * Math.log(4)]);
    assert.deepEqual(arr(ck.pow(f64([2, -3]), 3)), [8, -27]);
    assert.deepEqual(gsum((a) => ck.pow(a, 3), f64([2, -3]))[0], [12, 27]);
    assert.deepEqual(gsum((a) => ck.pow(a, 0), f64([0, 5]))[0], [0, 0]);
    assert.deepEqual(arr(ck.pow(2, f64([0, 1, 3]))), [1, 2, 8]);
    assert.deepEqual(gsum((a) => ck.pow(0, a), f64([0, 1, 2]))[0], [0, 0, 0]);
    assert.deepEqual(shp(ck.pow(f64([[2], [3]]), f64([1, 2, 3]))), [2, 3]);
  });

  t('clamp: values and PyTorch’s gradient (boundaries included) for number bounds', () => {
    const x = tensor([0, 1, 2, 3]);
    assert.deepEqual(arr(ck.clamp(x, { min: 1, max: 2 })), [1, 1, 2, 2]);
    assert.deepEqual(arr(ck.clamp(x, 1, 2)), [1, 1, 2, 2]);
    assert.deepEqual(gsum((a) => ck.clamp(a, { min: 1, max: 2 }), x)[0], [0, 1, 1, 0]);
    assert.deepEqual(gsum((a) => ck.clamp(a, { min: 1 }), x)[0], [0, 1, 1, 1]);
    assert.deepEqual(gsum((a) => ck.clamp(a, null, 2), x)[0], [1, 1, 1, 0]);
    // min > max: every element becomes max and no gradient reaches the input
    assert.deepEqual(arr(ck.clamp(x, { min: 2, max: 1 })), [1, 1, 1, 1]);
    assert.deepEqual(gsum((a) => ck.clamp(a, { min: 2, max: 1 }), x)[0], [0, 0, 0, 0]);
    assert.deepEqual(arr(ck.clamp(tensor([NaN, 5]), { max: 1 })), [NaN, 1]);
    assert.deepEqual(arr(ck.clamp(i32([-5, 0, 5]), -1, 1)), [-1, 0, 1]);
  });

  t('clamp with tensor bounds: broadcast values and the gradients of input, min and max', () => {
    const x = tensor([0, 1, 2, 3]);
    const lo = tensor([1, 1, 1, 1]);
    const hi = tensor([2]);
    assert.deepEqual(arr(ck.clamp(x, lo, hi)), [1, 1, 2, 2]);
    assert.deepEqual(gsum((a, l, h) => ck.clamp(a, l, h), x, lo, hi), [[0, 1, 1, 0], [1, 0, 0, 0], [1]]);
    // min > max: max wins, the gradient goes to max only
    assert.deepEqual(gsum((a, l, h) => ck.clamp(a, l, h), x, tensor([2, 2, 2, 2]), tensor([1, 1, 1, 1])), [[0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 1, 1]]);
    assert.deepEqual(gsum((a, l) => ck.clamp(a, { min: l }), x, lo), [[0, 1, 1, 1], [1, 0, 0, 0]]);
    assert.deepEqual(gsum((a, h) => ck.clamp(a, { max: h }), x, hi), [[1, 1, 1, 0], [1]]);
    assert.deepEqual(arr(ck.clamp(x, 1, tensor([[2], [0]]))), [1, 1, 2, 2, 0, 0, 0, 0]);
  });

  t('maximum/minimum split the gradient at ties, and propagate NaN', () => {
    const a = tensor([1, 2, 3]);
    const c = tensor([1, 3, 2]);
    assert.deepEqual(arr(ck.maximum(a, c)), [1, 3, 3]);
    assert.deepEqual(arr(ck.minimum(a, c)), [1, 2, 2]);
    assert.deepEqual(gsum(ck.maximum, a, c), [[0.5, 0, 1], [0.5, 1, 0]]);
    assert.deepEqual(gsum(ck.minimum, a, c), [[0.5, 1, 0], [0.5, 0, 1]]);
    assert.deepEqual(arr(ck.maximum(tensor([NaN, 1]), tensor([0, NaN]))), [NaN, NaN]);
    assert.deepEqual(arr(ck.minimum(tensor([NaN, 1]), tensor([0, NaN]))), [NaN, NaN]);
    assert.deepEqual(arr(ck.max(a, c)), [1, 3, 3]);
    assert.deepEqual(arr(ck.min(a, c)), [1, 2, 2]);
    assert.deepEqual(arr(ck.maximum(i32([1, 5]), i32([3, 2]))), [3, 5]);
  });

  t('where broadcasts condition, input and other; numbers adopt the dtype', () => {
    const cond = i32([1, 0, 2]);
    const y = ck.where(cond, tensor([[1], [2]]), tensor(-1));
    assert.deepEqual(shp(y), [2, 3]);
    assert.deepEqual(arr(y), [1, -1, 1, 2, -1, 2]);
    assert.deepEqual(arr(ck.where(tensor([0.5, 0, NaN]), 7, f64([1, 2, 3]))), [7, 2, 7]);
    assert.equal(ck.where(cond, 7, f64([1])).dtype, 'float64');
    assert.equal(ck.where(cond, 1, 0).dtype, 'float32');
    const [ga, gc] = gsum((p, q) => ck.where(cond, p, q), tensor([[1], [2]]), tensor([5, 6, 7]));
    assert.deepEqual(ga, [2, 2]);
    assert.deepEqual(gc, [0, 2, 0]);
  });

  t('comparisons return int32 0/1 with broadcasting; NaN compares unequal', () => {
    const a = tensor([1, 2, NaN]);
    const c = tensor([2, 2, NaN]);
    const table: [(p: Tensor, q: Tensor | number) => Tensor, number[]][] = [
      [ck.eq, [0, 1, 0]],
      [ck.ne, [1, 0, 1]],
      [ck.lt, [1, 0, 0]],
      [ck.le, [1, 1, 0]],
      [ck.gt, [0, 0, 0]],
      [ck.ge, [0, 1, 0]],
    ];
    for (const [f, want] of table) {
      const r = f(a, c);
      assert.equal(r.dtype, 'int32');
      assert.deepEqual(arr(r), want, f.name);
      assert.equal(r.requiresGrad, false);
    }
    assert.deepEqual(arr(ck.gt(tensor([[1], [3]]), tensor([0, 2, 4]))), [1, 0, 0, 1, 1, 0]);
    assert.deepEqual(arr(ck.le(i32([1, 2, 3]), 2)), [1, 1, 0]);
    const x = tensor([1, 2], { requiresGrad: true });
    assert.equal(ck.lt(x, 2).requiresGrad, false);
  });

  // ---- errors ---------------------------------------------------------------------------------

  t('errors name the op, the argument, the expectation and the value', () => {
    const x = tensor([1, 2, 3]);
    const x64 = f64([1, 2, 3]);
    assertThrowsTyped(() => ck.exp(i32([1])), DTypeError, 'exp: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.log(i32([1])), DTypeError, 'log: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.sqrt(5 as unknown as Tensor), ValueError, 'sqrt: input must be a Tensor, got 5');
    assertThrowsTyped(() => ck.add(x, x, { alpha: NaN }), ValueError, 'add: options.alpha must be a finite number, got NaN');
    assertThrowsTyped(() => ck.sub(x, x, { alhpa: 2 } as ck.AlphaOptions), ValueError, 'sub: unknown option "alhpa" (allowed: alpha)');
    assertThrowsTyped(() => ck.add(i32([1]), i32([1]), { alpha: 0.5 }), ValueError, 'add: options.alpha must be an integer for int32 tensors, got 0.5');
    assertThrowsTyped(() => ck.add(x, x64), DTypeError, 'add: mixed dtypes: input is float32 but other is float64; convert one with .to()');
    assertThrowsTyped(() => ck.pow(x, NaN), ValueError, 'pow: exponent must be a number that is not NaN, got NaN');
    assertThrowsTyped(() => ck.pow(x, x64), DTypeError, 'pow: mixed dtypes: input is float32 but exponent is float64; convert one with .to()');
    assertThrowsTyped(() => ck.pow(i32([2]), 2), DTypeError, 'pow: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.pow(x, tensor([1, 2])), ShapeError, 'pow: shapes [3] (input) and [2] (exponent) cannot be broadcast: dimension -1 is 3 vs 2');
    assertThrowsTyped(() => ck.clamp(x), ValueError, 'clamp: at least one of min and max must be given');
    assertThrowsTyped(() => ck.clamp(x, {}), ValueError, 'clamp: at least one of min and max must be given');
    assertThrowsTyped(() => ck.clamp(x, { min: NaN }), ValueError, 'clamp: min must be a number (not NaN) or a Tensor, got NaN');
    assertThrowsTyped(() => ck.clamp(x, { lo: 1 } as ck.ClampOptions), ValueError, 'clamp: unknown option "lo" (allowed: min, max)');
    assert.equal(ck.clamp(i32([1]), { max: 0.5 }).dtype, 'float32'); // PyTorch's scalar promotion (scalar_promotion.test.ts)
    assertThrowsTyped(() => ck.clamp(x, { min: 0 } as never, 1), ValueError, 'clamp: pass the bounds either in an options object or positionally, not both (got a third argument 1)');
    assertThrowsTyped(() => ck.clamp(x, x64), DTypeError, 'clamp: mixed dtypes: input is float32 but min is float64; convert one with .to()');
    assertThrowsTyped(() => ck.clamp(x, tensor([0, 1])), ShapeError, 'clamp: shapes [3] (input) and [2] (min) cannot be broadcast: dimension -1 is 3 vs 2');
    assertThrowsTyped(() => ck.maximum(tensor([[1, 2]]), tensor([1, 2, 3])), ShapeError, 'maximum: shapes [1, 2] (input) and [3] (other) cannot be broadcast: dimension -1 is 2 vs 3');
    assertThrowsTyped(() => ck.minimum(x, x64), DTypeError, 'minimum: mixed dtypes: input is float32 but other is float64; convert one with .to()');
    assertThrowsTyped(() => ck.where('yes' as unknown as Tensor, x, x), ValueError, 'where: condition must be a Tensor, got "yes"');
    assertThrowsTyped(() => ck.where(i32([1]), x, x64), DTypeError, 'where: mixed dtypes: input is float32 but other is float64; convert one with .to()');
    assertThrowsTyped(() => ck.where(i32([1, 0]), x, 0), ShapeError, 'where: shapes [2] (condition) and [3] (input) cannot be broadcast: dimension -1 is 2 vs 3');
    assertThrowsTyped(() => ck.where(i32([1]), x, 'no' as unknown as number), ValueError, 'where: other must be a Tensor or a number, got "no"');
    assertThrowsTyped(() => ck.eq(x, x64), DTypeError, 'eq: mixed dtypes: input is float32 but other is float64; convert one with .to()');
    assertThrowsTyped(() => ck.ge(3 as unknown as Tensor, x), ValueError, 'ge: input must be a Tensor, got 3');
    assertThrowsTyped(() => ck.round(x, { decimals: 1.5 }), ValueError, 'round: options.decimals must be an integer, got 1.5');
    assertThrowsTyped(() => ck.round(x, { digits: 1 } as ck.RoundOptions), ValueError, 'round: unknown option "digits" (allowed: decimals)');
  });

  // ---- gradients: gradcheck, vjp dot product, double backward ----------------------------------

  const shapes: [number[], number[]][] = [
    [[3], [3]],
    [[2, 3], [3]],
    [[2, 1, 3], [4, 1]],
    [[], [2, 2]],
  ];

  t('binary arithmetic (add/sub with alpha, mul, div): random broadcast configurations', () => {
    for (const [sa, sb] of shapes) {
      const a = rnd(sa);
      const c = uni(sb, 0.5, 2);
      checkGradients((p, q) => ck.add(p, q, { alpha: 1.5 }), [a, c], `add ${sa} ${sb}`);
      checkGradients((p, q) => ck.sub(p, q, { alpha: -2 }), [a, c], `sub ${sa} ${sb}`);
      checkGradients(ck.mul, [a, c], `mul ${sa} ${sb}`);
      checkGradients(ck.div, [a, c], `div ${sa} ${sb}`);
      checkGradients(ck.neg, [a], `neg ${sa}`);
    }
  });

  t('unary maths: gradcheck, dot product and double backward', () => {
    const specs: [string, Fn, (s: number[]) => Tensor][] = [
      ['exp', ck.exp, rnd],
      ['log', ck.log, (s) => uni(s, 0.5, 3)],
      ['sqrt', ck.sqrt, (s) => uni(s, 0.5, 3)],
      ['rsqrt', ck.rsqrt, (s) => uni(s, 0.5, 3)],
      ['abs', ck.abs, (s) => { const m = uni(s, 0.2, 2); return ck.where(ck.lt(ck.rand(s), 0.5), ck.neg(m), m); }],
      ['square', ck.square, rnd],
      ['reciprocal', ck.reciprocal, (s) => uni(s, 0.5, 3)],
      ['sin', ck.sin, rnd],
      ['cos', ck.cos, rnd],
      ['log1p', ck.log1p, (s) => uni(s, -0.5, 2)],
      ['expm1', ck.expm1, rnd],
      ['floor', ck.floor, (s) => ck.add(rnd(s), 0.5)],
      ['round', (p) => ck.round(p), (s) => ck.add(rnd(s), 0.25)],
    ];
    for (const [name, f, gen] of specs) {
      for (const s of [[4], [2, 3]]) checkGradients(f, [gen(s)], `${name} ${s}`);
    }
  });

  t('unary second derivatives are the analytic ones (hessian)', () => {
    const x = uni([3], 0.5, 2);
    assertDiagHessian(ck.exp, x, Math.exp, 'exp');
    assertDiagHessian(ck.log, x, (v) => -1 / (v * v), 'log');
    assertDiagHessian(ck.sqrt, x, (v) => -0.25 * Math.pow(v, -1.5), 'sqrt');
    assertDiagHessian(ck.rsqrt, x, (v) => 0.75 * Math.pow(v, -2.5), 'rsqrt');
    assertDiagHessian(ck.reciprocal, x, (v) => 2 / (v * v * v), 'reciprocal');
    assertDiagHessian(ck.sin, x, (v) => -Math.sin(v), 'sin');
    assertDiagHessian(ck.cos, x, (v) => -Math.cos(v), 'cos');
    assertDiagHessian(ck.log1p, x, (v) => -1 / ((1 + v) * (1 + v)), 'log1p');
    assertDiagHessian(ck.expm1, x, Math.exp, 'expm1');
    assertDiagHessian(ck.square, x, () => 2, 'square');
    assertDiagHessian((y) => ck.pow(y, 3.5), x, (v) => 3.5 * 2.5 * Math.pow(v, 1.5), 'pow scalar');
    assertDiagHessian((y) => ck.pow(2, y), x, (v) => Math.pow(2, v) * Math.LN2 * Math.LN2, 'pow number base');
  });

  t('pow in every form: gradcheck, dot product and double backward', () => {
    for (const [sa, sb] of shapes) {
      checkGradients(ck.pow, [uni(sa, 0.5, 2), rnd(sb)], `pow ${sa} ${sb}`);
    }
    for (const c of [2, 3, 0.5, -1.5, 1, 0, 2.7]) checkGradients((p) => ck.pow(p, c), [uni([2, 3], 0.5, 2)], `pow scalar ${c}`);
    checkGradients((p) => ck.pow(p, 3), [rnd([4])], 'pow scalar 3 negative bases');
    checkGradients((q) => ck.pow(1.7, q), [rnd([2, 2])], 'pow number base');
  });

  t('clamp, maximum, minimum, where: gradcheck, dot product and double backward', () => {
    // random values kept at least 0.05 from every kink: inputs at k + 0.5 ± 0.1, bounds at
    // m + 0.25 ± 0.1 (k, m integers)
    const away = (s: number[]): Tensor => ck.add(ck.add(ck.floor(uni(s, -3, 3)), 0.5), uni(s, -0.1, 0.1));
    for (const [sa, sb] of shapes) {
      const a = away(sa);
      const lo = ck.sub(away(sb), 0.25);
      const hi = ck.add(lo, 1.5);
      checkGradients((p) => ck.clamp(p, { min: -0.75, max: 1.25 }), [a], `clamp numbers ${sa}`);
      checkGradients((p) => ck.clamp(p, { min: 0.25 }), [a], `clamp min ${sa}`);
      checkGradients((p, q, r) => ck.clamp(p, q, r), [a, lo, hi], `clamp tensors ${sa} ${sb}`);
      checkGradients((p, q, r) => ck.clamp(p, r, q), [a, lo, hi], `clamp tensors min > max ${sa} ${sb}`);
      checkGradients((p, q) => ck.clamp(p, { max: q }), [a, lo], `clamp tensor max ${sa} ${sb}`);
      checkGradients(ck.maximum, [a, lo], `maximum ${sa} ${sb}`);
      checkGradients(ck.minimum, [a, lo], `minimum ${sa} ${sb}`);
      const cond = ck.gt(away(sb), 0);
      checkGradients((p, q) => ck.where(cond, p, q), [rnd(sa), rnd(sb)], `where ${sa} ${sb}`);
      checkGradients((p) => ck.where(cond, p, 2), [rnd(sa)], `where number other ${sa}`);
    }
  });

  t('double backward through a composite: hessian of sum(clamp(x)^2·exp(x)) matches finite differences', () => {
    const f = (x: Tensor): Tensor => ck.sum(ck.mul(ck.square(ck.clamp(x, { min: -0.5 })), ck.exp(x)));
    const x = f64([-1.25, 0.3, 1.7]);
    const h = ck.hessian(f, x);
    // d/dx [c(x)^2 e^x] with c = x above -0.5: (x^2 + 4x + 2) e^x; below: 0.25 e^x
    const want = [0.25 * Math.exp(-1.25), (0.09 + 1.2 + 2) * Math.exp(0.3), (2.89 + 6.8 + 2) * Math.exp(1.7)];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const w = i === j ? want[i]! : 0;
        assert.ok(Math.abs(h.data[i * 3 + j]! - w) < 1e-10, `h[${i}][${j}] = ${h.data[i * 3 + j]}, expected ${w}`);
      }
    }
  });

  t('float32 kernels agree with float64 to float32 precision', () => {
    const x = uni([64], 0.5, 3);
    const x32 = tensor(x, { dtype: 'float32' });
    for (const f of [ck.exp, ck.log, ck.sqrt, ck.rsqrt, ck.sin, ck.cos, ck.log1p, ck.expm1, ck.reciprocal] as Fn[]) {
      const a = f(x32);
      const c = f(x);
      assert.equal(a.dtype, 'float32');
      for (let i = 0; i < 64; i++) assert.ok(Math.abs(a.data[i]! - c.data[i]!) <= 1e-6 * (1 + Math.abs(c.data[i]!)), `${f.name}[${i}]`);
    }
  });
});
