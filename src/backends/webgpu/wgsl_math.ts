/**
 * WGSL maths with the semantics the reference kernels have (IEEE / JavaScript's Math), in float32.
 *
 * WGSL leaves results on non-finite inputs and outside the main domains indeterminate, and real
 * drivers use that freedom; on SwiftShader (checked): `x != x` is false for NaN, log(0) is -88
 * and log(-1) is 0, exp(NaN) and exp2(NaN) are +Infinity, exp2 saturates at the largest float,
 * and sin/cos are accurate to 2^-11 only (the spec's bound). So every special case is decided
 * here on bit patterns before the builtin runs, and:
 * - log1p / expm1 use Goldberg's correction: with u = 1+x rounded, log(u)·x/(u−1) (and
 *   (u−1)·x/log(u)) cancel the rounding of u, so both stay accurate near 0;
 * - tanh goes through expm1 (accurate near 0, never inf/inf);
 * - sin/cos reduce by π/2 in three parts (Cody–Waite) and evaluate Cephes' float polynomials
 *   (about 1 ulp for |x| < 1e5);
 * - erfc is the Chebyshev fit of Numerical Recipes (erfcc, relative error < 1.2e-7), for GELU;
 * - pow follows Math.pow, the reference's: WGSL's pow is undefined for a negative base.
 * Subnormal float32 values may be flushed to zero by a GPU (WGSL allows it).
 */
export const WGSL_MATH = `
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_() -> f32 { return bitcast<f32>(INF_BITS); }
fn isnan_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf_(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn maxNan_(a: f32, b: f32) -> f32 {
  if (isnan_(a)) { return a; }
  if (isnan_(b)) { return b; }
  return max(a, b);
}
fn minNan_(a: f32, b: f32) -> f32 {
  if (isnan_(a)) { return a; }
  if (isnan_(b)) { return b; }
  return min(a, b);
}
fn exp_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  return exp(x);
}
fn log_(x: f32) -> f32 {
  if (isnan_(x) || x < 0.0) { return nan_(); }
  if (x == 0.0) { return -inf_(); }
  if (isinf_(x)) { return x; }
  return log(x);
}
fn log1p_(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (u <= 0.0 || isnan_(x) || isinf_(x)) { return log_(u); }
  return log(u) * (x / (u - 1.0));
}
fn expm1_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  if (x > 88.7) { return inf_(); }
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0) { return -1.0; }
  return um1 * (x / log(u));
}
fn tanh_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let e = expm1_(-2.0 * abs(x));
  let t = -e / (2.0 + e);
  return select(t, -t, x < 0.0);
}
fn sinPoly_(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}
fn cosPoly_(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
// sin(x + q·π/2) for the quadrant offset q
fn sinQuad_(x: f32, q0: u32) -> f32 {
  if (isnan_(x) || isinf_(x)) { return nan_(); }
  if (abs(x) > 1e5) { return select(sin(x), cos(x), q0 == 1u); }
  let k = round(x * 0.63661977236758134);
  var r = fma(-k, 1.5703125, x);
  r = fma(-k, 4.837512969970703125e-4, r);
  r = fma(-k, 7.54978995489188216e-8, r);
  let q = (u32(i32(k) & 3) + q0) & 3u;
  let v = select(sinPoly_(r), cosPoly_(r), (q & 1u) == 1u);
  return select(v, -v, q >= 2u);
}
fn sin_(x: f32) -> f32 { return sinQuad_(x, 0u); }
fn cos_(x: f32) -> f32 { return sinQuad_(x, 1u); }
fn erfc_(x: f32) -> f32 {
  if (isnan_(x)) { return x; }
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r, 2.0 - r, x < 0.0);
}
fn normalCdf_(x: f32) -> f32 { return 0.5 * erfc_(-x * 0.70710678118654752); }
fn normalPdf_(x: f32) -> f32 { return 0.3989422804014327 * exp_(-0.5 * x * x); }
fn sigmoid_(v: f32) -> f32 {
  if (isnan_(v)) { return v; }
  if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); }
  let e = exp(v);
  return e / (1.0 + e);
}
fn isOddInt_(b: f32) -> bool {
  return floor(b) == b && abs(b) < 16777216.0 && (i32(b) & 1) == 1;
}
fn pow_(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnan_(a) || isnan_(b)) { return nan_(); }
  let ab = abs(a);
  var r: f32;
  if (isinf_(b)) {
    if (ab == 1.0) { return nan_(); }
    r = select(0.0, inf_(), (ab > 1.0) == (b > 0.0));
  } else if (ab == 0.0) {
    r = select(0.0, inf_(), b < 0.0);
  } else if (isinf_(ab)) {
    r = select(0.0, inf_(), b > 0.0);
  } else {
    let y = b * log2(ab);
    r = select(exp2(y), inf_(), y >= 128.0);
  }
  if ((bitcast<u32>(a) >> 31u) == 0u || isinf_(b)) { return r; }
  // a negative base (or -0, -inf): an odd integer power keeps the sign, an even one drops it,
  // any other power of a finite negative number is NaN
  if (floor(b) != b) { return select(nan_(), r, ab == 0.0 || isinf_(ab)); }
  return select(r, -r, isOddInt_(b));
}
`;
