// Pools with any window (kernel, stride, padding, dilation, ceil mode, adaptive) over the plan's
// window tables (src/ops/pool_plan.ts): per padded spatial dimension d and output index o, the
// taps lo[d][o], lo[d][o] + step[d], ... below hi[d][o]; flat indices in a plane are
// i0·H·W + i1·W + i2. MODE:
//   MAX      y, idx = max over the window with PyTorch's rule (a tap replaces the running max when
//            greater or NaN: the first of equal maxima, the last NaN; -Infinity and index -1 for a
//            window with no tap)
//   AVG      y = Σ window (f64) / divisor (DIV: per-dimension f64 factors, or OVR ≠ 0: an override)
//   MAX_BWD  y = g scattered (added) to each plane at idx
//   GATHER   y = t read at idx (0 where idx is -1)
//   AVG_BWD  y = each g/divisor added over its window
// Forward units are (plane, chunk of PER output rows (od, oh)); in the W range [OWA, OWB) where
// consecutive windows are full and KS apart, four outputs are computed at once. Backward units
// are chunks of PER planes (the scatters stay inside their plane). Adds are f32 in the scatters.
// The SIMD groups of a row start at OWA every 4 outputs; the last one ends at OWB (it may overlap
// the group before it, writing the same values again).
import {
  POOL_X, POOL_Y, POOL_IDX, POOL_PLANES, POOL_ID, POOL_IH, POOL_IW, POOL_OD, POOL_OH, POOL_OW, POOL_LO, POOL_HI, POOL_S0, POOL_S1,
  POOL_S2, POOL_DIV, POOL_OVR, POOL_MODE, POOL_PER, POOL_OWA, POOL_OWB, POOL_KS,
  POOL_MODE_MAX, POOL_MODE_AVG, POOL_MODE_MAX_BWD, POOL_MODE_GATHER,
} from './abi';
import { arg, ptr, at } from './args';

// @ts-ignore: decorator
@inline function tab(t: usize, i: i32): i32 {
  return load<i32>(at(t, i));
}


// Four floats at s, s + ks, s + 2ks, s + 3ks (elements).
// @ts-ignore: decorator
@inline function lanes(s: usize, ks: i32): v128 {
  if (ks == 1) return v128.load(s);
  // elements 0..3 and 3..6: nothing past the last lane is read
  if (ks == 2) return v128.shuffle<f32>(v128.load(s), v128.load(s, 12), 0, 2, 5, 7);
  const b = <usize>ks << 2;
  let v = v128.load32_zero(s);
  v = v128.load32_lane(s + b, v, 1);
  v = v128.load32_lane(s + 2 * b, v, 2);
  return v128.load32_lane(s + 3 * b, v, 3);
}

function forwardRow(p: usize, pl: i32, od: i32, oh: i32, isMax: bool): void {
  const IH = arg(p, POOL_IH), IW = arg(p, POOL_IW), OD = arg(p, POOL_OD), OH = arg(p, POOL_OH), OW = arg(p, POOL_OW);
  const lo = ptr(p, POOL_LO), hi = ptr(p, POOL_HI), s0 = arg(p, POOL_S0), s1 = arg(p, POOL_S1), s2 = arg(p, POOL_S2);
  const hw = IH * IW;
  const x = ptr(p, POOL_X) + ((<usize>pl * <usize>arg(p, POOL_ID) * <usize>hw) << 2);
  const orow = (<usize>pl * <usize>OD * <usize>OH + <usize>od * <usize>OH + <usize>oh) * <usize>OW;
  const y = ptr(p, POOL_Y) + (orow << 2), ix = ptr(p, POOL_IDX) + (orow << 2);
  const a0 = tab(lo, od), b0 = tab(hi, od), a1 = tab(lo, OD + oh), b1 = tab(hi, OD + oh);
  const lo2 = lo + (<usize>(OD + OH) << 2), hi2 = hi + (<usize>(OD + OH) << 2);
  // the divisor's factor of dimensions 0 and 1 (AVG)
  const dv = ptr(p, POOL_DIV), ovr = arg(p, POOL_OVR);
  const f01 = isMax || ovr != 0 ? 1.0 : load<f64>(dv + (<usize>od << 3)) * load<f64>(dv + (<usize>(OD + oh) << 3));
  const owA = arg(p, POOL_OWA), owB = arg(p, POOL_OWB), ks = arg(p, POOL_KS);
  const empty01 = a0 >= b0 || a1 >= b1;
  let ow = 0;
  while (ow < OW) {
    if (!empty01 && ow >= owA && ow + 4 <= owB) {
      // four full windows KS apart
      const a2 = tab(lo2, ow), b2 = tab(hi2, ow);
      if (isMax) {
        let best = f32x4.splat(-Infinity);
        const step = i32x4.mul(i32x4.splat(ks), i32x4(0, 1, 2, 3));
        let bi = i32x4.add(i32x4.splat(a0 * hw + a1 * IW + a2), step);
        let first = true;
        for (let i0 = a0; i0 < b0; i0 += s0) {
          for (let i1 = a1; i1 < b1; i1 += s1) {
            const row = i0 * hw + i1 * IW;
            for (let i2 = a2; i2 < b2; i2 += s2) {
              const v = lanes(at(x, row + i2), ks);
              const iv = i32x4.add(i32x4.splat(row + i2), step);
              const m = first ? i32x4.splat(-1) : v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
              best = v128.bitselect(v, best, m);
              bi = v128.bitselect(iv, bi, m);
              first = false;
            }
          }
        }
        v128.store(at(y, ow), best);
        v128.store(at(ix, ow), bi);
      } else {
        let s0v = f64x2.splat(0), s1v = f64x2.splat(0);
        for (let i0 = a0; i0 < b0; i0++) {
          for (let i1 = a1; i1 < b1; i1++) {
            const row = i0 * hw + i1 * IW;
            for (let i2 = a2; i2 < b2; i2++) {
              const v = lanes(at(x, row + i2), ks);
              s0v = f64x2.add(s0v, f64x2.promote_low_f32x4(v));
              s1v = f64x2.add(s1v, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
            }
          }
        }
        // the four divisors: the override, or f01 times each window's W factor
        let d0 = f64x2.splat(<f64>ovr), d1 = d0;
        if (ovr == 0) {
          const f = f64x2.splat(f01), fw = dv + (<usize>(OD + OH + ow) << 3);
          d0 = f64x2.mul(f, v128.load(fw));
          d1 = f64x2.mul(f, v128.load(fw, 16));
        }
        const q0 = f32x4.demote_f64x2_zero(f64x2.div(s0v, d0)), q1 = f32x4.demote_f64x2_zero(f64x2.div(s1v, d1));
        v128.store(at(y, ow), v128.shuffle<f32>(q0, q1, 0, 1, 4, 5));
      }
      // the last group of the range may overlap the one before (same values written twice)
      ow = ow + 8 <= owB || ow + 4 == owB ? ow + 4 : owB - 4;
      continue;
    }
    const a2 = tab(lo2, ow), b2 = tab(hi2, ow);
    if (isMax) {
      let best: f32 = -Infinity, bi = -1;
      if (!empty01 && a2 < b2) {
        bi = a0 * hw + a1 * IW + a2;
        for (let i0 = a0; i0 < b0; i0 += s0) {
          for (let i1 = a1; i1 < b1; i1 += s1) {
            const row = i0 * hw + i1 * IW;
            for (let i2 = a2; i2 < b2; i2 += s2) {
              const v = load<f32>(at(x, row + i2));
              if (v > best || v != v) {
                best = v;
                bi = row + i2;
              }
            }
          }
        }
      }
      store<f32>(at(y, ow), best);
      store<i32>(at(ix, ow), bi);
    } else {
      let s: f64 = 0;
      for (let i0 = a0; i0 < b0; i0++) {
        for (let i1 = a1; i1 < b1; i1++) {
          const row = i0 * hw + i1 * IW;
          for (let i2 = a2; i2 < b2; i2++) s += <f64>load<f32>(at(x, row + i2));
        }
      }
      const d = ovr != 0 ? <f64>ovr : f01 * load<f64>(dv + (<usize>(OD + OH + ow) << 3));
      store<f32>(at(y, ow), <f32>(s / d));
    }
    ow++;
  }
}

// One plane of a backward op.
function backwardPlane(p: usize, pl: i32, mode: i32): void {
  const ID = arg(p, POOL_ID), IH = arg(p, POOL_IH), IW = arg(p, POOL_IW), OD = arg(p, POOL_OD), OH = arg(p, POOL_OH), OW = arg(p, POOL_OW);
  const inPlane = ID * IH * IW, outPlane = OD * OH * OW;
  const x = ptr(p, POOL_X), ix = ptr(p, POOL_IDX);
  const ob = <usize>pl * <usize>outPlane;
  const yb = ptr(p, POOL_Y) + ((<usize>pl * <usize>(mode == POOL_MODE_GATHER ? outPlane : inPlane)) << 2);
  if (mode == POOL_MODE_GATHER) {
    const t = x + ((<usize>pl * <usize>inPlane) << 2);
    for (let o = 0; o < outPlane; o++) {
      const i = load<i32>(at(ix, <i32>ob + o));
      store<f32>(at(yb, o), i >= 0 ? load<f32>(at(t, i)) : 0);
    }
    return;
  }
  memory.fill(yb, 0, <usize>inPlane << 2);
  const g = x + (ob << 2);
  if (mode == POOL_MODE_MAX_BWD) {
    for (let o = 0; o < outPlane; o++) {
      const i = load<i32>(at(ix, <i32>ob + o));
      if (i >= 0) store<f32>(at(yb, i), load<f32>(at(yb, i)) + load<f32>(at(g, o)));
    }
    return;
  }
  // AVG_BWD: g / divisor over each window
  const lo = ptr(p, POOL_LO), hi = ptr(p, POOL_HI), dv = ptr(p, POOL_DIV), ovr = arg(p, POOL_OVR);
  const hw = IH * IW;
  let o = 0;
  for (let od = 0; od < OD; od++) {
    const a0 = tab(lo, od), b0 = tab(hi, od);
    for (let oh = 0; oh < OH; oh++) {
      const a1 = tab(lo, OD + oh), b1 = tab(hi, OD + oh);
      const f01 = ovr != 0 ? 1.0 : load<f64>(dv + (<usize>od << 3)) * load<f64>(dv + (<usize>(OD + oh) << 3));
      for (let ow = 0; ow < OW; ow++, o++) {
        const a2 = tab(lo, OD + OH + ow), b2 = tab(hi, OD + OH + ow);
        const d = ovr != 0 ? <f64>ovr : f01 * load<f64>(dv + (<usize>(OD + OH + ow) << 3));
        const v = <f32>(<f64>load<f32>(at(g, o)) / d);
        for (let i0 = a0; i0 < b0; i0++) {
          for (let i1 = a1; i1 < b1; i1++) {
            const row = yb + ((<usize>(i0 * hw + i1 * IW)) << 2);
            let i2 = a2;
            const vv = f32x4.splat(v);
            for (; i2 + 4 <= b2; i2 += 4) v128.store(at(row, i2), f32x4.add(v128.load(at(row, i2)), vv));
            for (; i2 < b2; i2++) store<f32>(at(row, i2), load<f32>(at(row, i2)) + v);
          }
        }
      }
    }
  }
}

// args: the `pool` block
export function poolUnit(p: usize, unit: i32): void {
  const mode = arg(p, POOL_MODE), per = arg(p, POOL_PER);
  if (mode == POOL_MODE_MAX || mode == POOL_MODE_AVG) {
    const OD = arg(p, POOL_OD), OH = arg(p, POOL_OH);
    const rows = OD * OH, chunks = (rows + per - 1) / per;
    const pl = unit / chunks;
    const r0 = (unit - pl * chunks) * per, r1 = r0 + per < rows ? r0 + per : rows;
    for (let r = r0; r < r1; r++) {
      const od = r / OH;
      forwardRow(p, pl, od, r - od * OH, mode == POOL_MODE_MAX);
    }
    return;
  }
  const planes = arg(p, POOL_PLANES);
  const p0 = unit * per, p1 = p0 + per < planes ? p0 + per : planes;
  for (let pl = p0; pl < p1; pl++) backwardPlane(p, pl, mode);
}
