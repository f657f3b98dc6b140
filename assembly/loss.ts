// The index-driven parts of the class losses and the point-wise losses:
//   classLoss, over positions (n, d) of a [OUTER, C, INNER] input with int32 targets t[n, d]:
//     Q        crossEntropyClassTarget: Q[n, :, d] = (ε/C)·w + (1-ε)·w[t]·onehot(t), 0 if ignored
//     NLL      nllLoss: y[n, d] = -w[t]·x[n, t, d] (0 if ignored)
//     NLL_BWD  its adjoint: y[n, c, d] = -w[t]·g[n, d] at c = t, else 0
//   and, run alone as unit -1, Σ w[t] over the kept positions in position order (f64) into TOTAL
//   units: (n, chunk of PER positions d); every output element of the unit's region is written.
//   pointLoss: (x - t)² or |x - t| element-wise, units of PER elements.
// Arithmetic in f64 with one rounding, as the reference does (w absent: weight 1).
import {
  CLASS_LOSS_X, CLASS_LOSS_T, CLASS_LOSS_W, CLASS_LOSS_Y, CLASS_LOSS_TOTAL, CLASS_LOSS_OUTER, CLASS_LOSS_C, CLASS_LOSS_INNER,
  CLASS_LOSS_IGNORE, CLASS_LOSS_MODE, CLASS_LOSS_PER, CLASS_LOSS_EPS,
  CL_MODE_Q, CL_MODE_NLL, CL_MODE_NLL_BWD,
  POINT_LOSS_X, POINT_LOSS_T, POINT_LOSS_Y, POINT_LOSS_N, POINT_LOSS_PER, POINT_LOSS_MODE,
} from './abi';
import { arg, ptr, at } from './args';

// @ts-ignore: decorator
@inline function weight(w: usize, c: i32): f64 {
  return w == 0 ? 1.0 : <f64>load<f32>(at(w, c));
}

// args: the `classLoss` block (EPS: the address of ε as an f64)
export function classLossUnit(p: usize, unit: i32): void {
  const x = ptr(p, CLASS_LOSS_X), t = ptr(p, CLASS_LOSS_T), w = ptr(p, CLASS_LOSS_W), y = ptr(p, CLASS_LOSS_Y);
  const outer = arg(p, CLASS_LOSS_OUTER), C = arg(p, CLASS_LOSS_C), inner = arg(p, CLASS_LOSS_INNER);
  const ignore = arg(p, CLASS_LOSS_IGNORE), mode = arg(p, CLASS_LOSS_MODE), per = arg(p, CLASS_LOSS_PER);
  if (unit < 0) {
    // the divisor Σ w[t] (the host runs this alone, as unit -1)
    let s: f64 = 0;
    const n = outer * inner;
    for (let i = 0; i < n; i++) {
      const c = load<i32>(at(t, i));
      if (c != ignore) s += weight(w, c);
    }
    store<f32>(ptr(p, CLASS_LOSS_TOTAL), <f32>s);
    return;
  }
  const chunks = (inner + per - 1) / per;
  const n = unit / chunks;
  const d0 = (unit - n * chunks) * per, d1 = d0 + per < inner ? d0 + per : inner;
  const tn = at(t, n * inner);
  if (mode == CL_MODE_NLL) {
    const yn = at(y, n * inner);
    for (let d = d0; d < d1; d++) {
      const c = load<i32>(at(tn, d));
      const v = c == ignore ? 0 : -weight(w, c) * <f64>load<f32>(at(x, (n * C + c) * inner + d));
      store<f32>(at(yn, d), <f32>v);
    }
    return;
  }
  // Q and NLL_BWD write the unit's [C, d0..d1) block of an input-shaped output: zeros first
  for (let c = 0; c < C; c++) memory.fill(at(y, (n * C + c) * inner + d0), 0, <usize>(d1 - d0) << 2);
  if (mode == CL_MODE_NLL_BWD) {
    const gn = at(x, n * inner);
    for (let d = d0; d < d1; d++) {
      const c = load<i32>(at(tn, d));
      if (c != ignore) store<f32>(at(y, (n * C + c) * inner + d), <f32>(-weight(w, c) * <f64>load<f32>(at(gn, d))));
    }
    return;
  }
  const eps = load<f64>(ptr(p, CLASS_LOSS_EPS));
  const spread = eps / <f64>C;
  for (let d = d0; d < d1; d++) {
    const c = load<i32>(at(tn, d));
    if (c == ignore) continue;
    if (spread > 0) for (let k = 0; k < C; k++) store<f32>(at(y, (n * C + k) * inner + d), <f32>(spread * weight(w, k)));
    const q = at(y, (n * C + c) * inner + d);
    store<f32>(q, <f32>(<f64>load<f32>(q) + (1 - eps) * weight(w, c)));
  }
}

// args: the `pointLoss` block (MODE 0: (x - t)², 1: |x - t|)
export function pointLossUnit(p: usize, unit: i32): void {
  const x = ptr(p, POINT_LOSS_X), t = ptr(p, POINT_LOSS_T), y = ptr(p, POINT_LOSS_Y);
  const n = arg(p, POINT_LOSS_N), per = arg(p, POINT_LOSS_PER), mode = arg(p, POINT_LOSS_MODE);
  const i0 = unit * per, i1 = i0 + per < n ? i0 + per : n;
  let i = i0;
  // (x - t) in f64 and one rounding of its square or magnitude, as the reference
  for (; i + 2 <= i1; i += 2) {
    const d = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(at(x, i))), f64x2.promote_low_f32x4(v128.load64_zero(at(t, i))));
    const r = mode == 0 ? f64x2.mul(d, d) : f64x2.abs(d);
    v128.store_lane<i64>(at(y, i), f32x4.demote_f64x2_zero(r), 0);
  }
  for (; i < i1; i++) {
    const d = <f64>load<f32>(at(x, i)) - <f64>load<f32>(at(t, i));
    store<f32>(at(y, i), <f32>(mode == 0 ? d * d : Math.abs(d)));
  }
}
