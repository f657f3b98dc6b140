/**
 * Random valid configurations for the wasm differential fuzz of the reductions, the softmax family
 * and the losses (wasm_fuzz_red.test.ts): odd sizes, ranks 0 to 5, every subset of dimensions,
 * keepdim, ties, NaN, ±Infinity and -0, tiny and large (above the serial threshold).
 */
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import type { Family, FuzzCase } from './wasm_fuzz_cases.js';
import { Rng } from './wasm_fuzz_cases.js';

const fmt = (o: unknown): string => JSON.stringify(o);

export interface ValueOpts {
  /** Sprinkle NaN, ±Infinity and -0 (a few percent each). */
  special?: boolean;
  /** Round to a grid of 0.5 so that groups have ties. */
  ties?: boolean;
  /** Shift every value (a large mean against a small spread). */
  shift?: number;
}

/** Seeded float32 values of `shape` with the requested features. */
export function values(rng: Rng, shape: number[], o: ValueOpts = {}): Tensor {
  const v = Float32Array.from(rng.randn(shape).reshape([-1]).toArray() as number[]);
  for (let i = 0; i < v.length; i++) {
    let x = v[i]!;
    if (o.ties) x = Math.round(x * 2) / 2;
    if (o.shift) x += o.shift;
    if (o.special) {
      const u = rng.int(0, 99);
      if (u < 3) x = NaN;
      else if (u < 5) x = Infinity;
      else if (u < 7) x = -Infinity;
      else if (u < 9) x = -0;
    }
    v[i] = x;
  }
  return ck.tensor(v, { shape });
}

/** A random subset of [0, rank), as a sorted array (possibly empty: every dimension). */
function subset(rng: Rng, rank: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < rank; d++) if (rng.chance(0.5)) out.push(d);
  return out;
}

const BIG: [number[], number[] | undefined][] = [
  [[64, 32, 26, 26], [0, 2, 3]],
  [[(1 << 20) + 3], undefined],
  [[1100, 1000], [0]],
  [[1000, 1100], [1]],
  [[3, 700, 600], [0, 2]],
  [[2, 1 << 19], [1]],
  [[4096, 300], [0]],
];

/** Every reduction of one tensor over one dim selection. */
function reductions(x: Tensor, dims: number | number[] | undefined, keepdim: boolean, correction: number): Tensor[] {
  const o = { keepdim };
  const out = [ck.sum(x, dims, o), ck.mean(x, dims, o), ck.amax(x, dims, o), ck.amin(x, dims, o), ck.var(x, dims, { ...o, correction }), ck.std(x, dims, { ...o, correction })];
  out.push(ck.logsumexp(x, dims ?? [], o));
  if (typeof dims === 'number') {
    out.push(...ck.max(x, dims, o), ...ck.min(x, dims, o), ck.argmax(x, dims, o), ck.argmin(x, dims, o));
  } else if (dims === undefined) {
    out.push(ck.max(x), ck.min(x), ck.argmax(x), ck.argmin(x));
  }
  return out;
}

function reduceCases(): FuzzCase[] {
  const rng = new Rng(9401);
  const out: FuzzCase[] = [];
  // every subset of a 4-d shape, with and without keepdim
  const x4 = values(rng, [3, 5, 4, 7], { ties: true, special: true });
  for (let m = 0; m < 16; m++) {
    const dims = [0, 1, 2, 3].filter((d) => m & (1 << d));
    for (const keepdim of [false, true]) out.push({ name: `reductions [3,5,4,7] dims ${fmt(dims)} keepdim ${keepdim}`, run: () => reductions(x4, dims, keepdim, 1) });
  }
  BIG.forEach(([shape, dims], i) => {
    const x = values(rng, shape, { ties: i % 2 === 1, special: i === 2 });
    out.push({ name: `reductions big ${fmt(shape)} dims ${fmt(dims)}`, run: () => reductions(x, dims, i % 2 === 0, 1) });
  });
  for (let i = 0; i < 260; i++) {
    const rank = rng.int(0, 5);
    const shape = Array.from({ length: rank }, () => (rng.chance(0.15) ? 1 : rng.int(1, rank > 3 ? 6 : 13)));
    const x = values(rng, shape, { ties: rng.chance(0.4), special: rng.chance(0.3), shift: rng.chance(0.1) ? 100 : 0 });
    const form = rank === 0 ? rng.pick([0, 1]) : rng.int(0, 3);
    const dims = form === 0 ? undefined : form === 1 ? subset(rng, rank) : rng.int(-rank, rank - 1);
    const keepdim = rng.chance(0.5);
    const correction = rng.pick([0, 1, 1, 2]);
    out.push({ name: `reductions ${fmt(shape)} dims ${fmt(dims)} keepdim ${keepdim} correction ${correction}`, run: () => reductions(x, dims, keepdim, correction) });
  }
  return out;
}

/** Outputs and input gradients of softmax and logSoftmax along `dim` for the cotangent r. */
function softmaxes(x: Tensor, dim: number, r: Tensor): Tensor[] {
  const out: Tensor[] = [];
  for (const f of [ck.softmax, ck.logSoftmax]) {
    const xg = x.detach().requiresGrad_();
    const y = f(xg, dim);
    ck.sum(ck.mul(y, r)).backward();
    out.push(y, xg.grad!);
  }
  return out;
}

function softmaxCases(): FuzzCase[] {
  const rng = new Rng(5501);
  const out: FuzzCase[] = [];
  const big: [number[], number][] = [
    [[2048, 600], 1],
    [[64, 1000, 20], 1],
    [[8, 21, 96, 80], 1],
  ];
  for (const [shape, dim] of big) {
    const x = values(rng, shape);
    const r = rng.randn(shape);
    out.push({ name: `softmax big ${fmt(shape)} dim ${dim}`, run: () => softmaxes(x, dim, r) });
  }
  for (let i = 0; i < 160; i++) {
    const rank = rng.int(1, 4);
    const shape = Array.from({ length: rank }, () => rng.int(1, rank > 2 ? 9 : 37));
    const dim = rng.int(-rank, rank - 1);
    const x = values(rng, shape, { special: rng.chance(0.25), ties: rng.chance(0.2), shift: rng.chance(0.1) ? 80 : 0 });
    // a fibre of -Infinity only (softmax is NaN there, as in PyTorch)
    const xs = i % 17 === 0 ? ck.tensor(new Float32Array(x.numel).fill(-Infinity), { shape }) : x;
    const r = rng.randn(shape);
    out.push({ name: `softmax ${fmt(shape)} dim ${dim}`, run: () => softmaxes(xs, dim, r) });
  }
  return out;
}

/** A loss and the gradient of Σ loss·r w.r.t. the input. */
function lossAndGrad(x: Tensor, f: (x: Tensor) => Tensor, r: Tensor | null): Tensor[] {
  const xg = x.detach().requiresGrad_();
  const l = f(xg);
  ck.sum(r ? ck.mul(l, r) : l).backward();
  return [l, xg.grad!];
}

function lossCases(): FuzzCase[] {
  const rng = new Rng(7703);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 160; i++) {
    const big = i % 40 === 0;
    const rank = big ? 4 : rng.int(1, 4);
    const C = big ? 21 : rng.int(1, 13);
    const shape = rank === 1 ? [C] : [big ? 4 : rng.int(1, 9), C, ...Array.from({ length: rank - 2 }, () => (big ? 130 : rng.int(1, 7)))];
    const x = values(rng, shape, { special: !big && rng.chance(0.1), shift: rng.chance(0.1) ? 50 : 0 });
    const pos = rank === 1 ? [] : [shape[0]!, ...shape.slice(2)];
    const n = pos.reduce((p, d) => p * d, 1);
    const ignoreIndex = rng.pick([-100, -1, 0, 2]);
    const t = ck.tensor(Int32Array.from({ length: n }, () => (rng.chance(0.15) ? ignoreIndex : rng.int(0, C - 1))), { shape: pos, dtype: 'int32' });
    const reduction = rng.pick(['mean', 'sum', 'none'] as const);
    const weight = rng.chance(0.4) ? ck.rand([C], { generator: new ck.Generator(i) }) : undefined;
    const labelSmoothing = rng.chance(0.4) ? rng.pick([0.05, 0.1, 0.3]) : 0;
    const opts = { reduction, ignoreIndex, labelSmoothing, ...(weight ? { weight } : {}) };
    const r = reduction === 'none' ? rng.randn(pos) : null;
    out.push({ name: `crossEntropy ${fmt(shape)} ${fmt({ ...opts, weight: !!weight })}`, run: () => lossAndGrad(x, (xx) => ck.crossEntropy(xx, t, opts), r) });
    if (labelSmoothing === 0) {
      const nopts = { reduction, ignoreIndex, ...(weight ? { weight } : {}) };
      out.push({ name: `nllLoss ${fmt(shape)} ${fmt({ ...nopts, weight: !!weight })}`, run: () => lossAndGrad(x, (xx) => ck.nllLoss(ck.logSoftmax(xx, rank === 1 ? 0 : 1), t, nopts), r) });
    }
    if (i % 3 === 0) {
      // class probabilities as the target
      const p = ck.softmax(rng.randn(shape), rank === 1 ? 0 : 1);
      out.push({ name: `crossEntropy probabilities ${fmt(shape)}`, run: () => lossAndGrad(x, (xx) => ck.crossEntropy(xx, p, { labelSmoothing }), null) });
    }
    const y = values(rng, shape, { special: rng.chance(0.1) });
    out.push({ name: `mseLoss/l1Loss ${fmt(shape)}`, run: () => [ck.mseLoss(x, y, { reduction: 'none' }), ck.l1Loss(x, y, { reduction: 'none' }), ...lossAndGrad(x, (xx) => ck.mseLoss(xx, y), null)] });
  }
  return out;
}

export const RED_FAMILIES: Family[] = [
  { name: 'reductions', ops: ['sum', 'mean', 'amax', 'amin', 'maxDim', 'minDim', 'argmax', 'argmin', 'var', 'std', 'logsumexp'], threaded: true, cases: reduceCases },
  { name: 'softmax family', ops: ['softmax', 'logSoftmax', 'softmaxBackward', 'logSoftmaxBackward'], threaded: true, cases: softmaxCases },
  {
    name: 'losses',
    ops: ['crossEntropyClassTarget', 'softmaxCrossEntropy', 'softmaxCrossEntropyBackward', 'nllLoss', 'nllLossBackward', 'mseLoss', 'l1Loss'],
    threaded: true,
    cases: lossCases,
  },
];
