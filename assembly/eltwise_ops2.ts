// The element-wise map operations with two and three operands (see eltwise_ops.ts).
import { Binary, Ternary, D0, D1, I0, bit, d, f, geluTanhT, maxF, minF, sigD } from './eltwise_ops';
import { expD, highD, joinD, lowD, mulD, normalD, pow4 } from './mathf4';

// float64 lanes of g and x: g·(s + 2x·s(1 - s)·√(2/π)(1 + 3·0.044715x²)), s = σ(2u)
@inline function geluTanhGrad(g: v128, x: v128): v128 {
  const t = geluTanhT(x);
  const e = expD(f64x2.neg(f64x2.abs(t)));
  const s = sigD(t, e, 0);
  const k = f64x2.mul(d(0.7978845608028654), f64x2.add(d(1.0), f64x2.mul(d(3.0 * 0.044715), f64x2.mul(x, x))));
  return f64x2.mul(g, f64x2.add(s, f64x2.mul(f64x2.mul(f64x2.mul(d(2.0), x), f64x2.mul(s, sigD(t, e, 1))), k)));
}

// float64 lanes of g and x: (g·s)·(1 + x(1 - s))
@inline function siluGrad(g: v128, x: v128): v128 {
  const e = expD(f64x2.neg(f64x2.abs(x)));
  return f64x2.mul(f64x2.mul(g, sigD(x, e, 0)), f64x2.add(d(1.0), f64x2.mul(x, sigD(x, e, 1))));
}

// float64 lanes of g and x: g where βx > threshold, else g·σ(βx)
@inline function softplusGrad(g: v128, x: v128, beta: f64, threshold: f64): v128 {
  const bx = f64x2.mul(x, d(beta));
  const s = sigD(bx, expD(f64x2.neg(f64x2.abs(bx))), 0);
  return v128.bitselect(g, f64x2.mul(g, s), f64x2.gt(bx, d(threshold)));
}

@final export class AddF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.add(a, b); }
}
@final export class AddI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.add(a, b); }
}
@final export class SubF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.sub(a, b); }
}
@final export class SubI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.sub(a, b); }
}
@final export class MulF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.mul(a, b); }
}
@final export class MulI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.mul(a, b); }
}
@final export class Div extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return f32x4.div(a, b); }
}
@final export class AddAlphaF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const k = d(D0(q));
    return joinD(f64x2.add(lowD(a), f64x2.mul(k, lowD(b))), f64x2.add(highD(a), f64x2.mul(k, highD(b))));
  }
}
@final export class AddAlphaI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.add(a, i32x4.mul(I0(q), b)); }
}
@final export class Pow extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return pow4(a, b); }
}
@final export class MaxF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return maxF(a, b); }
}
@final export class MaxI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.max_s(a, b); }
}
@final export class MinF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return minF(a, b); }
}
@final export class MinI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return i32x4.min_s(a, b); }
}
@final export class EqF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(f32x4.eq(a, b)); }
}
@final export class EqI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(i32x4.eq(a, b)); }
}
@final export class NeF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(f32x4.ne(a, b)); }
}
@final export class NeI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(i32x4.ne(a, b)); }
}
@final export class LtF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(f32x4.lt(a, b)); }
}
@final export class LtI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(i32x4.lt_s(a, b)); }
}
@final export class LeF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(f32x4.le(a, b)); }
}
@final export class LeI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(i32x4.le_s(a, b)); }
}
@final export class GtF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(f32x4.gt(a, b)); }
}
@final export class GtI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(i32x4.gt_s(a, b)); }
}
@final export class GeF extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(f32x4.ge(a, b)); }
}
@final export class GeI extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return bit(i32x4.ge_s(a, b)); }
}
// backward ops: a = the output gradient, b = the forward input (or output, for sigmoid/tanh)
@final export class ReluBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return v128.and(a, f32x4.gt(b, f(0.0))); }
}
@final export class LeakyBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return v128.bitselect(a, mulD(a, D0(q)), f32x4.gt(b, f(0.0)));
  }
}
// g·y(1 - y) and g(1 - y²) in float64
@final export class SigmoidBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const gl = lowD(a), gh = highD(a), yl = lowD(b), yh = highD(b);
    return joinD(f64x2.mul(f64x2.mul(gl, yl), f64x2.sub(d(1.0), yl)), f64x2.mul(f64x2.mul(gh, yh), f64x2.sub(d(1.0), yh)));
  }
}
@final export class TanhBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const gl = lowD(a), gh = highD(a), yl = lowD(b), yh = highD(b);
    return joinD(f64x2.mul(gl, f64x2.sub(d(1.0), f64x2.mul(yl, yl))), f64x2.mul(gh, f64x2.sub(d(1.0), f64x2.mul(yh, yh))));
  }
}
@final export class GeluBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return joinD(f64x2.mul(lowD(a), normalD(lowD(b), 1)), f64x2.mul(highD(a), normalD(highD(b), 1)));
  }
}
// s + 2x·s(1 - s)·√(2/π)(1 + 3·0.044715x²) with s = σ(2u), in float64 (see sigD)
@final export class GeluTanhBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    return joinD(geluTanhGrad(lowD(a), lowD(b)), geluTanhGrad(highD(a), highD(b)));
  }
}
// g·σ(βx) below the threshold (the reference's g·e^(βx)/(e^(βx) + 1), without overflow), g above;
// βx, the branch and σ in float64 as the reference has them
@final export class SoftplusBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    return joinD(softplusGrad(lowD(a), lowD(b), D0(q), D1(q)), softplusGrad(highD(a), highD(b), D0(q), D1(q)));
  }
}
// x > 0 ? g : (g·α)·e^x in float64 (e^x from expD: x <= 0 there)
@final export class EluBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const k = d(D0(q));
    const xl = f64x2.min(lowD(b), d(0.0)), xh = f64x2.min(highD(b), d(0.0));
    const neg = joinD(f64x2.mul(f64x2.mul(lowD(a), k), expD(xl)), f64x2.mul(f64x2.mul(highD(a), k), expD(xh)));
    return v128.bitselect(a, neg, f32x4.gt(b, f(0.0)));
  }
}
// (g·s)·(1 + x(1 - s)), s = σ(x), all in float64 (see sigD)
@final export class SiluBwd extends Binary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    return joinD(siluGrad(lowD(a), lowD(b)), siluGrad(highD(a), highD(b)));
  }
}
// where(cond, input, other): a float condition is true when non-zero (NaN included, -0 not)
@final export class WhereF extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
      return v128.bitselect(b, c, i32x4.ne(v128.and(a, i32x4.splat(0x7fffffff)), i32x4.splat(0)));
  }
}
@final export class WhereI extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return v128.bitselect(b, c, i32x4.ne(a, i32x4.splat(0))); }
}
// clamp(x, lo, hi) with tensor bounds: x < lo ? lo : x, then > hi ? hi (NaN x stays NaN)
@final export class ClampLoF extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return v128.bitselect(b, a, f32x4.lt(a, b)); }
}
@final export class ClampHiF extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return v128.bitselect(c, a, f32x4.gt(a, c)); }
}
@final export class ClampF extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const r = v128.bitselect(b, a, f32x4.lt(a, b));
    return v128.bitselect(c, r, f32x4.gt(r, c));
  }
}
@final export class ClampLoI extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return v128.bitselect(b, a, i32x4.lt_s(a, b)); }
}
@final export class ClampHiI extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 { return v128.bitselect(c, a, i32x4.gt_s(a, c)); }
}
@final export class ClampI extends Ternary {
  @inline apply(a: v128, b: v128, c: v128, q: usize): v128 {
    const r = v128.bitselect(b, a, i32x4.lt_s(a, b));
    return v128.bitselect(c, r, i32x4.gt_s(r, c));
  }
}
