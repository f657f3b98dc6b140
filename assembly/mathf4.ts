// Vector maths for the element-wise kernels: four float32 lanes per call, no fused multiply-adds
// (results are the same in every build variant and on every thread), every lane computed by the
// same instructions whatever its neighbours (so a partial vector at the end of a run gives the bits
// a full one would). Errors against float64 were measured over dense sweeps of float32 inputs by
// scripts/wasm_math_accuracy.mjs (numbers there and in test/wasm_math.test.ts, which pins them):
//
//   exp4, expm1_4, log4, log1p4, sigmoid4, tanh4 — float32 range reduction + polynomials, a few ulp
//   sin4, cos4, normal (gelu's Φ, φ), pow4 — computed in float64, then rounded once: ≤ 1 ulp
//
// Special values follow the reference kernels (JavaScript's Math in float64): NaN propagates,
// ±Infinity and ±0 give the limits Math gives, -0 keeps its sign where Math keeps it.

// ---- float32 helpers ------------------------------------------------------------------------

@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

// 2^n for i32x4 lanes n in [-126, 127], as float32 bits
@inline function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

// |x| with the sign of s
@inline export function copysign4(x: v128, s: v128): v128 {
  return v128.or(v128.and(x, i32x4.splat(0x7fffffff)), v128.and(s, i32x4.splat(0x80000000)));
}

// x·c for a float64 constant c with one rounding (as the reference's double product, stored to float32)
@inline export function mulD(x: v128, c: f64): v128 {
  const k = f64x2.splat(c);
  const lo = f64x2.mul(f64x2.promote_low_f32x4(x), k);
  const hi = f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), k);
  return joinD(lo, hi);
}

// four float32 lanes from two float64 halves (each rounded once)
@inline export function joinD(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline export function lowD(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}

@inline export function highD(x: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
}

// ---- exp and expm1 (float32) -----------------------------------------------------------------
// x = n·ln2 + r, |r| <= ln2/2 (Cody–Waite: n·LN2_HI is exact), e^r = 1 + r + r²·P(r) with Cephes'
// expf coefficients, so expm1(r) = r + r²·P(r) uses the same P.

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// 1.5·2^23: adding it rounds a float32 below 2^22 in magnitude to an integer (ties to even, as
// f32x4.nearest), which then sits in the low mantissa bits
const ROUND32: f32 = 12582912.0;

// x·log2(e) rounded to an integer n, as float32 lanes n + ROUND32 (n = j - ROUND32; its int32
// value is the bits of j minus those of ROUND32)
@inline function reduce(x: v128): v128 {
  return f32x4.add(f32x4.mul(x, splat(LOG2E)), splat(ROUND32));
}

@inline function intOf(j: v128): v128 {
  return i32x4.sub(j, i32x4.splat(0x4b400000));
}

@inline function remainder(x: v128, n: v128): v128 {
  return f32x4.sub(f32x4.sub(x, f32x4.mul(n, splat(LN2_HI))), f32x4.mul(n, splat(LN2_LO)));
}

// r + r²·P(r) ≈ e^r - 1 on |r| <= ln2/2
@inline function expm1Poly(r: v128): v128 {
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  return f32x4.add(f32x4.mul(f32x4.mul(r, r), p), r);
}

// min(x, hi) and max(x, lo) that keep NaN: pmin(x, c) is c < x ? c : x (one instruction, where
// f32x4.min's NaN and -0 rules take several)
@inline function clampNaN(x: v128, lo: f32, hi: f32): v128 {
  return f32x4.pmax(f32x4.pmin(x, splat(hi)), splat(lo));
}

// e^x. Inputs are clamped to [-104, 88.8], where the result is already 0 or +Infinity; the scale
// 2^n is applied in two halves so that results in the subnormal range round once.
@inline export function exp4(x: v128): v128 {
  const xc = clampNaN(x, -104.0, 88.8);
  const j = reduce(xc);
  const n = f32x4.sub(j, splat(ROUND32));
  const p = f32x4.add(expm1Poly(remainder(xc, n)), splat(1.0));
  const ni = intOf(j);
  const n1 = i32x4.shr_s(ni, 1);
  return f32x4.mul(f32x4.mul(p, pow2i(n1)), pow2i(i32x4.sub(ni, n1)));
}

// e^x in one lane (the tails of runs that are not a multiple of four)
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// e^x - 1 = 2^n·expm1(r) + (2^n - 1), exact in its last term for n <= 24; above, (1 + expm1(r))·2^n - 1.
// Below -25 the result is -1 (clamped); |x| < 2^-25 returns x (keeps -0 and subnormals).
export function expm1_4(x: v128): v128 {
  const xc = clampNaN(x, -25.0, 88.8);
  const j = reduce(xc);
  const n = f32x4.sub(j, splat(ROUND32));
  const p = expm1Poly(remainder(xc, n));
  const ni = intOf(j);
  const big = i32x4.gt_s(ni, i32x4.splat(24));
  const t = pow2i(i32x4.min_s(ni, i32x4.splat(24)));
  const small = f32x4.add(f32x4.mul(t, p), f32x4.sub(t, splat(1.0)));
  const n1 = i32x4.shr_s(ni, 1);
  const large = f32x4.sub(f32x4.mul(f32x4.mul(f32x4.add(p, splat(1.0)), pow2i(n1)), pow2i(i32x4.sub(ni, n1))), splat(1.0));
  const r = v128.bitselect(large, small, big);
  return v128.bitselect(x, r, f32x4.lt(f32x4.abs(x), splat(2.98023224e-8)));
}

// ---- log and log1p (float32) -----------------------------------------------------------------
// musl's logf: x = 2^k·(1 + f) with 1 + f in [√2/2, √2), s = f/(2 + f),
// log(1 + f) = f - f²/2 + s·(f²/2 + R(s²)), R with musl's minimax coefficients Lg1..Lg4.

const LN2_HI_L: f32 = 0.6931381225585938;
const LN2_LO_L: f32 = 9.05800061445916e-6;

export function log4(x: v128): v128 {
  // subnormals: scale by 2^23 first
  const sub = i32x4.lt_s(x, i32x4.splat(0x00800000));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608.0)), x, sub);
  let ix = i32x4.add(xs, i32x4.splat(0x3f800000 - 0x3f3504f3));
  const k = i32x4.add(i32x4.sub(i32x4.shr_s(ix, 23), i32x4.splat(0x7f)), v128.and(sub, i32x4.splat(-23)));
  ix = i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const f = f32x4.sub(ix, splat(1.0));
  const s = f32x4.div(f, f32x4.add(splat(2.0), f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(splat(0.40000972151756287), f32x4.mul(w, splat(0.24279078841209412))));
  const t2 = f32x4.mul(z, f32x4.add(splat(0.6666666269302368), f32x4.mul(w, splat(0.2849878668785095))));
  const R = f32x4.add(t2, t1);
  const hfsq = f32x4.mul(f32x4.mul(splat(0.5), f), f);
  const dk = f32x4.convert_i32x4_s(k);
  let r = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, R)), f32x4.mul(dk, splat(LN2_LO_L)));
  r = f32x4.add(f32x4.add(f32x4.sub(r, hfsq), f), f32x4.mul(dk, splat(LN2_HI_L)));
  // +Infinity and NaN give themselves, negatives NaN, ±0 -Infinity
  r = v128.bitselect(x, r, v128.not(f32x4.le(x, splat(3.40282347e38))));
  r = v128.bitselect(splat(NaN), r, f32x4.lt(x, splat(0.0)));
  return v128.bitselect(splat(-Infinity), r, f32x4.eq(x, splat(0.0)));
}

// log(1 + x) = log(u)·x/(u - 1) with u = 1 + x rounded (the quotient corrects u's rounding), and x
// itself where u == 1 (|x| below half an ulp of 1, and -0).
export function log1p4(x: v128): v128 {
  const u = f32x4.add(x, splat(1.0));
  const r = f32x4.mul(log4(u), f32x4.div(x, f32x4.sub(u, splat(1.0))));
  const keep = v128.or(f32x4.eq(u, splat(1.0)), f32x4.eq(x, splat(Infinity)));
  return v128.bitselect(x, r, keep);
}

// ---- sigmoid and tanh (float32) --------------------------------------------------------------

// 1/(1 + e^-x) for x >= 0 and e^x/(1 + e^x) for x < 0 (relative precision where σ is tiny)
export function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const num = v128.bitselect(e, splat(1.0), f32x4.lt(x, splat(0.0)));
  return f32x4.div(num, f32x4.add(splat(1.0), e));
}

// tanh|x| = u/(u + 2) with u = expm1(2|x|) (no cancellation near 0), then x's sign. |x| is
// clamped at 9.1, where tanh rounds to 1.
export function tanh4(x: v128): v128 {
  const a = f32x4.pmin(f32x4.abs(x), splat(9.1));
  const u = expm1_4(f32x4.add(a, a));
  return copysign4(f32x4.div(u, f32x4.add(u, splat(2.0))), x);
}

// ---- float64 helpers: exp, sin/cos kernels ---------------------------------------------------

@inline function dsplat(v: f64): v128 {
  return f64x2.splat(v);
}

const ROUND64: f64 = 6755399441055744.0;

// e^y for float64 lanes (clamped to [-750, 710], beyond which it is 0 or +Infinity): y = n·ln2 + r,
// Taylor to r^11 (relative error < 1e-13 on |r| <= ln2/2), 2^n from exponent bits in two halves.
export function expD(y: v128): v128 {
  const yc = f64x2.pmin(f64x2.pmax(y, dsplat(-750.0)), dsplat(710.0));
  // rounded to an integer by adding 1.5·2^52 (see ROUND32)
  const j = f64x2.add(f64x2.mul(yc, dsplat(1.4426950408889634)), dsplat(ROUND64));
  const n = f64x2.sub(j, dsplat(ROUND64));
  const r = f64x2.sub(f64x2.sub(yc, f64x2.mul(n, dsplat(6.93147180369123816490e-1))), f64x2.mul(n, dsplat(1.90821492927058770002e-10)));
  let p = dsplat(1.0 / 39916800.0);
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(0.5));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0));
  p = f64x2.add(f64x2.mul(p, r), dsplat(1.0));
  const ni = i64x2.sub(j, i64x2.splat(0x4338000000000000));
  const n1 = i64x2.shr_s(ni, 1);
  const s1 = i64x2.shl(i64x2.add(n1, i64x2.splat(1023)), 52);
  const s2 = i64x2.shl(i64x2.add(i64x2.sub(ni, n1), i64x2.splat(1023)), 52);
  return f64x2.mul(f64x2.mul(p, s1), s2);
}

// musl's __sindf/__cosdf: sin and cos on |y| <= π/4 in float64 (error < 2^-37 relative)
@inline function sinKernel(y: v128): v128 {
  const z = f64x2.mul(y, y);
  const w = f64x2.mul(z, z);
  const r = f64x2.add(dsplat(-0.00019839334836096632), f64x2.mul(z, dsplat(0.000002718311493989822)));
  const s = f64x2.mul(z, y);
  const a = f64x2.add(y, f64x2.mul(s, f64x2.add(dsplat(-0.16666666641626524), f64x2.mul(z, dsplat(0.008333329385889463)))));
  return f64x2.add(a, f64x2.mul(f64x2.mul(s, w), r));
}

@inline function cosKernel(y: v128): v128 {
  const z = f64x2.mul(y, y);
  const w = f64x2.mul(z, z);
  const r = f64x2.add(dsplat(-0.001388676377460993), f64x2.mul(z, dsplat(0.00002439044879627741)));
  const a = f64x2.add(f64x2.add(dsplat(1.0), f64x2.mul(z, dsplat(-0.499999997251031))), f64x2.mul(w, dsplat(0.04166662332373906)));
  return f64x2.add(a, f64x2.mul(f64x2.mul(w, z), r));
}

// sin (shift 0) or cos (shift 1) of two float64 lanes holding float32 values below 2^28·π/2:
// y = x - n·π/2 with π/2 in two parts (musl's __rem_pio2f), then the kernel for quadrant n + shift.
@inline function sinCosD(d: v128, shift: i32): v128 {
  const j = f64x2.add(f64x2.mul(d, dsplat(6.36619772367581382433e-1)), dsplat(ROUND64));
  const fn = f64x2.sub(j, dsplat(ROUND64));
  const y = f64x2.sub(f64x2.sub(d, f64x2.mul(fn, dsplat(1.57079631090164184570))), f64x2.mul(fn, dsplat(1.58932547735281966916e-8)));
  const q = i64x2.add(i64x2.sub(j, i64x2.splat(0x4338000000000000)), i64x2.splat(shift));
  const useCos = i64x2.ne(v128.and(q, i64x2.splat(1)), i64x2.splat(0));
  const negate = i64x2.ne(v128.and(q, i64x2.splat(2)), i64x2.splat(0));
  const v = v128.bitselect(cosKernel(y), sinKernel(y), useCos);
  return v128.xor(v, v128.and(negate, i64x2.splat(0x8000000000000000)));
}

// sin (shift 0) or cos (shift 1). Lanes beyond the reduction's range (|x| >= 4.2e8, ±Infinity,
// NaN) take the float64 library function; ±0 gives itself (sin) or 1 (cos).
@inline function sinCos4(x: v128, shift: i32): v128 {
  let r = joinD(sinCosD(lowD(x), shift), sinCosD(highD(x), shift));
  const far = v128.not(f32x4.lt(f32x4.abs(x), splat(4.2e8)));
  if (v128.any_true(far)) r = farSinCos(x, r, far, shift);
  return v128.bitselect(shift == 0 ? x : splat(1.0), r, f32x4.eq(x, splat(0.0)));
}

function farSinCos(x: v128, r: v128, far: v128, shift: i32): v128 {
  for (let l = 0; l < 4; l++) {
    if (i32x4.extract_lane(far, 0) != 0) {
      const v = <f64>f32x4.extract_lane(x, 0);
      r = f32x4.replace_lane(r, 0, <f32>(shift == 0 ? Math.sin(v) : Math.cos(v)));
    }
    // rotate lanes so lane l is handled at position 0 (lane indices must be constants)
    x = v128.shuffle<f32>(x, x, 1, 2, 3, 0);
    r = v128.shuffle<f32>(r, r, 1, 2, 3, 0);
    far = v128.shuffle<f32>(far, far, 1, 2, 3, 0);
  }
  return r;
}

export function sin4(x: v128): v128 {
  return sinCos4(x, 0);
}

export function cos4(x: v128): v128 {
  return sinCos4(x, 1);
}

// ---- pow (float64) --------------------------------------------------------------------------

// log x for float64 lanes x > 0 (finite, normal): x = 2^e·m with m in [√2/2, √2), f = m - 1,
// s = f/(2 + f), log m = 2·atanh s = 2s(1 + s²/3 + ... + s^16/17) (|s| <= 0.1716: relative error
// < 1e-15), log x = e·ln2 + log m with ln2 in two parts.
export function logD(x: v128): v128 {
  let e = i64x2.sub(i64x2.shr_u(x, 52), i64x2.splat(1023));
  let m = v128.or(v128.and(x, i64x2.splat(0x000fffffffffffff)), i64x2.splat(0x3ff0000000000000));
  const big = f64x2.gt(m, dsplat(1.4142135623730951));
  m = v128.bitselect(f64x2.mul(m, dsplat(0.5)), m, big);
  e = i64x2.sub(e, big);
  // e as float64: its bits added to those of 1.5·2^52, read as a float, minus 1.5·2^52
  const ed = f64x2.sub(i64x2.add(e, i64x2.splat(0x4338000000000000)), dsplat(ROUND64));
  const f = f64x2.sub(m, dsplat(1.0));
  const sv = f64x2.div(f, f64x2.add(dsplat(2.0), f));
  const z = f64x2.mul(sv, sv);
  let p = dsplat(1.0 / 17.0);
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 15.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 13.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 11.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 9.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 7.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 5.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0 / 3.0));
  p = f64x2.add(f64x2.mul(p, z), dsplat(1.0));
  const lm = f64x2.mul(f64x2.add(sv, sv), p);
  return f64x2.add(f64x2.mul(ed, dsplat(6.93147180369123816490e-1)), f64x2.add(lm, f64x2.mul(ed, dsplat(1.90821492927058770002e-10))));
}

// Math.pow in float64, rounded once; JavaScript's rules where C's differ: a NaN exponent gives
// NaN, and ±1 to the power ±Infinity is NaN.
function powLane(x: f64, y: f64): f32 {
  if (y != y || (Math.abs(x) == 1 && Math.abs(y) == Infinity)) return NaN;
  return <f32>Math.pow(x, y);
}

// Lanes of a whose power the float64 formula does not give: a <= 0, a = +Infinity, NaN
@inline function badBase(a: v128): v128 {
  return v128.not(v128.and(f32x4.gt(a, splat(0.0)), f32x4.lt(a, splat(Infinity))));
}

// a^b for float32 lanes: e^(b·log a) in float64 (relative error ~1e-13 before the rounding to
// float32) where a > 0 and both are finite; the float64 library pow for the other lanes (signs,
// zeros, infinities, NaN)
export function pow4(a: v128, b: v128): v128 {
  let r = joinD(expD(f64x2.mul(lowD(b), logD(lowD(a)))), expD(f64x2.mul(highD(b), logD(highD(a)))));
  let bad = v128.or(badBase(a), v128.not(f32x4.lt(f32x4.abs(b), splat(Infinity))));
  if (!v128.any_true(bad)) return r;
  for (let l = 0; l < 4; l++) {
    if (i32x4.extract_lane(bad, 0) != 0) r = f32x4.replace_lane(r, 0, powLane(<f64>f32x4.extract_lane(a, 0), <f64>f32x4.extract_lane(b, 0)));
    // rotate lanes so lane l is handled at position 0 (lane indices must be constants)
    a = v128.shuffle<f32>(a, a, 1, 2, 3, 0);
    b = v128.shuffle<f32>(b, b, 1, 2, 3, 0);
    r = v128.shuffle<f32>(r, r, 1, 2, 3, 0);
    bad = v128.shuffle<f32>(bad, bad, 1, 2, 3, 0);
  }
  return r;
}

// a^y for float32 lanes and a float64 exponent y (as pow4)
export function powS4(a: v128, y: f64): v128 {
  const yd = dsplat(y);
  let r = joinD(expD(f64x2.mul(yd, logD(lowD(a)))), expD(f64x2.mul(yd, logD(highD(a)))));
  let bad = Math.abs(y) < Infinity ? badBase(a) : i32x4.splat(-1);
  if (!v128.any_true(bad)) return r;
  for (let l = 0; l < 4; l++) {
    if (i32x4.extract_lane(bad, 0) != 0) r = f32x4.replace_lane(r, 0, powLane(<f64>f32x4.extract_lane(a, 0), y));
    a = v128.shuffle<f32>(a, a, 1, 2, 3, 0);
    r = v128.shuffle<f32>(r, r, 1, 2, 3, 0);
    bad = v128.shuffle<f32>(bad, bad, 1, 2, 3, 0);
  }
  return r;
}

// ---- the normal distribution, for gelu (float64) ---------------------------------------------
// With z = |x|/√2 and t = 1/(1 + z/2): Φ(-|x|) = erfc(z)/2 = e^(-x²/2)·t·P(t)/2, where t·P(t)
// fits erfc(z)·e^(z²) to a relative 3.6e-9 on [0, 10.5] (scripts/fit_erfc.py; beyond, e^(-x²/2)
// is below 1e-47 and the results are 0 or 1 in float32). x² is exact in float64.

@inline function erfcScaled(t: v128): v128 {
  let p = dsplat(0.03631780301598402);
  p = f64x2.add(f64x2.mul(p, t), dsplat(-0.19429734234742674));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.3898973407412091));
  p = f64x2.add(f64x2.mul(p, t), dsplat(-0.3022706507714176));
  p = f64x2.add(f64x2.mul(p, t), dsplat(-0.009899104992517907));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.02779959198481797));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.0580898352717162));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.18470062104332502));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.24533590587279552));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.28223681706769665));
  p = f64x2.add(f64x2.mul(p, t), dsplat(0.2820891867549647));
  return f64x2.mul(p, t);
}

// Φ(x) (mode 0) or Φ(x) + x·φ(x) (mode 1, gelu's derivative) for two float64 lanes
@inline export function normalD(x: v128, mode: i32): v128 {
  const z = f64x2.mul(f64x2.abs(x), dsplat(0.7071067811865476));
  const t = f64x2.div(dsplat(1.0), f64x2.add(dsplat(1.0), f64x2.mul(z, dsplat(0.5))));
  const e = expD(f64x2.mul(f64x2.mul(x, x), dsplat(-0.5)));
  const q = f64x2.mul(f64x2.mul(e, dsplat(0.5)), erfcScaled(t));
  const cdf = v128.bitselect(q, f64x2.sub(dsplat(1.0), q), f64x2.lt(x, dsplat(0.0)));
  if (mode == 0) return cdf;
  return f64x2.add(cdf, f64x2.mul(x, f64x2.mul(e, dsplat(0.3989422804014327))));
}
