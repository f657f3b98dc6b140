/**
 * Seeded random configurations for the differential tests of the wasm element-wise kernels
 * (test/wasm_eltwise*.test.ts): shapes of every rank up to 5 with odd sizes and sizes around
 * multiples of 4 and 8, operand shapes that broadcast against them in every way, values with
 * NaN, ±Infinity, ±0, huge, tiny and subnormal numbers sprinkled in, and the comparison of a
 * wasm result with the reference's (exact bits, or within the float32 tolerance).
 */
import assert from 'node:assert/strict';
import * as ck from '../src/index.js';
import type { DType, Tensor } from '../src/index.js';
import { fallbackStats } from '../src/dispatch.js';
import { TOL32, onBackend } from './helpers.js';

/** mulberry32: a small seeded generator of uniform floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;

export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const SIZES = [1, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33];

/** A random shape of rank 0-5 with at most `maxNumel` elements. */
export function shape(r: Rand, maxNumel = 4000): number[] {
  for (;;) {
    const rank = Math.floor(r() * 6);
    const s = Array.from({ length: rank }, () => pick(r, SIZES));
    if (s.reduce((p, d) => p * d, 1) <= maxNumel) return s;
  }
}

/** A shape that broadcasts to `out`: some dimensions set to 1, some leading ones dropped. */
export function broadcastFrom(r: Rand, out: readonly number[]): number[] {
  const s = out.map((d) => (r() < 0.3 ? 1 : d));
  const drop = r() < 0.3 ? Math.floor(r() * (s.length + 1)) : 0;
  return s.slice(drop);
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 1e-40, -1e-40, 3.4e38, 1e-30];

/** Float values: normal with scale `scale`, with a fraction `special` of the special values. */
export function floats(r: Rand, n: number, scale = 3, special = 0.05): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (r() < special) {
      out[i] = pick(r, SPECIAL);
      continue;
    }
    const u = Math.max(r(), 1e-12);
    out[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }
  return out;
}

/** int32 values in [-range, range], with int32's extremes sprinkled in. */
export function ints(r: Rand, n: number, range = 50): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < 0.02 ? pick(r, [2 ** 31 - 1, -(2 ** 31), 0]) : Math.round((2 * r() - 1) * range);
  return out;
}

/** A tensor of `shape` with random values of `dtype`. */
export function rand(r: Rand, s: readonly number[], dtype: DType = 'float32', scale = 3, special = 0.05): Tensor {
  const n = s.reduce((p, d) => p * d, 1);
  const data = dtype === 'int32' ? ints(r, n) : floats(r, n, scale, special);
  return ck.tensor(data, { shape: [...s], dtype });
}

/**
 * Runs `f` on the reference and on the wasm backend and compares: `exact` requires the same bits
 * (NaN matching NaN, -0 matching -0), else the float32 tolerance with the same NaN, ±Infinity and
 * zero pattern. Asserts that the wasm run fell back to the reference for none of its ops.
 */
export function agree(what: string, f: () => Tensor | Tensor[], exact: boolean, tol = TOL32): void {
  const refs = [onBackend('reference', f)].flat();
  const before = { ...fallbackStats() };
  const gots = [onBackend('wasm', f)].flat();
  const after = fallbackStats();
  const fell = Object.keys(after).filter((k) => after[k] !== before[k]);
  assert.deepEqual(fell, [], `${what}: ops fell back to the reference on wasm`);
  refs.forEach((ref, i) => same(`${what}${refs.length > 1 ? ` output ${i}` : ''}`, gots[i]!, ref, exact, tol));
}

function same(what: string, got: Tensor, ref: Tensor, exact: boolean, tol: typeof TOL32): void {
  assert.deepEqual([...got.shape], [...ref.shape], `${what}: shape`);
  assert.equal(got.dtype, ref.dtype, `${what}: dtype`);
  const a = got.data;
  const e = ref.data;
  for (let i = 0; i < e.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const detail = `${what}: element ${i} is ${x}, reference ${y}`;
    if (exact || !Number.isFinite(y) || Number.isNaN(x)) assert.fail(detail);
    if (x === y) continue; // 0 and -0 within tolerance
    assert.ok(Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y), detail);
  }
}

/** The bit patterns of several outputs (for bit-for-bit comparisons across thread counts). */
export function bits(ts: readonly Tensor[]): Int32Array[] {
  return ts.map((t) => (t.dtype === 'int32' ? Int32Array.from(t.data) : new Int32Array(Float32Array.from(t.data).buffer)));
}
