/**
 * Error of the wasm backend's vector maths against float64 over dense sweeps of float32 inputs,
 * in ulps of the float32 result (shared by test/wasm_math.test.ts, which pins the bounds, and
 * scripts/wasm_math_accuracy.mjs, which prints them over denser sweeps).
 */
import * as ck from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { normalCdf, normalPdf } from '../src/backends/reference/activation_math.js';

/** The float32 spacing at |v| (subnormal spacing below the normal range). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  if (!Number.isFinite(a)) return Infinity;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * `n` float32 inputs in [lo, hi]: half evenly spaced, half evenly spaced in their bit patterns
 * (so every binade of the range is visited as densely as its neighbours).
 */
export function sweep(lo: number, hi: number, n: number): Float32Array {
  const out = new Float32Array(n);
  const half = n >> 1;
  for (let i = 0; i < half; i++) out[i] = lo + ((hi - lo) * i) / (half - 1);
  const bits = new Int32Array(1);
  const f = new Float32Array(bits.buffer);
  // bit patterns of |x| from the smallest magnitude of the range to the largest, both signs where the range has them
  const small = lo <= 0 && hi >= 0 ? 2 ** -30 : Math.min(Math.abs(lo), Math.abs(hi));
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  f[0] = small;
  const b0 = bits[0]!;
  f[0] = big;
  const b1 = bits[0]!;
  for (let i = half; i < n; i++) {
    bits[0] = Math.round(b0 + ((b1 - b0) * (i - half)) / (n - half - 1));
    let v = f[0]!;
    if ((i & 1) === 1 && lo < 0) v = -v;
    out[i] = Math.min(hi, Math.max(lo, v));
  }
  return out;
}

export interface MathCase {
  name: string;
  lo: number;
  hi: number;
  /** The wasm computation of the inputs. */
  run: (x: Tensor) => Tensor;
  /** The exact value in float64 for a float32 input. */
  exact: (x: number) => number;
  /**
   * Derivatives that cross zero cancel terms of this size: errors are counted in ulps of
   * max(|exact|, floor) (0: of |exact|).
   */
  floor?: number;
}

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const K = Math.sqrt(2 / Math.PI);
// 0.5(1 + tanh u) = σ(2u): the reference's 1 + tanh u cancels to 0 in float64 below x ≈ -6
const geluTanh = (v: number): number => v * sigmoid(2 * K * (v + 0.044715 * v ** 3));
const geluTanhGrad = (v: number): number => {
  const s = sigmoid(2 * K * (v + 0.044715 * v ** 3));
  return s + 2 * v * s * (1 - s) * K * (1 + 3 * 0.044715 * v * v);
};

/**
 * Every vector function of assembly/mathf4.ts through the op that uses it, over its useful range
 * (for silu: where σ(x) is a normal float32; below, results are under 1e-37 in magnitude and
 * their absolute error under 1e-42).
 */
export const MATH_CASES: MathCase[] = [
  { name: 'exp', lo: -104, hi: 88.7, run: ck.exp, exact: Math.exp },
  { name: 'expm1', lo: -30, hi: 88.7, run: ck.expm1, exact: Math.expm1 },
  { name: 'log', lo: 0, hi: 3.4e38, run: ck.log, exact: Math.log },
  { name: 'log1p', lo: -0.9999999, hi: 3e38, run: ck.log1p, exact: Math.log1p },
  { name: 'sigmoid', lo: -104, hi: 104, run: ck.sigmoid, exact: sigmoid },
  { name: 'tanh', lo: -12, hi: 12, run: ck.tanh, exact: Math.tanh },
  { name: 'sin', lo: -1e5, hi: 1e5, run: ck.sin, exact: Math.sin },
  { name: 'cos', lo: -1e5, hi: 1e5, run: ck.cos, exact: Math.cos },
  // beyond 4.2e8 the float64 library functions take over
  { name: 'sin (large)', lo: -1e12, hi: 1e12, run: ck.sin, exact: Math.sin },
  { name: 'gelu', lo: -14, hi: 14, run: (x) => ck.gelu(x), exact: (v) => v * normalCdf(v) },
  { name: 'gelu (tanh)', lo: -14, hi: 14, run: (x) => ck.gelu(x, { approximate: 'tanh' }), exact: geluTanh },
  { name: 'softplus', lo: -100, hi: 20, run: (x) => ck.softplus(x), exact: (v) => Math.log1p(Math.exp(v)) },
  { name: 'elu', lo: -30, hi: 10, run: (x) => ck.elu(x), exact: (v) => (v > 0 ? v : Math.expm1(v)) },
  { name: 'silu', lo: -87, hi: 30, run: ck.silu, exact: (v) => v * sigmoid(v) },
  { name: 'pow(|x|, 2.7)', lo: 0, hi: 1e14, run: (x) => ck.pow(x, 2.7), exact: (v) => Math.pow(v, 2.7) },
  { name: 'pow(|x|, -1.3)', lo: 0, hi: 1e30, run: (x) => ck.pow(x, -1.3), exact: (v) => Math.pow(v, -1.3) },
  // a tensor exponent (the binary op): 1.5^y over the exponents whose power is a normal float32
  { name: 'pow(1.5, y)', lo: -210, hi: 218, run: (y) => ck.pow(ck.fullLike(y, 1.5), y), exact: (v) => Math.pow(1.5, v) },
  // the backward ops with g = 1: the derivatives
  { name: 'gelu′', lo: -14, hi: 14, run: (x) => backward(x, (t) => ck.gelu(t)), exact: (v) => normalCdf(v) + v * normalPdf(v), floor: 0.25 },
  { name: 'gelu′ (tanh)', lo: -14, hi: 14, run: (x) => backward(x, (t) => ck.gelu(t, { approximate: 'tanh' })), exact: geluTanhGrad, floor: 0.25 },
  { name: 'softplus′', lo: -100, hi: 20, run: (x) => backward(x, (t) => ck.softplus(t)), exact: sigmoid },
  { name: 'elu′', lo: -30, hi: 10, run: (x) => backward(x, (t) => ck.elu(t)), exact: (v) => (v > 0 ? 1 : Math.exp(v)) },
  { name: 'silu′', lo: -100, hi: 30, run: (x) => backward(x, ck.silu), exact: (v) => sigmoid(v) * (1 + v * (1 - sigmoid(v))), floor: 0.25 },
];

/** d f(x)/dx element-wise: the backward op with an all-ones gradient. */
function backward(x: Tensor, f: (t: Tensor) => Tensor): Tensor {
  return ck.grad((t: Tensor) => ck.sum(f(t)))(x) as Tensor;
}

export interface SweepResult {
  name: string;
  points: number;
  /** Largest error in ulps of the float32 result where it is a normal number, and where. */
  maxUlp: number;
  at: number;
  /** Largest absolute error where the float32 result is subnormal. */
  subnormalAbs: number;
  /** Elements whose special value (NaN, ±Infinity, signed zero) differs from float64's rounding. */
  specialMismatches: number;
}

/** Runs one case on `n` sweep points (on the current backend). */
export function measure(c: MathCase, n: number): SweepResult {
  const xs = sweep(c.lo, c.hi, n);
  const got = c.run(ck.tensor(xs)).data;
  const floor = c.floor ?? 0;
  let maxUlp = 0;
  let at = 0;
  let special = 0;
  let subnormalAbs = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = c.exact(xs[i]!);
    const r = Math.fround(e);
    const g = got[i]!;
    if (!Number.isFinite(r) || r === 0) {
      if (!Object.is(g, r) && !(Number.isNaN(g) && Number.isNaN(r)) && !(r === 0 && Math.abs(g) <= 2 ** -149)) special++;
      continue;
    }
    if (Math.abs(r) < 2 ** -126) {
      subnormalAbs = Math.max(subnormalAbs, Math.abs(g - e));
      continue;
    }
    const u = Math.abs(g - e) / ulp32(Math.max(Math.abs(e), floor));
    if (u > maxUlp || Number.isNaN(u)) {
      maxUlp = Number.isNaN(u) ? Infinity : u;
      at = xs[i]!;
    }
  }
  return { name: c.name, points: xs.length, maxUlp, at, subnormalAbs, specialMismatches: special };
}
