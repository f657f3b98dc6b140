/**
 * Movement gradients in float64: gradcheck and the VJP dot test on random configurations of every
 * differentiable movement op, the backward ops on their own, and double backward.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import { Generator, Tensor, tensor } from '../src/index.js';
import { apply1 } from '../src/op.js';
import { TOL64, assertClose, assertThrowsTyped, assertVjpDot, describeBackends, onBackend } from './helpers.js';

type Fn = (...xs: Tensor[]) => Tensor;
interface Config {
  what: string;
  f: Fn;
  shapes: number[][];
}

const rnd = (g: Generator, shape: number[]): Tensor => ck.randn(shape, { dtype: 'float64', generator: g });
const shapeOf = (g: Generator, rank: number, lo = 1, hi = 4): number[] => Array.from({ length: rank }, () => g.int(lo, hi + 1));
function shuffle(g: Generator, n: number): number[] {
  const v = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return v;
}
const ints = (g: Generator, shape: number[], n: number): Tensor =>
  tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => g.int(0, n)), { dtype: 'int32', shape });

/** Random valid pads for `shape` in `mode` (rejection sampling against pad's own validation). */
function padConfigs(g: Generator, mode: ck.PadMode, count: number): Config[] {
  const out: Config[] = [];
  while (out.length < count) {
    const nd = g.int(1, 4);
    const shape = [...shapeOf(g, g.int(0, 3), 1, 2), ...shapeOf(g, nd, 2, 5)];
    const pads = Array.from({ length: 2 * nd }, (_, k) => {
      const n = shape[shape.length - 1 - (k >> 1)]!;
      return g.int(-1, n + 1);
    });
    try {
      ck.pad(ck.zeros(shape), pads, { mode });
    } catch {
      continue;
    }
    const opts = mode === 'constant' ? { value: g.normal() } : { mode };
    out.push({ what: `pad ${mode} ${JSON.stringify({ shape, pads })}`, f: (x) => ck.pad(x, pads, opts), shapes: [shape] });
  }
  return out;
}

function layoutConfigs(g: Generator): Config[] {
  const out: Config[] = [];
  for (let k = 0; k < 4; k++) {
    const r = g.int(1, 5);
    const shape = shapeOf(g, r);
    const perm = shuffle(g, r);
    const dims = shuffle(g, r).slice(0, g.int(1, r + 1));
    const shifts = dims.map(() => g.int(-7, 8));
    const d0 = g.int(-r, r);
    const d1 = g.int(-r, r);
    const s = JSON.stringify(shape);
    out.push({ what: `permute ${s} ${perm}`, f: (x) => ck.permute(x, perm), shapes: [shape] });
    out.push({ what: `transpose ${s} ${d0} ${d1}`, f: (x) => ck.transpose(x, d0, d1), shapes: [shape] });
    out.push({ what: `flip ${s} ${dims}`, f: (x) => ck.flip(x, dims), shapes: [shape] });
    out.push({ what: `roll ${s} ${shifts} ${dims}`, f: (x) => ck.roll(x, shifts, dims), shapes: [shape] });
    out.push({ what: `roll flat ${s} ${shifts[0]}`, f: (x) => ck.roll(x, shifts[0]!), shapes: [shape] });
    const reps = [...shapeOf(g, g.int(0, 2), 1, 2), ...shapeOf(g, r, 1, 3)];
    out.push({ what: `repeat ${s} ${reps}`, f: (x) => ck.repeat(x, reps), shapes: [shape] });
    out.push({ what: `tile ${s} ${reps.slice(1)}`, f: (x) => ck.tile(x, reps.slice(1)), shapes: [shape] });
    out.push({ what: `flatten ${s}`, f: (x) => ck.flatten(x, 1 - r, -1), shapes: [shape] });
    out.push({ what: `unsqueeze/squeeze ${s}`, f: (x) => ck.mul(ck.squeeze(ck.unsqueeze(x, d0)), 2), shapes: [shape] });
    out.push({ what: `clone ${s}`, f: (x) => ck.clone(x), shapes: [shape] });
  }
  out.push({ what: 't', f: (x) => ck.t(x), shapes: [[3, 2]] });
  return out;
}

function joinConfigs(g: Generator): Config[] {
  const out: Config[] = [];
  for (let k = 0; k < 4; k++) {
    const r = g.int(1, 4);
    const shape = shapeOf(g, r, 2, 6);
    const dim = g.int(0, r);
    const n = shape[dim]!;
    const s = JSON.stringify(shape);
    const start = g.int(-n - 2, n + 2);
    const end = g.int(-n - 2, n + 2);
    const step = g.int(1, 4);
    out.push({ what: `slice ${s} dim ${dim} ${start}:${end}:${step}`, f: (x) => ck.slice(x, dim, start, end, step), shapes: [shape] });
    const ns = g.int(0, n);
    const nl = g.int(1, n - ns + 1);
    out.push({ what: `narrow ${s} ${dim} ${ns} ${nl}`, f: (x) => ck.narrow(x, dim, ns, nl), shapes: [shape] });
    const others = [1, 2, 3].map((m) => shape.map((v, i) => (i === dim ? m : v)));
    out.push({ what: `cat ${s} dim ${dim}`, f: (a, b, c) => ck.cat([a!, b!, c!], dim - r), shapes: [shape, others[1]!, others[2]!] });
    const sd = g.int(-r - 1, r + 1);
    out.push({ what: `stack ${s} dim ${sd}`, f: (a, b) => ck.stack([a!, b!], sd), shapes: [shape, shape] });
    const size = g.int(1, n + 1);
    // weighted sum of the pieces so that each gets its own cotangent
    out.push({
      what: `split ${s} ${size} dim ${dim}`,
      f: (x) => ck.cat(ck.split(x, size, dim).map((p, i) => ck.flatten(ck.mul(p, i + 1)))),
      shapes: [shape],
    });
    const chunks = g.int(1, n + 2);
    out.push({
      what: `chunk ${s} ${chunks} dim ${dim}`,
      f: (x) => ck.cat(ck.chunk(x, chunks, dim).map((p, i) => ck.flatten(ck.mul(p, i - 1.5)))),
      shapes: [shape],
    });
  }
  return out;
}

function indexConfigs(g: Generator): Config[] {
  const out: Config[] = [];
  for (let k = 0; k < 4; k++) {
    const r = g.int(1, 4);
    const shape = shapeOf(g, r, 2, 4);
    const dim = g.int(0, r);
    const n = shape[dim]!;
    const s = JSON.stringify(shape);
    const sel = ints(g, [g.int(1, 6)], n);
    out.push({ what: `indexSelect ${s} dim ${dim}`, f: (x) => ck.indexSelect(x, dim, sel), shapes: [shape] });
    const ishape = shape.map((v, i) => (i === dim ? g.int(1, 5) : g.int(1, v + 1)));
    const idx = ints(g, ishape, n);
    out.push({ what: `gather ${s} dim ${dim} index ${JSON.stringify(ishape)}`, f: (x) => ck.gather(x, dim, idx), shapes: [shape] });
    const sshape = ishape.map((v) => v + g.int(0, 2));
    out.push({
      what: `scatterAdd ${s} dim ${dim} index ${JSON.stringify(ishape)} src ${JSON.stringify(sshape)}`,
      f: (x, src) => ck.scatterAdd(x, dim, idx, src!),
      shapes: [shape, sshape],
    });
  }
  return out;
}

describeBackends('movement gradients', (b) => {
  const t = (name: string, fn: () => void): void => {
    it(name, () => onBackend(b, fn));
  };
  const check = (cs: Config[], g: Generator): void => {
    for (const c of cs) {
      const xs = c.shapes.map((s) => rnd(g, s));
      // reshapes (and transpose of a dimension with itself) return views sharing the input's
      // data; gradcheck perturbs that data in place, so it is handed a copy of the output
      ck.gradcheck((...zs: Tensor[]) => ck.clone(c.f(...zs)), xs);
      assertVjpDot(c.f, xs, c.what);
    }
  };

  for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
    t(`pad ${mode}: gradcheck and VJP dot test on random configurations`, () => {
      const g = new Generator(mode.length * 7);
      check(padConfigs(g, mode, 8), g);
    });
  }
  t('permute, transpose, flip, roll, repeat, tile, reshapes, clone: gradcheck and VJP dot test', () => {
    const g = new Generator(5);
    check(layoutConfigs(g), g);
  });
  t('slice, narrow, cat, stack, split, chunk: gradcheck and VJP dot test', () => {
    const g = new Generator(6);
    check(joinConfigs(g), g);
  });
  t('indexSelect, gather, scatterAdd: gradcheck and VJP dot test', () => {
    const g = new Generator(7);
    check(indexConfigs(g), g);
  });

  t('to: the gradient crosses float dtypes (exact on float32-representable values)', () => {
    const x = tensor([0.5, -1.25, 3, 0.125], { dtype: 'float64' });
    const f = (z: Tensor): Tensor => ck.to(ck.mul(ck.to(z, 'float32'), 2), 'float64');
    // webgpu has no float64: bringing its float32 result back to float64 would need a synchronous read
    if (b === 'webgpu') assertThrowsTyped(() => ck.gradcheck(f, [x], { eps: 1 / 1024 }), ck.BackendError, /can only be read asynchronously/);
    else ck.gradcheck(f, [x], { eps: 1 / 1024 });
  });

  t('the backward ops on their own (padBackward, sliceBackward, indexSelectBackward): gradcheck and VJP dot test', () => {
    const g = new Generator(8);
    for (const mode of ['reflect', 'replicate', 'circular'] as const) {
      const x = rnd(g, [2, 3, 4]);
      const info = ck.padOp.info([x], { pads: [3, -1, 1, 2], mode, value: undefined });
      const f = (u: Tensor): Tensor => apply1(ck.padBackwardOp, [u], info);
      ck.gradcheck(f, [rnd(g, [...info.outShape])]);
      assertVjpDot(f, [rnd(g, [...info.outShape])], `padBackward ${mode}`);
      assertThrowsTyped(() => f(ck.zeros([2, 3, 4], { dtype: 'float64' })), ck.ShapeError, 'padBackward: grad must be shape [2, 6, 6], got [2, 3, 4]');
    }
    const x = rnd(g, [3, 7]);
    const sInfo = ck.sliceOp.info([x], { dim: 1, start: 1, step: 2, length: 3 });
    const fs = (u: Tensor): Tensor => apply1(ck.sliceBackwardOp, [u], sInfo);
    ck.gradcheck(fs, [rnd(g, [3, 3])]);
    assertVjpDot(fs, [rnd(g, [3, 3])], 'sliceBackward');
    const index = tensor([2, 0, 2, 2], { dtype: 'int32' });
    const iInfo = ck.indexSelectOp.info([x, index], 1);
    const fi = (u: Tensor): Tensor => apply1(ck.indexSelectBackwardOp, [u, index], iInfo);
    ck.gradcheck(fi, [rnd(g, [3, 4])]);
    assertVjpDot(fi, [rnd(g, [3, 4])], 'indexSelectBackward');
  });

  t('double backward: gradcheck of gradients (w.r.t. the input and w.r.t. the upstream gradient)', () => {
    const g = new Generator(9);
    const cube = (f: Fn) => (z: Tensor): Tensor =>
      ck.grad((w: Tensor) => {
        const y = f(w);
        return ck.sum(ck.mul(ck.mul(y, y), y));
      })(z) as Tensor;
    const x = rnd(g, [2, 3, 4]);
    const gidx = ints(g, [2, 5, 4], 3);
    const fs: [string, Fn][] = [
      ['pad reflect', (w) => ck.pad(w, [2, 1, -1, 2], { mode: 'reflect' })],
      ['pad circular', (w) => ck.pad(w, [4, 2], { mode: 'circular' })],
      ['pad replicate', (w) => ck.pad(w, [0, 3, 1, 1, 1, 0], { mode: 'replicate' })],
      ['pad constant', (w) => ck.pad(w, [1, -2, 2, 0], { value: 0.5 })],
      ['permute', (w) => ck.permute(w, [2, 0, 1])],
      ['slice', (w) => ck.slice(w, 2, 1, null, 2)],
      ['gather', (w) => ck.gather(w, 1, gidx)],
      ['indexSelect', (w) => ck.indexSelect(w, 2, tensor([3, 3, 0], { dtype: 'int32' }))],
      ['split/cat', (w) => ck.cat(ck.split(w, [1, 2], 1).reverse(), 1)],
      ['roll', (w) => ck.roll(w, [1, -5], [0, 2])],
    ];
    for (const [, f] of fs) {
      ck.gradcheck(cube(f), [x]);
      // J^T u as a function of u exercises the vjp of each backward op
      const u = rnd(g, [...f(x).shape]);
      ck.gradcheck((v: Tensor) => ck.grad((w: Tensor) => ck.sum(ck.mul(f(w), v)))(x) as Tensor, [u]);
    }
    const src = rnd(g, [2, 2, 4]);
    const idx = ints(g, [2, 2, 4], 3);
    ck.gradcheck((s: Tensor) => ck.grad((w: Tensor) => ck.sum(ck.mul(ck.scatterAdd(x, 1, idx, w), ck.scatterAdd(x, 1, idx, w))))(s) as Tensor, [src]);
  });

  t('hessian of sum(c * pad(x)^2) is 2 P^T diag(c) P (P the reflect pad as a matrix)', () => {
    const g = new Generator(10);
    const x = rnd(g, [2, 3]);
    const pads = [2, 1, 1, 1];
    const c = rnd(g, [4, 6]);
    const h = ck.hessian((z: Tensor) => ck.sum(ck.mul(c, ck.mul(ck.pad(z, pads, { mode: 'reflect' }), ck.pad(z, pads, { mode: 'reflect' })))), x);
    const P = ck.jacobian((z: Tensor) => ck.pad(z, pads, { mode: 'reflect' }), x) as Tensor;
    const Pm = ck.reshape(P, [24, 6]);
    const expected = ck.mul(ck.matmul(ck.t(ck.mul(Pm, ck.reshape(c, [24, 1]))), Pm), 2);
    assertClose(ck.reshape(h, [6, 6]), expected, TOL64, 'hessian');
  });
}, { asyncReads: true });
