// exp(x) for four f32 lanes (softmax, logsumexp, cross-entropy), and the same in one lane.
//
// x = n·ln2 + r with n = nearest(x·log2 e) (ties to even) and r = x - n·ln2 (ln2 split in two parts, Cody-Waite,
// so r is exact to ~1e-10 for |x| < 104), |r| ≤ ln2/2; e^r = 1 + r + r²·P(r) with Cephes' degree-5
// P; then 2^n, applied in two halves (2^⌊n/2⌋·2^(n-⌊n/2⌋)) so that results run into the
// subnormals and overflow to +Infinity as the true value does. x is clamped to [-104, 89] first
// (beyond: 0 and +Infinity exactly); NaN propagates (every step keeps it). -Infinity gives 0.
//
// Measured against float64 Math.exp at every 2^-12 from -103.9 to 88.7 (scripts/vexp_error.mjs):
// at most 0.97 ulp of the float32 result over the 721,046 normal results (mean 0.27 ulp), and
// within 1 ulp of the correctly rounded value for subnormal results.

const LOG2E: f32 = 1.44269502;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;
const XMIN: f32 = -104.0;
const XMAX: f32 = 89.0;
const MAGIC: f32 = 12582912.0;
const MAGIC_BITS: i32 = 0x4b400000;

// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  // pmax/pmin keep NaN (from x) and compile to single instructions, unlike f32x4.max/min
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(XMIN)), f32x4.splat(XMAX));
  // n = nearest(x·log2 e), as a float and as an integer, by one add of 1.5·2^23 (|n| < 2^22)
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const fn = f32x4.sub(t, f32x4.splat(MAGIC));
  const n = i32x4.sub(t, i32x4.splat(MAGIC_BITS));
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(P0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  const r2 = f32x4.mul(r, r);
  p = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1));
  // 2^n1 · 2^n2 with n1 = n >> 1: each factor's exponent stays in range for n in [-150, 129]
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// The same in one lane (tails of runs that are not a multiple of four).
// @ts-ignore: decorator
@inline export function sexp(x: f32): f32 {
  return f32x4.extract_lane(vexp(f32x4.splat(x)), 0);
}
