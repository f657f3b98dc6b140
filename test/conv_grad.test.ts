/**
 * Convolution gradients on random small configurations: gradcheck (finite differences) and the
 * vjp dot-product test for every differentiable conv function, and second derivatives (hessian
 * through a conv, gradcheck of gradients) that exercise the vjps of the backward ops.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { assertVjpDot, describeBackends, onBackend } from './helpers.js';

/** A small deterministic generator for the configurations (tensors use ck's seeded randn). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const randn = (shape: number[]): Tensor => ck.randn(shape, { dtype: 'float64' });

interface Cfg {
  r: number;
  N: number;
  groups: number;
  cin: number;
  cout: number;
  size: number[];
  kernel: number[];
  options: Record<string, unknown>;
  batched: boolean;
}

/** A random conv{r}d configuration with every option in play (sizes kept tiny for gradcheck). */
function convCfg(rnd: () => number, r: number): Cfg {
  const groups = pick(rnd, [1, 1, 2]);
  const cin = groups * pick(rnd, [1, 2]);
  const cout = groups * pick(rnd, [1, 2]);
  const kernel: number[] = [];
  const size: number[] = [];
  const stride: number[] = [];
  const dilation: number[] = [];
  const maxL = r === 3 ? 3 : r === 2 ? 5 : 7;
  for (let i = 0; i < r; i++) {
    const k = pick(rnd, r === 3 ? [1, 2] : [1, 2, 3]);
    const d = pick(rnd, [1, 2]);
    kernel.push(k);
    dilation.push(d);
    stride.push(pick(rnd, [1, 2]));
    size.push(Math.max(d * (k - 1) + 1, 2) + Math.floor(rnd() * Math.max(1, maxL - d * (k - 1))));
  }
  const paddingMode = pick(rnd, ['zeros', 'zeros', 'reflect', 'replicate', 'circular']);
  let padding: unknown = pick(rnd, ['valid', 'same', 'full', 'numbers', 'numbers']);
  if (padding === 'numbers') padding = size.map((n) => Math.floor(rnd() * Math.min(3, n)));
  const options: Record<string, unknown> = { stride, dilation, groups, padding, paddingMode };
  // reflect needs padding < size; anything the rule rejects falls back to zero padding
  try {
    ck.convInfo(`conv${r}d`, { shape: [1, cin, ...size], dtype: 'float64' }, { shape: [cout, cin / groups, ...kernel], dtype: 'float64' }, null, options);
  } catch {
    options.paddingMode = 'zeros';
  }
  return { r, N: pick(rnd, [1, 2]), groups, cin, cout, size, kernel, options, batched: rnd() < 0.8 };
}

function convTCfg(rnd: () => number, r: number): Cfg {
  const groups = pick(rnd, [1, 1, 2]);
  const cin = groups * pick(rnd, [1, 2]);
  const coutPerGroup = pick(rnd, [1, 2]);
  const kernel: number[] = [];
  const size: number[] = [];
  const stride: number[] = [];
  const dilation: number[] = [];
  const padding: number[] = [];
  const outputPadding: number[] = [];
  for (let i = 0; i < r; i++) {
    const [k, s, d] = [pick(rnd, r === 3 ? [1, 2] : [1, 2, 3]), pick(rnd, [1, 2, 3]), pick(rnd, [1, 2])];
    const n = 1 + Math.floor(rnd() * (r === 3 ? 2 : 3));
    const op = Math.floor(rnd() * Math.max(s, d));
    const full = (n - 1) * s + d * (k - 1) + op + 1;
    const p = Math.min(Math.floor(rnd() * 3), Math.floor((full - 1) / 2));
    kernel.push(k);
    stride.push(s);
    dilation.push(d);
    size.push(n);
    outputPadding.push(op);
    padding.push(p);
  }
  return {
    r,
    N: pick(rnd, [1, 2]),
    groups,
    cin,
    cout: coutPerGroup * groups,
    size,
    kernel,
    options: { stride, dilation, groups, padding, outputPadding },
    batched: rnd() < 0.8,
  };
}

type Fn = (...xs: Tensor[]) => Tensor;
const api = ck as unknown as Record<string, Fn>;

function checkGrads(f: Fn, inputs: Tensor[], what: string): void {
  try {
    ck.gradcheck(f, inputs);
  } catch (e) {
    assert.fail(`${what}: ${(e as Error).message}`);
  }
  assertVjpDot(f, inputs, what);
}

const CONV_CFGS = [1, 2, 3].map((r) => {
  const rnd = lcg(100 + r);
  return Array.from({ length: 6 }, () => convCfg(rnd, r));
});
const CONVT_CFGS = [1, 2, 3].map((r) => {
  const rnd = lcg(200 + r);
  return Array.from({ length: 6 }, () => convTCfg(rnd, r));
});

it('the random configurations cover every option', () => {
  const all = CONV_CFGS.flat();
  const modes = new Set(all.map((c) => c.options.paddingMode));
  const pads = new Set(all.map((c) => (Array.isArray(c.options.padding) ? 'numbers' : c.options.padding)));
  assert.deepEqual([...modes].sort(), ['circular', 'reflect', 'replicate', 'zeros']);
  assert.deepEqual([...pads].sort(), ['full', 'numbers', 'same', 'valid']);
  const some = (cs: Cfg[], key: string): boolean => cs.some((c) => (c.options[key] as number[]).some((v) => v > 1));
  for (const cs of [all, CONVT_CFGS.flat()]) {
    assert.ok(some(cs, 'stride') && some(cs, 'dilation'), 'stride and dilation > 1');
    assert.ok(cs.some((c) => (c.options.stride as number[]).some((v, i) => v > 1 && (c.options.dilation as number[])[i]! > 1)), 'both in one dimension');
    assert.ok(cs.some((c) => c.groups > 1) && cs.some((c) => !c.batched) && cs.some((c) => c.N > 1), 'groups, unbatched, batches');
  }
  assert.ok(CONVT_CFGS.flat().some((c) => (c.options.outputPadding as number[]).some((v) => v > 0)), 'outputPadding');
});

describeBackends('conv gradients on random configurations', (b) => {
  for (const r of [1, 2, 3]) {
    it(`conv${r}d: gradcheck and vjp dot product`, () =>
      onBackend(b, () => {
        ck.manualSeed(r);
        for (const c of CONV_CFGS[r - 1]!) {
          const xShape = c.batched ? [c.N, c.cin, ...c.size] : [c.cin, ...c.size];
          const x = randn(xShape);
          const w = randn([c.cout, c.cin / c.groups, ...c.kernel]);
          const bias = randn([c.cout]);
          const f = (a: Tensor, ww: Tensor, bb: Tensor): Tensor => api[`conv${r}d`]!(a, ww, bb, c.options as never);
          checkGrads(f, [x, w, bias], `conv${r}d ${JSON.stringify({ x: xShape, k: c.kernel, ...c.options })}`);
        }
      }));
    it(`convTranspose${r}d: gradcheck and vjp dot product`, () =>
      onBackend(b, () => {
        ck.manualSeed(10 + r);
        for (const c of CONVT_CFGS[r - 1]!) {
          const xShape = c.batched ? [c.N, c.cin, ...c.size] : [c.cin, ...c.size];
          const x = randn(xShape);
          const w = randn([c.cin, c.cout / c.groups, ...c.kernel]);
          const bias = randn([c.cout]);
          const f = (a: Tensor, ww: Tensor, bb: Tensor): Tensor => api[`convTranspose${r}d`]!(a, ww, bb, c.options as never);
          checkGrads(f, [x, w, bias], `convTranspose${r}d ${JSON.stringify({ x: xShape, k: c.kernel, ...c.options })}`);
        }
      }));
    it(`conv${r}dInput and conv${r}dWeight (the backward ops): gradcheck and vjp dot product`, () =>
      onBackend(b, () => {
        const rnd = lcg(300 + r);
        ck.manualSeed(20 + r);
        for (let trial = 0; trial < 4; trial++) {
          const c = convCfg(rnd, r);
          const { paddingMode: _m, ...opts } = c.options;
          const xShape = [c.N, c.cin, ...c.size];
          const wShape = [c.cout, c.cin / c.groups, ...c.kernel];
          const x = randn(xShape);
          const w = randn(wShape);
          const g = randn([...ck.convInfo(`conv${r}d`, x, w, null, opts).outShape]);
          const fi = (ww: Tensor, gg: Tensor): Tensor => (api[`conv${r}dInput`] as unknown as (s: number[], ...a: unknown[]) => Tensor)(xShape, ww, gg, opts);
          const fw = (xx: Tensor, gg: Tensor): Tensor => (api[`conv${r}dWeight`] as unknown as (a: Tensor, s: number[], ...b: unknown[]) => Tensor)(xx, wShape, gg, opts);
          checkGrads(fi, [w, g], `conv${r}dInput ${JSON.stringify({ x: xShape, k: c.kernel, ...opts })}`);
          checkGrads(fw, [x, g], `conv${r}dWeight ${JSON.stringify({ x: xShape, k: c.kernel, ...opts })}`);
        }
      }));
  }
}, { asyncReads: true });

describeBackends('conv second derivatives', (b) => {
  const cube = (y: Tensor): Tensor => ck.sum(ck.mul(ck.mul(y, y), y));

  it('hessian through conv2d matches finite differences of the gradient', () =>
    onBackend(b, () => {
      ck.manualSeed(31);
      const x = randn([1, 2, 3, 4]);
      const w = randn([2, 2, 2, 2]);
      const bias = randn([2]);
      const opts = { stride: [1, 2], padding: 1, dilation: [2, 1] };
      const f = (a: Tensor): Tensor => cube(ck.conv2d(a, w, bias, opts));
      const h = ck.hessian(f, x);
      const n = x.numel;
      assert.deepEqual([...h.shape], [...x.shape, ...x.shape]);
      const gradAt = (v: Tensor): Float64Array => Float64Array.from((ck.grad(f)(v) as Tensor).data);
      const eps = 1e-5;
      let maxAbs = 0;
      for (let j = 0; j < n; j++) {
        const xp = ck.tensor(x);
        const xm = ck.tensor(x);
        xp.data[j]! += eps;
        xm.data[j]! -= eps;
        const gp = gradAt(xp);
        const gm = gradAt(xm);
        for (let i = 0; i < n; i++) {
          const num = (gp[i]! - gm[i]!) / (2 * eps);
          const ana = h.data[i * n + j]!;
          maxAbs = Math.max(maxAbs, Math.abs(ana));
          assert.ok(Math.abs(num - ana) <= 1e-5 + 1e-5 * Math.abs(num), `H[${i}, ${j}] = ${ana}, finite difference ${num}`);
        }
      }
      assert.ok(maxAbs > 0.1, 'the hessian is not trivially zero');
      // the hessian of sum(y^3) is symmetric
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(h.data[i * n + j]! - h.data[j * n + i]!) < 1e-9);
    }));

  it('gradcheck of the gradients of conv and convTranspose (double backward through every backward op)', () =>
    onBackend(b, () => {
      ck.manualSeed(32);
      const convOpts = { stride: 2, padding: [1, 0], dilation: [1, 2], groups: 2 };
      const x = randn([2, 2, 5, 5]);
      const w = randn([4, 1, 2, 2]);
      const f = (a: Tensor, ww: Tensor): Tensor => cube(ck.conv2d(a, ww, null, convOpts));
      const gx = (a: Tensor, ww: Tensor): Tensor => (ck.grad(f, [0, 1])(a, ww) as Tensor[])[0]!;
      const gw = (a: Tensor, ww: Tensor): Tensor => (ck.grad(f, [0, 1])(a, ww) as Tensor[])[1]!;
      checkGrads(gx, [x, w], 'd/dx of sum(conv2d^3)');
      checkGrads(gw, [x, w], 'd/dw of sum(conv2d^3)');
      const tOpts = { stride: [2, 1], padding: 1, outputPadding: [1, 0], groups: 2 };
      const xt = randn([1, 2, 3, 3]);
      const wt = randn([2, 2, 3, 2]);
      const ft = (a: Tensor, ww: Tensor): Tensor => cube(ck.convTranspose2d(a, ww, null, tOpts));
      checkGrads((a, ww) => (ck.grad(ft, [0, 1])(a!, ww!) as Tensor[])[0]!, [xt, wt], 'd/dx of sum(convTranspose2d^3)');
      checkGrads((a, ww) => (ck.grad(ft, [0, 1])(a!, ww!) as Tensor[])[1]!, [xt, wt], 'd/dw of sum(convTranspose2d^3)');
    }));

  it('double backward with a padding mode and an unbatched 1-d input', () =>
    onBackend(b, () => {
      ck.manualSeed(33);
      const x = randn([2, 6]);
      const w = randn([3, 2, 3]);
      const f = (a: Tensor, ww: Tensor): Tensor => cube(ck.conv1d(a, ww, null, { padding: 'same', dilation: 2, paddingMode: 'circular' }));
      checkGrads((a, ww) => (ck.grad(f, [0, 1])(a!, ww!) as Tensor[])[0]!, [x, w], 'd/dx circular');
      checkGrads((a, ww) => (ck.grad(f, [0, 1])(a!, ww!) as Tensor[])[1]!, [x, w], 'd/dw circular');
    }));
}, { asyncReads: true });
