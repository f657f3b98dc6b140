/**
 * The signal family: numpy's convolve/correlate, scipy.signal's N-d convolve/correlate, circular
 * correlation/convolution and convolution matrices. Hand-derived exact values (integer inputs),
 * pinned errors, float64 gradcheck and the VJP dot-product test on random configurations, and
 * second derivatives. (Numerical agreement with numpy/scipy/torch is in test/fixtures/signal.json.)
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, Generator, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import type { NestedArray } from '../src/index.js';
import { assertClose, assertThrowsTyped, assertVjpDot, describeBackends, onBackend } from './helpers.js';

const f64 = (v: NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const f32 = (v: NestedArray): Tensor => tensor(v);
const EXACT = { rtol: 0, atol: 0 };
const T64 = { rtol: 1e-12, atol: 1e-12 };
type Mode = 'full' | 'same' | 'valid';
const MODES: Mode[] = ['full', 'same', 'valid'];

/** Mixed second derivatives: gradcheck the gradient of sum(y² · R) w.r.t. input `which`. */
function secondOrder(f: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor, which: 0 | 1): void {
  const R = ck.randn([...f(a, b).shape], { dtype: 'float64' });
  const loss = (p: Tensor, q: Tensor): Tensor => {
    const y = f(p, q);
    return ck.sum(ck.mul(ck.mul(y, y), R));
  };
  const g = ck.grad(loss, which) as (p: Tensor, q: Tensor) => Tensor;
  ck.gradcheck((p, q) => g(p!, q!), [a, b]);
}

/** Plain matrix-vector product on the data (no library maths in the oracle). */
function matvec(M: Tensor, x: Tensor): number[] {
  const [rows, cols] = M.shape as [number, number];
  assert.equal(cols, x.numel);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += M.data[r * cols + c]! * x.data[c]!;
    out.push(s);
  }
  return out;
}

type ConvOpts = Parameters<typeof ck.convMatrix>[2];
type ConvFn = (x: Tensor, w: Tensor, o?: ConvOpts) => Tensor;
/** conv{1,2,3}d(input, weight, options) of the convolution family: the independent oracle for M. */
const CONVS: ConvFn[] = [(x, w, o) => ck.conv1d(x, w, o), (x, w, o) => ck.conv2d(x, w, o), (x, w, o) => ck.conv3d(x, w, o)];
const convFn = (r: number): ConvFn => CONVS[r - 1]!;

describeBackends('signal: numpy convolve / correlate', (b) => {
  const a = f32([1, 2, 3, 4]);
  const v = f32([1, 0, 2]);
  it('hand-derived values in every mode (kernel shorter)', () => onBackend(b, () => {
    // (a*v)[k] = Σ_m a[m] v[k-m]; same drops floor((3-1)/2) = 1 on the left
    assertClose(ck.convolve(a, v), [1, 2, 5, 8, 6, 8], EXACT, 'convolve full (default)');
    assertClose(ck.convolve(a, v, 'same'), [2, 5, 8, 6], EXACT, 'convolve same');
    assertClose(ck.convolve(a, v, 'valid'), [5, 8], EXACT, 'convolve valid');
    // c[k] = Σ_n a[n + k - left] v[n], left = 2 (full), 1 (same), 0 (valid)
    assertClose(ck.correlate(a, v), [7, 10], EXACT, 'correlate valid (default)');
    assertClose(ck.correlate(a, v, 'full'), [2, 4, 7, 10, 3, 4], EXACT, 'correlate full');
    assertClose(ck.correlate(a, v, 'same'), [4, 7, 10, 3], EXACT, 'correlate same');
  }));
  it("kernel longer than the signal: numpy's swap (convolve) and swap-and-reverse (correlate)", () => onBackend(b, () => {
    const s = f32([1, 2]);
    const k = f32([1, 2, 3]);
    // correlate(v, a) reversed: valid [1+4, 2+6] -> [8, 5]; same [2, 5, 8] -> [8, 5, 2]
    assertClose(ck.correlate(s, k, 'valid'), [8, 5], EXACT, 'correlate valid');
    assertClose(ck.correlate(s, k, 'same'), [8, 5, 2], EXACT, 'correlate same');
    assertClose(ck.correlate(s, k, 'full'), [3, 8, 5, 2], EXACT, 'correlate full');
    // convolve swaps: correlate([1,2,3], [2,1], same) = [1, 4, 7] (start floor((2-1)/2) = 0 of full)
    assertClose(ck.convolve(s, k, 'full'), [1, 4, 7, 6], EXACT, 'convolve full');
    assertClose(ck.convolve(s, k, 'same'), [1, 4, 7], EXACT, 'convolve same');
    assertClose(ck.convolve(s, k, 'valid'), [4, 7], EXACT, 'convolve valid');
  }));
  it('convolve takes 0-d inputs as length 1 (numpy ndmin=1); keeps dtype', () => onBackend(b, () => {
    const y = ck.convolve(f64(2), f64([1, 2, 3]), 'same');
    assertClose(y, [2, 4, 6], EXACT, 'convolve 0-d');
    assert.equal(y.dtype, 'float64');
  }));
  it('rejects bad arguments with typed errors', () => onBackend(b, () => {
    assertThrowsTyped(() => ck.correlate(f32([[1, 2], [3, 4]]), v), ShapeError,
      'correlate: expected a to be a 1-d tensor (numpy semantics; use correlateNd for N-d), got shape [2, 2]');
    assertThrowsTyped(() => ck.correlate(a, f32(3)), ShapeError,
      'correlate: expected v to be a 1-d tensor (numpy semantics; use correlateNd for N-d), got shape []');
    assertThrowsTyped(() => ck.convolve(a, f32([[1]])), ShapeError,
      'convolve: expected v to be a 1-d (or 0-d) tensor (numpy semantics; use convolveNd for N-d), got shape [1, 1]');
    assertThrowsTyped(() => ck.convolve(a, v, 'middle' as Mode), ValueError, 'convolve: mode must be "full", "valid" or "same", got "middle"');
    assertThrowsTyped(() => ck.correlate(a, v, 2 as unknown as Mode), ValueError, 'correlate: mode must be "full", "valid" or "same", got 2');
    assertThrowsTyped(() => ck.correlate(f32([]), v), ValueError, 'correlate: a cannot be empty, got shape [0]');
    assertThrowsTyped(() => ck.convolve(a, f32([])), ValueError, 'convolve: v cannot be empty, got shape [0]');
    assertThrowsTyped(() => ck.convolve(a, f64([1, 2])), DTypeError, 'convolve: mixed dtypes: a is float32 but v is float64; convert one with .to()');
    assertThrowsTyped(() => ck.correlate(tensor([1, 2], { dtype: 'int32' }), v), DTypeError, 'correlate: a must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.convolve([1, 2] as unknown as Tensor, v), ValueError, 'convolve: a must be a Tensor, got [1, 2]');
  }));
  it('gradcheck and the VJP dot test on random lengths and every mode (float64)', () => onBackend(b, () => {
    const g = new Generator(11);
    for (let t = 0; t < 12; t++) {
      const na = g.int(1, 7);
      const nv = g.int(1, 7);
      const mode = MODES[t % 3]!;
      const x = ck.randn([na], { dtype: 'float64' });
      const w = ck.randn([nv], { dtype: 'float64' });
      for (const f of [(p: Tensor, q: Tensor) => ck.convolve(p, q, mode), (p: Tensor, q: Tensor) => ck.correlate(p, q, mode)]) {
        ck.gradcheck((p, q) => f(p!, q!), [x, w]);
        assertVjpDot((p, q) => f(p!, q!), [x, w], `${mode} ${na}/${nv}`);
      }
    }
  }));
  it('second derivatives: hessian of sum(correlate(x, w)^2) is 2 JᵀJ; mixed terms by gradcheck', () => onBackend(b, () => {
    const w = f64([1, -2, 0.5]);
    const x = f64([0.3, 1, -1, 2, 0.7]);
    for (const mode of MODES) {
      const J = ck.jacobian((p) => ck.correlate(p!, w, mode), x) as Tensor;
      const H = ck.hessian((p) => {
        const y = ck.correlate(p, w, mode);
        return ck.sum(ck.mul(y, y));
      }, x);
      const [m, n] = J.shape as [number, number];
      const want: number[][] = [];
      for (let i = 0; i < n; i++) {
        want.push([]);
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < m; k++) s += 2 * J.data[k * n + i]! * J.data[k * n + j]!;
          want[i]!.push(s);
        }
      }
      assertClose(H, f64(want), T64, `hessian ${mode}`);
      for (const which of [0, 1] as const) {
        secondOrder((p, q) => ck.correlate(p, q, mode), x, f64([1, 2, 3, 4, 5, 6, 7]), which);
        secondOrder((p, q) => ck.convolve(p, q, mode), x, w, which);
      }
    }
  }));
});

describeBackends('signal: scipy.signal convolveNd / correlateNd', (b) => {
  const x = f32([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  const k = f32([[1, 0], [0, -1]]);
  it('hand-derived 2-d values in every mode', () => onBackend(b, () => {
    // correlation with k: F[i,j] = x[i-1,j-1] - x[i,j]; convolution: x[i,j] - x[i-1,j-1]
    assertClose(ck.correlateNd(x, k, 'valid'), f32([[-4, -4], [-4, -4]]), EXACT, 'corr valid');
    assertClose(ck.convolveNd(x, k, 'valid'), f32([[4, 4], [4, 4]]), EXACT, 'conv valid');
    assertClose(ck.correlateNd(x, k, 'same'), f32([[-1, -2, -3], [-4, -4, -4], [-7, -4, -4]]), EXACT, 'corr same');
    assertClose(ck.convolveNd(x, k, 'same'), f32([[1, 2, 3], [4, 4, 4], [7, 4, 4]]), EXACT, 'conv same');
    assertClose(ck.correlateNd(x, k), f32([[-1, -2, -3, 0], [-4, -4, -4, 3], [-7, -4, -4, 6], [0, 7, 8, 9]]), EXACT, 'corr full');
    assertClose(ck.convolveNd(x, k), f32([[1, 2, 3, 0], [4, 4, 4, -3], [7, 4, 4, -6], [0, -7, -8, -9]]), EXACT, 'conv full');
    // in2 larger in every dimension: scipy's swap-and-reverse; 'same' keeps in1's shape
    assertClose(ck.correlateNd(k, x, 'valid'), f32([[-4, -4], [-4, -4]]), EXACT, 'corr valid swapped');
    assertClose(ck.convolveNd(k, x, 'same'), f32([[4, 4], [4, 4]]), EXACT, 'conv same, in1 smaller');
  }));
  it("1-d follows scipy, not numpy: 'same' has in1's length", () => onBackend(b, () => {
    assertClose(ck.correlateNd(f32([1, 2]), f32([1, 2, 3]), 'same'), [8, 5], EXACT, 'scipy same');
    assertClose(ck.correlate(f32([1, 2]), f32([1, 2, 3]), 'same'), [8, 5, 2], EXACT, 'numpy same');
    assertClose(ck.correlateNd(f64(2), f64(-3)), f64(-6), EXACT, '0-d is the product');
  }));
  it('rejects bad arguments with typed errors', () => onBackend(b, () => {
    assertThrowsTyped(() => ck.correlateNd(x, f32([1, 2])), ShapeError,
      'correlateNd: in1 and in2 must have the same number of dimensions, got in1 of shape [3, 3] and in2 of shape [2]');
    assertThrowsTyped(() => ck.convolveNd(f32([[1, 2, 3]]), f32([[1], [2]]), 'valid'), ShapeError,
      'convolveNd: for mode "valid" one input must be at least as large as the other in every dimension, got in1 of shape [1, 3] and in2 of shape [2, 1]');
    assertThrowsTyped(() => ck.correlateNd(x, k, 'Same' as Mode), ValueError, 'correlateNd: mode must be "full", "valid" or "same", got "Same"');
    assertThrowsTyped(() => ck.correlateNd(ck.zeros([2, 0]), k), ValueError, 'correlateNd: in1 cannot be empty, got shape [2, 0]');
    assertThrowsTyped(() => ck.convolveNd(x, tensor([[1]], { dtype: 'float64' })), DTypeError,
      'convolveNd: mixed dtypes: in1 is float32 but in2 is float64; convert one with .to()');
  }));
  it('gradcheck and the VJP dot test on random 2-d and 3-d configurations (float64)', () => onBackend(b, () => {
    const g = new Generator(5);
    for (let t = 0; t < 9; t++) {
      const rank = t % 2 === 0 ? 2 : 3;
      const mode = MODES[t % 3]!;
      const s1 = Array.from({ length: rank }, () => g.int(1, rank === 2 ? 5 : 4));
      // for 'valid' one input must dominate: make in2 no larger than in1 (or, every third, larger)
      const s2 = s1.map((d) => (mode === 'valid' ? (t % 6 === 2 ? d + g.int(0, 2) : g.int(1, d + 1)) : g.int(1, 4)));
      const a = ck.randn(s1, { dtype: 'float64' });
      const w = ck.randn(s2, { dtype: 'float64' });
      for (const f of [(p: Tensor, q: Tensor) => ck.convolveNd(p, q, mode), (p: Tensor, q: Tensor) => ck.correlateNd(p, q, mode)]) {
        ck.gradcheck((p, q) => f(p!, q!), [a, w]);
        assertVjpDot((p, q) => f(p!, q!), [a, w], `${mode} ${s1}/${s2}`);
      }
    }
  }));
  it('second derivatives (mixed, via gradcheck of the gradient)', () => onBackend(b, () => {
    const a = ck.randn([3, 4], { dtype: 'float64' });
    const w = ck.randn([2, 3], { dtype: 'float64' });
    for (const mode of MODES) {
      for (const which of [0, 1] as const) {
        secondOrder((p, q) => ck.correlateNd(p, q, mode), a, w, which);
        secondOrder((p, q) => ck.convolveNd(p, q, mode), a, w, which);
      }
    }
  }));
});

describeBackends('signal: circular correlation and convolution', (b) => {
  it('hand-derived 1-d and 2-d values', () => onBackend(b, () => {
    const x = f32([1, 2, 3]);
    const y = f32([1, 10, 100]);
    // z[1] = x0 y1 + x1 y2 + x2 y0 = 10 + 200 + 3
    assertClose(ck.circularCorrelate(x, y), [321, 213, 132], EXACT, 'correlate');
    // z[0] = x0 y0 + x1 y2 + x2 y1 = 1 + 200 + 30
    assertClose(ck.circularConvolve(x, y), [231, 312, 123], EXACT, 'convolve');
    // a delta at (0, 1) shifts: correlate reads y[k0, k1+1], convolve y[k0, k1-1] (mod 3)
    const d = f32([[0, 1, 0], [0, 0, 0]]);
    const Y = f32([[1, 2, 3], [4, 5, 6]]);
    assertClose(ck.circularCorrelate(d, Y), f32([[2, 3, 1], [5, 6, 4]]), EXACT, '2-d correlate shift');
    assertClose(ck.circularConvolve(d, Y), f32([[3, 1, 2], [6, 4, 5]]), EXACT, '2-d convolve shift');
  }));
  it('Jacobians: dz/dx[k][i] = y[(i+k) mod n], dz/dy[k][j] = x[(j-k) mod n]', () => onBackend(b, () => {
    const n = 5;
    const x = f64([1, -2, 3, 0.5, 4]);
    const y = f64([2, 1, -1, 3, 0]);
    const [jx, jy] = ck.jacobian((p, q) => ck.circularCorrelate(p!, q!), [x, y]) as Tensor[];
    const ex: number[][] = [];
    const ey: number[][] = [];
    for (let k = 0; k < n; k++) {
      ex.push(Array.from({ length: n }, (_, i) => y.data[(i + k) % n]!));
      ey.push(Array.from({ length: n }, (_, j) => x.data[(((j - k) % n) + n) % n]!));
    }
    assertClose(jx!, f64(ex), EXACT, 'dz/dx');
    assertClose(jy!, f64(ey), EXACT, 'dz/dy');
  }));
  it('rejects bad arguments with typed errors', () => onBackend(b, () => {
    assertThrowsTyped(() => ck.circularCorrelate(f32([1, 2, 3]), f32([1, 2])), ShapeError,
      'circularCorrelate: x and y must have the same shape, got [3] and [2]');
    assertThrowsTyped(() => ck.circularConvolve(f32(1), f32(2)), ShapeError, 'circularConvolve: x must have at least 1 dimension, got a 0-d tensor');
    assertThrowsTyped(() => ck.circularConvolve(f32([]), f32([])), ValueError, 'circularConvolve: x cannot be empty, got shape [0]');
    assertThrowsTyped(() => ck.circularCorrelate(f32([1]), f64([1])), DTypeError,
      'circularCorrelate: mixed dtypes: x is float32 but y is float64; convert one with .to()');
    assertThrowsTyped(() => ck.circularCorrelate(f32([1]), 3 as unknown as Tensor), ValueError, 'circularCorrelate: y must be a Tensor, got 3');
  }));
  it('gradcheck, VJP dot test and second derivatives on random shapes (float64)', () => onBackend(b, () => {
    const g = new Generator(3);
    for (let t = 0; t < 6; t++) {
      const shape = Array.from({ length: 1 + (t % 3) }, () => g.int(1, 5));
      const x = ck.randn(shape, { dtype: 'float64' });
      const y = ck.randn(shape, { dtype: 'float64' });
      for (const f of [(p: Tensor, q: Tensor) => ck.circularCorrelate(p, q), (p: Tensor, q: Tensor) => ck.circularConvolve(p, q)]) {
        ck.gradcheck((p, q) => f(p!, q!), [x, y]);
        assertVjpDot((p, q) => f(p!, q!), [x, y], `circular ${shape}`);
        if (t < 3) for (const which of [0, 1] as const) secondOrder(f, x, y, which);
      }
    }
  }));
});

describeBackends('signal: convMatrix', (b) => {
  const w1 = f32([[[1, 2, 3]]]);
  it('hand-derived 1-d matrices for every padding mode', () => onBackend(b, () => {
    // y[o] = Σ_k w[k] x[o - 1 + k]; the border taps x[-1], x[4] are 0 / x[1], x[2] / x[0], x[3] / x[3], x[0]
    const cases: [NonNullable<NonNullable<ConvOpts>['paddingMode']>, number[][]][] = [
      ['zeros', [[2, 3, 0, 0], [1, 2, 3, 0], [0, 1, 2, 3], [0, 0, 1, 2]]],
      ['reflect', [[2, 4, 0, 0], [1, 2, 3, 0], [0, 1, 2, 3], [0, 0, 4, 2]]],
      ['replicate', [[3, 3, 0, 0], [1, 2, 3, 0], [0, 1, 2, 3], [0, 0, 1, 5]]],
      ['circular', [[2, 3, 0, 1], [1, 2, 3, 0], [0, 1, 2, 3], [3, 0, 1, 2]]],
    ];
    for (const [paddingMode, want] of cases) {
      const M = ck.convMatrix([1, 4], w1, { padding: 1, paddingMode });
      assertClose(M, f32(want), EXACT, paddingMode);
    }
    // stride 2, dilation 2, valid: y[o] = w0 x[2o] + w1 x[2o+2] + w2 x[2o+4] on 7 samples
    assertClose(ck.convMatrix([1, 7], w1, { stride: 2, dilation: 2 }), f32([[1, 0, 2, 0, 3, 0, 0], [0, 0, 1, 0, 2, 0, 3]]), EXACT, 'stride/dilation');
  }));
  it('hand-derived 2-d doubly-block Toeplitz matrix, groups and batch', () => onBackend(b, () => {
    // 3x3 input, 2x2 kernel [[1,2],[3,4]], valid: y[i,j] = x[i,j] + 2x[i,j+1] + 3x[i+1,j] + 4x[i+1,j+1]
    const M = ck.convMatrix([1, 3, 3], f32([[[[1, 2], [3, 4]]]]));
    assertClose(M, f32([
      [1, 2, 0, 3, 4, 0, 0, 0, 0],
      [0, 1, 2, 0, 3, 4, 0, 0, 0],
      [0, 0, 0, 1, 2, 0, 3, 4, 0],
      [0, 0, 0, 0, 1, 2, 0, 3, 4],
    ]), EXACT, '2-d');
    // groups 2: channel c of the output sees only input channel c; a batch of 2 is block diagonal
    const G = ck.convMatrix([2, 2, 2], f32([[[5]], [[7]]]), { groups: 2 });
    const want = [
      [5, 0, 0, 0, 0, 0, 0, 0], [0, 5, 0, 0, 0, 0, 0, 0], [0, 0, 7, 0, 0, 0, 0, 0], [0, 0, 0, 7, 0, 0, 0, 0],
      [0, 0, 0, 0, 5, 0, 0, 0], [0, 0, 0, 0, 0, 5, 0, 0], [0, 0, 0, 0, 0, 0, 7, 0], [0, 0, 0, 0, 0, 0, 0, 7],
    ];
    assertClose(G, f32(want), EXACT, 'groups + batch');
  }));
  it('rejects bad arguments with typed errors (before any kernel runs)', () => onBackend(b, () => {
    assertThrowsTyped(() => ck.convMatrix([1, 4], f32([[1, 2]])), ShapeError,
      'convMatrix: expected weight to be a 3-d, 4-d or 5-d tensor [out_channels, in_channels/groups, ...kernel] (conv1d, conv2d or conv3d), got shape [1, 2]');
    assertThrowsTyped(() => ck.convMatrix([4], w1), ShapeError,
      'convMatrix: inputShape must have 2 or 3 sizes ((C, L) or (N, C, L)) for a 3-d weight, got [4]');
    assertThrowsTyped(() => ck.convMatrix([1, 2.5], w1), ValueError, 'convMatrix: inputShape must be an array of positive integers, got [1, 2.5]');
    assertThrowsTyped(() => ck.convMatrix([1, 0], w1), ValueError, 'convMatrix: inputShape must be an array of positive integers, got [1, 0]');
    assertThrowsTyped(() => ck.convMatrix([1, 4], tensor([[[1]]], { dtype: 'int32' })), DTypeError,
      'convMatrix: weight must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.convMatrix([1, 4], w1, { strides: 2 } as ConvOpts), ValueError, /^convMatrix: unknown option "strides"/);
    // the remaining rules are the convolution family's resolver, reporting under our name
    assertThrowsTyped(() => ck.convMatrix([2, 4], w1), ShapeError, /^convMatrix: .*1 input channels per group.*2 channels/);
    assertThrowsTyped(() => ck.convMatrix([1, 4], w1, { padding: 4, paddingMode: 'reflect' }), ValueError, /^convMatrix: padding 4 .*reflect/);
    assertThrowsTyped(() => ck.convMatrix([1, 4], w1, { stride: 0 }), ValueError, /^convMatrix: stride must be/);
    assertThrowsTyped(() => ck.convMatrix([1, 4], w1, { padding: Number.NaN }), ValueError, /^convMatrix: padding must be/);
    assertThrowsTyped(() => ck.convMatrix([1, 2], w1), ShapeError, /^convMatrix: output size would be below 1/);
  }));
  it('zero padding, stride 1: Toeplitz in 1-d, doubly-block Toeplitz in 2-d', () => onBackend(b, () => {
    const M1 = ck.convMatrix([1, 6], ck.randn([1, 1, 3]), { padding: 1 });
    for (let i = 0; i + 1 < 6; i++) for (let j = 0; j + 1 < 6; j++) assert.equal(M1.data[i * 6 + j], M1.data[(i + 1) * 6 + j + 1]);
    const [H, W] = [3, 4];
    const M2 = ck.convMatrix([1, H, W], ck.randn([1, 1, 3, 3]), { padding: 'same' });
    const at = (i1: number, i2: number, j1: number, j2: number): number => M2.data[(i1 * W + i2) * H * W + j1 * W + j2]!;
    for (let i1 = 0; i1 < H; i1++) for (let i2 = 0; i2 < W; i2++) for (let j1 = 0; j1 < H; j1++) for (let j2 = 0; j2 < W; j2++) {
      if (i1 + 1 < H && j1 + 1 < H) assert.equal(at(i1, i2, j1, j2), at(i1 + 1, i2, j1 + 1, j2), 'block Toeplitz');
      if (i2 + 1 < W && j2 + 1 < W) assert.equal(at(i1, i2, j1, j2), at(i1, i2 + 1, j1, j2 + 1), 'Toeplitz blocks');
    }
  }));
  it("circular padding, stride 1: circulant (1-d) and block circulant with circulant blocks (2-d)", () => onBackend(b, () => {
    const n = 5;
    const M1 = ck.convMatrix([1, n], ck.randn([1, 1, 3]), { padding: 1, paddingMode: 'circular' });
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.equal(M1.data[i * n + j], M1.data[(j - i + n) % n], `M[${i}][${j}]`);
    const [H, W] = [3, 4];
    const M2 = ck.convMatrix([1, H, W], ck.randn([1, 1, 3, 3]), { padding: 'same', paddingMode: 'circular' });
    let nonzero = 0;
    for (let i1 = 0; i1 < H; i1++) for (let i2 = 0; i2 < W; i2++) for (let j1 = 0; j1 < H; j1++) for (let j2 = 0; j2 < W; j2++) {
      const v = M2.data[(i1 * W + i2) * H * W + j1 * W + j2]!;
      assert.equal(v, M2.data[((j1 - i1 + H) % H) * W + ((j2 - i2 + W) % W)], 'depends only on (j - i) mod (H, W)');
      if (v !== 0) nonzero++;
    }
    assert.equal(nonzero, H * W * 9);
  }));
  const combos: [number[], number[], ConvOpts][] = [
    [[2, 6], [3, 2, 3], {}],
    [[2, 7], [3, 2, 3], { stride: 2, padding: 1 }],
    [[1, 7], [2, 1, 2], { dilation: 3, padding: 'same', paddingMode: 'reflect' }],
    [[2, 2, 5], [2, 2, 3], { padding: 2, paddingMode: 'replicate' }],
    [[4, 5], [2, 2, 3], { groups: 2, padding: 'same', paddingMode: 'circular' }],
    [[1, 5], [1, 1, 2], { padding: 'full' }],
    [[2, 3, 4], [2, 2, 2, 3], { padding: 1 }],
    [[2, 4, 4], [2, 1, 3, 3], { groups: 2, stride: 2, padding: 1, paddingMode: 'reflect' }],
    [[1, 1, 4, 3], [2, 1, 2, 2], { padding: [1, 0], dilation: [2, 1], paddingMode: 'replicate' }],
    [[1, 3, 4], [1, 1, 3, 3], { padding: 'same', paddingMode: 'circular' }],
    [[1, 3, 3], [1, 1, 2, 2], { padding: 'same', stride: 2 }],
    [[1, 2, 3, 3], [2, 1, 2, 2, 2], { padding: 1, stride: [1, 2, 2], paddingMode: 'circular' }],
  ];
  it('M equals the Jacobian of conv{1,2,3}d, and M·vec(x) equals conv(x), for many option combinations', () => onBackend(b, () => {
    for (const [shape, wShape, o] of combos) {
      const r = wShape.length - 2;
      const conv = convFn(r);
      const w = ck.randn(wShape, { dtype: 'float64' });
      const x = ck.randn(shape, { dtype: 'float64' });
      const M = ck.convMatrix(shape, w, o);
      const y = conv(x, w, o);
      const J = ck.jacobian((p) => conv(p!, w, o), x) as Tensor;
      assertClose(M, ck.reshape(J, [y.numel, x.numel]), T64, `jacobian ${JSON.stringify(o)}`);
      assertClose(f64(matvec(M, x)), ck.reshape(y, [-1]), T64, `M vec(x) ${JSON.stringify(o)}`);
      const M32 = ck.convMatrix(shape, ck.tensor(w, { dtype: 'float32' }), o);
      assert.equal(M32.dtype, 'float32');
      assertClose(M32, M, { rtol: 1e-6, atol: 1e-6 }, 'float32');
    }
  }));
  it("M's Jacobian w.r.t. the filter equals the filter-Jacobian of conv's input-Jacobian", () => onBackend(b, () => {
    for (const [shape, wShape, o] of [combos[2]!, combos[4]!, combos[7]!]) {
      const conv = convFn(wShape.length - 2);
      const w = ck.randn(wShape, { dtype: 'float64' });
      const x0 = ck.zeros(shape, { dtype: 'float64' });
      const dM = ck.jacobian((q) => ck.convMatrix(shape, q!, o), w) as Tensor;
      const dJ = ck.jacobian((q) => ck.jacobian((p) => conv(p!, q!, o), x0) as Tensor, w) as Tensor;
      assertClose(dM, ck.reshape(dJ, [...dM.shape]), T64, `d M / d w ${JSON.stringify(o)}`);
    }
  }));
  it('gradcheck, VJP dot test and second derivatives w.r.t. the weight (float64)', () => onBackend(b, () => {
    for (const [shape, wShape, o] of combos) {
      const w = ck.randn(wShape, { dtype: 'float64' });
      ck.gradcheck((q) => ck.convMatrix(shape, q!, o), [w]);
      assertVjpDot((q) => ck.convMatrix(shape, q!, o), [w], `convMatrix ${JSON.stringify(o)}`);
    }
    // d/dw of sum(M(w)² ⊙ R) is Aᵀ(2 M ⊙ R); its Jacobian runs convMatrixWeightGrad's own vjp
    const [shape, wShape, o] = combos[4]!;
    const R = ck.randn(ck.convMatrix(shape, ck.zeros(wShape), o).shape as number[], { dtype: 'float64' });
    const g = ck.grad((q: Tensor) => {
      const M = ck.convMatrix(shape, q, o);
      return ck.sum(ck.mul(ck.mul(M, M), R));
    }) as (q: Tensor) => Tensor;
    ck.gradcheck((q) => g(q!), [ck.randn(wShape, { dtype: 'float64' })]);
  }));
});
