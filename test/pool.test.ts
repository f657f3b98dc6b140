/** Pooling: hand-derived values, tie/NaN rules, errors, gradients (gradcheck, VJP dot test, double backward). */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { DTypeError, Generator, ShapeError, Tensor, ValueError, tensor } from '../src/index.js';
import { apply, apply1 } from '../src/op.js';
import { TOL64, assertClose, assertThrowsTyped, assertVjpDot, describeBackends, onBackend } from './helpers.js';

const f64 = { dtype: 'float64' as const };
const T = (v: ck.NestedArray): Tensor => tensor(v, f64);
const arr = (t: Tensor): number[] => [...t.data];
const gradOf = (f: (x: Tensor) => Tensor, x: Tensor): Tensor => ck.grad((y: Tensor) => ck.sum(f(y)))(x) as Tensor;

/** Tie-free float64 values: a random permutation of evenly spaced numbers in [-2, 2). */
function distinct(g: Generator, shape: number[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const v = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return tensor(v.map((x) => ((x - n / 2) * 4) / n), { dtype: 'float64', shape });
}

type Fn = (x: Tensor) => Tensor;
interface Config {
  what: string;
  f: Fn;
  shape: number[];
}

/** Random max/avg pool configurations whose windows all touch the input. */
function windowConfigs(g: Generator, kind: 'max' | 'avg', nd: number, count: number): Config[] {
  const out: Config[] = [];
  while (out.length < count) {
    const k: number[] = [];
    const s: number[] = [];
    const p: number[] = [];
    const dil: number[] = [];
    const sp: number[] = [];
    for (let d = 0; d < nd; d++) {
      k.push(g.int(1, 4));
      s.push(g.int(1, 4));
      p.push(g.int(0, Math.floor(k[d]! / 2) + 1));
      dil.push(kind === 'max' ? g.int(1, 3) : 1);
      const eff = dil[d]! * (k[d]! - 1) + 1;
      sp.push(g.int(Math.max(1, eff - 2 * p[d]!), Math.max(1, eff - 2 * p[d]!) + (nd === 3 ? 3 : 5)));
    }
    const ceilMode = g.random() < 0.5;
    const batched = g.random() < 0.7;
    const shape = [...(batched ? [g.int(1, 3)] : []), g.int(1, 3), ...sp];
    let f: Fn;
    let what: string;
    if (kind === 'max') {
      const o = { stride: s, padding: p, dilation: dil, ceilMode };
      const fn = [ck.maxPool1d, ck.maxPool2d, ck.maxPool3d][nd - 1]!;
      f = (x) => fn(x, k, o);
      what = `maxPool${nd}d ${JSON.stringify({ shape, k, ...o })}`;
    } else {
      const countIncludePad = g.random() < 0.5;
      const r = g.random();
      const divisorOverride = nd === 1 || r < 0.6 ? null : r < 0.8 ? g.int(1, 6) : -3;
      const o = nd === 1 ? { stride: s, padding: p, ceilMode, countIncludePad } : { stride: s, padding: p, ceilMode, countIncludePad, divisorOverride };
      const fn = [ck.avgPool1d, ck.avgPool2d, ck.avgPool3d][nd - 1]!;
      f = (x) => fn(x, k, o);
      what = `avgPool${nd}d ${JSON.stringify({ shape, k, ...o })}`;
    }
    // a dilated window lying wholly in the padding gives -inf, where finite differences fail
    const y = f(distinct(g, shape));
    if (arr(y).some((v) => v === -Infinity)) continue;
    out.push({ what, f, shape });
  }
  return out;
}

function adaptiveConfigs(g: Generator, kind: 'max' | 'avg', nd: number, count: number): Config[] {
  const out: Config[] = [];
  for (let c = 0; c < count; c++) {
    const sp = Array.from({ length: nd }, () => g.int(1, nd === 3 ? 5 : 8));
    const size = sp.map((n) => (g.random() < 0.2 ? null : g.int(1, n + 3)));
    const shape = [...(g.random() < 0.7 ? [g.int(1, 3)] : []), g.int(1, 3), ...sp];
    const fn = kind === 'max' ? [ck.adaptiveMaxPool1d, ck.adaptiveMaxPool2d, ck.adaptiveMaxPool3d][nd - 1]! : [ck.adaptiveAvgPool1d, ck.adaptiveAvgPool2d, ck.adaptiveAvgPool3d][nd - 1]!;
    out.push({ what: `adaptive ${kind} ${nd}d ${JSON.stringify({ shape, size })}`, f: (x) => fn(x, size), shape });
  }
  return out;
}

describeBackends('pool', (b) => {
  const t = (name: string, fn: () => void): void => {
    it(name, () => onBackend(b, fn));
  };

  // ---- hand-derived values ------------------------------------------------------------------

  t('maxPool2d 2x2 on a 4x4 ramp picks the bottom-right of each block', () => {
    const x = ck.reshape(ck.arange(0, 16, 1, { dtype: 'float32' }), [1, 1, 4, 4]);
    const [y, i] = ck.maxPool2d(x, 2, { returnIndices: true });
    assert.deepEqual([...y.shape], [1, 1, 2, 2]);
    assert.deepEqual(arr(y), [5, 7, 13, 15]);
    assert.equal(i.dtype, 'int32');
    assert.deepEqual(arr(i), [5, 7, 13, 15]);
    assert.ok(ck.maxPool2d(x, 2) instanceof Tensor);
  });

  t('maxPool1d with padding, dilation and a tie: the first maximum wins', () => {
    // L = 8, k = 3, stride 2, padding 1, dilation 2: out = floor((8 + 2 - 4 - 1)/2) + 1 = 3
    // windows tap {-1, 1, 3} -> 1 (tie of x[1] = x[3] = 1: index 1), {1, 3, 5} -> 9 @5, {3, 5, 7} -> 9 @5
    const x = T([[[3, 1, 4, 1, 5, 9, 2, 6]]]);
    const [y, i] = ck.maxPool1d(x, 3, { stride: 2, padding: 1, dilation: 2, returnIndices: true });
    assert.deepEqual(arr(y), [1, 9, 9]);
    assert.deepEqual(arr(i), [1, 5, 5]);
  });

  t('tie rule in 2-d and 3-d: the first maximum in row-major window order wins', () => {
    const [, i2] = ck.maxPool2d(T([[[[2, 7], [7, 7]]]]), 2, { returnIndices: true });
    assert.deepEqual(arr(i2), [1]);
    const [, i3] = ck.maxPool3d(T([[[[[1, 1], [1, 1]], [[1, 1], [1, 1]]]]]), 2, { returnIndices: true });
    assert.deepEqual(arr(i3), [0]);
    const [, ia] = ck.adaptiveMaxPool1d(T([[4, 4, 2, 4]]), 2, { returnIndices: true });
    assert.deepEqual(arr(ia), [0, 3]);
  });

  t('NaN propagates and the last NaN of a window is reported (as torch)', () => {
    const [y, i] = ck.maxPool1d(T([[[1, NaN, 3, NaN, 2]]]), 5, { returnIndices: true });
    assert.ok(Number.isNaN(y.data[0]!));
    assert.deepEqual(arr(i), [3]);
    const [ya, ia] = ck.adaptiveMaxPool2d(T([[[1, NaN], [9, 2]]]), 1, { returnIndices: true });
    assert.ok(Number.isNaN(ya.data[0]!));
    assert.deepEqual(arr(ia), [1]);
  });

  t('an all -inf window reports its first in-bounds tap; a window of padding only gives -inf and index -1', () => {
    const [y, i] = ck.maxPool1d(T([[[-Infinity, -Infinity, -Infinity, -Infinity]]]), 2, { padding: 1, returnIndices: true });
    assert.deepEqual(arr(y), [-Infinity, -Infinity, -Infinity]);
    assert.deepEqual(arr(i), [0, 1, 3]);
    // L = 2, k = 2, padding 1, dilation 3: the single window taps positions -1 and 2, both outside
    const x = T([[[5, 6]]]).requiresGrad_(true);
    const [yp, ip] = ck.maxPool1d(x, 2, { stride: 1, padding: 1, dilation: 3, returnIndices: true });
    assert.deepEqual(arr(yp), [-Infinity]);
    assert.deepEqual(arr(ip), [-1]);
    assert.deepEqual(arr(gradOf((z) => ck.maxPool1d(z, 2, { stride: 1, padding: 1, dilation: 3 }), x)), [0, 0]);
  });

  t('ceilMode drops a last window that would start in the right padding', () => {
    // L = 5, k = 2, s = 2, p = 1: ceil((5 + 2 - 1 - 1)/2) + 1 = 4, but window 3 starts at 5 >= L: 3 outputs
    const x = T([[[0, 1, 2, 3, 4]]]);
    const [y, i] = ck.maxPool1d(x, 2, { stride: 2, padding: 1, ceilMode: true, returnIndices: true });
    assert.deepEqual(arr(y), [0, 2, 4]);
    assert.deepEqual(arr(i), [0, 2, 4]);
    assert.deepEqual([...ck.avgPool1d(x, 2, { stride: 2, padding: 1, ceilMode: true }).shape], [1, 1, 3]);
  });

  t('avgPool1d with ceilMode: padding counted up to the padded edge only', () => {
    // L = 6, k = 3, s = 2, p = 1: windows [-1,2) [1,4) [3,6) [5,8) -> the last clipped to [5,7): 2 cells
    const x = T([[[1, 2, 3, 4, 5, 6]]]);
    const o = { stride: 2, padding: 1, ceilMode: true };
    assertClose(ck.avgPool1d(x, 3, o), T([[[3 / 3, 9 / 3, 15 / 3, 6 / 2]]]), TOL64, 'include pad');
    assertClose(ck.avgPool1d(x, 3, { ...o, countIncludePad: false }), T([[[3 / 2, 9 / 3, 15 / 3, 6 / 1]]]), TOL64, 'exclude pad');
    const x2 = ck.reshape(x, [1, 1, 1, 6]);
    const y2 = ck.avgPool2d(x2, [1, 3], { stride: [1, 2], padding: [0, 1], ceilMode: true, divisorOverride: 2 });
    assert.deepEqual(arr(y2), [1.5, 4.5, 7.5, 3]);
    // d/dx of the sum: each element collects 1/divisor from every window holding it
    const g = gradOf((z) => ck.avgPool1d(z, 3, o), x);
    assertClose(g, T([[[1 / 3, 2 / 3, 1 / 3, 2 / 3, 1 / 3, 1 / 3 + 1 / 2]]]), TOL64, 'avg grad');
  });

  t('avgPool2d and avgPool3d exact means', () => {
    const x = ck.reshape(ck.arange(0, 16, 1, f64), [1, 4, 4]);
    assert.deepEqual(arr(ck.avgPool2d(x, 2)), [2.5, 4.5, 10.5, 12.5]);
    assert.deepEqual(arr(ck.avgPool2d(x, 2, { divisorOverride: -1 })), [-10, -18, -42, -50]);
    const x3 = ck.reshape(ck.arange(0, 8, 1, f64), [1, 1, 2, 2, 2]);
    assert.deepEqual(arr(ck.avgPool3d(x3, 2)), [3.5]);
    assert.deepEqual(arr(ck.avgPool3d(x3, [2, 1, 1], { stride: 1 })), [2, 3, 4, 5]);
  });

  t('adaptive windows [floor(i*n/m), ceil((i+1)*n/m)) and null sizes', () => {
    assert.deepEqual(arr(ck.adaptiveAvgPool1d(T([[0, 1, 2, 3, 4]]), 3)), [0.5, 2, 3.5]);
    const [y, i] = ck.adaptiveMaxPool1d(T([[0, 1, 2]]), 5, { returnIndices: true });
    assert.deepEqual(arr(y), [0, 1, 1, 2, 2]);
    assert.deepEqual(arr(i), [0, 1, 1, 2, 2]);
    const x = ck.reshape(ck.arange(0, 12, 1, f64), [1, 1, 3, 4]);
    const a = ck.adaptiveAvgPool2d(x, [null, 2]);
    assert.deepEqual([...a.shape], [1, 1, 3, 2]);
    assert.deepEqual(arr(a), [0.5, 2.5, 4.5, 6.5, 8.5, 10.5]);
    assert.deepEqual(arr(ck.adaptiveMaxPool2d(x, [2, null])), [4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(arr(ck.adaptiveAvgPool3d(ck.reshape(x, [1, 1, 3, 4]), [1, 1, 1])), [5.5]);
  });

  t('max-pool backward accumulates overlapping windows at the saved index', () => {
    const x = T([[[1, 3, 2]]]);
    assert.deepEqual(arr(gradOf((z) => ck.maxPool1d(z, 2, { stride: 1 }), x)), [0, 2, 0]);
    // adaptive 3 -> 4 windows {0} {0, 1} {1, 2} {2} pick indices 0, 1, 1, 2
    assert.deepEqual(arr(gradOf((z) => ck.adaptiveMaxPool1d(z, 4), x)), [1, 2, 1]);
  });

  t('unbatched inputs give the batched result without the batch dimension', () => {
    const g = new Generator(3);
    const x = distinct(g, [2, 5, 6]);
    const xb = ck.reshape(x, [1, 2, 5, 6]);
    const pairs: [Tensor, Tensor][] = [
      [ck.maxPool2d(x, 2, { stride: 1, padding: 1 }), ck.maxPool2d(xb, 2, { stride: 1, padding: 1 })],
      [ck.avgPool2d(x, 3, { padding: 1, ceilMode: true }), ck.avgPool2d(xb, 3, { padding: 1, ceilMode: true })],
      [ck.adaptiveAvgPool2d(x, [3, 4]), ck.adaptiveAvgPool2d(xb, [3, 4])],
      [ck.adaptiveMaxPool2d(x, 4), ck.adaptiveMaxPool2d(xb, 4)],
    ];
    for (const [u, v] of pairs) {
      assert.deepEqual([...u.shape], v.shape.slice(1));
      assert.deepEqual(arr(u), arr(v));
    }
  });

  t('float32 in, float32 out; an empty batch is allowed', () => {
    const x = ck.randn([2, 3, 6]);
    assert.equal(ck.maxPool1d(x, 2).dtype, 'float32');
    assert.equal(ck.avgPool1d(x, 2).dtype, 'float32');
    assert.deepEqual([...ck.maxPool2d(ck.zeros([0, 2, 4, 4]), 2).shape], [0, 2, 2, 2]);
  });

  // ---- errors -------------------------------------------------------------------------------

  t('padding larger than half the kernel is rejected with the numbers', () => {
    const x = ck.zeros([1, 1, 8, 8]);
    assertThrowsTyped(() => ck.maxPool2d(x, [3, 4], { padding: [1, 3] }), ValueError,
      'maxPool2d: padding [1, 3] must be at most half of kernelSize [3, 4]: padding 3 > floor(4/2) = 2 in spatial dimension 1');
    assertThrowsTyped(() => ck.avgPool1d(ck.zeros([1, 8]), 2, { padding: 2 }), ValueError,
      'avgPool1d: padding [2] must be at most half of kernelSize [2]: padding 2 > floor(2/2) = 1 in spatial dimension 0');
  });

  t('errors carry op, arg, expected and got', () => {
    try {
      ck.avgPool2d(ck.zeros([1, 3, 3]), 4);
      assert.fail('expected a ShapeError');
    } catch (e) {
      assert.ok(e instanceof ShapeError);
      assert.deepEqual([e.op, e.arg, e.got], ['avgPool2d', 'input', 'input size 3, giving output size 0']);
      assert.equal(e.expected, 'an input large enough for an output size of at least 1 in spatial dimension 0');
    }
    try {
      ck.maxPool3d(ck.zeros([1, 4, 4, 4]), 2, { padding: [0, 2, 0] });
      assert.fail('expected a ValueError');
    } catch (e) {
      assert.ok(e instanceof ValueError);
      assert.deepEqual([e.op, e.arg, e.got], ['maxPool3d', 'options.padding', '[0, 2, 0]']);
    }
  });

  t('an output size below 1 is a ShapeError showing the formula', () => {
    assertThrowsTyped(() => ck.maxPool2d(ck.zeros([1, 1, 4, 4]), 5), ShapeError,
      'maxPool2d: output size is too small in spatial dimension 0 of input [1, 1, 4, 4]: floor((4 + 2*0 - 1*(5-1) - 1)/5 + 1) = 0; it must be at least 1');
    assertThrowsTyped(() => ck.maxPool1d(ck.zeros([1, 5]), 2, { dilation: 5 }), ShapeError,
      'maxPool1d: output size is too small in spatial dimension 0 of input [1, 5]: floor((5 + 2*0 - 5*(2-1) - 1)/2 + 1) = 0; it must be at least 1');
    assertThrowsTyped(() => ck.maxPool3d(ck.zeros([1, 4, 4, 1]), [2, 2, 3], { ceilMode: true, dilation: [1, 1, 2] }), ShapeError,
      'maxPool3d: output size is too small in spatial dimension 2 of input [1, 4, 4, 1]: ceil((1 + 2*0 - 2*(3-1) - 1)/3 + 1) = 0; it must be at least 1');
  });

  t('ranks, dtypes and empty channels', () => {
    assertThrowsTyped(() => ck.maxPool2d(ck.zeros([4, 4]), 2), ShapeError,
      'maxPool2d: expected input to be a 3-d or 4-d tensor (C, H, W) or (N, C, H, W), got shape [4, 4]');
    assertThrowsTyped(() => ck.adaptiveAvgPool1d(ck.zeros([1, 1, 1, 4]), 2), ShapeError,
      'adaptiveAvgPool1d: expected input to be a 2-d or 3-d tensor (C, L) or (N, C, L), got shape [1, 1, 1, 4]');
    assertThrowsTyped(() => ck.avgPool2d(ck.zeros([1, 2, 2], { dtype: 'int32' }), 2), DTypeError,
      'avgPool2d: input must be a float32 or float64 tensor, got an int32 tensor');
    assertThrowsTyped(() => ck.maxPool2d(ck.zeros([1, 0, 4, 4]), 2), ShapeError,
      'maxPool2d: expected input with non-zero channel and spatial sizes (only the batch may be empty), got shape [1, 0, 4, 4]');
    assertThrowsTyped(() => ck.adaptiveMaxPool1d(ck.zeros([2, 0]), 2), ShapeError, /non-zero channel and spatial sizes/);
    assertThrowsTyped(() => ck.maxPool1d([1, 2] as unknown as Tensor, 2), ValueError, 'maxPool1d: input must be a Tensor, got [1, 2]');
  });

  t('option values: kernel, stride, padding, dilation, booleans, divisorOverride', () => {
    const x = ck.zeros([1, 1, 6, 6]);
    assertThrowsTyped(() => ck.maxPool2d(x, 2.5), ValueError,
      'maxPool2d: kernelSize must be a positive integer or an array of 2 positive integers, got 2.5');
    assertThrowsTyped(() => ck.maxPool2d(x, [2, 2, 2]), ValueError, /kernelSize must be a positive integer or an array of 2 positive integers, got \[2, 2, 2\]/);
    assertThrowsTyped(() => ck.maxPool2d(x, 2, { stride: 0 }), ValueError,
      'maxPool2d: options.stride must be a positive integer or an array of 2 positive integers, got 0');
    assertThrowsTyped(() => ck.maxPool2d(x, 2, { padding: -1 }), ValueError,
      'maxPool2d: options.padding must be a non-negative integer or an array of 2 non-negative integers, got -1');
    assertThrowsTyped(() => ck.maxPool2d(x, 2, { dilation: [1, NaN] }), ValueError,
      'maxPool2d: options.dilation must be a positive integer or an array of 2 positive integers, got [1, NaN]');
    assertThrowsTyped(() => ck.maxPool2d(x, 2, { ceilMode: 1 as unknown as boolean }), ValueError,
      'maxPool2d: options.ceilMode must be true or false, got 1');
    assertThrowsTyped(() => ck.avgPool2d(x, 2, { countIncludePad: 'no' as unknown as boolean }), ValueError,
      'avgPool2d: options.countIncludePad must be true or false, got "no"');
    assertThrowsTyped(() => ck.avgPool2d(x, 2, { divisorOverride: 0 }), ValueError,
      'avgPool2d: options.divisorOverride must be a non-zero integer or null, got 0');
    assertThrowsTyped(() => ck.avgPool3d(ck.zeros([1, 4, 4, 4]), 2, { divisorOverride: 2.5 }), ValueError,
      'avgPool3d: options.divisorOverride must be a non-zero integer or null, got 2.5');
    assertThrowsTyped(() => ck.maxPool2d(x, 2, { returnIndices: 'yes' as unknown as boolean }), ValueError,
      'maxPool2d: options.returnIndices must be true or false, got "yes"');
  });

  t('unknown options, including divisorOverride on avgPool1d (as torch) and dilation on average pools', () => {
    assertThrowsTyped(() => ck.avgPool1d(ck.zeros([1, 6]), 2, { divisorOverride: 2 } as ck.AvgPool1dOptions), ValueError,
      'avgPool1d: unknown option "divisorOverride" (allowed: stride, padding, ceilMode, countIncludePad)');
    assertThrowsTyped(() => ck.avgPool2d(ck.zeros([1, 6, 6]), 2, { dilation: 2 } as ck.AvgPoolOptions), ValueError,
      'avgPool2d: unknown option "dilation" (allowed: stride, padding, ceilMode, countIncludePad, divisorOverride)');
    assertThrowsTyped(() => ck.maxPool1d(ck.zeros([1, 6]), 2, { ceil_mode: true } as ck.MaxPoolOptions), ValueError,
      'maxPool1d: unknown option "ceil_mode" (allowed: stride, padding, dilation, ceilMode, returnIndices)');
    assertThrowsTyped(() => ck.adaptiveMaxPool2d(ck.zeros([1, 6, 6]), 2, { stride: 1 } as ck.AdaptiveMaxPoolOptions), ValueError,
      'adaptiveMaxPool2d: unknown option "stride" (allowed: returnIndices)');
  });

  t('adaptive outputSize values', () => {
    const x = ck.zeros([1, 6, 6]);
    const msg = (got: string): string => `adaptiveAvgPool2d: outputSize must be a positive integer or an array of 2 positive integers or nulls, got ${got}`;
    assertThrowsTyped(() => ck.adaptiveAvgPool2d(x, 0), ValueError, msg('0'));
    assertThrowsTyped(() => ck.adaptiveAvgPool2d(x, [2, -1]), ValueError, msg('[2, -1]'));
    assertThrowsTyped(() => ck.adaptiveAvgPool2d(x, [2]), ValueError, msg('[2]'));
    assertThrowsTyped(() => ck.adaptiveAvgPool2d(x, [2, 1.5]), ValueError, msg('[2, 1.5]'));
    assertThrowsTyped(() => ck.adaptiveAvgPool2d(x, null as unknown as number), ValueError, msg('null'));
  });

  t('backward ops check their gradient: shape, dtype, indices', () => {
    const x = ck.zeros([1, 1, 4, 4]);
    const [y, idx] = apply(ck.maxPoolOp, [x], { op: 'maxPool2d', nd: 2, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false });
    const plan = ck.maxPoolOp.info([x], { op: 'maxPool2d', nd: 2, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false });
    assertThrowsTyped(() => apply1(ck.maxPoolBackwardOp, [ck.zeros([1, 1, 2, 2], f64), idx!], plan), DTypeError,
      'maxPoolBackward: mixed dtypes: the pooled input is float32 but gradOutput is float64; convert one with .to()');
    assertThrowsTyped(() => apply1(ck.maxPoolBackwardOp, [ck.zeros([1, 1, 2, 3]), idx!], plan), ShapeError,
      'maxPoolBackward: gradOutput must be shape [1, 1, 2, 2], got [1, 1, 2, 3]');
    assertThrowsTyped(() => apply1(ck.maxPoolBackwardOp, [y!, y!], plan), DTypeError,
      'maxPoolBackward: indices must be an int32 tensor, got a float32 tensor');
    assertThrowsTyped(() => apply1(ck.maxPoolGatherOp, [y!, idx!], plan), ShapeError,
      'maxPoolGather: input must be shape [1, 1, 4, 4], got [1, 1, 2, 2]');
  });

  // ---- gradients ----------------------------------------------------------------------------

  for (const nd of [1, 2, 3]) {
    for (const kind of ['max', 'avg'] as const) {
      t(`${kind}Pool${nd}d: gradcheck and VJP dot test on random configurations`, () => {
        const g = new Generator(100 * nd + (kind === 'max' ? 1 : 2));
        for (const c of windowConfigs(g, kind, nd, nd === 3 ? 3 : 5)) {
          const x = distinct(g, c.shape);
          ck.gradcheck(c.f, [x]);
          assertVjpDot(c.f, [x], c.what);
        }
      });
      t(`adaptive ${kind} ${nd}d: gradcheck and VJP dot test on random configurations`, () => {
        const g = new Generator(100 * nd + (kind === 'max' ? 3 : 4));
        for (const c of adaptiveConfigs(g, kind, nd, nd === 3 ? 3 : 5)) {
          const x = distinct(g, c.shape);
          ck.gradcheck(c.f, [x]);
          assertVjpDot(c.f, [x], c.what);
        }
      });
    }
  }

  t('gradcheck detects a wrong gradient (the checks can fail)', () => {
    const x = distinct(new Generator(9), [1, 1, 4, 4]);
    // the detached branch moves with the finite differences but is invisible to autograd
    const wrong = (z: Tensor): Tensor => ck.add(ck.maxPool2d(z, 2), ck.maxPool2d(z.detach(), 2));
    assertThrowsTyped(() => ck.gradcheck(wrong, [x]), ck.GradError, /Jacobian mismatch/);
  });

  t('double backward of max pools: through the gather (w.r.t. x) and the scatter (w.r.t. the upstream gradient)', () => {
    const g = new Generator(21);
    const x = distinct(g, [2, 2, 5, 5]);
    const pool = (z: Tensor): Tensor => ck.maxPool2d(z, 3, { stride: 2, padding: 1 });
    // d/dx of grad(sum(pool(x)^3)) = 6 * pool(x) gathered and scattered back
    ck.gradcheck((z: Tensor) => gradOf((w) => ck.mul(ck.mul(pool(w), pool(w)), pool(w)), z), [x]);
    // the input gradient as a function of the upstream gradient u is the scatter; its vjp is the gather
    const u = distinct(g, [2, 2, 3, 3]);
    ck.gradcheck((v: Tensor) => ck.grad((w: Tensor) => ck.sum(ck.mul(pool(w), v)))(x) as Tensor, [u]);
    const ad = (z: Tensor): Tensor => ck.adaptiveMaxPool3d(z, [2, 3, 2]);
    const x3 = distinct(g, [1, 3, 4, 4]);
    ck.gradcheck((z: Tensor) => gradOf((w) => ck.mul(ad(w), ad(w)), z), [x3]);
  });

  t('backward ops on their own: gradcheck and VJP dot test of the scatter, the gather and the average transpose', () => {
    const g = new Generator(33);
    const x = distinct(g, [2, 3, 5, 6]);
    const [, idx] = ck.maxPool2d(x, [3, 2], { stride: [1, 2], padding: 1, returnIndices: true });
    const mAttrs = { op: 'maxPool2d', nd: 2, kernel: [3, 2], stride: [1, 2], padding: [1, 1], dilation: [1, 1], ceilMode: false };
    const plan = ck.maxPoolOp.info([x], mAttrs);
    const scatter = (u: Tensor): Tensor => apply1(ck.maxPoolBackwardOp, [u, idx], plan);
    const gather = (v: Tensor): Tensor => apply1(ck.maxPoolGatherOp, [v, idx], plan);
    const u = distinct(g, [...idx.shape]);
    for (const [f, inp, what] of [[scatter, u, 'maxPoolBackward'], [gather, x, 'maxPoolGather']] as const) {
      ck.gradcheck(f, [inp]);
      assertVjpDot(f, [inp], what);
    }
    const aAttrs = { op: 'avgPool2d', nd: 2, kernel: [3, 2], stride: [2, 1], padding: [1, 1], dilation: [1, 1], ceilMode: true, countIncludePad: false, divisorOverride: null };
    const aPlan = ck.avgPoolOp.info([x], aAttrs);
    const transpose = (v: Tensor): Tensor => apply1(ck.avgPoolBackwardOp, [v], aPlan);
    const v = distinct(g, [...aPlan.outShape]);
    ck.gradcheck(transpose, [v]);
    assertVjpDot(transpose, [v], 'avgPoolBackward');
    // the transpose really is the adjoint: <avgPool(x), v> = <x, avgPoolBackward(v)>
    const lhs = ck.sum(ck.mul(ck.avgPool2d(x, [3, 2], { stride: [2, 1], padding: 1, ceilMode: true, countIncludePad: false }), v)).item();
    const rhs = ck.sum(ck.mul(x, transpose(v))).item();
    assert.ok(Math.abs(lhs - rhs) < 1e-12, `${lhs} vs ${rhs}`);
  });

  t('hessian of sum(maxPool(x)^2) is 2 * (times selected) on the diagonal; of sum(maxPool(x)) it is 0', () => {
    const x = distinct(new Generator(5), [1, 1, 4]);
    const pool = (z: Tensor): Tensor => ck.maxPool1d(z, 2, { stride: 1 });
    const [, idx] = ck.maxPool1d(x, 2, { stride: 1, returnIndices: true });
    const counts = [0, 0, 0, 0];
    for (const i of idx.data) counts[i]!++;
    const h = ck.hessian((z: Tensor) => ck.sum(ck.mul(pool(z), pool(z))), x);
    assert.deepEqual([...h.shape], [1, 1, 4, 1, 1, 4]);
    const expected = Array.from({ length: 16 }, (_, k) => (Math.floor(k / 4) === k % 4 ? 2 * counts[k % 4]! : 0));
    assert.deepEqual(arr(h), expected);
    assert.ok(arr(ck.hessian((z: Tensor) => ck.sum(pool(z)), x)).every((v) => v === 0));
  });

  t('hessian of sum(avgPool(x)^2) equals 2 JᵀJ', () => {
    const x = distinct(new Generator(8), [1, 2, 3, 4]);
    const pool = (z: Tensor): Tensor => ck.avgPool2d(z, [2, 3], { stride: 1, padding: 1, countIncludePad: false });
    const J = ck.jacobian(pool, x) as Tensor;
    const m = J.numel / x.numel;
    const n = x.numel;
    const h = ck.hessian((z: Tensor) => ck.sum(ck.mul(pool(z), pool(z))), x);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += 2 * J.data[k * n + i]! * J.data[k * n + j]!;
        assert.ok(Math.abs(h.data[i * n + j]! - s) < 1e-12, `H[${i}, ${j}] = ${h.data[i * n + j]} vs ${s}`);
      }
    }
    const ad = (z: Tensor): Tensor => ck.adaptiveAvgPool1d(z, 3);
    ck.gradcheck((z: Tensor) => gradOf((w) => ck.mul(ad(w), ad(w)), z), [distinct(new Generator(2), [2, 5])]);
  });

  // ---- summary counts and speed ------------------------------------------------------------

  t('pools report 0 MACs and count the visited window elements in poolOps', () => {
    const x = ck.zeros([64, 64, 24, 24]);
    const a = { op: 'maxPool2d', nd: 2, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false };
    const info = ck.maxPoolOp.info([x], a);
    assert.equal(ck.maxPoolOp.macs!(info), 0);
    assert.equal(ck.poolOps(info), 64 * 64 * 12 * 12 * 4);
    // L = 4, k = 3, padding 1, stride 1: windows hold 2, 3, 3, 2 input elements
    const a1 = { op: 'avgPool1d', nd: 1, kernel: [3], stride: [1], padding: [1], dilation: [1], ceilMode: false, countIncludePad: true, divisorOverride: null };
    const i1 = ck.avgPoolOp.info([ck.zeros([2, 3, 4])], a1);
    assert.equal(ck.avgPoolOp.macs!(i1), 0);
    assert.equal(ck.poolOps(i1), 6 * 10);
    assert.equal(ck.poolOps(ck.adaptiveAvgPoolOp.info([ck.zeros([1, 5])], { op: 'adaptiveAvgPool1d', nd: 1, outputSize: [3] })), 2 + 3 + 2);
  });

  t('MNIST-sized 2x2 max pool (64 x 64 x 24 x 24) forward and backward run quickly', () => {
    const x = ck.randn([64, 64, 24, 24]).requiresGrad_(true);
    const t0 = performance.now();
    const y = ck.maxPool2d(x, 2);
    y.backward(ck.onesLike(y));
    const ms = performance.now() - t0;
    assert.deepEqual([...y.shape], [64, 64, 12, 12]);
    assert.equal(ck.sum(x.grad!).item(), y.numel);
    assert.ok(ms < 2000, `maxPool2d forward + backward took ${ms.toFixed(0)} ms`);
  });
});
