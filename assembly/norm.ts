// The element-wise passes of the norm primitives on the [A, G, B] view (src/ops/norm_ops.ts): row
// (a, g) is B consecutive elements of group g. The group statistics come from assembly/reduce.ts.
//   MODE 0 normStandardize:         y = (x - mean[g])·rstd[g]          in f64 (ST: mean, then rstd)
//   MODE 1 normStandardizeBackward: y = r[g]·((h - m(h)) - x̂·m(h·x̂))   in f64 (ST: (m(h·x̂), m(h)) pairs)
//   MODE 2 normAffine:              y = x·w[g] + b[g]                  in f32
// The f64 passes keep x - mean exact where the mean is large against the spread (the reference
// computes in f64 too). Units of PER rows.
import { NORM_WRITE_X, NORM_WRITE_X2, NORM_WRITE_Y, NORM_WRITE_G, NORM_WRITE_B, NORM_WRITE_ROWS, NORM_WRITE_MODE, NORM_WRITE_ST, NORM_WRITE_W, NORM_WRITE_BIAS, NORM_WRITE_PER } from './abi';
import { arg, ptr, at, lo64, hi64 } from './args';

// @ts-ignore: decorator
@inline function pack(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

// (x - m)·r over n floats
function standardizeRow(x: usize, y: usize, n: i32, m: f64, r: f64): void {
  const mv = f64x2.splat(m), rv = f64x2.splat(r);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(at(x, j));
    v128.store(at(y, j), pack(f64x2.mul(f64x2.sub(lo64(v), mv), rv), f64x2.mul(f64x2.sub(hi64(v), mv), rv)));
  }
  for (; j < n; j++) store<f32>(at(y, j), <f32>((<f64>load<f32>(at(x, j)) - m) * r));
}

// r·((h - mh) - x̂·mhx) over n floats
function backwardRow(h: usize, xh: usize, y: usize, n: i32, mhx: f64, mh: f64, r: f64): void {
  const a = f64x2.splat(mhx), b = f64x2.splat(mh), rv = f64x2.splat(r);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const hv = v128.load(at(h, j)), xv = v128.load(at(xh, j));
    const o0 = f64x2.mul(rv, f64x2.sub(f64x2.sub(lo64(hv), b), f64x2.mul(lo64(xv), a)));
    const o1 = f64x2.mul(rv, f64x2.sub(f64x2.sub(hi64(hv), b), f64x2.mul(hi64(xv), a)));
    v128.store(at(y, j), pack(o0, o1));
  }
  for (; j < n; j++) store<f32>(at(y, j), <f32>(r * ((<f64>load<f32>(at(h, j)) - mh) - <f64>load<f32>(at(xh, j)) * mhx)));
}

// x·w + b over n floats
function affineRow(x: usize, y: usize, n: i32, w: f32, b: f32): void {
  const wv = f32x4.splat(w), bv = f32x4.splat(b);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(y, j), f32x4.add(f32x4.mul(v128.load(at(x, j)), wv), bv));
  for (; j < n; j++) store<f32>(at(y, j), load<f32>(at(x, j)) * w + b);
}

// args: the `normWrite` block (ROWS = A·G rows of B elements; W: rstd (MODE 1) or weight (MODE 2))
export function normWriteUnit(p: usize, unit: i32): void {
  const x = ptr(p, NORM_WRITE_X), x2 = ptr(p, NORM_WRITE_X2), y = ptr(p, NORM_WRITE_Y), st = ptr(p, NORM_WRITE_ST);
  const w = ptr(p, NORM_WRITE_W), bias = ptr(p, NORM_WRITE_BIAS);
  const G = arg(p, NORM_WRITE_G), B = arg(p, NORM_WRITE_B), rows = arg(p, NORM_WRITE_ROWS), mode = arg(p, NORM_WRITE_MODE), per = arg(p, NORM_WRITE_PER);
  const r0 = unit * per, r1 = r0 + per < rows ? r0 + per : rows;
  for (let r = r0; r < r1; r++) {
    const g = r % G;
    const off = (<usize>r * <usize>B) << 2;
    if (mode == 0) standardizeRow(x + off, y + off, B, load<f64>(st + (<usize>g << 3)), load<f64>(st + (<usize>(G + g) << 3)));
    else if (mode == 1) backwardRow(x + off, x2 + off, y + off, B, load<f64>(st + (<usize>g << 4)), load<f64>(st + (<usize>g << 4), 8), <f64>load<f32>(at(w, g)));
    else affineRow(x + off, y + off, B, load<f32>(at(w, g)), load<f32>(at(bias, g)));
  }
}
