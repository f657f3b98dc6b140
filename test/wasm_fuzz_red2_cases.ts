/**
 * Random valid configurations for the wasm differential fuzz of the norm primitives, the movement
 * ops and the general pools (wasm_fuzz_red.test.ts), with their gradients.
 */
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { Family, FuzzCase } from './wasm_fuzz_cases.js';
import { Rng } from './wasm_fuzz_cases.js';
import { values } from './wasm_fuzz_red_cases.js';

const fmt = (o: unknown): string => JSON.stringify(o);

/** f's outputs, then the gradients of Σ f(x)[0]·r w.r.t. x and the extra leaves. */
function withGrads(f: (x: Tensor, ...p: Tensor[]) => Tensor | Tensor[], x: Tensor, r: Tensor, params: Tensor[] = []): Tensor[] {
  const xg = x.detach().requiresGrad_();
  const pg = params.map((p) => p.detach().requiresGrad_());
  const ys = f(xg, ...pg);
  const outs = Array.isArray(ys) ? ys : [ys];
  ck.sum(ck.mul(outs[0]!, r)).backward();
  return [...outs, xg.grad!, ...pg.map((p) => p.grad!)];
}

function normCases(): FuzzCase[] {
  const rng = new Rng(3303);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 90; i++) {
    const big = i % 30 === 0;
    const rank = big ? 4 : rng.int(2, 5);
    const C = big ? 64 : rng.pick([1, 2, 3, 4, 6, 8]);
    const shape = [big ? 16 : rng.int(1, 6), C, ...Array.from({ length: rank - 2 }, () => (big ? 34 : rng.int(1, 7)))];
    const x = values(rng, shape, { shift: rng.chance(0.3) ? 40 : 0, ties: rng.chance(0.2) });
    const r = rng.randn(shape);
    const w = rng.randn([C]);
    const b = rng.randn([C]);
    const kind = i % 3;
    if (kind === 0) {
      // training needs more than one value per channel
      const training = rng.chance(0.7) && x.numel / C > 1;
      const affine = rng.chance(0.7);
      const rm0 = rng.randn([C]);
      const rv0 = ck.rand([C], { generator: new ck.Generator(i) });
      const momentum = rng.pick([0.1, 0.3]);
      out.push({
        name: `batchNorm ${fmt(shape)} training ${training} affine ${affine}`,
        run: () => {
          const [rm, rv] = [ck.clone(rm0), ck.clone(rv0)];
          const res = withGrads((xx, ...p) => ck.batchNorm(xx, rm, rv, { training, momentum, ...(affine ? { weight: p[0]!, bias: p[1]! } : {}) }), x, r, affine ? [w, b] : []);
          return [...res, rm, rv];
        },
      });
    } else if (kind === 1) {
      const k = rng.int(1, rank - 1);
      const ns = shape.slice(rank - k);
      const affine = rng.chance(0.6);
      const lw = rng.randn(ns);
      const lb = rng.randn(ns);
      out.push({ name: `layerNorm ${fmt(shape)} over ${fmt(ns)} affine ${affine}`, run: () => withGrads((xx, ...p) => ck.layerNorm(xx, ns, affine ? { weight: p[0]!, bias: p[1]! } : {}), x, r, affine ? [lw, lb] : []) });
    } else {
      const groups = rng.pick([1, C].concat(C % 2 === 0 ? [2] : []));
      out.push({ name: `groupNorm ${fmt(shape)} groups ${groups}`, run: () => withGrads((xx, ...p) => ck.groupNorm(xx, groups, { weight: p[0]!, bias: p[1]! }), x, r, [w, b]) });
    }
  }
  return out;
}

function perm(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

function movementCases(): FuzzCase[] {
  const rng = new Rng(6607);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 200; i++) {
    const big = i % 40 === 0;
    const rank = big ? 3 : rng.int(1, 5);
    const shape = big ? [16, 300, 257] : Array.from({ length: rank }, () => (rng.chance(0.15) ? 1 : rng.int(1, rank > 3 ? 7 : 19)));
    const x = values(rng, shape, { special: rng.chance(0.2) });
    const xi = ck.tensor(Int32Array.from({ length: x.numel }, (_, k) => k * 7 - 3), { shape, dtype: 'int32' });
    const p = perm(rng, rank);
    const d = rng.int(0, rank - 1);
    const n = shape[d]!;
    const start = rng.int(0, n - 1);
    const step = rng.int(1, 3);
    const flips = Array.from({ length: rank }, (_, k) => k).filter(() => rng.chance(0.5));
    const shift = rng.int(-2 * n, 2 * n);
    const sizes = [rng.int(0, 3), rng.int(1, 4)];
    const piece = rng.int(1, n);
    const others = sizes.map((s) => values(rng, shape.map((v, k) => (k === d ? s : v))));
    out.push({
      name: `movement ${fmt(shape)} permute ${fmt(p)} dim ${d} slice ${start}::${step} flip ${fmt(flips)} roll ${shift}`,
      run: () => {
        const r1 = rng0(shape.map((v, k) => shape[p[k]!]!));
        return [
          ...withGrads((t) => ck.permute(t, p), x, r1),
          ck.permute(xi, p),
          ...withGrads((t) => ck.slice(t, d, start, null, step), x, rng0(shape.map((v, k) => (k === d ? Math.ceil((n - start) / step) : v)))),
          ck.flip(x, flips.length ? flips : [0]),
          ck.roll(x, shift, d),
          ...withGrads((t) => ck.cat([others[0]!, t, others[1]!], d), x, rng0(shape.map((v, k) => (k === d ? v + sizes[0]! + sizes[1]! : v)))),
          ...ck.split(x, piece, d),
          ck.expand(ck.unsqueeze(x, 0), [3, ...shape]),
          ck.clone(xi),
        ];
      },
    });
    // pads of the last one to three dimensions in every mode (reflect needs pads below the size)
    const k = Math.min(rank, rng.int(1, 3));
    const mode = rng.pick(['constant', 'reflect', 'replicate', 'circular'] as const);
    const last = shape.slice(rank - k);
    const pads = last
      .slice()
      .reverse()
      .flatMap((s) => {
        const hi = mode === 'reflect' ? s - 1 : mode === 'circular' ? s : 3;
        const lo = mode === 'constant' ? -Math.min(2, s - 1) : 0;
        return [rng.int(lo, hi), rng.int(lo, hi)];
      });
    if (mode !== 'constant' && rank < k + 1) continue;
    const opts = mode === 'constant' ? { value: rng.pick([0, 1.5, -2]) } : { mode };
    let outShape: number[];
    try {
      outShape = ck.pad(x, pads, opts).shape as number[];
    } catch {
      continue; // a crop past the size: draw again
    }
    out.push({ name: `pad ${fmt(shape)} ${fmt(pads)} ${mode}`, run: () => [...withGrads((t) => ck.pad(t, pads, opts), x, rng0(outShape)), ...(mode === 'constant' ? [ck.pad(xi, pads, { value: 3 })] : [])] });
  }
  return out;
}

/** Seeded cotangents that do not depend on how many cases ran before. */
function rng0(shape: readonly number[]): Tensor {
  return ck.randn([...shape], { generator: new ck.Generator(shape.reduce((a, b) => a * 31 + b, 7)) });
}

function poolCases(): FuzzCase[] {
  const rng = new Rng(8809);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 240; i++) {
    const big = i % 40 === 0;
    const nd = big ? 2 : rng.int(1, 3);
    const spatial = Array.from({ length: nd }, () => (big ? 66 : rng.int(nd === 3 ? 2 : 3, nd === 3 ? 9 : 21)));
    const shape = [big ? 16 : rng.int(1, 3), big ? 32 : rng.int(1, 5), ...spatial];
    const x = values(rng, shape, { ties: rng.chance(0.4), special: rng.chance(0.15) });
    const kind = rng.int(0, 3);
    const kernel = spatial.map((s) => rng.int(1, Math.min(5, s)));
    const stride = kernel.map((k) => rng.pick([1, 2, k, 3]));
    const padding = kernel.map((k) => rng.int(0, Math.floor(k / 2)));
    const dilation = kernel.map(() => rng.pick([1, 1, 2]));
    const ceilMode = rng.chance(0.3);
    const maxF = [ck.maxPool1d, ck.maxPool2d, ck.maxPool3d][nd - 1]!;
    const avgF = [ck.avgPool1d, ck.avgPool2d, ck.avgPool3d][nd - 1]!;
    const amaxF = [ck.adaptiveMaxPool1d, ck.adaptiveMaxPool2d, ck.adaptiveMaxPool3d][nd - 1]!;
    const aavgF = [ck.adaptiveAvgPool1d, ck.adaptiveAvgPool2d, ck.adaptiveAvgPool3d][nd - 1]!;
    let name: string;
    let f: (t: Tensor) => Tensor | Tensor[];
    if (kind === 0) {
      const o = { stride, padding, dilation, ceilMode, returnIndices: true as const };
      name = `maxPool${nd}d ${fmt(shape)} k${fmt(kernel)} ${fmt(o)}`;
      f = (t) => maxF(t, kernel, o) as Tensor[];
    } else if (kind === 1) {
      const o = { stride, padding, ceilMode, countIncludePad: rng.chance(0.5), ...(nd > 1 && rng.chance(0.2) ? { divisorOverride: rng.pick([3, -2, 7]) } : {}) };
      name = `avgPool${nd}d ${fmt(shape)} k${fmt(kernel)} ${fmt(o)}`;
      f = (t) => (avgF as (x: Tensor, k: number[], o: object) => Tensor)(t, kernel, o);
    } else {
      const size = spatial.map((s) => (rng.chance(0.2) ? null : rng.int(1, s + 3)));
      name = `adaptive${kind === 2 ? 'Max' : 'Avg'}Pool${nd}d ${fmt(shape)} out ${fmt(size)}`;
      f = kind === 2 ? (t) => amaxF(t, size, { returnIndices: true }) as Tensor[] : (t) => aavgF(t, size);
    }
    let outShape: number[];
    try {
      const y = f(x);
      outShape = [...(Array.isArray(y) ? y[0]! : y).shape];
    } catch {
      continue; // output size < 1: draw again
    }
    const r = rng0(outShape);
    out.push({ name, run: () => withGrads(f, x, r) });
    if (kind === 0 && i % 4 === 0) {
      // a Hessian-vector product of Σ maxPool(x)² runs maxPoolGather (the adjoint of the scatter)
      const o = { stride, padding, dilation, ceilMode };
      const mp = (t: Tensor): Tensor => maxF(t, kernel, o) as Tensor;
      const rx = rng0(shape);
      out.push({
        name: `${name} Hessian-vector product`,
        run: () => {
          const inner = (t: Tensor): Tensor => (ck.grad((u: Tensor) => ck.sum(ck.mul(mp(u), mp(u))), [0])(t) as Tensor[])[0]!;
          return [inner(x), (ck.grad((t: Tensor) => ck.sum(ck.mul(inner(t), rx)), [0])(x) as Tensor[])[0]!];
        },
      });
    }
  }
  return out;
}

export const RED2_FAMILIES: Family[] = [
  { name: 'norm primitives', ops: ['normStandardize', 'normStandardizeBackward', 'normAffine', 'normAffineGrad', 'runningUpdate'], threaded: true, cases: normCases },
  { name: 'movement', ops: ['permute', 'flip', 'roll', 'slice', 'sliceBackward', 'pad', 'padBackward', 'cat', 'split', 'expand', 'clone'], threaded: true, cases: movementCases },
  { name: 'pools', ops: ['maxPool', 'adaptiveMaxPool', 'maxPoolBackward', 'maxPoolGather', 'avgPool', 'adaptiveAvgPool', 'avgPoolBackward'], threaded: true, cases: poolCases },
];
