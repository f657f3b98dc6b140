/** Tensors and autograd basics: creation, backward, grad modes and the function transforms. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { GradError, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { assertClose, assertThrowsTyped, assertVjpDot } from './helpers.js';
import { recordCustom } from '../src/op.js';

const f64 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const T64 = { rtol: 1e-10, atol: 1e-12 };

describe('tensor creation', () => {
  it('from nested arrays, flat typed arrays with a shape, and scalars', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual([a.shape, a.dtype, a.numel], [[2, 3], 'float32', 6]);
    const b = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
    assert.deepEqual([b.dtype, b.toArray()], ['float64', [[1, 2], [3, 4]]]);
    assert.equal(tensor(7).item(), 7);
    assert.deepEqual(tensor([1.7, -1.7], { dtype: 'int32' }).toArray(), [1, -1]);
    assertThrowsTyped(() => tensor([[1, 2], [3]]), ShapeError, /ragged/);
    assertThrowsTyped(() => tensor([1, 2, 3], { shape: [2, 2] }), ShapeError, 'tensor: options.shape must be a shape with 3 elements, got [2, 2]');
    assertThrowsTyped(() => a.item(), ShapeError, 'item: input must be a tensor with one element, got shape [2, 3] (6 elements)');
  });
  it('constants, ranges and seeded random numbers', () => {
    assert.deepEqual(ck.arange(5).toArray(), [0, 1, 2, 3, 4]);
    assert.equal(ck.arange(5).dtype, 'int32');
    assert.deepEqual(ck.arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
    assert.deepEqual(ck.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(ck.eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
    assert.deepEqual(ck.full([2], 3).toArray(), [3, 3]);
    ck.manualSeed(42);
    const r1 = [...ck.randn([5]).data];
    ck.manualSeed(42);
    assert.deepEqual([...ck.randn([5]).data], r1);
    const ri = ck.randint(3, 7, [1000]);
    assert.ok([...ri.data].every((v) => v >= 3 && v < 7) && new Set(ri.data).size === 4);
    const u = ck.rand([10000], { dtype: 'float64' });
    const mean = ck.mean(u).item();
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
    assertThrowsTyped(() => ck.zeros([2, -1]), ValueError, 'zeros: shape must be an array of non-negative integers, got [2, -1]');
  });
});

describe('backward', () => {
  it('accumulates into .grad across calls and respects noGrad and detach', () => {
    const x = f64([1, 2, 3]).requiresGrad_();
    ck.sum(ck.mul(x, x)).backward();
    ck.sum(ck.mul(x, 3)).backward();
    assert.deepEqual(x.grad!.toArray(), [5, 7, 9]);
    const y = ck.noGrad(() => ck.mul(x, 2));
    assert.equal(y.requiresGrad, false);
    assert.equal(ck.mul(x.detach(), 2).requiresGrad, false);
    assert.equal(x.isLeaf, true);
  });
  it('rejects what PyTorch rejects, with typed errors', () => {
    const x = f64([1, 2]).requiresGrad_();
    assertThrowsTyped(() => ck.mul(x, 2).backward(), GradError, 'backward: the output has shape [2]; pass a gradient of that shape (only scalar outputs default to 1)');
    assertThrowsTyped(() => f64([1]).backward(), GradError, /does not require grad/);
    assertThrowsTyped(() => ck.arange(3).requiresGrad_(), GradError, 'requiresGrad_: only floating-point tensors can require gradients, got int32');
    ck.mul(x, 2).backward(f64([1, 10]));
    assert.deepEqual(x.grad!.toArray(), [2, 20]);
  });
  it('createGraph gives differentiable gradients (double backward)', () => {
    const x = f64([2]).requiresGrad_();
    const y = ck.mul(ck.mul(x, x), x); // x^3
    y.backward(undefined, { createGraph: true });
    const g = x.grad!; // 3x^2 = 12, with a graph
    x.grad = null;
    g.backward();
    assert.deepEqual(x.grad!.toArray(), [12]); // 6x
  });
});

describe('function transforms', () => {
  const A = f64([[2, 1], [0, 3]]);
  const quad = (x: Tensor): Tensor => ck.sum(ck.mul(x, ck.matmul(A, x))); // xᵀAx
  it('grad, valueAndGrad with argnums, hessian = A + Aᵀ', () => {
    const x = f64([1, -1]);
    const [v, g] = ck.valueAndGrad(quad)(x);
    assert.equal(v.item(), 1 * (2 - 1) + -1 * (0 - 3));
    assertClose(g as Tensor, ck.matmul(ck.add(A, ck.transpose(A, 0, 1)), x), T64, 'grad');
    assertClose(ck.hessian(quad, x), ck.add(A, ck.transpose(A, 0, 1)), T64, 'hessian');
    const gs = ck.grad((a: Tensor, b: Tensor) => ck.sum(ck.mul(a, b)), [0, 1])(f64([1, 2]), f64([3, 4])) as Tensor[];
    assert.deepEqual(gs.map((t) => t.toArray()), [[3, 4], [1, 2]]);
    assert.equal(g instanceof Tensor && !(g as Tensor).requiresGrad, true);
  });
  it('jacobian has shape out.shape ++ input.shape, one tensor per input; jvp and vjp agree with it', () => {
    const f = (a: Tensor, b: Tensor): Tensor => ck.matmul(a, b);
    const a = f64([[1, 2, 3], [4, 5, 6]]);
    const b = f64([[1], [0], [-1]]);
    const [ja, jb] = ck.jacobian(f, [a, b]) as Tensor[];
    assert.deepEqual([ja!.shape, jb!.shape], [[2, 1, 2, 3], [2, 1, 3, 1]]);
    const t = f64([[0.5], [1], [2]]);
    const [, jt] = ck.jvp((bb) => f(a, bb), [b], [t]);
    assertClose(jt, ck.reshape(ck.matmul(ck.reshape(jb!, [2, 3]), ck.reshape(t, [3])), [2, 1]), T64, 'jvp');
    const [, vjpFn] = ck.vjp((bb) => f(a, bb), b);
    const [gb] = vjpFn(f64([[1], [1]]));
    assertClose(gb!, f64([[5], [7], [9]]), T64, 'vjp');
  });
  it('gradcheck passes on correct gradients and names the input and element that disagree', () => {
    assert.equal(ck.gradcheck((x) => ck.exp(ck.mul(x, x)), [f64([0.1, -0.3])]), true);
    // detach hides one factor of x*x from autograd: the analytic gradient is x, not 2x
    assertThrowsTyped(
      () => ck.gradcheck((x, y) => ck.add(ck.mul(x.detach(), x), y), [f64([1, 2]), f64([0, 0])]),
      GradError,
      /^gradcheck: Jacobian mismatch for input 0 at element \[0\] \(output element \[0\]\): numerical 2\.0000\d*, analytic 1/,
    );
  });
});

describe('the dot-product VJP check', () => {
  it('fails for a VJP that is wrong but differentiable (its JVP comes from finite differences, not from VJPs)', () => {
    // y = 2x with a vjp of 3g: consistent with itself under double backward, wrong against f
    const twice = (x: Tensor): Tensor => {
      const y = ck.mul(x.detach(), 2);
      recordCustom('twice', [x], [y], ([g]) => [ck.mul(g!, 3)]);
      return y;
    };
    assert.throws(() => assertVjpDot(twice, [ck.randn([5])], 'twice'), /finite differences/);
    const right = (x: Tensor): Tensor => {
      const y = ck.mul(x.detach(), 2);
      recordCustom('twice', [x], [y], ([g]) => [ck.mul(g!, 2)]);
      return y;
    };
    assertVjpDot(right, [ck.randn([5])], 'twice (correct)');
  });
});
