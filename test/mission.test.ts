/**
 * The fifteen questions of MISSION.md, each answered through the public API and checked against
 * values derived independently: PyTorch/numpy/scipy (scripts/gen_mission.py →
 * test/fixtures/mission/mission.json) or first principles written out in the test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ck from '../src/index.js';
import { Tensor, tensor } from '../src/index.js';
import { ROOT, assertClose } from './helpers.js';

const M = JSON.parse(readFileSync(new URL('test/fixtures/mission/mission.json', ROOT), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of known layout, read field by field below
const f64 = (v: ck.NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const T64 = { rtol: 1e-9, atol: 1e-12 };

describe('MISSION 1: circular cross-correlation and its Jacobians', () => {
  const n = 5;
  const x = f64([1, -2, 3, 0.5, 4]);
  const y = f64([2, 1, -1, 3, 0]);
  it('z[k] = sum_i x[i] y[(i+k) mod n], from the definition', () => {
    const z = ck.circularCorrelate(x, y);
    const expect: number[] = [];
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x.data[i]! * y.data[(i + k) % n]!;
      expect.push(s);
    }
    assertClose(z, expect, T64, 'z');
  });
  it('dz/dx[k][i] = y[(i+k) mod n] and dz/dy[k][j] = x[(j-k) mod n]', () => {
    const [jx, jy] = ck.jacobian((a, b) => ck.circularCorrelate(a, b), [x, y]) as Tensor[];
    const ex: number[][] = [];
    const ey: number[][] = [];
    for (let k = 0; k < n; k++) {
      ex.push([...Array(n).keys()].map((i) => y.data[(i + k) % n]!));
      ey.push([...Array(n).keys()].map((j) => x.data[(((j - k) % n) + n) % n]!));
    }
    assertClose(jx!, f64(ex), T64, 'dz/dx');
    assertClose(jy!, f64(ey), T64, 'dz/dy');
  });
});

describe('MISSION 2: output sizes by the floor rule', () => {
  it('a 10-wide x 11-high input, 3x3 kernel, stride 2 gives 4 wide x 5 high', () => {
    const y = ck.conv2d(ck.zeros([1, 1, 11, 10]), ck.zeros([1, 1, 3, 3]), null, { stride: 2 });
    assert.deepEqual(y.shape, [1, 1, 5, 4]);
    assert.equal(ck.convOutSize(10, 3, 2, 0, 0, 1), 4);
    assert.equal(ck.convOutSize(11, 3, 2, 0, 0, 1), 5);
    assert.equal(ck.convOutFormula(10, 3, 2, 0, 0, 1), 'floor((10 + 2*0 - 1*(3-1) - 1)/2 + 1) = 4');
  });
  it('matches PyTorch for conv1d/2d/3d and max-pool (incl. ceil mode)', () => {
    for (const c of M.item2.conv) {
      const k = new Array(c.rank).fill(c.k);
      const w = ck.zeros([1, 1, ...k]);
      const fn = [ck.conv1d, ck.conv2d, ck.conv3d][c.rank - 1]!;
      const y = fn(ck.zeros(c.input), w, null, { stride: c.s, padding: c.p, dilation: c.d });
      assert.deepEqual(y.shape, c.out, JSON.stringify(c));
    }
    for (const c of M.item2.pool) {
      const y = ck.maxPool2d(ck.zeros(c.input), c.k, { stride: c.s, padding: c.p, ceilMode: c.ceil }) as Tensor;
      assert.deepEqual(y.shape, c.out, JSON.stringify(c));
    }
  });
});

describe('MISSION 3: multi-channel 1-d convolution with stride 2', () => {
  const d = M.item3;
  const x = f64(d.x);
  const w = f64(d.w);
  const f = (xx: Tensor, ww: Tensor): Tensor => ck.conv1d(xx, ww, null, { stride: 2 });
  it('output, df/dW, df/dx and dloss/dW agree with PyTorch', () => {
    assertClose(f(x, w), f64(d.y), T64, 'y');
    assertClose(ck.jacobian((a) => f(a, w), x) as Tensor, f64(d.jx), T64, 'df/dx');
    assertClose(ck.jacobian((b) => f(x, b), w) as Tensor, f64(d.jw), T64, 'df/dW');
    const target = f64(d.target);
    const [loss, gw] = ck.valueAndGrad((b: Tensor) => ck.mul(0.5, ck.sum(ck.square(ck.sub(f(x, b), target)))))(w);
    assert.ok(Math.abs(loss.item() - d.loss) < 1e-9);
    assertClose(gw as Tensor, f64(d.dLdW), T64, 'dloss/dW');
  });
  it('dloss/dW is the correlation of the input with the output error (first principles)', () => {
    const target = f64(d.target);
    const err = ck.sub(f(x, w), target); // [1, 3, 3]
    const gw = ck.grad((b: Tensor) => ck.mul(0.5, ck.sum(ck.square(ck.sub(f(x, b), target)))))(w) as Tensor;
    // dL/dW[o][c][j] = sum_t err[o][t] * x[c][2t + j]
    for (let o = 0; o < 3; o++)
      for (let c = 0; c < 2; c++)
        for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let t = 0; t < 3; t++) s += err.data[o * 3 + t]! * x.data[c * 7 + 2 * t + j]!;
          assert.ok(Math.abs(gw.data[o * 6 + c * 3 + j]! - s) < 1e-12);
        }
  });
});

describe('MISSION 4: a gated recurrent cell trained by backpropagation through time', () => {
  const d = M.item4;
  const xs = f64(d.xs);
  const y = f64(d.y);
  const run = (Wc: Tensor, Wh: Tensor, Wx: Tensor): { loss: Tensor; hs: Tensor[] } => {
    let h = ck.zeros([4], { dtype: 'float64' });
    const hs: Tensor[] = [];
    for (let t = 0; t < 6; t++) {
      const xt = ck.reshape(ck.narrow(xs, 0, t, 1), [3]);
      const c = ck.sigmoid(ck.add(ck.matmul(Wc, xt), ck.matmul(Wh, h)));
      h = ck.add(ck.mul(c, h), ck.mul(ck.sub(1, c), ck.matmul(Wx, xt)));
      hs.push(h);
    }
    return { loss: ck.mul(0.5, ck.sum(ck.square(ck.sub(h, y)))), hs };
  };
  it('loss and weight gradients agree with PyTorch', () => {
    const Wc = f64(d.Wc).requiresGrad_();
    const Wh = f64(d.Wh).requiresGrad_();
    const Wx = f64(d.Wx).requiresGrad_();
    const { loss } = run(Wc, Wh, Wx);
    assert.ok(Math.abs(loss.item() - d.loss) < 1e-10);
    loss.backward();
    assertClose(Wc.grad!, f64(d.gWc), T64, 'dL/dWc');
    assertClose(Wh.grad!, f64(d.gWh), T64, 'dL/dWh');
    assertClose(Wx.grad!, f64(d.gWx), T64, 'dL/dWx');
  });
  it('gradient norms ||dL/dh[t]|| shrink going back in time (vanishing gradients)', () => {
    const { hs } = run(f64(d.Wc), f64(d.Wh), f64(d.Wx));
    // dL/dh[t] for every t via vjp through the unrolled graph
    const norms = hs.map((_, t) => {
      const [, vjpFn] = ck.vjp((h0: Tensor) => {
        // re-run from step t with h[t] as the variable
        let h = h0;
        for (let s = t + 1; s < 6; s++) {
          const xt = ck.reshape(ck.narrow(xs, 0, s, 1), [3]);
          const c = ck.sigmoid(ck.add(ck.matmul(f64(d.Wc), xt), ck.matmul(f64(d.Wh), h)));
          h = ck.add(ck.mul(c, h), ck.mul(ck.sub(1, c), ck.matmul(f64(d.Wx), xt)));
        }
        return ck.mul(0.5, ck.sum(ck.square(ck.sub(h, y))));
      }, hs[t]!.detach());
      const [g] = vjpFn(ck.ones([], { dtype: 'float64' }));
      return Math.sqrt(ck.sum(ck.square(g!)).item());
    });
    norms.forEach((nrm, t) => assert.ok(Math.abs(nrm - d.gradNorms[t]) < 1e-9, `step ${t}: ${nrm} vs ${d.gradNorms[t]}`));
    for (let t = 1; t < norms.length; t++) assert.ok(norms[t - 1]! < norms[t]!, 'norms decrease going back in time');
  });
});

describe('MISSION 5: true convolution vs cross-correlation; shift equivariance; length n - k + 1', () => {
  const x = f64([3, 1, 4, 1, 5, 9, 2, 6]);
  const w = f64([1, 2, -1]);
  it('convolution = correlation with the flipped kernel, from the definitions', () => {
    const conv = ck.convolve(x, w, 'valid');
    const corr = ck.correlate(x, w, 'valid');
    const n = 8;
    const k = 3;
    assert.deepEqual(conv.shape, [n - k + 1]);
    const eConv: number[] = [];
    const eCorr: number[] = [];
    for (let i = 0; i <= n - k; i++) {
      let a = 0;
      let b = 0;
      // true convolution: (x * w)[i + k - 1] = sum_j x[i + k - 1 - j] w[j]
      for (let j = 0; j < k; j++) a += x.data[i + k - 1 - j]! * w.data[j]!;
      for (let j = 0; j < k; j++) b += x.data[i + j]! * w.data[j]!;
      eConv.push(a);
      eCorr.push(b);
    }
    assertClose(conv, eConv, T64, 'convolve');
    assertClose(corr, eCorr, T64, 'correlate');
    assertClose(ck.correlate(x, ck.flip(w, [0]), 'valid'), eConv, T64, 'correlate with flipped kernel');
    // conv1d (the deep-learning "convolution") is a cross-correlation
    assertClose(ck.reshape(ck.conv1d(ck.reshape(x, [1, 1, 8]), ck.reshape(w, [1, 1, 3])), [6]), eCorr, T64, 'conv1d');
  });
  it('shifting the input shifts the output (shift equivariance)', () => {
    const shifted = ck.cat([ck.zeros([2], { dtype: 'float64' }), x], 0);
    const a = ck.convolve(shifted, w, 'valid');
    const b = ck.convolve(x, w, 'valid');
    assertClose(ck.slice(a, 0, 2), b, T64, 'shifted valid output');
    const r = ck.roll(x, 3, 0);
    assertClose(ck.circularConvolve(r, ck.cat([w, ck.zeros([5], { dtype: 'float64' })], 0)), ck.roll(ck.circularConvolve(x, ck.cat([w, ck.zeros([5], { dtype: 'float64' })], 0)), 3, 0), T64, 'circular');
  });
});

describe('MISSION 6: dead ReLU units get zero gradient', () => {
  it('a filter whose pre-activations are negative on every example has zero weight and bias gradient', () => {
    ck.manualSeed(6);
    const x = ck.rand([8, 1, 6, 6], { dtype: 'float64' }); // non-negative inputs
    const w = ck.randn([3, 1, 3, 3], { dtype: 'float64' }).requiresGrad_();
    const bias = f64([0.1, -100, 0.2]).requiresGrad_(); // filter 1 is dead: pre-activation < 0 everywhere
    const pre = ck.conv2d(x, w, bias);
    const loss = ck.sum(ck.square(ck.relu(pre)));
    loss.backward();
    const pre1 = ck.narrow(pre, 1, 1, 1);
    assert.equal(ck.amax(pre1).item() < 0, true);
    assert.deepEqual([...ck.narrow(w.grad!, 0, 1, 1).data], new Array(9).fill(0));
    assert.equal(bias.grad!.data[1], 0);
    assert.ok(Math.abs(bias.grad!.data[0]!) > 0 && Math.abs(bias.grad!.data[2]!) > 0, 'live filters learn');
  });
});

describe('MISSION 7: convolution as a matrix; Jacobian w.r.t. the filter; vector-Jacobian products', () => {
  it('a 1-d valid convolution is a Toeplitz matrix (written out by hand)', () => {
    const w = f64([[[1, 2, 3]]]);
    const m = ck.convMatrix([1, 1, 5], w);
    assertClose(m, f64([
      [1, 2, 3, 0, 0],
      [0, 1, 2, 3, 0],
      [0, 0, 1, 2, 3],
    ]), T64, 'Toeplitz');
  });
  it('circular padding gives a circulant matrix', () => {
    const m = ck.convMatrix([1, 1, 4], f64([[[1, 2, 3]]]), { padding: 1, paddingMode: 'circular' });
    assertClose(m, f64([
      [2, 3, 0, 1],
      [1, 2, 3, 0],
      [0, 1, 2, 3],
      [3, 0, 1, 2],
    ]), T64, 'circulant');
  });
  it('a 2-d conv matrix is doubly-block Toeplitz and equals the Jacobian w.r.t. the input', () => {
    ck.manualSeed(7);
    const x = ck.randn([1, 1, 4, 4], { dtype: 'float64' });
    const w = ck.randn([1, 1, 2, 2], { dtype: 'float64' });
    const m = ck.convMatrix([1, 1, 4, 4], w);
    const j = ck.reshape(ck.jacobian((a) => ck.conv2d(a, w), x) as Tensor, [9, 16]);
    assertClose(m, j, T64, 'M = J');
    assertClose(ck.reshape(ck.matmul(m, ck.reshape(x, [16])), [1, 1, 3, 3]), ck.conv2d(x, w), T64, 'M vec(x)');
    // block (row-block r, column-block c) depends only on c - r: Toeplitz blocks
    const blk = (r: number, c: number): number[] => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) for (let jj = 0; jj < 4; jj++) out.push(m.data[(r * 3 + i) * 16 + c * 4 + jj]!);
      return out;
    };
    assert.deepEqual(blk(0, 0), blk(1, 1));
    assert.deepEqual(blk(0, 1), blk(1, 2));
    assert.deepEqual(blk(2, 0), new Array(12).fill(0));
  });
  it('the Jacobian w.r.t. the filter holds the input patches (im2col), by hand', () => {
    const x = f64([[[1, 2, 3, 4, 5]]]);
    const jw = ck.reshape(ck.jacobian((w) => ck.conv1d(x, w), f64([[[0, 0, 0]]])) as Tensor, [3, 3]);
    assertClose(jw, f64([[1, 2, 3], [2, 3, 4], [3, 4, 5]]), T64, 'dy/dw');
  });
  it('a VJP equals v^T M', () => {
    const w = f64([[[1, -2, 0.5]]]);
    const v = f64([[[1, 2, 3]]]);
    const [, vjpFn] = ck.vjp((a) => ck.conv1d(a, w), f64([[[0, 0, 0, 0, 0]]]));
    const [g] = vjpFn(v);
    const m = ck.convMatrix([1, 1, 5], w);
    assertClose(ck.reshape(g!, [5]), ck.matmul(ck.reshape(v, [3]), m), T64, 'vjp');
  });
});

describe('MISSION 8: parameter counts and multiplications', () => {
  it('96 filters of 5x5x3 with bias; FC 4x4x256 -> 4x4x256; kernel (3,3,10,20) on (48,64,10)', () => {
    const d = M.item8;
    const p = (...ts: Tensor[]): number => ts.reduce((s, t) => s + t.numel, 0);
    assert.equal(p(ck.zeros([96, 3, 5, 5]), ck.zeros([96])), d.conv96);
    assert.equal(d.conv96, 7296);
    assert.equal(p(ck.zeros([4096, 4096]), ck.zeros([4096])), d.fc);
    const w = ck.zeros([20, 10, 3, 3]);
    const y = ck.conv2d(ck.zeros([1, 10, 48, 64]), w, ck.zeros([20]));
    assert.deepEqual(y.shape.slice(1), d.conv.out);
    assert.equal(p(w, ck.zeros([20])), d.conv.params);
    // multiplications: one per (output element, kernel tap), counted by enumerating
    let mults = 0;
    for (let o = 0; o < y.numel; o++) mults += 10 * 3 * 3;
    assert.equal(mults, 46 * 62 * 20 * 90);
    assert.equal(ck.conv2dOp.macs!(ck.conv2dOp.info([ck.zeros([1, 10, 48, 64]), w], {})), mults);
  });
});

describe('MISSION 9: 2-d valid cross-correlation of an integer image', () => {
  const d = M.item9;
  it('output, extremes and their positions, and zeros agree with scipy', () => {
    const y = ck.reshape(ck.conv2d(ck.reshape(f64(d.image), [1, 1, 4, 4]), ck.reshape(f64(d.kernel), [1, 1, 2, 2])), [3, 3]);
    assertClose(y, f64(d.out), T64, 'output');
    const flat = ck.reshape(y, [9]);
    const amax = ck.argmax(flat).item();
    const amin = ck.argmin(flat).item();
    const out = (d.out as number[][]).flat();
    assert.equal(ck.amax(y).item(), Math.max(...out));
    assert.equal(ck.amin(y).item(), Math.min(...out));
    assert.equal(amax, out.indexOf(Math.max(...out)));
    assert.equal(amin, out.indexOf(Math.min(...out)));
    const zeros = [...ck.eq(y, 0).data].flatMap((v, i) => (v ? [i] : []));
    assert.deepEqual(zeros, out.flatMap((v, i) => (v === 0 ? [i] : [])));
  });
});

describe('MISSION 10: sigmoid + binary cross-entropy vs MSE through a sigmoid', () => {
  const a = f64([-4, -1, 0, 0.5, 3]);
  const y = f64([1, 0, 1, 0, 0]);
  it('d BCE(sigmoid(a), y)/da = sigmoid(a) - y (per example, sum reduction)', () => {
    const g = ck.grad((z: Tensor) => ck.binaryCrossEntropy(ck.sigmoid(z), y, { reduction: 'sum' }))(a) as Tensor;
    const s = [...a.data].map((v) => 1 / (1 + Math.exp(-v)));
    assertClose(g, s.map((v, i) => v - y.data[i]!), T64, 'bce grad');
    const g2 = ck.grad((z: Tensor) => ck.binaryCrossEntropyWithLogits(z, y, { reduction: 'sum' }))(a) as Tensor;
    assertClose(g2, s.map((v, i) => v - y.data[i]!), T64, 'logits grad');
  });
  it('d MSE/da = 2 (sigmoid(a) - y) sigmoid(a)(1 - sigmoid(a)) vanishes when confidently wrong', () => {
    const g = ck.grad((z: Tensor) => ck.mseLoss(ck.sigmoid(z), y, { reduction: 'sum' }))(a) as Tensor;
    const s = [...a.data].map((v) => 1 / (1 + Math.exp(-v)));
    assertClose(g, s.map((v, i) => 2 * (v - y.data[i]!) * v * (1 - v)), T64, 'mse grad');
    // a = -4 with y = 1 is confidently wrong: the MSE gradient is tiny, the cross-entropy one is not
    assert.ok(Math.abs(g.data[0]!) < 0.04 && Math.abs(s[0]! - 1) > 0.9);
  });
});

describe('MISSION 11: softmax', () => {
  const z = f64([1, 2, -0.5, 3]);
  it('is invariant to adding a constant (and so stable for large logits)', () => {
    assertClose(ck.softmax(ck.add(z, 1000), 0), ck.softmax(z, 0), T64, 'shift');
    const big = ck.softmax(f64([1000, 1001]), 0);
    assert.ok([...big.data].every(Number.isFinite));
  });
  it('with two classes is the sigmoid of the logit difference', () => {
    const p = ck.softmax(f64([2.5, -1]), 0);
    assert.ok(Math.abs(p.data[0]! - 1 / (1 + Math.exp(-3.5))) < 1e-15);
  });
  it('with K-1 free logits (last fixed at 0) spans the same distributions', () => {
    const p = ck.softmax(z, 0);
    const free = ck.sub(z, z.data[3]!); // subtract the last logit: last becomes 0
    assert.equal(free.data[3], 0);
    assertClose(ck.softmax(free, 0), p, T64, 'K-1');
  });
  it('has Jacobian diag(p) - p p^T', () => {
    const p = ck.softmax(z, 0);
    const j = ck.jacobian((a) => ck.softmax(a, 0), z) as Tensor;
    const e: number[][] = [];
    for (let i = 0; i < 4; i++) e.push([0, 1, 2, 3].map((k) => (i === k ? p.data[i]! : 0) - p.data[i]! * p.data[k]!));
    assertClose(j, f64(e), T64, 'Jacobian');
  });
});

describe('MISSION 12: a sigmoid network and its tanh twin', () => {
  it('sigmoid(z) = (1 + tanh(z/2))/2, so halving weights and adjusting biases gives the same outputs', () => {
    ck.manualSeed(12);
    const W1 = ck.randn([5, 3], { dtype: 'float64' });
    const b1 = ck.randn([5], { dtype: 'float64' });
    const W2 = ck.randn([2, 5], { dtype: 'float64' });
    const b2 = ck.randn([2], { dtype: 'float64' });
    const x = ck.randn([7, 3], { dtype: 'float64' });
    const ySig = ck.linear(ck.sigmoid(ck.linear(x, W1, b1)), W2, b2);
    // tanh twin: W1' = W1/2, b1' = b1/2, W2' = W2/2, b2' = b2 + W2·1/2
    const yTanh = ck.linear(ck.tanh(ck.linear(x, ck.div(W1, 2), ck.div(b1, 2))), ck.div(W2, 2), ck.add(b2, ck.mul(ck.sum(W2, 1), 0.5)));
    assertClose(yTanh, ySig, T64, 'outputs agree');
  });
});

describe('MISSION 13: a CNN on a 3x128x128 input', () => {
  it('shapes, scalars and parameters per layer agree with PyTorch', () => {
    const d = M.item13;
    const w1 = ck.zeros([32, 3, 8, 8]);
    const b1 = ck.zeros([32]);
    const w2 = ck.zeros([64, 32, 3, 3]);
    const b2 = ck.zeros([64]);
    const a = ck.conv2d(ck.zeros([1, 3, 128, 128]), w1, b1, { stride: 2, padding: 3 });
    const b = ck.maxPool2d(a, 2) as Tensor;
    const c = ck.conv2d(b, w2, b2, { padding: 1 });
    assert.deepEqual([a, b, c].map((t) => t.shape.slice(1)), d.shapes);
    assert.deepEqual([a, b, c].map((t) => t.numel), d.scalars);
    assert.deepEqual([w1.numel + b1.numel, 0, w2.numel + b2.numel], d.params);
    assert.equal(ck.convOutFormula(128, 8, 2, 3, 3, 1), 'floor((128 + 2*3 - 1*(8-1) - 1)/2 + 1) = 64');
  });
});

describe('MISSION 14: full, valid and same convolution of [1,2,3,4] with [1,0,2]', () => {
  it('matches numpy (with kernel flipping), and correlate too', () => {
    const a = f64([1, 2, 3, 4]);
    const v = f64([1, 0, 2]);
    for (const mode of ['full', 'valid', 'same'] as const) {
      assertClose(ck.convolve(a, v, mode), f64(M.item14[mode].convolve), T64, `convolve ${mode}`);
      assertClose(ck.correlate(a, v, mode), f64(M.item14[mode].correlate), T64, `correlate ${mode}`);
    }
    // by hand: full = [1, 2, 1*3+2*1, 1*4+2*2, 2*3, 2*4] = [1, 2, 5, 8, 6, 8]
    assertClose(ck.convolve(a, v, 'full'), [1, 2, 5, 8, 6, 8], T64, 'by hand');
  });
});

describe('MISSION 15: backprop through a valid conv is a full conv with the flipped kernel', () => {
  ck.manualSeed(15);
  it('1-d: dL/dx = full correlation of dL/dy with the flipped kernel = full convolution with the kernel', () => {
    const x = ck.randn([9], { dtype: 'float64' });
    const w = ck.randn([4], { dtype: 'float64' });
    const g = ck.randn([6], { dtype: 'float64' });
    const [, vjpFn] = ck.vjp((a) => ck.correlate(a, w, 'valid'), x);
    const [dx] = vjpFn(g);
    assertClose(dx!, ck.correlate(g, ck.flip(w, [0]), 'full'), T64, 'flipped full correlation');
    assertClose(dx!, ck.convolve(g, w, 'full'), T64, 'full convolution');
    // and the same through the deep-learning conv1d
    const [, vjp2] = ck.vjp((a) => ck.conv1d(a, ck.reshape(w, [1, 1, 4])), ck.reshape(x, [1, 1, 9]));
    assertClose(ck.reshape(vjp2(ck.reshape(g, [1, 1, 6]))[0]!, [9]), dx!, T64, 'conv1d');
  });
  it('2-d: the input gradient of a valid conv2d is a full conv2d of dL/dy with the flipped kernel', () => {
    const x = ck.randn([1, 1, 5, 6], { dtype: 'float64' });
    const w = ck.randn([1, 1, 3, 2], { dtype: 'float64' });
    const g = ck.randn([1, 1, 3, 5], { dtype: 'float64' });
    const [, vjpFn] = ck.vjp((a) => ck.conv2d(a, w), x);
    const [dx] = vjpFn(g);
    assertClose(dx!, ck.conv2d(g, ck.flip(w, [2, 3]), null, { padding: 'full' }), T64, '2-d');
  });
  it('and through a full convolution the input gradient is a valid one', () => {
    const x = ck.randn([7], { dtype: 'float64' });
    const w = ck.randn([3], { dtype: 'float64' });
    const g = ck.randn([9], { dtype: 'float64' });
    const [, vjpFn] = ck.vjp((a) => ck.convolve(a, w, 'full'), x);
    const [dx] = vjpFn(g);
    assertClose(dx!, ck.correlate(g, w, 'valid'), T64, 'valid');
  });
});
