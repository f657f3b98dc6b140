/** Matrix products: hand-derived values, the kernel's tiles against naive loops, errors, gradients, timing. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, Generator, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { TOL64, assertClose, assertThrowsTyped, assertVjpDot, describeBackends, onBackend } from './helpers.js';

const arr = (t: Tensor): number[] => [...t.data];
const shp = (t: Tensor): number[] => [...t.shape];
const rnd = (g: Generator, shape: number[]): Tensor => ck.randn(shape, { dtype: 'float64', generator: g });
/** Small integers, so that every product and sum is exact in float32 and float64. */
const intsT = (g: Generator, shape: number[], dtype: 'float32' | 'float64'): Tensor =>
  tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => g.int(-5, 6)), { dtype, shape });

/** Naive C = A·B for row-major 2-d data. */
function naive(a: ArrayLike<number>, b: ArrayLike<number>, M: number, K: number, N: number): number[] {
  const c = new Array<number>(M * N).fill(0);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[i * K + k]! * b[k * N + j]!;
      c[i * N + j] = s;
    }
  }
  return c;
}

describeBackends('matmul', (b) => {
  const t = (name: string, fn: () => void): void => {
    it(name, () => onBackend(b, fn));
  };

  t('hand-derived products: mm, matmul with 1-d promotion, bmm, mv, dot, outer, addmm, linear', () => {
    const A = tensor([[1, 2], [3, 4]]);
    const B = tensor([[5, 6], [7, 8]]);
    assert.deepEqual(arr(ck.mm(A, B)), [19, 22, 43, 50]);
    assert.deepEqual(arr(ck.matmul(A, B)), [19, 22, 43, 50]);
    const d = ck.matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    assert.deepEqual(shp(d), []);
    assert.equal(d.item(), 32);
    assert.deepEqual(arr(ck.matmul(tensor([1, 1]), A)), [4, 6]);
    assert.deepEqual(arr(ck.matmul(A, tensor([1, 1]))), [3, 7]);
    assert.deepEqual(arr(ck.mv(A, tensor([1, -1]))), [-1, -1]);
    assert.equal(ck.dot(tensor([1, 2]), tensor([3, 4])).item(), 11);
    assert.deepEqual(arr(ck.outer(tensor([1, 2]), tensor([3, 4, 5]))), [3, 4, 5, 6, 8, 10]);
    const bm = ck.bmm(ck.stack([A, B]), ck.stack([B, A]));
    assert.deepEqual(arr(bm), [19, 22, 43, 50, 23, 34, 31, 46]);
    assert.deepEqual(arr(ck.addmm(tensor([10, 20]), A, B)), [29, 42, 53, 70]);
    assert.deepEqual(arr(ck.addmm(tensor([[1], [2]]), A, B, { beta: 2, alpha: -1 })), [-17, -20, -39, -46]);
    assert.deepEqual(arr(ck.addmm(tensor([[NaN]]), A, B, { beta: 0 })), [19, 22, 43, 50]);
    // linear: y = x Wᵀ + b, W is (out, in)
    const W = tensor([[1, 0, -1], [2, 1, 0]]);
    assert.deepEqual(arr(ck.linear(tensor([[1, 2, 3], [0, 1, 0]]), W, tensor([10, 20]))), [8, 24, 10, 21]);
    assert.deepEqual(arr(ck.linear(tensor([1, 2, 3]), W)), [-2, 4]);
    assert.deepEqual(shp(ck.linear(ck.zeros([2, 4, 3]), W, null)), [2, 4, 2]);
  });

  t('matmul shapes: promotion, removal and broadcast batch dimensions', () => {
    const cases: [number[], number[], number[]][] = [
      [[3], [2, 3, 4], [2, 4]],
      [[2, 3, 4], [4], [2, 3]],
      [[2, 1, 3, 4], [5, 4, 2], [2, 5, 3, 2]],
      [[1, 3, 4], [2, 1, 4, 2], [2, 1, 3, 2]],
      [[0, 3], [3, 2], [0, 2]],
      [[3, 0], [0, 2], [3, 2]],
    ];
    for (const [a, c, out] of cases) assert.deepEqual(shp(ck.matmul(ck.ones(a), ck.ones(c))), out, `${a} x ${c}`);
    assert.deepEqual(arr(ck.matmul(ck.ones([3, 0]), ck.ones([0, 2]))), [0, 0, 0, 0, 0, 0]);
    // each batch element against naive loops, broadcast batch [2,1] x [5] -> [2,5]
    const g = new Generator(1);
    const x = intsT(g, [2, 1, 3, 4], 'float64');
    const y = intsT(g, [5, 4, 2], 'float64');
    const z = ck.matmul(x, y);
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 5; j++) {
        const want = naive(x.data.subarray(i * 12, i * 12 + 12), y.data.subarray(j * 8, j * 8 + 8), 3, 4, 2);
        assert.deepEqual(arr(z).slice((i * 5 + j) * 6, (i * 5 + j + 1) * 6), want, `batch ${i},${j}`);
      }
    }
  });

  t('the kernels match naive loops exactly across row blocks and column tiles (float32 and float64)', () => {
    const g = new Generator(2);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const M of [1, 3, 4, 5, 9]) {
        for (const K of [1, 3, 17]) {
          for (const N of [1, 2, 63, 64, 65, 130]) {
            const a = intsT(g, [M, K], dtype);
            const c = intsT(g, [K, N], dtype);
            const want = naive(a.data, c.data, M, K, N);
            assert.deepEqual(arr(ck.matmul(a, c)), want, `matmul ${dtype} ${M}x${K}x${N}`);
            const bias = intsT(g, [N], dtype);
            const lin = ck.linear(a, ck.t(c), bias);
            assert.deepEqual(arr(lin), want.map((v, i) => v + bias.data[i % N]!), `linear ${dtype} ${M}x${K}x${N}`);
          }
        }
      }
    }
    const i32 = ck.matmul(tensor([[1, 2], [3, 4]], { dtype: 'int32' }), tensor([[1], [-1]], { dtype: 'int32' }));
    assert.equal(i32.dtype, 'int32');
    assert.deepEqual(arr(i32), [-1, -1]);
  });

  t('macs: batch·M·K·N for matmul, rows·in·out for linear', () => {
    const a = ck.zeros([2, 1, 3, 4]);
    const c = ck.zeros([5, 4, 6]);
    assert.equal(ck.matmulOp.macs!(ck.matmulOp.info([a, c], { op: 'matmul', shapes: [a.shape, c.shape] })), 10 * 3 * 4 * 6);
    const x = ck.zeros([64, 9216]);
    const w = ck.zeros([128, 9216]);
    assert.equal(ck.linearOp.macs!(ck.linearOp.info([x, w], undefined)), 64 * 9216 * 128);
  });

  t('errors name the op, the argument and the sizes', () => {
    const a = ck.zeros([2, 3]);
    assertThrowsTyped(() => ck.matmul(a, ck.zeros([4, 5])), ShapeError,
      'matmul: shapes [2, 3] (input) and [4, 5] (other) cannot be multiplied: the contracted dimensions are 3 and 4');
    assertThrowsTyped(() => ck.matmul(ck.zeros([3]), ck.zeros([4])), ShapeError,
      'matmul: shapes [3] (input) and [4] (other) cannot be multiplied: the contracted dimensions are 3 and 4');
    assertThrowsTyped(() => ck.matmul(ck.zeros([2, 2, 3]), ck.zeros([3, 3, 1])), ShapeError,
      'matmul: shapes [2] (input batch dimensions) and [3] (other batch dimensions) cannot be broadcast: dimension -1 is 2 vs 3');
    assertThrowsTyped(() => ck.matmul(ck.tensor(2), a), ShapeError, 'matmul: both arguments need at least 1 dimension, but input is 0-d');
    assertThrowsTyped(() => ck.matmul(a, ck.zeros([3, 2], { dtype: 'float64' })), DTypeError,
      'matmul: mixed dtypes: input is float32 but other is float64; convert one with .to()');
    assertThrowsTyped(() => ck.matmul(a, [[1], [2], [3]] as never), ValueError, 'matmul: other must be a Tensor, got [[1], [2], [3]]');
    assertThrowsTyped(() => ck.mm(a, ck.zeros([3])), ShapeError, 'mm: expected mat2 to be a 2-d tensor, got shape [3]');
    assertThrowsTyped(() => ck.mm(a, ck.zeros([2, 3])), ShapeError, 'mm: shapes [2, 3] (input) and [2, 3] (mat2) cannot be multiplied: the contracted dimensions are 3 and 2');
    assertThrowsTyped(() => ck.bmm(ck.zeros([2, 2, 3]), ck.zeros([3, 3, 1])), ShapeError,
      'bmm: batch sizes differ: input [2, 2, 3] has 2 but mat2 [3, 3, 1] has 3');
    assertThrowsTyped(() => ck.bmm(a, a), ShapeError, 'bmm: expected input to be a 3-d tensor, got shape [2, 3]');
    assertThrowsTyped(() => ck.dot(ck.zeros([3]), ck.zeros([2])), ShapeError, 'dot: input has 3 elements but other has 2');
    assertThrowsTyped(() => ck.mv(a, ck.zeros([2])), ShapeError, 'mv: shapes [2, 3] (input) and [2] (vec) cannot be multiplied: the contracted dimensions are 3 and 2');
    assertThrowsTyped(() => ck.outer(ck.zeros([3]), a), ShapeError, 'outer: expected vec2 to be a 1-d tensor, got shape [2, 3]');
    assertThrowsTyped(() => ck.addmm(ck.zeros([3, 2]), a, ck.zeros([3, 2])), ShapeError,
      'addmm: input [3, 2] does not broadcast to the product\'s shape [2, 2]');
    assertThrowsTyped(() => ck.addmm(ck.zeros([2]), a, ck.zeros([3, 2]), { gamma: 1 } as never), ValueError, 'addmm: unknown option "gamma" (allowed: beta, alpha)');
    assertThrowsTyped(() => ck.addmm(ck.zeros([2]), a, ck.zeros([3, 2]), { beta: NaN }), ValueError, 'addmm: options.beta must be a number, got NaN');
    const x = ck.zeros([64, 9216]);
    assertThrowsTyped(() => ck.linear(x, ck.zeros([128, 784])), ShapeError,
      'linear: weight [128, 784] has 784 input features but input [64, 9216] has 9216 (its last dimension)');
    assertThrowsTyped(() => ck.linear(a, ck.zeros([4, 3]), ck.zeros([3])), ShapeError,
      'linear: bias must have shape [4] (out_features of weight [4, 3]), got [3]');
    assertThrowsTyped(() => ck.linear(a, ck.zeros([3])), ShapeError, 'linear: weight must be a 2-d tensor (out_features, in_features), got shape [3]');
    assertThrowsTyped(() => ck.linear(ck.tensor(1), ck.zeros([4, 1])), ShapeError, 'linear: input must be a tensor of shape (*, in_features), got a 0-d tensor');
    assertThrowsTyped(() => ck.linear(a, ck.zeros([4, 3]), ck.zeros([4], { dtype: 'float64' })), DTypeError,
      'linear: mixed dtypes: input is float32 but bias is float64; convert one with .to()');
    assertThrowsTyped(() => ck.linear(ck.zeros([2, 3], { dtype: 'int32' }), ck.zeros([4, 3], { dtype: 'int32' })), DTypeError,
      'linear: input must be a float32 or float64 tensor, got an int32 tensor');
  });

  // ---- gradients --------------------------------------------------------------------------------

  t('gradcheck and VJP dot test on random configurations of every product', () => {
    const g = new Generator(3);
    const configs: { what: string; f: (...x: Tensor[]) => Tensor; shapes: number[][] }[] = [];
    for (let k = 0; k < 10; k++) {
      const [M, K, N] = [g.int(1, 4), g.int(1, 4), g.int(1, 4)];
      const ra = g.int(1, 5);
      const rb = g.int(1, 5);
      // batch dimensions drawn from {1, 2} so that they broadcast
      const batch = Array.from({ length: 2 }, () => g.int(1, 3));
      const bA = batch.slice(2 - Math.max(ra - 2, 0)).map((d) => (g.random() < 0.3 ? 1 : d));
      const bB = batch.slice(2 - Math.max(rb - 2, 0)).map((d) => (g.random() < 0.3 ? 1 : d));
      const sa = ra === 1 ? [K] : [...bA, M, K];
      const sb = rb === 1 ? [K] : [...bB, K, N];
      configs.push({ what: `matmul ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, f: (a, c) => ck.matmul(a!, c!), shapes: [sa, sb] });
      const lead = Array.from({ length: g.int(0, 3) }, () => g.int(1, 3));
      const withBias = g.random() < 0.6;
      configs.push({
        what: `linear ${JSON.stringify([...lead, K])} -> ${N} bias ${withBias}`,
        f: withBias ? (x, w, bias) => ck.linear(x!, w!, bias!) : (x, w) => ck.linear(x!, w!),
        shapes: withBias ? [[...lead, K], [N, K], [N]] : [[...lead, K], [N, K]],
      });
    }
    const beta = g.normal();
    const alpha = g.normal();
    configs.push(
      { what: 'mm', f: (a, c) => ck.mm(a!, c!), shapes: [[3, 4], [4, 2]] },
      { what: 'bmm', f: (a, c) => ck.bmm(a!, c!), shapes: [[2, 3, 4], [2, 4, 2]] },
      { what: 'mv', f: (a, c) => ck.mv(a!, c!), shapes: [[3, 4], [4]] },
      { what: 'dot', f: (a, c) => ck.dot(a!, c!), shapes: [[5], [5]] },
      { what: 'outer', f: (a, c) => ck.outer(a!, c!), shapes: [[3], [4]] },
      { what: 'addmm', f: (i, a, c) => ck.addmm(i!, a!, c!, { beta, alpha }), shapes: [[1, 2], [3, 4], [4, 2]] },
      { what: 'addmm row bias', f: (i, a, c) => ck.addmm(i!, a!, c!), shapes: [[2], [3, 4], [4, 2]] },
    );
    for (const c of configs) {
      const xs = c.shapes.map((s) => rnd(g, s));
      ck.gradcheck(c.f, xs);
      assertVjpDot(c.f, xs, c.what);
    }
  });

  t('double backward: gradcheck of gradients of matmul and linear', () => {
    const g = new Generator(4);
    const a = rnd(g, [2, 3, 4]);
    const c = rnd(g, [4, 2]);
    const cube = (y: Tensor): Tensor => ck.sum(ck.mul(ck.mul(y, y), y));
    ck.gradcheck((z: Tensor) => ck.grad((w: Tensor) => cube(ck.matmul(w, c)))(z) as Tensor, [a]);
    ck.gradcheck((z: Tensor) => ck.grad((w: Tensor) => cube(ck.matmul(a, w)))(z) as Tensor, [c]);
    const x = rnd(g, [3, 4]);
    const W = rnd(g, [2, 4]);
    const bias = rnd(g, [2]);
    ck.gradcheck((z: Tensor) => ck.grad((w: Tensor) => cube(ck.linear(x, w, bias)))(z) as Tensor, [W]);
    ck.gradcheck((z: Tensor) => ck.grad((w: Tensor) => cube(ck.linear(w, W, bias)))(z) as Tensor, [x]);
    // the input gradient as a function of the upstream gradient
    const u = rnd(g, [3, 2]);
    ck.gradcheck((v: Tensor) => ck.grad((w: Tensor) => ck.sum(ck.mul(ck.linear(x, w, bias), v)))(W) as Tensor, [u]);
  });

  t('hessian of sum(linear(x, W, b)^2) in W is 2 δ_jl (XᵀX)_km', () => {
    const g = new Generator(5);
    const x = rnd(g, [4, 3]);
    const bias = rnd(g, [2]);
    const W = rnd(g, [2, 3]);
    const h = ck.hessian((w: Tensor) => {
      const y = ck.linear(x, w, bias);
      return ck.sum(ck.mul(y, y));
    }, W);
    assert.deepEqual(shp(h), [2, 3, 2, 3]);
    const xtx = ck.matmul(ck.t(x), x);
    const want = new Float64Array(36);
    for (let j = 0; j < 2; j++) for (let k = 0; k < 3; k++) for (let m = 0; m < 3; m++) want[((j * 3 + k) * 2 + j) * 3 + m] = 2 * xtx.data[k * 3 + m]!;
    assertClose(h, new Tensor(want, [2, 3, 2, 3]), TOL64, 'hessian');
  });

  t('MNIST-size linear 9216 -> 128 at batch 64: forward + backward, checked against direct sums', () => {
    const g = new Generator(6);
    const x = ck.randn([64, 9216], { generator: g }).requiresGrad_(true);
    const W = ck.mul(ck.randn([128, 9216], { generator: g }), 0.01).detach().requiresGrad_(true);
    const bias = ck.zeros([128]).requiresGrad_(true);
    const R = ck.randn([64, 128], { generator: g });
    const t0 = performance.now();
    const y = ck.linear(x, W, bias);
    ck.sum(ck.mul(y, R)).backward();
    const ms = performance.now() - t0;
    console.log(`linear 64x9216 -> 128 forward + backward (input, weight and bias gradients): ${ms.toFixed(0)} ms`);
    // y[i][j] = x_i · W_j + b_j; dW[j][k] = Σ_i R[i][j] x[i][k]; db[j] = Σ_i R[i][j]; dx[i][k] = Σ_j R[i][j] W[j][k]
    for (const [i, j, k] of [[0, 0, 0], [63, 127, 9215], [17, 55, 4000]] as const) {
      let yy = 0;
      for (let q = 0; q < 9216; q++) yy += x.data[i * 9216 + q]! * W.data[j * 9216 + q]!;
      assert.ok(Math.abs(y.data[i * 128 + j]! - yy) < 1e-4, `y[${i}][${j}]`);
      let dw = 0;
      let db = 0;
      for (let r = 0; r < 64; r++) {
        dw += R.data[r * 128 + j]! * x.data[r * 9216 + k]!;
        db += R.data[r * 128 + j]!;
      }
      assert.ok(Math.abs(W.grad!.data[j * 9216 + k]! - dw) < 1e-4, `dW[${j}][${k}]`);
      assert.ok(Math.abs(bias.grad!.data[j]! - db) < 1e-4, `db[${j}]`);
      let dx = 0;
      for (let q = 0; q < 128; q++) dx += R.data[i * 128 + q]! * W.data[q * 9216 + k]!;
      assert.ok(Math.abs(x.grad!.data[i * 9216 + k]! - dx) < 1e-5, `dx[${i}][${k}]`);
    }
    assert.ok(ms < 20000, `took ${ms} ms`);
  });
});
