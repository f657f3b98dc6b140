/** Activations: exact values, derivative conventions, errors, gradients of order 1 and 2, dropout. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, Tensor, ValueError, tensor } from '../src/index.js';
import { TOL64, assertClose, assertThrowsTyped, assertVjpDot, describeBackends } from './helpers.js';

const f64 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const randn64 = (...shape: number[]): Tensor => ck.randn(shape, { dtype: 'float64' });
type Fn = (x: Tensor) => Tensor;

/** d/dx Σ f(x) at x (float64). */
function derivative(f: Fn, x: Tensor): Tensor {
  return ck.grad((y: Tensor) => ck.sum(f(y)))(x) as Tensor;
}

/** Checks second derivatives: gradcheck of x ↦ ∇ₓ⟨f(x), R⟩ for a fixed random R. */
function gradcheckSecondOrder(f: Fn, x: Tensor): void {
  const R = ck.randn([...f(x).shape], { dtype: 'float64' });
  ck.gradcheck((y: Tensor) => ck.grad((z: Tensor) => ck.sum(ck.mul(f(z), R)))(y) as Tensor, [x]);
}

const SMOOTH: [string, Fn][] = [
  ['sigmoid', ck.sigmoid],
  ['tanh', ck.tanh],
  ['gelu exact', (x) => ck.gelu(x)],
  ['gelu tanh', (x) => ck.gelu(x, { approximate: 'tanh' })],
  ['softplus default', (x) => ck.softplus(x)],
  ['softplus beta 2 threshold 1.5', (x) => ck.softplus(x, { beta: 2, threshold: 1.5 })],
  ['softplus beta -0.5', (x) => ck.softplus(x, { beta: -0.5 })],
  ['elu default', (x) => ck.elu(x)],
  ['elu alpha 0.3', (x) => ck.elu(x, { alpha: 0.3 })],
  ['silu', ck.silu],
  ['softmax dim 1', (x) => ck.softmax(x, 1)],
  ['softmax dim 0', (x) => ck.softmax(x, 0)],
  ['logSoftmax dim -1', (x) => ck.logSoftmax(x, -1)],
  ['logSoftmax dim 0', (x) => ck.logSoftmax(x, 0)],
];
const PIECEWISE_LINEAR: [string, Fn][] = [
  ['relu', ck.relu],
  ['leakyRelu', (x) => ck.leakyRelu(x, 0.2)],
];

describeBackends('activation', () => {
  describe('exact values', () => {
    it('relu clamps below 0', () => {
      assertClose(ck.relu(f64([-2, -1, 0, 1, 3])), [0, 0, 0, 1, 3], TOL64);
    });
    it('relu has derivative 0 at 0 (and 0 below, 1 above)', () => {
      assertClose(derivative(ck.relu, f64([-1, 0, 2])), [0, 0, 1], TOL64);
      const x = tensor([0, 0, 5], { requiresGrad: true });
      ck.sum(ck.relu(x)).backward();
      assert.deepEqual([...x.grad!.data], [0, 0, 1]);
    });
    it('leakyRelu: default slope 0.01, positional and options slope, derivative = slope at 0', () => {
      assertClose(ck.leakyRelu(f64([-100, 0, 5])), [-1, 0, 5], TOL64);
      assertClose(ck.leakyRelu(f64([-4, 2]), 0.5), [-2, 2], TOL64);
      assertClose(ck.leakyRelu(f64([-4, 2]), { negativeSlope: 0.25 }), [-1, 2], TOL64);
      assertClose(derivative((x) => ck.leakyRelu(x), f64([-3, 0, 3])), [0.01, 0.01, 1], TOL64);
    });
    it('elu: α(e^x - 1) below 0, derivative α at 0', () => {
      assertClose(ck.elu(f64([0, 2, -Math.log(2)]), { alpha: 2 }), [0, 2, -1], TOL64);
      assertClose(derivative((x) => ck.elu(x, { alpha: 2 }), f64([0, 1, -Math.log(4)])), [2, 1, 0.5], TOL64);
    });
    it('sigmoid, tanh, silu at 0 and ±ln 3; no overflow at ±1000', () => {
      assertClose(ck.sigmoid(f64([0, Math.log(3), -Math.log(3), 1000, -1000])), [0.5, 0.75, 0.25, 1, 0], TOL64);
      assertClose(ck.tanh(f64([0, Math.log(3)])), [0, 0.8], TOL64);
      assertClose(ck.silu(f64([0, Math.log(3), -1000])), [0, 0.75 * Math.log(3), 0], TOL64);
      assertClose(derivative(ck.sigmoid, f64([0, Math.log(3)])), [0.25, 0.1875], TOL64);
      assertClose(derivative(ck.tanh, f64([Math.log(3)])), [1 - 0.64], TOL64);
    });
    it('softplus: ln 2 at 0, the identity above threshold (slope exactly 1)', () => {
      assertClose(ck.softplus(f64([0, 30, -1000])), [Math.log(2), 30, 0], TOL64);
      assertClose(ck.softplus(f64([0, 3]), { beta: 2, threshold: 5 }), [Math.log(2) / 2, 3], TOL64);
      assertClose(derivative((x) => ck.softplus(x, { threshold: 1 }), f64([0, 2])), [0.5, 1], TOL64);
    });
    it('gelu: x·Φ(x) exactly, and the tanh form', () => {
      // Φ(1) = 0.841344746068542948..., Φ(-2) = 0.022750131948179207...
      assertClose(ck.gelu(f64([0, 1, -2])), [0, 0.8413447460685429, -2 * 0.022750131948179207], TOL64);
      const t = Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715));
      assertClose(ck.gelu(f64([1]), { approximate: 'tanh' }), [0.5 * (1 + t)], TOL64);
      // gelu'(0) = Φ(0) = 1/2 for both forms
      assertClose(derivative((x) => ck.gelu(x), f64([0])), [0.5], TOL64);
      assertClose(derivative((x) => ck.gelu(x, { approximate: 'tanh' }), f64([0])), [0.5], TOL64);
    });
    it('softmax and logSoftmax: exact values, any dim, stable for huge logits', () => {
      assertClose(ck.softmax(f64([[0, Math.log(3)]]), 1), f64([[0.25, 0.75]]), TOL64);
      assertClose(ck.softmax(f64([[1, 5], [1, 5]]), 0), f64([[0.5, 0.5], [0.5, 0.5]]), TOL64);
      assertClose(ck.softmax(f64([1000, 1000, 1000, 1000]), -1), [0.25, 0.25, 0.25, 0.25], TOL64);
      assertClose(ck.logSoftmax(f64([1000, 0]), 0), [0, -1000], TOL64);
      assertClose(ck.logSoftmax(f64([[2, 2]]), 1), f64([[-Math.log(2), -Math.log(2)]]), TOL64);
      assertClose(ck.softmax(f64(7), 0), f64(1), TOL64);
      // the Jacobian of softmax is diag(p) - p pᵀ
      const p = [0.25, 0.75];
      const J = ck.jacobian((x: Tensor) => ck.softmax(x, 0), f64([0, Math.log(3)])) as Tensor;
      assertClose(J, f64([[p[0]! - p[0]! * p[0]!, -p[0]! * p[1]!], [-p[1]! * p[0]!, p[1]! - p[1]! * p[1]!]]), TOL64);
    });
    it('float32 in, float32 out', () => {
      for (const f of [ck.relu, ck.sigmoid, ck.tanh, ck.silu, (x: Tensor) => ck.softmax(x, 0)]) {
        assert.equal(f(tensor([1, -1])).dtype, 'float32');
      }
    });
  });

  describe('gradients (float64)', () => {
    for (const [name, f] of [...SMOOTH, ...PIECEWISE_LINEAR]) {
      it(`${name}: gradcheck and the vjp dot-product test`, () => {
        const x = ck.mul(randn64(3, 4), 2);
        ck.gradcheck(f, [x]);
        assertVjpDot(f, [x], name);
      });
    }
    for (const [name, f] of SMOOTH) {
      it(`${name}: second derivatives (gradcheck of the gradient)`, () => {
        gradcheckSecondOrder(f, ck.mul(randn64(2, 3), 2));
      });
    }
    it('relu and leakyRelu have zero second derivative', () => {
      for (const [, f] of PIECEWISE_LINEAR) {
        const H = ck.hessian((x: Tensor) => ck.sum(ck.mul(f(x), x)), f64([-1.5, 0.5, 2]));
        // f(x)·x has second derivative 2·f'(x) on the diagonal only: f'' = 0 contributes nothing
        const d = derivative(f, f64([-1.5, 0.5, 2])).data;
        assertClose(H, f64([[2 * d[0]!, 0, 0], [0, 2 * d[1]!, 0], [0, 0, 2 * d[2]!]]), TOL64);
      }
    });
    it('hessian of Σ sigmoid(x) is diag(σ(1-σ)(1-2σ))', () => {
      const x = f64([0.3, -1.2]);
      const H = ck.hessian((y: Tensor) => ck.sum(ck.sigmoid(y)), x);
      const s = x.data.map((v) => 1 / (1 + Math.exp(-v)));
      assertClose(H, f64([[s[0]! * (1 - s[0]!) * (1 - 2 * s[0]!), 0], [0, s[1]! * (1 - s[1]!) * (1 - 2 * s[1]!)]]), TOL64);
    });
  });

  describe('errors', () => {
    it('rejects non-tensors, int32 tensors and bad options', () => {
      assertThrowsTyped(() => ck.relu(3 as unknown as Tensor), ValueError, 'relu: input must be a Tensor, got 3');
      assertThrowsTyped(() => ck.sigmoid(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'sigmoid: input must be a float32 or float64 tensor, got an int32 tensor');
      assertThrowsTyped(() => ck.leakyRelu(tensor([1]), NaN), ValueError, 'leakyRelu: negativeSlope must be a finite number, got NaN');
      assertThrowsTyped(() => ck.leakyRelu(tensor([1]), { slope: 0.1 } as never), ValueError, 'leakyRelu: unknown option "slope" (allowed: negativeSlope)');
      assertThrowsTyped(() => ck.gelu(tensor([1]), { approximate: 'fast' } as never), ValueError, 'gelu: options.approximate must be "none" or "tanh", got "fast"');
      assertThrowsTyped(() => ck.softplus(tensor([1]), { beta: 0 }), ValueError, 'softplus: options.beta must be a finite non-zero number, got 0');
      assertThrowsTyped(() => ck.softplus(tensor([1]), { threshold: Infinity }), ValueError, 'softplus: options.threshold must be a finite number, got Infinity');
      assertThrowsTyped(() => ck.elu(tensor([1]), { alpa: 1 } as never), ValueError, 'elu: unknown option "alpa" (allowed: alpha)');
      assertThrowsTyped(() => ck.elu(tensor([1]), { alpha: '1' } as never), ValueError, 'elu: options.alpha must be a finite number, got "1"');
    });
    it('softmax needs a dimension in range', () => {
      assertThrowsTyped(() => ck.softmax(tensor([[1, 2]]), 2), ValueError, 'softmax: dim must be an integer in [-2, 1] for a tensor of rank 2, got 2');
      assertThrowsTyped(() => ck.logSoftmax(tensor([[1, 2]]), undefined as unknown as number), ValueError, 'logSoftmax: dim must be an integer in [-2, 1] for a tensor of rank 2, got undefined');
      assertThrowsTyped(() => ck.softmax(tensor([1], { dtype: 'int32' }), 0), DTypeError, /softmax: input must be a float32 or float64 tensor/);
    });
  });

  describe('dropout', () => {
    it('rejects p outside [0, 1] and a non-boolean training flag', () => {
      for (const p of [1.5, -0.1, NaN]) {
        assertThrowsTyped(() => ck.dropout(tensor([1]), { p }), ValueError, `dropout: options.p must be a probability between 0 and 1, got ${p}`);
      }
      assertThrowsTyped(() => ck.dropout(tensor([1]), { training: 1 } as never), ValueError, 'dropout: options.training must be a boolean, got 1');
      assertThrowsTyped(() => ck.dropout(tensor([1]), { inplace: true } as never), ValueError, 'dropout: unknown option "inplace" (allowed: p, training)');
    });
    it('is the identity when not training or when p = 0', () => {
      const x = tensor([1, 2, 3]);
      assert.equal(ck.dropout(x, { training: false }), x);
      assert.equal(ck.dropout(x, { p: 0 }), x);
    });
    it('p = 1 gives zeros and zero gradients', () => {
      const x = tensor([1, -2, 3], { dtype: 'float64', requiresGrad: true });
      const y = ck.dropout(x, { p: 1 });
      // x·0, so -2 gives -0 (as in PyTorch)
      assert.ok(y.data.every((v) => v === 0), `${[...y.data]}`);
      ck.sum(y).backward();
      assert.deepEqual([...x.grad!.data], [0, 0, 0]);
    });
    it('keeps each element with probability 1-p, scaled by 1/(1-p); the gradient is the mask', () => {
      const n = 20000;
      const p = 0.3;
      const x = ck.ones([n], { requiresGrad: true });
      ck.manualSeed(11);
      const y = ck.dropout(x, { p });
      let kept = 0;
      for (const v of y.data) {
        if (v !== 0) {
          kept++;
          assert.ok(Math.abs(v - 1 / 0.7) < 1e-6, `kept value ${v}`);
        }
      }
      // binomial(n, 0.7): standard deviation √(n·0.21) ≈ 65; allow 5 of them
      assert.ok(Math.abs(kept - 0.7 * n) < 5 * Math.sqrt(n * p * (1 - p)), `kept ${kept} of ${n}`);
      ck.sum(y).backward();
      assert.deepEqual([...x.grad!.data], [...y.data]);
    });
    it('is reproducible with manualSeed and differs between calls', () => {
      const x = ck.ones([64], { dtype: 'float64' });
      ck.manualSeed(5);
      const a = ck.dropout(x);
      const b = ck.dropout(x);
      ck.manualSeed(5);
      const c = ck.dropout(x);
      assert.deepEqual([...a.data], [...c.data]);
      assert.notDeepEqual([...a.data], [...b.data]);
      assert.equal(a.dtype, 'float64');
      assert.ok(a.data.every((v) => v === 0 || v === 2));
    });
  });
});
