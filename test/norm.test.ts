/**
 * Normalisation: exact values, running statistics (by hand and against PyTorch), errors, and
 * gradients of order 1 and 2 in input, weight and bias.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { TOL32, TOL64, assertClose, assertThrowsTyped, assertVjpDot, describeBackends } from './helpers.js';
import { loadOptionCases, optionCaseTests, runOptionCase } from './loss_fixtures.js';
import { apply } from '../src/op.js';
import { normStandardizeOp } from '../src/ops/norm_ops.js';

const f64 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const randn64 = (...shape: number[]): Tensor => ck.randn(shape, { dtype: 'float64' });
const positive64 = (...shape: number[]): Tensor => ck.add(ck.rand(shape, { dtype: 'float64' }), 0.5);

/** gradcheck, the vjp dot test, and gradcheck of every component of the gradient. */
function checkGradients(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  ck.gradcheck(f, inputs);
  assertVjpDot(f, inputs, name);
  const R = ck.randn([...f(...inputs).shape], { dtype: 'float64' });
  const argnums = inputs.map((_, i) => i);
  const g = ck.grad((...xs: Tensor[]) => ck.sum(ck.mul(f(...xs), R)), argnums);
  inputs.forEach((_, k) => {
    ck.gradcheck((...xs: Tensor[]) => (g(...(xs as never[])) as Tensor[])[k]!, inputs);
  });
}

const SHAPES: Record<number, number[]> = { 2: [5, 2], 3: [3, 2, 3], 4: [2, 2, 2, 3], 5: [2, 2, 2, 1, 2] };

describeBackends('norm', () => {
  describe('exact values', () => {
    it('batchNorm training: batch statistics, biased variance; running statistics with the unbiased one', () => {
      const x = f64([[1, 10], [3, 10]]);
      const rm = f64([0, 5]);
      const rv = f64([1, 1]);
      const y = ck.batchNorm(x, rm, rv, { training: true, eps: 0 });
      // channel 0: mean 2, biased var 1 → [-1, 1]; channel 1 is constant: 0/√(0 + 0) = NaN
      assertClose(y, f64([[-1, NaN], [1, NaN]]), TOL64);
      // mean ← 0.9·0 + 0.1·2, var ← 0.9·1 + 0.1·2 (unbiased: 2/(2-1)·1)
      assertClose(rm, [0.2, 0.9 * 5 + 0.1 * 10], TOL64);
      assertClose(rv, [1.1, 0.9], TOL64);
      const y2 = ck.batchNorm(f64([[1], [3]]), null, null, { training: true, eps: 0, weight: f64([3]), bias: f64([1]) });
      assertClose(y2, f64([[-2], [4]]), TOL64);
    });
    it('batchNorm training on (N, C, L) with momentum 0.5', () => {
      const x = f64([[[0, 2]], [[4, 6]]]); // one channel: mean 3, biased var 5, unbiased 20/3
      const rm = f64([1]);
      const rv = f64([1]);
      const y = ck.batchNorm(x, rm, rv, { training: true, momentum: 0.5, eps: 0 });
      const s = Math.sqrt(5);
      assertClose(y, f64([[[-3 / s, -1 / s]], [[1 / s, 3 / s]]]), TOL64);
      assertClose(rm, [2], TOL64);
      assertClose(rv, [0.5 + 0.5 * (20 / 3)], TOL64);
    });
    it('batchNorm eval uses the running statistics and leaves them alone', () => {
      const rm = f64([1, 0]);
      const rv = f64([4, 1]);
      const y = ck.batchNorm(f64([[5, 2], [1, -1]]), rm, rv, { eps: 0, weight: f64([3, 1]), bias: f64([1, 0]) });
      assertClose(y, f64([[(5 - 1) / 2 * 3 + 1, 2], [1, -1]]), TOL64);
      assertClose(rm, [1, 0], TOL64);
      assertClose(rv, [4, 1], TOL64);
    });
    it('layerNorm over the last dimensions, with weight and bias', () => {
      const s = Math.sqrt(1.5);
      assertClose(ck.layerNorm(f64([[1, 2, 3], [0, 0, 3]]), 3, { eps: 0 }), f64([[-s, 0, s], [-1 / Math.SQRT2, -1 / Math.SQRT2, Math.SQRT2]]), TOL64);
      assertClose(ck.layerNorm(f64([[1, 3], [5, 7]]), [2, 2], { eps: 0, weight: f64([[1, 2], [3, 4]]), bias: f64([[0, 0], [0, 10]]) }),
        f64([[-3 / Math.sqrt(5), -2 / Math.sqrt(5)], [3 / Math.sqrt(5), 10 + 12 / Math.sqrt(5)]]), TOL64);
    });
    it('groupNorm normalises each group of channels per sample', () => {
      assertClose(ck.groupNorm(f64([[1, 3, 5, 7]]), 2, { eps: 0 }), f64([[-1, 1, -1, 1]]), TOL64);
      assertClose(ck.groupNorm(f64([[[1, 3], [5, 7]]]), 1, { eps: 0, weight: f64([2, 1]), bias: f64([0, 1]) }),
        f64([[[-2 * 3 / Math.sqrt(5), -2 / Math.sqrt(5)], [1 + 1 / Math.sqrt(5), 1 + 3 / Math.sqrt(5)]]]), TOL64);
    });
    it('the result keeps float32', () => {
      assert.equal(ck.batchNorm(tensor([[1, 2], [3, 5]]), null, null, { training: true }).dtype, 'float32');
      assert.equal(ck.layerNorm(tensor([[1, 2]]), 2).dtype, 'float32');
    });
  });

  describe('running statistics against PyTorch', () => {
    const cases = loadOptionCases('norm').filter((c) => c.post !== undefined);
    it('every batchNorm fixture records the statistics after the call', () => {
      assert.ok(cases.length >= 16, `${cases.length} cases`);
    });
    for (const c of cases) {
      it(`${c.name}: running mean and variance after the call`, () => {
        runOptionCase(c);
        // independently of runOptionCase: training moved the statistics, eval left them alone
        const before = decodeArg(c, 1);
        const after = c.post!['1']!;
        const moved = after.data.some((v, i) => v !== before[i]);
        assert.equal(moved, c.options.training === true && c.options.momentum !== 0, `${c.name}: statistics moved = ${moved}`);
      });
    }
  });

  describe('all PyTorch fixtures with weight and bias', () => optionCaseTests('norm'));

  describe('errors', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    it('batchNorm', () => {
      assertThrowsTyped(() => ck.batchNorm(tensor([1, 2]), null, null, { training: true }), ShapeError, 'batchNorm: expected input with at least 2 dimensions (N, C, ...), got shape [2]');
      assertThrowsTyped(() => ck.batchNorm(x, tensor([0, 0]), tensor([1, 1, 1])), ShapeError, 'batchNorm: runningMean should have shape [3] for input of shape [2, 3], got [2]');
      assertThrowsTyped(() => ck.batchNorm(x, null, null, { weight: tensor([1, 1, 1, 1]), training: true }), ShapeError, 'batchNorm: options.weight should have shape [3] for input of shape [2, 3], got [4]');
      assertThrowsTyped(() => ck.batchNorm(x, null, null), ValueError, 'batchNorm: runningMean and runningVar are required when training is false (evaluation uses the running statistics)');
      assertThrowsTyped(() => ck.batchNorm(tensor([[1, 2, 3]]), null, null, { training: true }), ValueError, 'batchNorm: expected more than 1 value per channel when training, got input of shape [1, 3]');
      assertThrowsTyped(() => ck.batchNorm(x, null, null, { training: true, bias: tensor([0, 0, 0], { dtype: 'float64' }) }), DTypeError, 'batchNorm: mixed dtypes: input is float32 but options.bias is float64; convert one with .to()');
      assertThrowsTyped(() => ck.batchNorm(x, null, null, { training: true, eps: -1 }), ValueError, 'batchNorm: options.eps must be a finite non-negative number, got -1');
      assertThrowsTyped(() => ck.batchNorm(x, null, null, { training: true, momentum: NaN }), ValueError, 'batchNorm: options.momentum must be a finite number, got NaN');
      assertThrowsTyped(() => ck.batchNorm(x, null, null, { training: 'yes' } as never), ValueError, 'batchNorm: options.training must be a boolean, got "yes"');
      assertThrowsTyped(() => ck.batchNorm(x, null, null, { affine: true } as never), ValueError, 'batchNorm: unknown option "affine" (allowed: weight, bias, training, momentum, eps)');
      assertThrowsTyped(() => ck.batchNorm(tensor([[1, 2]], { dtype: 'int32' }), null, null), DTypeError, 'batchNorm: input must be a float32 or float64 tensor, got an int32 tensor');
    });
    it('a failed call leaves the running statistics untouched', () => {
      const rm = tensor([0, 0, 0]);
      assertThrowsTyped(() => ck.batchNorm(x, rm, tensor([1, 1, 1]), { training: true, weight: tensor([1]) }), ShapeError);
      assert.deepEqual([...rm.data], [0, 0, 0]);
    });
    it('layerNorm and groupNorm', () => {
      assertThrowsTyped(() => ck.layerNorm(x, [4]), ShapeError, 'layerNorm: normalizedShape [4] does not match the last dimensions of input [2, 3] (expected input of shape [*, 4])');
      assertThrowsTyped(() => ck.layerNorm(x, [1, 2, 3]), ShapeError, 'layerNorm: normalizedShape [1, 2, 3] does not match the last dimensions of input [2, 3] (expected input of shape [*, 1, 2, 3])');
      assertThrowsTyped(() => ck.layerNorm(x, [2.5]), ValueError, 'layerNorm: normalizedShape must be a non-negative integer or a non-empty array of them, got [2.5]');
      assertThrowsTyped(() => ck.layerNorm(x, 3, { weight: tensor([1, 1]) }), ShapeError, 'layerNorm: options.weight should have shape [3] for input of shape [2, 3], got [2]');
      assertThrowsTyped(() => ck.groupNorm(x, 2), ValueError, 'groupNorm: the number of channels (3) must be divisible by numGroups (2), input of shape [2, 3]');
      assertThrowsTyped(() => ck.groupNorm(x, 0), ValueError, 'groupNorm: numGroups must be a positive integer, got 0');
      assertThrowsTyped(() => ck.groupNorm(x, 3, { eps: Infinity }), ValueError, 'groupNorm: options.eps must be a finite non-negative number, got Infinity');
      assertThrowsTyped(() => ck.groupNorm(x, 3, { weight: tensor([1, 1, 1]), gamma: 1 } as never), ValueError, 'groupNorm: unknown option "gamma" (allowed: weight, bias, eps)');
    });
  });

  describe('gradients (float64): gradcheck, vjp dot test, second derivatives', () => {
    for (const [rank, shape] of Object.entries(SHAPES)) {
      const C = shape[1]!;
      it(`batchNorm training ${rank}-d: input, weight, bias`, () => {
        checkGradients('bn train', (x, w, b) => ck.batchNorm(x, null, null, { training: true, weight: w, bias: b }), [ck.mul(randn64(...shape), 2), randn64(C), randn64(C)]);
      });
      it(`batchNorm eval ${rank}-d: input, weight, bias`, () => {
        const rm = randn64(C);
        const rv = positive64(C);
        checkGradients('bn eval', (x, w, b) => ck.batchNorm(x, rm, rv, { weight: w, bias: b }), [randn64(...shape), randn64(C), randn64(C)]);
      });
    }
    it('batchNorm training without affine, and with eps 0.5', () => {
      checkGradients('bn plain', (x) => ck.batchNorm(x, null, null, { training: true }), [randn64(4, 3)]);
      checkGradients('bn eps', (x, w) => ck.batchNorm(x, null, null, { training: true, eps: 0.5, weight: w }), [randn64(3, 2, 2), randn64(2)]);
    });
    it('batchNorm training: the running statistics do not enter the gradient', () => {
      const rm = ck.zeros([2], { dtype: 'float64', requiresGrad: true });
      const x = randn64(3, 2).requiresGrad_(true);
      ck.sum(ck.mul(ck.batchNorm(x, rm, null, { training: true }), randn64(3, 2))).backward();
      assert.equal(rm.grad, null);
      assert.ok(x.grad !== null);
    });
    it('layerNorm: one and two normalised dimensions', () => {
      checkGradients('ln', (x, w, b) => ck.layerNorm(x, 4, { weight: w, bias: b }), [randn64(3, 4), randn64(4), randn64(4)]);
      checkGradients('ln 2', (x, w) => ck.layerNorm(x, [2, 3], { weight: w }), [randn64(2, 2, 3), randn64(2, 3)]);
      checkGradients('ln plain', (x) => ck.layerNorm(x, [3]), [randn64(2, 3)]);
    });
    it('groupNorm: 1, 2 and C groups', () => {
      for (const g of [1, 2, 4]) {
        checkGradients(`gn ${g}`, (x, w, b) => ck.groupNorm(x, g, { weight: w, bias: b }), [randn64(2, 4, 3), randn64(4), randn64(4)]);
      }
    });
    it('the standardize primitive: gradients through all four outputs (x̂, mean, var, rstd)', () => {
      // [A, G, B] = [2, 3, 2]: batchNorm's layout for (2, 3, 2); every output weighted at random
      const R = [randn64(2, 3, 2), randn64(3), randn64(3), randn64(3)];
      const f = (x: Tensor): Tensor => {
        const outs = apply(normStandardizeOp, [x], { A: 2, G: 3, B: 2, eps: 0.1 });
        return outs.map((o, i) => ck.sum(ck.mul(o, R[i]!))).reduce((a, b) => ck.add(a, b));
      };
      const x = randn64(2, 3, 2);
      ck.gradcheck(f, [x]);
      assertVjpDot((y) => ck.mul(f(y), 1), [x], 'standardize');
      ck.gradcheck((y: Tensor) => ck.grad(f)(y) as Tensor, [x]);
    });
    it('hessian of a batchNorm loss is symmetric (third-party check of double backward)', () => {
      const R = randn64(4, 2);
      const H = ck.hessian((x: Tensor) => ck.sum(ck.mul(ck.square(ck.batchNorm(x, null, null, { training: true })), R)), randn64(4, 2));
      const n = 8;
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(H.data[i * n + j]! - H.data[j * n + i]!) < 1e-9, `H[${i}][${j}]`);
    });
  });

  describe('float32 training step', () => {
    it('matches float64 within float32 precision', () => {
      const x64 = randn64(4, 3, 2);
      const w64 = randn64(3);
      const loss = (x: Tensor, w: Tensor): Tensor => ck.sum(ck.square(ck.batchNorm(x, null, null, { training: true, weight: w })));
      const g64 = ck.grad(loss, [0, 1])(x64, w64) as Tensor[];
      const g32 = ck.grad(loss, [0, 1])(ck.tensor(x64, { dtype: 'float32' }), ck.tensor(w64, { dtype: 'float32' })) as Tensor[];
      assertClose(g32[0]!, g64[0]!, TOL32, 'input grad');
      assertClose(g32[1]!, g64[1]!, TOL32, 'weight grad');
    });
  });
});

function decodeArg(c: { args: ({ tensor: { data: (number | string)[] } } | { value: unknown })[] }, i: number): number[] {
  const a = c.args[i]!;
  return 'tensor' in a ? a.tensor.data.map(Number) : [];
}
