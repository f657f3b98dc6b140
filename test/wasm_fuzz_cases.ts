/**
 * Random valid configurations for the wasm differential fuzz (wasm_fuzz.test.ts), per kernel
 * family. Each family lists the ops whose wasm kernels it exercises (none may fall back) and
 * whether its large cases are big enough to run threaded.
 */
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';

export interface FuzzCase {
  readonly name: string;
  /** Runs the op(s) on the current backend; the same inputs every call. */
  run(): Tensor[];
}

export interface Family {
  readonly name: string;
  readonly ops: readonly string[];
  /** Some cases are above the serial threshold, so 2 and 3 threads must involve workers. */
  readonly threaded: boolean;
  cases(): FuzzCase[];
}

/** A small seeded integer generator for the configurations (values come from ck's generator). */
export class Rng {
  private g: ck.Generator;
  constructor(seed: number) {
    this.g = new ck.Generator(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.g.random() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.g.random() < p;
  }
  randn(shape: number[]): Tensor {
    return ck.randn(shape, { generator: this.g });
  }
}

const fmt = (o: unknown): string => JSON.stringify(o);

/** Convolutions of rank 1-3: forward, input gradient and weight gradient, and transposed convs. */
function convCases(): FuzzCase[] {
  const rng = new Rng(20261204);
  const out: FuzzCase[] = [];
  while (out.length < 1500) {
    const big = out.length % 25 === 0;
    const r = big ? rng.pick([1, 2, 2, 2]) : rng.pick([1, 1, 2, 2, 2, 3]);
    const groups = rng.pick([1, 1, 1, 2, 3]);
    const dw = rng.chance(0.1);
    const cig = dw ? 1 : rng.int(1, big ? 16 : 5);
    const cog = dw ? 1 : rng.int(1, big ? 16 : 6);
    const g = dw ? rng.int(2, 8) : groups;
    const N = rng.int(1, big ? 8 : 3);
    const k = Array.from({ length: r }, () => rng.int(1, r === 3 ? 3 : 5));
    const stride = Array.from({ length: r }, () => rng.pick([1, 1, 1, 2, 3]));
    const dil = Array.from({ length: r }, () => rng.pick([1, 1, 1, 2]));
    const L = Array.from({ length: r }, (_, i) => rng.int(Math.max(1, (k[i]! - 1) * dil[i]! + 1 - 2), big ? (r === 1 ? 300 : 40) : r === 3 ? 7 : 13));
    const padForm = rng.int(0, 4);
    const pad: ck.ConvPadding =
      padForm === 0 ? rng.int(0, 2) : padForm === 1 ? L.map(() => rng.int(0, 3)) : padForm === 2 ? 'same' : padForm === 3 ? 'valid' : 'full';
    const opts = { stride, dilation: dil, padding: pad, groups: g };
    let O: number[];
    try {
      O = ck.convInfo(`conv${r}d`, { shape: [N, g * cig, ...L], dtype: 'float32' }, { shape: [g * cog, cig, ...k], dtype: 'float32' }, null, opts).outShape.slice(2);
    } catch {
      continue; // an invalid combination (output size < 1): draw again
    }
    const x = rng.randn([N, g * cig, ...L]);
    const w = rng.randn([g * cog, cig, ...k]);
    const b = rng.chance(0.5) ? rng.randn([g * cog]) : null;
    const gy = rng.randn([N, g * cog, ...O]);
    const name = `conv${r}d x${fmt(x.shape)} w${fmt(w.shape)} ${fmt(opts)}${b ? ' bias' : ''}`;
    const f = [ck.conv1d, ck.conv2d, ck.conv3d][r - 1]!;
    const fi = [ck.conv1dInput, ck.conv2dInput, ck.conv3dInput][r - 1]!;
    const fw = [ck.conv1dWeight, ck.conv2dWeight, ck.conv3dWeight][r - 1]!;
    out.push({ name, run: () => [f(x, w, b, opts), fi(x.shape, w, gy, opts), fw(x, w.shape, gy, opts)] });
    if (out.length % 5 === 0 && !big) {
      // the transposed convolution with an output padding below max(stride, dilation)
      const op = stride.map((s, i) => rng.int(0, Math.max(s, dil[i]!) - 1));
      const tp = L.map(() => rng.int(0, 2));
      const topts = { stride, dilation: dil, padding: tp, outputPadding: op, groups: g };
      const ft = [ck.convTranspose1d, ck.convTranspose2d, ck.convTranspose3d][r - 1]!;
      const wt = rng.randn([g * cig, cog, ...k]);
      const bt = rng.chance(0.5) ? rng.randn([g * cog]) : null;
      try {
        ft(x, wt, bt, topts);
      } catch {
        continue; // output size < 1
      }
      out.push({ name: `convTranspose${r}d x${fmt(x.shape)} w${fmt(wt.shape)} ${fmt(topts)}${bt ? ' bias' : ''}`, run: () => [ft(x, wt, bt, topts)] });
    }
  }
  return out;
}

/** matmul with batch broadcasting and linear (few rows read W in place; more rows pack it). */
function matmulCases(): FuzzCase[] {
  const rng = new Rng(7);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 600; i++) {
    const big = i % 30 === 0;
    const [M, K, N] = big ? [rng.int(60, 200), rng.int(60, 300), rng.int(60, 200)] : [rng.int(1, 19), rng.int(1, 37), rng.int(1, 23)];
    if (i % 2 === 0) {
      const bs = rng.pick([[], [], [3], [2, 1], [1, 4]]);
      const bsB = bs.length && rng.chance(0.5) ? bs.map((d) => (rng.chance(0.5) ? 1 : d)) : bs;
      const a = rng.randn([...bs, M, K]);
      const b = rng.randn([...bsB, K, N]);
      out.push({ name: `matmul ${fmt(a.shape)} @ ${fmt(b.shape)}`, run: () => [ck.matmul(a, b)] });
    } else {
      const rows = rng.chance(0.4) ? rng.int(1, 4) : M;
      const x = rng.randn(rng.chance(0.3) ? [2, rows, K] : [rows, K]);
      const w = rng.randn([N, K]);
      const bias = rng.chance(0.6) ? rng.randn([N]) : undefined;
      out.push({ name: `linear x${fmt(x.shape)} w${fmt(w.shape)}${bias ? ' bias' : ''}`, run: () => [ck.linear(x, w, bias)] });
    }
  }
  return out;
}

/** The 2×2 stride-2 max pool (values and indices) and its backward, with ties and NaN. */
function poolCases(): FuzzCase[] {
  const rng = new Rng(11);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 200; i++) {
    const big = i % 20 === 0;
    // big: at least 2^20 elements, above the serial threshold
    const shape = big ? [rng.int(8, 10), 32, 64, rng.int(64, 67)] : [rng.int(1, 3), rng.int(1, 5), rng.int(2, 17), rng.int(2, 19)];
    const raw = rng.randn(shape);
    // round to a coarse grid so windows have ties, and sprinkle NaN (about 2%)
    const x = ck.where(ck.lt(rng.randn(shape), -2.05), NaN, ck.div(ck.round(ck.mul(raw, 2)), 2));
    const gy = rng.randn([shape[0]!, shape[1]!, Math.floor(shape[2]! / 2), Math.floor(shape[3]! / 2)]);
    out.push({
      name: `maxPool2d 2×2 ${fmt(shape)}`,
      run: () => {
        const [y, idx] = ck.maxPool2d(x, 2, { returnIndices: true }) as [Tensor, Tensor];
        const xg = x.detach().requiresGrad_();
        ck.sum(ck.mul(ck.maxPool2d(xg, 2) as Tensor, gy)).backward();
        return [y, idx, xg.grad!];
      },
    });
  }
  return out;
}

/** 3×3 stride-1 convolutions with enough channels for Winograd F(2×2, 3×3): forward and input gradient. */
function winogradCases(): FuzzCase[] {
  const rng = new Rng(33);
  const out: FuzzCase[] = [];
  for (let i = 0; i < 150; i++) {
    const big = i % 15 === 0;
    const [N, C, O] = [rng.int(1, big ? 8 : 3), rng.int(16, big ? 64 : 40), rng.int(16, big ? 64 : 40)];
    const pad = rng.int(0, 2);
    const [H, W] = [rng.int(Math.max(1, 3 - 2 * pad), big ? 40 : 19), rng.int(Math.max(1, 3 - 2 * pad), big ? 40 : 21)];
    const x = rng.randn([N, C, H, W]);
    const w = rng.randn([O, C, 3, 3]);
    const b = rng.chance(0.5) ? rng.randn([O]) : null;
    const gy = rng.randn([N, O, H + 2 * pad - 2, W + 2 * pad - 2]);
    out.push({ name: `winograd conv2d x${fmt(x.shape)} w${fmt(w.shape)} padding ${pad}${b ? ' bias' : ''}`, run: () => [ck.conv2d(x, w, b, { padding: pad }), ck.conv2dInput(x.shape, w, gy, { padding: pad })] });
  }
  return out;
}

export const FAMILIES: Family[] = [
  { name: 'convolution', ops: ['conv', 'convTranspose', 'convWeightGrad'], threaded: true, cases: convCases },
  { name: 'matmul and linear', ops: ['matmul', 'linear'], threaded: true, cases: matmulCases },
  { name: '2×2 max pool', ops: ['maxPool', 'maxPoolBackward'], threaded: true, cases: poolCases },
  { name: 'Winograd F(2×2, 3×3)', ops: ['conv', 'convTranspose'], threaded: true, cases: winogradCases },
];
