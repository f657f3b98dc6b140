/**
 * Reductions: hand-derived values and gradients (ties, NaN, zeros in prod, empty dims), pinned
 * error messages, and float64 gradcheck / vjp dot-product / double backward on random
 * configurations of every differentiable reduction.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { assertThrowsTyped, describeBackends, onBackend } from './helpers.js';
import type { Fn } from './elementwise_check.js';
import { checkGradients, f64, rnd } from './elementwise_check.js';

const arr = (t: Tensor): number[] => [...t.data];
const shp = (t: Tensor): number[] => [...t.shape];
const i32 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'int32' });
const ar = (shape: number[]): Tensor => ck.reshape(ck.arange(0, shape.reduce((p, d) => p * d, 1), 1, { dtype: 'float64' }), shape);
/** Gradient of sum(f(x)) w.r.t. x. */
const gsum = (f: Fn, x: Tensor): number[] => arr(ck.grad((y: Tensor) => ck.sum(f(y)))(x) as Tensor);
const close = (got: number[], want: number[], what: string, tol = 1e-12): void => {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(g === want[i] || Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)) || (Number.isNaN(g) && Number.isNaN(want[i]!)), `${what}[${i}]: ${g} vs ${want[i]}`));
};

describeBackends('reduce', (b) => {
  const t = (name: string, fn: () => void): void => {
    it(name, () => onBackend(b, fn));
  };

  // ---- exact values ---------------------------------------------------------------------------

  t('sum and mean over every form of dim, with keepdim', () => {
    const x = ar([2, 3, 4]); // x[i][j][k] = 12i + 4j + k
    assert.deepEqual(arr(ck.sum(x)), [276]);
    assert.deepEqual(shp(ck.sum(x)), []);
    assert.deepEqual(arr(ck.sum(x, 0)), [12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34]);
    assert.deepEqual(arr(ck.sum(x, -1)), [6, 22, 38, 54, 70, 86]);
    assert.deepEqual(arr(ck.sum(x, [0, 2])), [60, 92, 124]);
    assert.deepEqual(arr(ck.sum(x, [2, 0])), [60, 92, 124]);
    assert.deepEqual(shp(ck.sum(x, [0, 2], { keepdim: true })), [1, 3, 1]);
    assert.deepEqual(arr(ck.sum(x, [])), [276]);
    assert.deepEqual(shp(ck.sum(x, null, { keepdim: true })), [1, 1, 1]);
    assert.deepEqual(arr(ck.mean(x, [0, 2])), [7.5, 11.5, 15.5]);
    assert.deepEqual(arr(ck.mean(x, 1, { keepdim: true })), [4, 5, 6, 7, 16, 17, 18, 19]);
    assert.deepEqual(arr(ck.mean(f64(2.5), 0)), [2.5]);
    assert.deepEqual(arr(ck.sum(i32([[1, 2], [3, -4]]), 1)), [3, -1]);
    assert.equal(ck.sum(i32([1])).dtype, 'int32');
    assert.deepEqual(arr(ck.mean(ck.zeros([0, 2]), 0)), [NaN, NaN]);
    assert.deepEqual(gsum((y) => ck.mean(y, [0, 2]), ar([2, 1, 2])), [0.25, 0.25, 0.25, 0.25]);
    // a float32 sum is accumulated in float64 and rounded once (float32 steps would lose both 1s)
    assert.deepEqual(arr(ck.sum(tensor([16777216, 1, 1]))), [16777218]);
    assert.deepEqual(arr(ck.sum(tensor([[16777216, 1, 1]]), 1)), [16777218]);
    assert.deepEqual(arr(ck.sum(tensor([[16777216], [1], [1]]), 0)), [16777218]);
  });

  t('max/min: full reduction splits ties, along a dim returns the first index and routes the gradient there', () => {
    const x = f64([[1, 3, 3, 0], [2, 2, 1, 2]]);
    assert.deepEqual(arr(ck.max(x)), [3]);
    assert.deepEqual(gsum((y) => ck.max(y), x), [0, 0.5, 0.5, 0, 0, 0, 0, 0]);
    assert.deepEqual(gsum((y) => ck.min(y), x), [0, 0, 0, 1, 0, 0, 0, 0]);
    const [v, i] = ck.max(x, 1);
    assert.deepEqual(arr(v), [3, 2]);
    assert.deepEqual(arr(i), [1, 0]);
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(gsum((y) => ck.max(y, 1)[0], x), [0, 1, 0, 0, 1, 0, 0, 0]);
    const [mv, mi] = ck.min(x, 0, { keepdim: true });
    assert.deepEqual(shp(mv), [1, 4]);
    assert.deepEqual(arr(mv), [1, 2, 1, 0]);
    assert.deepEqual(arr(mi), [0, 1, 1, 0]);
    assert.deepEqual(gsum((y) => ck.min(y, 0)[0], x), [1, 0, 0, 1, 0, 1, 1, 0]);
    // NaN propagates; the full max spreads its gradient over the NaNs
    const n = f64([1, NaN, 3, NaN]);
    assert.deepEqual(arr(ck.max(n)), [NaN]);
    assert.deepEqual(gsum((y) => ck.max(y), n), [0, 0.5, 0, 0.5]);
    const [nv, ni] = ck.max(f64([[1, NaN, 3]]), 1);
    assert.deepEqual([...arr(nv), ...arr(ni)], [NaN, 1]);
    assert.deepEqual(arr(ck.max(i32([[1, 5, 5], [0, -2, 3]]), 1)[1]), [1, 2]);
    assert.deepEqual(arr(ck.max(f64(4), 0)[0]), [4]);
  });

  t('amax/amin split the gradient evenly among ties, over any dims', () => {
    const x = f64([[1, 3, 3, 0], [3, 2, 1, 2]]);
    assert.deepEqual(arr(ck.amax(x, 1)), [3, 3]);
    assert.deepEqual(gsum((y) => ck.amax(y, 1), x), [0, 0.5, 0.5, 0, 1, 0, 0, 0]);
    assert.deepEqual(gsum((y) => ck.amax(y), x), [0, 1 / 3, 1 / 3, 0, 1 / 3, 0, 0, 0]);
    assert.deepEqual(gsum((y) => ck.amin(y, [0, 1]), x), [0, 0, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(gsum((y) => ck.amin(y, 1), x), [0, 0, 0, 1, 0, 0, 1, 0]);
    assert.deepEqual(gsum((y) => ck.amin(y, 0), x), [1, 0, 0, 1, 0, 1, 1, 0]);
    assert.deepEqual(gsum((y) => ck.amax(y, 0), f64([[2, 1], [2, 0]])), [0.5, 1, 0.5, 0]);
    assert.deepEqual(shp(ck.amax(ar([2, 3, 4]), [0, -1], { keepdim: true })), [1, 3, 1]);
    assert.deepEqual(arr(ck.amax(ar([2, 3, 4]), [0, -1])), [15, 19, 23]);
  });

  t('argmax/argmin: first occurrence, NaN wins, flat index without dim', () => {
    const x = tensor([[1, 5, 5], [7, 0, 7]]);
    assert.deepEqual(arr(ck.argmax(x)), [3]);
    assert.deepEqual(arr(ck.argmin(x)), [4]);
    assert.deepEqual(arr(ck.argmax(x, 1)), [1, 0]);
    assert.deepEqual(arr(ck.argmin(x, 0)), [0, 1, 0]);
    assert.deepEqual(shp(ck.argmax(x, 1, { keepdim: true })), [2, 1]);
    assert.deepEqual(shp(ck.argmax(x, null, { keepdim: true })), [1, 1]);
    assert.deepEqual(arr(ck.argmax(tensor([1, NaN, 3, NaN]))), [1]);
    assert.deepEqual(arr(ck.argmin(tensor([1, NaN, -3]))), [1]);
    assert.equal(ck.argmax(x).dtype, 'int32');
    assert.equal(ck.argmax(tensor([1, 2], { requiresGrad: true })).requiresGrad, false);
  });

  t('var/std: corrections, unbiased, and the zero-spread gradient', () => {
    const x = f64([[1, 2, 3, 4], [2, 2, 2, 2]]);
    // squared deviations of [1, 2, 3, 4] sum to 5
    assert.deepEqual(arr(ck.var(x, 1)), [5 / 3, 0]);
    assert.deepEqual(arr(ck.var(x, 1, { correction: 0 })), [5 / 4, 0]);
    assert.deepEqual(arr(ck.var(x, 1, { correction: 2 })), [5 / 2, 0]);
    assert.deepEqual(arr(ck.var(x, 1, { unbiased: false })), [5 / 4, 0]);
    assert.deepEqual(arr(ck.var(x, 1, { unbiased: true, keepdim: true })), [5 / 3, 0]);
    assert.deepEqual(arr(ck.var(x, 1, { correction: 4 })), [Infinity, NaN]);
    assert.deepEqual(arr(ck.std(x, -1, { correction: 0 })), [Math.sqrt(5 / 4), 0]);
    // d var/dx = 2(x - mean)/(N - c)
    close(gsum((y) => ck.var(y, 1), x), [-1, -1 / 3, 1 / 3, 1, 0, 0, 0, 0], 'var grad');
    // d std/dx = (x - mean)/((N - c) std), and 0 where std == 0 (PyTorch)
    const s = Math.sqrt(5 / 3);
    close(gsum((y) => ck.std(y, 1), x), [-1.5 / (3 * s), -0.5 / (3 * s), 0.5 / (3 * s), 1.5 / (3 * s), 0, 0, 0, 0], 'std grad');
    assert.deepEqual(arr(ck.var(f64([1e9 + 1, 1e9 + 2, 1e9 + 3]))), [1]);
  });

  t('logsumexp is stable for large and infinite values', () => {
    const x = f64([[1000, 1000], [-1000, -1000], [-Infinity, 0], [-Infinity, -Infinity]]);
    close(arr(ck.logsumexp(x, 1)), [1000 + Math.LN2, -1000 + Math.LN2, 0, -Infinity], 'lse');
    close(arr(ck.logsumexp(f64([[0, 0], [0, 0]]), [0, 1])), [2 * Math.LN2], 'lse all');
    assert.deepEqual(shp(ck.logsumexp(ar([2, 3]), 0, { keepdim: true })), [1, 3]);
    // the gradient is the softmax of the group
    close(gsum((y) => ck.logsumexp(y, 1), f64([[0, Math.log(3)]])), [0.25, 0.75], 'lse grad');
  });

  t('prod and its exact gradient with zeros (first and second order)', () => {
    const x = f64([[2, 3, 4], [0, 5, 6], [0, 7, 0]]);
    assert.deepEqual(arr(ck.prod(x, 1)), [24, 0, 0]);
    assert.deepEqual(arr(ck.prod(x, 0, { keepdim: true })), [0, 105, 0]);
    assert.deepEqual(arr(ck.prod(ar([0]))), [1]);
    // d prod / dx_j = product of the others
    assert.deepEqual(gsum((y) => ck.prod(y, 1), x), [12, 8, 6, 30, 0, 0, 0, 0, 0]);
    const h = ck.hessian((y: Tensor) => ck.prod(y), f64([0, 2, 0, 3]));
    // ∂²/∂x_i∂x_j = product of the two others: non-zero only for the pair of zeros
    assert.deepEqual(arr(h), [0, 0, 6, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    const h2 = ck.hessian((y: Tensor) => ck.prod(y), f64([1, 2, 0]));
    assert.deepEqual(arr(h2), [0, 0, 2, 0, 0, 1, 2, 1, 0]);
    assert.deepEqual(arr(ck.prod(i32([[1, 2, 3], [-2, 0, 5]]), 1)), [6, 0]);
  });

  t('cumsum and its gradient (a running sum from the other end)', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(arr(ck.cumsum(x, 1)), [1, 3, 6, 4, 9, 15]);
    assert.deepEqual(arr(ck.cumsum(x, -2)), [1, 2, 3, 5, 7, 9]);
    assert.deepEqual(gsum((y) => ck.cumsum(y, 1), x), [3, 2, 1, 3, 2, 1]);
    const w = f64([[1, 10, 100], [0, 0, 0]]);
    assert.deepEqual(gsum((y) => ck.mul(ck.cumsum(y, 1), w), x), [111, 110, 100, 0, 0, 0]);
    assert.deepEqual(arr(ck.cumsum(i32([1, 2, 3]), 0)), [1, 3, 6]);
    assert.deepEqual(arr(ck.cumsum(f64(1.5), 0)), [1.5]);
  });

  t('norm for every p, with PyTorch’s gradients at zero and at ties', () => {
    const x = f64([[3, -4, 0], [0, 0, 0]]);
    assert.deepEqual(arr(ck.norm(x, 2, 1)), [5, 0]);
    assert.deepEqual(arr(ck.norm(x)), [5]);
    assert.deepEqual(arr(ck.norm(x, 'fro', [0, 1])), [5]);
    assert.deepEqual(arr(ck.norm(x, 1, 1)), [7, 0]);
    assert.deepEqual(arr(ck.norm(x, Infinity, 1)), [4, 0]);
    assert.deepEqual(arr(ck.norm(f64([1, -3, 3]), -Infinity)), [1]);
    assert.deepEqual(arr(ck.norm(x, 0, 1)), [2, 0]);
    close(arr(ck.norm(x, 3, 1)), [Math.cbrt(91), 0], 'p=3');
    close(arr(ck.norm(x, 0.5, 1)), [Math.pow(Math.sqrt(3) + 2, 2), 0], 'p=0.5');
    assert.deepEqual(arr(ck.norm(f64([1e200, 1e200]))), [Math.SQRT2 * 1e200]);
    assert.deepEqual(gsum((y) => ck.norm(y, 2, 1), x), [0.6, -0.8, 0, 0, 0, 0]);
    assert.deepEqual(gsum((y) => ck.norm(y, 1, 1), x), [1, -1, 0, 0, 0, 0]);
    assert.deepEqual(gsum((y) => ck.norm(y, Infinity), f64([1, -3, 3])), [0, -0.5, 0.5]);
    assert.deepEqual(gsum((y) => ck.norm(y, -Infinity), f64([1, -3, 3])), [1, -0, 0]);
    assert.deepEqual(gsum((y) => ck.norm(y, 0), x), [0, 0, 0, 0, 0, 0]);
    close(gsum((y) => ck.norm(y, 3, 1), x), [9 / Math.pow(91, 2 / 3), -16 / Math.pow(91, 2 / 3), 0, 0, 0, 0], 'p=3 grad');
  });

  // ---- errors ---------------------------------------------------------------------------------

  t('errors name the op, the argument, the expectation and the value', () => {
    const x = tensor([[1, 2], [3, 4]]);
    assertThrowsTyped(() => ck.mean(i32([1])), DTypeError, 'mean: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.var(i32([1])), DTypeError, 'var: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.logsumexp(i32([1]), 0), DTypeError, 'logsumexp: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.sum(x, 2), ValueError, 'sum: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
    assertThrowsTyped(() => ck.amax(x, [0, -2]), ValueError, 'amax: dim must be distinct dimensions, got [0, -2]');
    assertThrowsTyped(() => ck.mean(x, 0.5), ValueError, 'mean: dim must be an integer in [-2, 1] for a tensor of rank 2, got 0.5');
    assertThrowsTyped(() => ck.sum(x, 'all' as unknown as number), ValueError, 'sum: dim must be an integer, an array of integers, or undefined, got "all"');
    assertThrowsTyped(() => ck.sum(x, 0, { keepdim: 1 as unknown as boolean }), ValueError, 'sum: options.keepdim must be a boolean, got 1');
    assertThrowsTyped(() => ck.mean(x, 0, { keepDim: true } as ck.ReduceOptions), ValueError, 'mean: unknown option "keepDim" (allowed: keepdim)');
    assertThrowsTyped(() => ck.max(ck.zeros([0, 3]), 0), ShapeError, 'max: cannot reduce over a zero-size dimension (input shape [0, 3], reduced dims [0])');
    assertThrowsTyped(() => ck.max(ck.zeros([0])), ShapeError, 'max: cannot reduce over a zero-size dimension (input shape [0], reduced dims [0])');
    assertThrowsTyped(() => ck.argmin(ck.zeros([2, 0]), 1), ShapeError, 'argmin: cannot reduce over a zero-size dimension (input shape [2, 0], reduced dims [1])');
    assert.deepEqual(shp(ck.max(ck.zeros([3, 0]), 0)[0]), [0]);
    assertThrowsTyped(() => ck.max(x, 1.5), ValueError, 'max: dim must be an integer, got 1.5');
    assertThrowsTyped(() => ck.min(x, [0, 1] as unknown as number), ValueError, 'min: dim must be an integer, got [0, 1]');
    assertThrowsTyped(() => ck.argmax(x, [0] as unknown as number), ValueError, 'argmax: dim must be an integer, got [0]');
    assertThrowsTyped(() => ck.max(x, undefined as unknown as number, { keepdim: true }), ValueError, 'max: keepdim needs a dim (max(input) reduces every dimension)');
    assertThrowsTyped(() => (ck.max as (...a: unknown[]) => unknown)(x, x, { keepdim: true }), ValueError, 'max: max(input, other) is the element-wise maximum and takes no options, got {"keepdim":true}');
    assertThrowsTyped(() => ck.var(x, 0, { correction: 1.5 }), ValueError, 'var: options.correction must be an integer, got 1.5');
    assertThrowsTyped(() => ck.std(x, 0, { correction: 1, unbiased: true }), ValueError, 'std: give options.correction or options.unbiased, not both (got correction 1 and unbiased true)');
    assertThrowsTyped(() => ck.std(x, 0, { unbiased: 1 as unknown as boolean }), ValueError, 'std: options.unbiased must be a boolean, got 1');
    assertThrowsTyped(() => ck.logsumexp(x, undefined as unknown as number), ValueError, 'logsumexp: dim must be an integer or an array of integers, got undefined');
    assertThrowsTyped(() => ck.norm(x, 'nuc' as unknown as number), ValueError, 'norm: p must be a number or \'fro\', got "nuc"');
    assertThrowsTyped(() => ck.norm(x, NaN), ValueError, 'norm: p must be a number or \'fro\', got NaN');
    assertThrowsTyped(() => ck.cumsum(x, undefined as unknown as number), ValueError, 'cumsum: dim must be an integer in [-2, 1] for a tensor of rank 2, got undefined');
    assertThrowsTyped(() => ck.cumsum(x, 2), ValueError, 'cumsum: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
    assertThrowsTyped(() => ck.prod([1, 2] as unknown as Tensor), ValueError, 'prod: input must be a Tensor, got [1, 2]');
  });

  // ---- gradients: gradcheck, vjp dot product, double backward ----------------------------------

  const configs: [number[], ck.ReduceDims, boolean][] = [
    [[5], undefined, false],
    [[3, 4], 1, false],
    [[3, 4], -2, true],
    [[2, 3, 4], [0, 2], false],
    [[2, 3, 4], [2, 1], true],
    [[2, 3, 4], null, true],
  ];

  t('sum, mean, amax, amin, var, std, logsumexp, prod, norm: random configurations', () => {
    for (const [shape, dim, keepdim] of configs) {
      const what = `${JSON.stringify(shape)} dim ${JSON.stringify(dim)} keepdim ${keepdim}`;
      const x = rnd(shape);
      checkGradients((y) => ck.sum(y, dim, { keepdim }), [x], `sum ${what}`);
      checkGradients((y) => ck.mean(y, dim, { keepdim }), [x], `mean ${what}`);
      checkGradients((y) => ck.amax(y, dim, { keepdim }), [x], `amax ${what}`);
      checkGradients((y) => ck.amin(y, dim, { keepdim }), [x], `amin ${what}`);
      for (const correction of [0, 1]) {
        checkGradients((y) => ck.var(y, dim, { keepdim, correction }), [x], `var c${correction} ${what}`);
        checkGradients((y) => ck.std(y, dim, { keepdim, correction }), [x], `std c${correction} ${what}`);
      }
      checkGradients((y) => ck.logsumexp(y, dim ?? [], { keepdim }), [x], `logsumexp ${what}`);
      checkGradients((y) => ck.prod(y, dim, { keepdim }), [x], `prod ${what}`);
      for (const p of [2, 1, 3, 1.5, 0.7, Infinity, -Infinity]) {
        checkGradients((y) => ck.norm(y, p, dim, { keepdim }), [x], `norm p ${p} ${what}`);
      }
    }
  });

  t('max/min (full and along a dim) and cumsum: random configurations', () => {
    for (const [shape, dim] of [[[4], 0], [[3, 4], 1], [[2, 3, 4], -2], [[2, 3, 4], 0]] as [number[], number][]) {
      const x = rnd(shape);
      for (const keepdim of [false, true]) {
        checkGradients((y) => ck.max(y, dim, { keepdim })[0], [x], `max ${shape} dim ${dim}`);
        checkGradients((y) => ck.min(y, dim, { keepdim })[0], [x], `min ${shape} dim ${dim}`);
      }
      checkGradients((y) => ck.max(y), [x], `max ${shape}`);
      checkGradients((y) => ck.min(y), [x], `min ${shape}`);
      checkGradients((y) => ck.cumsum(y, dim), [x], `cumsum ${shape} dim ${dim}`);
    }
  });

  t('prod with zeros: gradcheck, dot product, second and third order', () => {
    const x = f64([[0, 1.5, -2, 0.5], [0, 0, 3, 1.2], [0.7, 0, 0, 0]]);
    for (const dim of [1, 0, undefined]) checkGradients((y) => ck.prod(y, dim), [x], `prod zeros dim ${dim}`);
    // third order: the Hessian of prod, differentiated once more, against finite differences
    ck.gradcheck((y) => ck.hessian((z: Tensor) => ck.prod(z), y), [f64([0, 2, 0, 3])]);
    ck.gradcheck((y) => ck.hessian((z: Tensor) => ck.prod(z), y), [f64([1.5, -2, 0.5])]);
  });

  t('a softmax cross-entropy built from logsumexp has the textbook gradient', () => {
    const logits = rnd([3, 5]);
    const target = [1, 4, 0];
    const loss = (z: Tensor): Tensor => {
      const onehot = ck.eq(ck.reshape(ck.arange(5), [1, 5]), ck.reshape(ck.tensor(target, { dtype: 'int32' }), [3, 1]));
      const picked = ck.sum(ck.where(onehot, z, 0), 1);
      return ck.mean(ck.sub(ck.logsumexp(z, 1), picked));
    };
    const g = ck.grad(loss)(logits) as Tensor;
    for (let r = 0; r < 3; r++) {
      let s = 0;
      for (let c = 0; c < 5; c++) s += Math.exp(logits.data[r * 5 + c]!);
      for (let c = 0; c < 5; c++) {
        const want = (Math.exp(logits.data[r * 5 + c]!) / s - (c === target[r] ? 1 : 0)) / 3;
        assert.ok(Math.abs(g.data[r * 5 + c]! - want) < 1e-12, `grad[${r}][${c}]`);
      }
    }
  });
});
