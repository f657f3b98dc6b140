// What each element-wise map operation computes on one vector of four lanes: one class per ELT_OP
// code, whose inlined `apply` the generic loops of eltwise.ts call on a null instance of the
// class (so every loop is compiled with its own op's code only). This file: the shared helpers and
// the ops without operands or with one; eltwise_ops2.ts: two and three operands.
// Operands a, b, c are float32 or int32 lanes (by the op's suffix); q points at the call's
// parameters (Params). Exactness against the reference kernels (float64, rounded once):
// +, -, ×, ÷, sqrt, floor/ceil/round, comparisons, min/max, where and clamp are exact in float32;
// products with a float64 parameter (alpha, slopes, elu's α) and the backward formulas of
// sigmoid/tanh/elu/silu/gelu are evaluated in float64 as the reference writes them, then rounded
// once; the transcendental functions come from mathf4.ts.
import { cos4, exp4, expD, expm1_4, highD, joinD, log1p4, log4, lowD, mulD, normalD, powS4, sigmoid4, sin4, tanh4 } from './mathf4';

// Operands each op reads (a loop skips the others).
export class Nullary {
  @inline arity(): i32 { return 0; }
}
export class Unary {
  @inline arity(): i32 { return 1; }
}
export class Binary {
  @inline arity(): i32 { return 2; }
}
export class Ternary {
  @inline arity(): i32 { return 3; }
}

// The parameters (the eltMap block's F area, written by the host): d0, d1 as float64, then the
// same as float32 splats p0, p1, then int32 splats i0, i1.
@inline export function D0(q: usize): f64 {
  return load<f64>(q);
}
@inline export function D1(q: usize): f64 {
  return load<f64>(q, 8);
}
@inline export function P0(q: usize): v128 {
  return v128.load(q, 16);
}
@inline export function P1(q: usize): v128 {
  return v128.load(q, 32);
}
@inline export function I0(q: usize): v128 {
  return v128.load(q, 48);
}
@inline export function I1(q: usize): v128 {
  return v128.load(q, 64);
}

@inline export function f(v: f32): v128 {
  return f32x4.splat(v);
}

@inline export function d(v: f64): v128 {
  return f64x2.splat(v);
}

// int32 0/1 from a comparison mask
@inline export function bit(m: v128): v128 {
  return v128.and(m, i32x4.splat(1));
}

// float32 → int32 truncating toward zero with JavaScript's ToInt32 (what storing into an Int32Array
// does): NaN and ±Infinity give 0, values beyond the int32 range wrap modulo 2^32.
@inline export function toInt32(a: v128): v128 {
  let r = i32x4.trunc_sat_f32x4_s(a);
  const wide = v128.not(f32x4.lt(f32x4.abs(a), f(2147483648.0)));
  if (v128.any_true(wide)) r = wrapLanes(a, r, wide);
  return r;
}

function wrapLanes(a: v128, r: v128, wide: v128): v128 {
  for (let l = 0; l < 4; l++) {
    if (i32x4.extract_lane(wide, 0) != 0) {
      const v = f32x4.extract_lane(a, 0);
      // float32 values of 2^63 and more are multiples of 2^40, so 0 modulo 2^32 (and NaN, ±Infinity: 0)
      r = i32x4.replace_lane(r, 0, Math.abs(v) < 9.2233720368547758e18 ? <i32><i64>v : 0);
    }
    a = v128.shuffle<f32>(a, a, 1, 2, 3, 0);
    r = v128.shuffle<f32>(r, r, 1, 2, 3, 0);
    wide = v128.shuffle<f32>(wide, wide, 1, 2, 3, 0);
  }
  return r;
}

// max/min as the reference writes them: a > b || a is NaN ? a : b (so NaN propagates from either side)
@inline export function maxF(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
}

@inline export function minF(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, v128.or(f32x4.lt(a, b), f32x4.ne(a, a)));
}

// 2u = 2·√(2/π)(x + 0.044715x³) for float64 lanes x: gelu's tanh form is 0.5x(1 + tanh u) =
// x·σ(2u), which does not cancel where tanh u is near -1; σ(2u) is evaluated in float64 from
// e^-|2u| (expD), as rounding 2u to float32 would cost up to 64 ulps in the left tail
@inline export function geluTanhT(x: v128): v128 {
  return f64x2.mul(d(1.5957691216057308), f64x2.add(x, f64x2.mul(f64x2.mul(f64x2.mul(d(0.044715), x), x), x)));
}

// σ(t) (cmp 0) or 1 - σ(t) (cmp 1) as float64 lanes from e = e^-|t|: e/(1 + e) or 1/(1 + e) by
// t's sign, so each is accurate where it is small (1 - σ computed as a difference would not be)
@inline export function sigD(t: v128, e: v128, cmp: i32): v128 {
  const neg = f64x2.lt(t, d(0.0));
  const num = cmp == 0 ? v128.bitselect(e, d(1.0), neg) : v128.bitselect(d(1.0), e, neg);
  return f64x2.div(num, f64x2.add(d(1.0), e));
}

@inline function geluTanh(x: v128): v128 {
  const t = geluTanhT(x);
  return f64x2.mul(x, sigD(t, expD(f64x2.neg(f64x2.abs(t))), 0));
}

@final export class Fill extends Nullary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return I0(q); }
}
@final export class Copy extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return a; }
}
@final export class F2i extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return toInt32(a); }
}
@final export class I2f extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.convert_i32x4_s(a); }
}
@final export class NegF extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.neg(a); }
}
@final export class NegI extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.neg(a); }
}
@final export class AbsF extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.abs(a); }
}
@final export class AbsI extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.abs(a); }
}
// (x > 0) - (x < 0): 0 for ±0 and NaN
@final export class SignF extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return f32x4.sub(v128.and(f32x4.gt(a, f(0.0)), f(1.0)), v128.and(f32x4.lt(a, f(0.0)), f(1.0)));
  }
}
@final export class SignI extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return i32x4.sub(i32x4.lt_s(a, i32x4.splat(0)), i32x4.gt_s(a, i32x4.splat(0)));
  }
}
@final export class SquareF extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.mul(a, a); }
}
@final export class SquareI extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.mul(a, a); }
}
@final export class Recip extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.div(f(1.0), a); }
}
@final export class Sqrt extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.sqrt(a); }
}
@final export class Rsqrt extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return joinD(f64x2.div(d(1.0), f64x2.sqrt(lowD(a))), f64x2.div(d(1.0), f64x2.sqrt(highD(a))));
  }
}
@final export class Exp extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return exp4(a); }
}
@final export class Log extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return log4(a); }
}
@final export class Log1p extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return log1p4(a); }
}
@final export class Expm1 extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return expm1_4(a); }
}
@final export class Sin extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return sin4(a); }
}
@final export class Cos extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return cos4(a); }
}
@final export class Floor extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.floor(a); }
}
@final export class Ceil extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.ceil(a); }
}
@final export class Round extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.nearest(a); }
}
// round to d > 0 decimals: nearest(x·10^d)/10^d; d < 0: nearest(x/10^-d)·10^-d (p0: 10^|d| in float32)
@final export class RoundUp extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.div(f32x4.nearest(f32x4.mul(a, P0(q))), P0(q)); }
}
@final export class RoundDown extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.mul(f32x4.nearest(f32x4.div(a, P0(q))), P0(q)); }
}
@final export class PowS extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return powS4(a, D0(q)); }
}
@final export class Cube extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const lo = lowD(a), hi = highD(a);
    return joinD(f64x2.mul(f64x2.mul(lo, lo), lo), f64x2.mul(f64x2.mul(hi, hi), hi));
  }
}
// Math.pow(x, 0.5): √x, but +0 for -0 and +Infinity for -Infinity
@final export class PowHalf extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return v128.bitselect(f(Infinity), f32x4.add(f32x4.sqrt(a), f(0.0)), f32x4.eq(a, f(-Infinity)));
  }
}
@final export class ClampSf extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const r = v128.bitselect(P0(q), a, f32x4.lt(a, P0(q)));
    return v128.bitselect(P1(q), r, f32x4.gt(r, P1(q)));
  }
}
@final export class ClampSi extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const r = v128.bitselect(I0(q), a, i32x4.lt_s(a, I0(q)));
    return v128.bitselect(I1(q), r, i32x4.gt_s(r, I1(q)));
  }
}
// max(x, 0) propagates NaN and turns -0 into 0
@final export class Relu extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.max(a, f(0.0)); }
}
@final export class Leaky extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return v128.bitselect(a, mulD(a, D0(q)), f32x4.gt(a, f(0.0)));
  }
}
@final export class Sigmoid extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return sigmoid4(a); }
}
@final export class Tanh extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return tanh4(a); }
}
@final export class Gelu extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const lo = lowD(a), hi = highD(a);
    return joinD(f64x2.mul(lo, normalD(lo, 0)), f64x2.mul(hi, normalD(hi, 0)));
  }
}
@final export class GeluTanh extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return joinD(geluTanh(lowD(a)), geluTanh(highD(a))); }
}
// log(1 + e^(βx))/β = (max(βx, 0) + log1p(e^-|βx|))/β, no overflow; x itself above the threshold
@final export class Softplus extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const bx = f32x4.mul(a, P0(q));
    const sp = f32x4.div(f32x4.add(f32x4.max(bx, f(0.0)), log1p4(exp4(f32x4.neg(f32x4.abs(bx))))), P0(q));
    return v128.bitselect(a, sp, f32x4.gt(bx, P1(q)));
  }
}
@final export class Elu extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return v128.bitselect(a, mulD(expm1_4(a), D0(q)), f32x4.gt(a, f(0.0)));
  }
}
@final export class Silu extends Unary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.mul(a, sigmoid4(a)); }
}
