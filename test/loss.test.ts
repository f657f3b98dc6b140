/** Losses: exact values, PyTorch fixtures with tensor options, errors, gradients of order 1 and 2. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, GradError, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { TOL64, assertClose, assertThrowsTyped, assertVjpDot, describeBackends } from './helpers.js';
import { optionCaseTests } from './loss_fixtures.js';

const f64 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const i32 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'int32' });
const randn64 = (...shape: number[]): Tensor => ck.randn(shape, { dtype: 'float64' });
const rand64 = (...shape: number[]): Tensor => ck.add(ck.mul(ck.rand(shape, { dtype: 'float64' }), 0.8), 0.1);
const LN2 = Math.log(2);

/** First derivatives (gradcheck, vjp dot test) and second derivatives of f in every argument. */
function checkGradients(name: string, f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], second = true): void {
  ck.gradcheck(f, inputs);
  assertVjpDot(f, inputs, name);
  if (!second) return;
  const out = f(...inputs);
  const R = ck.randn([...out.shape], { dtype: 'float64' });
  const argnums = inputs.map((_, i) => i);
  const g = ck.grad((...xs: Tensor[]) => ck.sum(ck.mul(f(...xs), R)), argnums);
  inputs.forEach((_, k) => {
    ck.gradcheck((...xs: Tensor[]) => (g(...(xs as never[])) as Tensor[])[k]!, inputs);
  });
}

describeBackends('loss', () => {
  describe('exact values', () => {
    it('mseLoss and l1Loss with every reduction', () => {
      const x = f64([1, 2, 3]);
      const t = f64([1, 0, 0]);
      assertClose(ck.mseLoss(x, t), f64(13 / 3), TOL64);
      assertClose(ck.mseLoss(x, t, { reduction: 'sum' }), f64(13), TOL64);
      assertClose(ck.mseLoss(x, t, { reduction: 'none' }), [0, 4, 9], TOL64);
      assertClose(ck.l1Loss(x, t), f64(5 / 3), TOL64);
      assertClose(ck.l1Loss(x, t, { reduction: 'none' }), [0, 2, 3], TOL64);
      // broadcasting target (4 elements of [2,2] against [2,1]) as PyTorch does
      assertClose(ck.mseLoss(f64([[1, 2], [3, 4]]), f64([[1], [2]]), { reduction: 'sum' }), f64(0 + 1 + 1 + 4), TOL64);
    });
    it('l1Loss has derivative 0 where input equals target', () => {
      const g = ck.grad((x: Tensor) => ck.l1Loss(x, f64([1, 1, 1]), { reduction: 'sum' }))(f64([0, 1, 2])) as Tensor;
      assertClose(g, [-1, 0, 1], TOL64);
    });
    it('binaryCrossEntropy: ln 2 at 1/2, logs clamped at -100, weights', () => {
      assertClose(ck.binaryCrossEntropy(f64([0.5, 0, 1, 1]), f64([1, 1, 1, 0]), { reduction: 'none' }), [LN2, 100, 0, 100], TOL64);
      assertClose(ck.binaryCrossEntropy(f64([0.5, 0.5]), f64([0, 1]), { weight: f64([1, 3]), reduction: 'sum' }), f64(4 * LN2), TOL64);
      // ∂/∂x = (x - t)/max(x(1-x), 1e-12): -4 at x = 1/4, t = 1/2... and ±1e12 at the clamped ends
      const g = ck.grad((x: Tensor) => ck.binaryCrossEntropy(x, f64([1, 0.5]), { reduction: 'sum' }))(f64([0, 0.25])) as Tensor;
      assertClose(g, [-1e12, -0.25 / 0.1875], TOL64);
    });
    it('binaryCrossEntropyWithLogits: stable for huge logits, posWeight and weight', () => {
      assertClose(ck.binaryCrossEntropyWithLogits(f64([0, 1000, -1000, 1000]), f64([1, 0, 1, 1]), { reduction: 'none' }), [LN2, 1000, 1000, 0], TOL64);
      assertClose(ck.binaryCrossEntropyWithLogits(f64([[0, 0]]), f64([[1, 1]]), { posWeight: f64([3, 1]), reduction: 'none' }), f64([[3 * LN2, LN2]]), TOL64);
      assertClose(ck.binaryCrossEntropyWithLogits(f64([0, 0]), f64([0, 1]), { weight: f64([2, 5]) }), f64(3.5 * LN2), TOL64);
      // ∂/∂x = w·(lw·σ(x) - pw·t) = 1·(3·½ - 3) at x = 0, t = 1, pw = 3
      const g = ck.grad((x: Tensor) => ck.binaryCrossEntropyWithLogits(x, f64([1]), { posWeight: f64([3]), reduction: 'sum' }))(f64([0])) as Tensor;
      assertClose(g, [-1.5], TOL64);
    });
    it('nllLoss: gather, weighted mean over kept targets, ignoreIndex', () => {
      const x = f64([[-1, -2, -3], [-4, -5, -6]]);
      assertClose(ck.nllLoss(x, i32([2, 0])), f64(3.5), TOL64);
      assertClose(ck.nllLoss(x, i32([2, 0]), { weight: f64([1, 2, 3]) }), f64((3 * 3 + 1 * 4) / 4), TOL64);
      assertClose(ck.nllLoss(x, i32([2, -100])), f64(3), TOL64);
      assertClose(ck.nllLoss(x, i32([2, 1]), { ignoreIndex: 1, reduction: 'sum' }), f64(3), TOL64);
      assertClose(ck.nllLoss(x, i32([2, 0]), { reduction: 'none' }), [3, 4], TOL64);
      assertClose(ck.nllLoss(f64([-1, -2]), i32(1)), f64(2), TOL64);
      assert.ok(Number.isNaN(ck.nllLoss(x, i32([-100, -100])).item()), 'a mean over no kept target is NaN');
    });
    it('crossEntropy with class indices, labelSmoothing and probabilities', () => {
      const x = f64([[0, Math.log(3)]]); // softmax [1/4, 3/4]
      assertClose(ck.crossEntropy(f64([[0, 0, 0, 0]]), i32([1])), f64(Math.log(4)), TOL64);
      assertClose(ck.crossEntropy(x, i32([1])), f64(-Math.log(0.75)), TOL64);
      // smoothing ε: (1-ε)·(-log p_t) + (ε/C)·Σ_c -log p_c
      assertClose(ck.crossEntropy(x, i32([1]), { labelSmoothing: 0.5 }), f64(-0.5 * Math.log(0.75) - 0.25 * (Math.log(0.25) + Math.log(0.75))), TOL64);
      assertClose(ck.crossEntropy(x, f64([[0.5, 0.5]])), f64(-0.5 * (Math.log(0.25) + Math.log(0.75))), TOL64);
      // class weights: weighted mean divides by Σ w[t]
      const x2 = f64([[0, Math.log(3)], [0, Math.log(3)]]);
      assertClose(ck.crossEntropy(x2, i32([0, 1]), { weight: f64([2, 1]) }), f64((-2 * Math.log(0.25) - Math.log(0.75)) / 3), TOL64);
      // gradient (softmax - onehot)/N
      const g = ck.grad((y: Tensor) => ck.crossEntropy(y, i32([1])))(x) as Tensor;
      assertClose(g, f64([[0.25, -0.25]]), TOL64);
      // spatial targets (N, C, d): 2 positions, uniform logits
      assertClose(ck.crossEntropy(ck.zeros([1, 3, 2], { dtype: 'float64' }), i32([[0, 2]]), { reduction: 'none' }), f64([[Math.log(3), Math.log(3)]]), TOL64);
    });
    it('crossEntropy over only ignored targets is NaN, with zero gradient', () => {
      const x = randn64(2, 3).requiresGrad_(true);
      const l = ck.crossEntropy(x, i32([-100, -100]), { labelSmoothing: 0.1 });
      assert.ok(Number.isNaN(l.item()));
      l.backward();
      assert.ok(x.grad!.data.every((v) => v === 0));
    });
  });

  describe('PyTorch fixtures with tensor options (weight, posWeight)', () => optionCaseTests('loss'));

  describe('errors', () => {
    it('class targets: range, shapes, dtypes', () => {
      const x = tensor([[0, 1, 2], [1, 1, 1]]);
      assertThrowsTyped(() => ck.crossEntropy(x, i32([0, 3])), ValueError, 'crossEntropy: target 3 at position [1] is out of bounds for 3 classes (expected 0 <= target < 3, or ignoreIndex -100)');
      assertThrowsTyped(() => ck.nllLoss(tensor([[[0, 1], [2, 3]]]), i32([[1, -1]])), ValueError, 'nllLoss: target -1 at position [0, 1] is out of bounds for 2 classes (expected 0 <= target < 2, or ignoreIndex -100)');
      assertThrowsTyped(() => ck.crossEntropy(x, i32([0, 1, 1])), ShapeError, 'crossEntropy: expected input batch size (2) to match target batch size (3)');
      assertThrowsTyped(() => ck.nllLoss(tensor([[[0, 1], [2, 3]]]), i32([[1, 1, 1]])), ShapeError, 'nllLoss: expected target of shape [1, 2] for input of shape [1, 2, 2], got [1, 3]');
      assertThrowsTyped(() => ck.nllLoss(tensor(1), i32(0)), ShapeError, 'nllLoss: input must be a tensor of shape (C), (N, C) or (N, C, d1, ...), got a 0-d tensor');
      assertThrowsTyped(() => ck.nllLoss(x, tensor([0, 1])), DTypeError, 'nllLoss: target must be an int32 tensor of class indices, got a float32 tensor');
      assertThrowsTyped(() => ck.crossEntropy(x, tensor([0, 1], { dtype: 'float64' })), DTypeError, 'crossEntropy: target must be int32 class indices or float32 class probabilities like input, got a float64 tensor');
      assertThrowsTyped(() => ck.crossEntropy(x, tensor([0.5, 0.5])), ShapeError, 'crossEntropy: expected a float target of the input\'s shape [2, 3] (class probabilities), got [2]');
      assertThrowsTyped(() => ck.crossEntropy(tensor([[1, 2]], { dtype: 'int32' }), i32([0])), DTypeError, 'crossEntropy: input must be a float32 or float64 tensor, got an int32 tensor');
    });
    it('options: weight shape and dtype, reduction, ignoreIndex, labelSmoothing, unknown keys', () => {
      const x = tensor([[0, 1, 2]]);
      const t = i32([1]);
      assertThrowsTyped(() => ck.crossEntropy(x, t, { weight: tensor([1, 2]) }), ShapeError, 'crossEntropy: weight should have one entry per class (3) but has shape [2]');
      assertThrowsTyped(() => ck.nllLoss(x, t, { weight: tensor([1, 2, 3], { dtype: 'float64' }) }), DTypeError, 'nllLoss: mixed dtypes: input is float32 but weight is float64; convert one with .to()');
      assertThrowsTyped(() => ck.crossEntropy(x, t, { reduction: 'avg' } as never), ValueError, 'crossEntropy: options.reduction must be "mean", "sum" or "none", got "avg"');
      assertThrowsTyped(() => ck.nllLoss(x, t, { ignoreIndex: 1.5 }), ValueError, 'nllLoss: options.ignoreIndex must be an integer, got 1.5');
      assertThrowsTyped(() => ck.crossEntropy(x, t, { labelSmoothing: 1.5 }), ValueError, 'crossEntropy: options.labelSmoothing must be a number between 0 and 1, got 1.5');
      assertThrowsTyped(() => ck.crossEntropy(x, t, { labelSmoothing: NaN }), ValueError, 'crossEntropy: options.labelSmoothing must be a number between 0 and 1, got NaN');
      assertThrowsTyped(() => ck.crossEntropy(x, tensor([[0.2, 0.3, 0.5]]), { ignoreIndex: 0 }), ValueError, 'crossEntropy: ignoreIndex is not supported for floating-point (class-probability) targets, got 0');
      assertThrowsTyped(() => ck.crossEntropy(x, t, { label_smoothing: 0.1 } as never), ValueError, 'crossEntropy: unknown option "label_smoothing" (allowed: weight, ignoreIndex, reduction, labelSmoothing)');
      assertThrowsTyped(() => ck.mseLoss(x, tensor([[1, 2, 3]]), { reduction: 'mean', weight: null } as never), ValueError, 'mseLoss: unknown option "weight" (allowed: reduction)');
      assertThrowsTyped(() => ck.binaryCrossEntropy(x, x, { weight: [1, 2, 3] as never }), ValueError, 'binaryCrossEntropy: options.weight must be a Tensor, got [1, 2, 3]');
    });
    it('point-wise losses: shapes, dtypes, probability range, constant weights', () => {
      const p = tensor([[0.2, 0.7]]);
      assertThrowsTyped(() => ck.mseLoss(tensor([1, 2, 3]), tensor([1, 2])), ShapeError, 'mseLoss: shapes [3] (input) and [2] (target) cannot be broadcast: dimension -1 is 3 vs 2');
      assertThrowsTyped(() => ck.l1Loss(tensor([1]), tensor([1], { dtype: 'float64' })), DTypeError, 'l1Loss: mixed dtypes: input is float32 but target is float64; convert one with .to()');
      assertThrowsTyped(() => ck.binaryCrossEntropy(p, tensor([0.5, 0.5])), ShapeError, 'binaryCrossEntropy: target size [2] must be the same as input size [1, 2]');
      assertThrowsTyped(() => ck.binaryCrossEntropy(tensor([0.5, 1.5]), tensor([1, 1])), ValueError, 'binaryCrossEntropy: all elements of input should be between 0 and 1, got 1.5 at flat index 1');
      assertThrowsTyped(() => ck.binaryCrossEntropy(tensor([NaN]), tensor([1])), ValueError, 'binaryCrossEntropy: all elements of input should be between 0 and 1, got NaN at flat index 0');
      assertThrowsTyped(() => ck.binaryCrossEntropyWithLogits(p, p, { posWeight: tensor([1, 2, 3]) }), ShapeError, 'binaryCrossEntropyWithLogits: shapes [1, 2] (input) and [3] (posWeight) cannot be broadcast: dimension -1 is 2 vs 3');
      assertThrowsTyped(() => ck.binaryCrossEntropyWithLogits(p, p, { weight: tensor([[1], [2]]) }), ShapeError, 'binaryCrossEntropyWithLogits: weight of shape [2, 1] does not broadcast to the input\'s shape [1, 2]');
      assertThrowsTyped(() => ck.binaryCrossEntropy(p, p, { weight: tensor([1, 2], { requiresGrad: true }) }), GradError, 'binaryCrossEntropy: weight is not differentiable (as in PyTorch); pass weight.detach()');
      assertThrowsTyped(() => ck.crossEntropy(tensor([[1, 2]]), i32([0]), { weight: tensor([1, 2], { requiresGrad: true }) }), GradError, 'crossEntropy: weight is not differentiable (as in PyTorch); pass weight.detach()');
    });
  });

  describe('gradients (float64): gradcheck, vjp dot test, second derivatives', () => {
    const red = ['mean', 'sum', 'none'] as const;
    for (const reduction of red) {
      it(`mseLoss / l1Loss (${reduction})`, () => {
        checkGradients('mseLoss', (x, t) => ck.mseLoss(x, t, { reduction }), [randn64(3, 2), randn64(3, 2)]);
        checkGradients('mseLoss broadcast', (x, t) => ck.mseLoss(x, t, { reduction }), [randn64(3, 2), randn64(2)]);
        checkGradients('l1Loss', (x, t) => ck.l1Loss(x, t, { reduction }), [randn64(3, 2), randn64(3, 2)]);
      });
      it(`binaryCrossEntropy with and without weight (${reduction})`, () => {
        checkGradients('bce', (x, t) => ck.binaryCrossEntropy(x, t, { reduction }), [rand64(2, 3), rand64(2, 3)]);
        const weight = rand64(3);
        checkGradients('bce weight', (x, t) => ck.binaryCrossEntropy(x, t, { reduction, weight }), [rand64(2, 3), rand64(2, 3)]);
      });
      it(`binaryCrossEntropyWithLogits with weight and posWeight (${reduction})`, () => {
        checkGradients('bcel', (x, t) => ck.binaryCrossEntropyWithLogits(x, t, { reduction }), [ck.mul(randn64(2, 3), 3), rand64(2, 3)]);
        const weight = rand64(2, 1);
        const posWeight = ck.mul(rand64(3), 3);
        checkGradients('bcel weights', (x, t) => ck.binaryCrossEntropyWithLogits(x, t, { reduction, weight, posWeight }), [ck.mul(randn64(2, 3), 3), rand64(2, 3)]);
      });
      it(`nllLoss with weight and ignored targets (${reduction})`, () => {
        const weight = rand64(4);
        const t = i32([[1, 3, -100], [0, 2, 2]]);
        // linear in the input: second derivatives vanish, checked too
        checkGradients('nll', (x) => ck.nllLoss(x, t, { reduction, weight }), [randn64(2, 4, 3)]);
      });
      it(`crossEntropy with class indices, weight, smoothing, ignoreIndex (${reduction})`, () => {
        const weight = rand64(3);
        checkGradients('ce', (x) => ck.crossEntropy(x, i32([2, 0, 1]), { reduction }), [randn64(3, 3)]);
        checkGradients('ce options', (x) => ck.crossEntropy(x, i32([[2, 1], [0, 0]]), { reduction, weight, labelSmoothing: 0.2, ignoreIndex: 1 }), [randn64(2, 3, 2)]);
      });
      it(`crossEntropy with class probabilities: input, target and weight (${reduction})`, () => {
        checkGradients('ce prob', (x, t, w) => ck.crossEntropy(x, t, { reduction, weight: w, labelSmoothing: 0.1 }), [randn64(2, 3, 2), rand64(2, 3, 2), rand64(3)]);
        checkGradients('ce prob unbatched', (x, t) => ck.crossEntropy(x, t, { reduction }), [randn64(4), rand64(4)]);
      });
    }
  });
});
