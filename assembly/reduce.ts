// Reductions over any dimensions (sum, mean, var/std, logsumexp, max/min with indices, and the
// statistics of the norm kernels), on the layout the host computes (src/backends/wasm/reduce_plan.ts):
// the input's dimensions are coalesced into kept and reduced runs, and
//   INNER mode (the last run is reduced): output o's group is NSEG segments of L consecutive
//     elements at X + BASE[o] + REL[s]; group position k = s·L + j (row-major over reduced dims).
//     (BASE and REL are tables, or affine: BASE[o] = o·BSTRIDE, REL[s] = s·RSTRIDE.)
//   OUTER mode (the last run is kept): output row r holds L consecutive outputs; its group is the
//     NSEG rows at X + BASE[r] + REL[k], reduced column by column (SIMD across the kept columns).
// A group may be split into PARTS contiguous ranges of k (a count that depends on the shape only):
// each unit then writes a partial (16 bytes per part and output) and `reduceFinishUnit` combines
// the parts in order. Every output is computed by one unit in one fixed order, so the result is
// the same for any thread count. Sums accumulate in f64 (f64x2 lanes); max/min follow PyTorch:
// the first extreme element wins, a NaN beats everything (the first NaN is reported).
import {
  REDUCE_X, REDUCE_X2, REDUCE_Y, REDUCE_Y2, REDUCE_IDX, REDUCE_MODE, REDUCE_KIND, REDUCE_FIN, REDUCE_L, REDUCE_NSEG, REDUCE_NOUT,
  REDUCE_BASE, REDUCE_REL, REDUCE_PARTS, REDUCE_PER, REDUCE_CB, REDUCE_NCH, REDUCE_STATIN, REDUCE_STATOUT, REDUCE_PART, REDUCE_DIV,
  REDUCE_SCR, REDUCE_BSTRIDE, REDUCE_RSTRIDE, reduceCols_acc, reduceCols_acc2, reduceCols_end,
  RED_KIND_SUM, RED_KIND_SQDEV, RED_KIND_SUMEXP, RED_KIND_MAX, RED_KIND_ARGMAX, RED_KIND_ARGMIN, RED_KIND_DOT,
  RED_FIN_RAW, RED_FIN_DIV, RED_FIN_SQRTDIV, RED_FIN_LSE, RED_FIN_STAT,
} from './abi';
import { arg, ptr, at, hi2 } from './args';
import { exp1, exp4 } from './mathf4';


// The running state of one output (module globals are per thread: each thread has its instance).
let gAcc: f64 = 0;
let gAcc2: f64 = 0;
let gBest: f32 = 0;
let gIdx: i32 = -1;

// @ts-ignore: decorator
@inline function better(v: f32, best: f32, isMax: bool): bool {
  return (isMax ? v > best : v < best) || (v != v && best == best);
}

// Σ x over n consecutive floats, in f64.
export function runSum(p: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v0 = v128.load(at(p, i)), v1 = v128.load(at(p, i), 16);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(hi2(v0)));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(v1));
    a3 = f64x2.add(a3, f64x2.promote_low_f32x4(hi2(v1)));
  }
  if (i + 4 <= n) {
    const v0 = v128.load(at(p, i));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v0));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(hi2(v0)));
    i += 4;
  }
  const a = f64x2.add(f64x2.add(a0, a2), f64x2.add(a1, a3));
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>load<f32>(at(p, i));
  return s;
}

// Σ (x - mean)² in f64 (the second pass of a variance: no cancellation).
export function runSqdev(p: usize, n: i32, mean: f64): f64 {
  const m = f64x2.splat(mean);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i));
    const d0 = f64x2.sub(f64x2.promote_low_f32x4(v), m);
    const d1 = f64x2.sub(f64x2.promote_low_f32x4(hi2(v)), m);
    a0 = f64x2.add(a0, f64x2.mul(d0, d0));
    a1 = f64x2.add(a1, f64x2.mul(d1, d1));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const d = <f64>load<f32>(at(p, i)) - mean;
    s += d * d;
  }
  return s;
}

// Σ exp(x - m), exp in f32 (assembly/mathf4.ts exp4), summed in f64.
export function runExp(p: usize, n: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = exp4(f32x4.sub(v128.load(at(p, i)), mv));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(e));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(hi2(e)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>exp1(load<f32>(at(p, i)) - m);
  return s;
}

// The largest non-NaN value (logsumexp's shift), starting from `best`.
export function runMax(p: usize, n: i32, best: f32): f32 {
  let b = f32x4.splat(best);
  let i = 0;
  for (; i + 4 <= n; i += 4) b = f32x4.pmax(b, v128.load(at(p, i)));
  const b0 = f32x4.extract_lane(b, 0), b1 = f32x4.extract_lane(b, 1), b2 = f32x4.extract_lane(b, 2), b3 = f32x4.extract_lane(b, 3);
  if (b0 > best) best = b0;
  if (b1 > best) best = b1;
  if (b2 > best) best = b2;
  if (b3 > best) best = b3;
  for (; i < n; i++) {
    const v = load<f32>(at(p, i));
    if (v > best) best = v;
  }
  return best;
}

// Σ x·y over n consecutive floats, products and sum in f64.
export function runProd(p: usize, q: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i)), w = v128.load(at(q, i));
    a0 = f64x2.add(a0, f64x2.mul(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(w)));
    a1 = f64x2.add(a1, f64x2.mul(f64x2.promote_low_f32x4(hi2(v)), f64x2.promote_low_f32x4(hi2(w))));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>load<f32>(at(p, i)) * <f64>load<f32>(at(q, i));
  return s;
}

// gAcc += Σ x·y, gAcc2 += Σ x (products in f64).
function runDot(p: usize, q: usize, n: i32): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i)), w = v128.load(at(q, i));
    const v0 = f64x2.promote_low_f32x4(v), v1 = f64x2.promote_low_f32x4(hi2(v));
    a0 = f64x2.add(a0, f64x2.mul(v0, f64x2.promote_low_f32x4(w)));
    a1 = f64x2.add(a1, f64x2.mul(v1, f64x2.promote_low_f32x4(hi2(w))));
    b0 = f64x2.add(b0, v0);
    b1 = f64x2.add(b1, v1);
  }
  const a = f64x2.add(a0, a1), b = f64x2.add(b0, b1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  let t = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(at(p, i));
    s += v * <f64>load<f32>(at(q, i));
    t += v;
  }
  gAcc += s;
  gAcc2 += t;
}

// Lanes of runArg combined: by value, then by smallest position (any position order across lanes).
let lBest: f32 = 0;
let lIdx: i32 = 0;
// @ts-ignore: decorator
@inline function laneMerge(v: f32, k: i32, isMax: bool): void {
  const vn = v != v, bn = lBest != lBest;
  let take: bool;
  if (bn) take = vn && k < lIdx;
  else if (vn) take = true;
  else take = (isMax ? v > lBest : v < lBest) || (v == lBest && k < lIdx);
  if (take) {
    lBest = v;
    lIdx = k;
  }
}

// Merges the extremum of n consecutive floats (group positions k0..) into (gBest, gIdx), which
// holds the extremum of the earlier positions (gIdx = -1: none yet). Four lanes each keep their
// own first extremum; the lanes are then combined by value, then by smallest position.
function runArg(p: usize, n: i32, k0: i32, isMax: bool): void {
  let i = 0;
  if (n >= 8) {
    let best = v128.load(p);
    let idx = i32x4.add(i32x4.splat(k0), i32x4(0, 1, 2, 3));
    let cur = i32x4.add(idx, i32x4.splat(4));
    const four = i32x4.splat(4);
    for (i = 4; i + 4 <= n; i += 4) {
      const v = v128.load(at(p, i));
      const m = v128.or(isMax ? f32x4.gt(v, best) : f32x4.lt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
      best = v128.bitselect(v, best, m);
      idx = v128.bitselect(cur, idx, m);
      cur = i32x4.add(cur, four);
    }
    lBest = f32x4.extract_lane(best, 0);
    lIdx = i32x4.extract_lane(idx, 0);
    laneMerge(f32x4.extract_lane(best, 1), i32x4.extract_lane(idx, 1), isMax);
    laneMerge(f32x4.extract_lane(best, 2), i32x4.extract_lane(idx, 2), isMax);
    laneMerge(f32x4.extract_lane(best, 3), i32x4.extract_lane(idx, 3), isMax);
    const bv = lBest, bk = lIdx;
    if (gIdx < 0 || better(bv, gBest, isMax)) {
      gBest = bv;
      gIdx = bk;
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(at(p, i));
    if (gIdx < 0 || better(v, gBest, isMax)) {
      gBest = v;
      gIdx = k0 + i;
    }
  }
}

// Writes output o's result (or its statistic) from the running state.
function finish(p: usize, o: i32, kind: i32): void {
  const fin = arg(p, REDUCE_FIN);
  const y = ptr(p, REDUCE_Y);
  if (kind == RED_KIND_ARGMAX || kind == RED_KIND_ARGMIN) {
    if (y != 0) store<f32>(at(y, o), gBest);
    const ix = ptr(p, REDUCE_IDX);
    if (ix != 0) store<i32>(at(ix, o), gIdx);
    return;
  }
  if (kind == RED_KIND_MAX) {
    if (fin == RED_FIN_STAT) store<f32>(at(ptr(p, REDUCE_STATOUT), o), gBest - gBest == 0 ? gBest : 0);
    else store<f32>(at(y, o), gBest);
    return;
  }
  const div = <f64>arg(p, REDUCE_DIV);
  if (fin == RED_FIN_STAT) {
    const so = ptr(p, REDUCE_STATOUT);
    if (kind == RED_KIND_DOT) {
      store<f64>(so + (<usize>o << 4), gAcc / div);
      store<f64>(so + (<usize>o << 4), gAcc2 / div, 8);
    } else store<f64>(so + (<usize>o << 3), gAcc / div);
    return;
  }
  let v = gAcc;
  if (fin == RED_FIN_DIV) v = gAcc / div;
  else if (fin == RED_FIN_SQRTDIV) v = Math.sqrt(gAcc / div);
  else if (fin == RED_FIN_LSE) v = Math.log(gAcc) + <f64>load<f32>(at(ptr(p, REDUCE_STATIN), o));
  store<f32>(at(y, o), <f32>v);
  if (kind == RED_KIND_DOT) store<f32>(at(ptr(p, REDUCE_Y2), o), <f32>gAcc2);
}

function start(kind: i32): void {
  gAcc = 0;
  gAcc2 = 0;
  gIdx = -1;
  gBest = kind == RED_KIND_MAX ? -Infinity : 0;
}

// Stores the running state as part `part` of output o (16 bytes: two f64, or f32 value + i32 index).
function savePart(p: usize, part: i32, o: i32, nout: i32, kind: i32): void {
  const e = ptr(p, REDUCE_PART) + ((<usize>part * <usize>nout + <usize>o) << 4);
  if (kind == RED_KIND_ARGMAX || kind == RED_KIND_ARGMIN || kind == RED_KIND_MAX) {
    store<f32>(e, gBest);
    store<i32>(e, gIdx, 4);
  } else {
    store<f64>(e, gAcc);
    store<f64>(e, gAcc2, 8);
  }
}

// BASE[i] and REL[i]; a zero table address means the affine offsets i·BSTRIDE (i·RSTRIDE).
// @ts-ignore: decorator
@inline function baseOf(p: usize, i: i32): i32 {
  const t = ptr(p, REDUCE_BASE);
  return t == 0 ? i * arg(p, REDUCE_BSTRIDE) : load<i32>(at(t, i));
}
// @ts-ignore: decorator
@inline function relOf(p: usize, i: i32): i32 {
  const t = ptr(p, REDUCE_REL);
  return t == 0 ? i * arg(p, REDUCE_RSTRIDE) : load<i32>(at(t, i));
}

// Group positions [k0, k1) of output o in INNER mode.
function innerRange(p: usize, o: i32, k0: i32, k1: i32, kind: i32): void {
  const x = ptr(p, REDUCE_X), x2 = ptr(p, REDUCE_X2), L = arg(p, REDUCE_L);
  const base = baseOf(p, o);
  const statIn = ptr(p, REDUCE_STATIN);
  let s = k0 / L, j = k0 - s * L, k = k0;
  while (k < k1) {
    const n = L - j < k1 - k ? L - j : k1 - k;
    const off = base + relOf(p, s) + j;
    const rp = at(x, off);
    if (kind == RED_KIND_SUM) gAcc += runSum(rp, n);
    else if (kind == RED_KIND_SQDEV) gAcc += runSqdev(rp, n, load<f64>(statIn + (<usize>o << 3)));
    else if (kind == RED_KIND_SUMEXP) gAcc += runExp(rp, n, load<f32>(at(statIn, o)));
    else if (kind == RED_KIND_MAX) gBest = runMax(rp, n, gBest);
    else if (kind == RED_KIND_DOT) runDot(rp, at(x2, off), n);
    else runArg(rp, n, k, kind == RED_KIND_ARGMAX);
    k += n;
    s++;
    j = 0;
  }
}

// Columns [c0, c1) of output row r over group positions [k0, k1) in OUTER mode, with per-column
// state in this slot's scratch (layout reduceCols): f64 sums and second sums, or f32 values + i32 indices.
function outerRange(p: usize, r: i32, c0: i32, c1: i32, k0: i32, k1: i32, kind: i32, slot: i32, part: i32): void {
  const x = ptr(p, REDUCE_X), x2 = ptr(p, REDUCE_X2), L = arg(p, REDUCE_L), CB = arg(p, REDUCE_CB);
  const base = baseOf(p, r) + c0;
  const scr = ptr(p, REDUCE_SCR) + ((<usize>slot * <usize>reduceCols_end(CB)) << 2);
  const acc = scr + (<usize>reduceCols_acc(CB) << 2);
  const acc2 = scr + (<usize>reduceCols_acc2(CB) << 2);
  const w = c1 - c0;
  const o0 = r * L + c0;
  const statIn = ptr(p, REDUCE_STATIN);
  const isArg = kind == RED_KIND_ARGMAX || kind == RED_KIND_ARGMIN;
  const isMax = kind == RED_KIND_ARGMAX;
  let k = k0;
  if (isArg) {
    // the first row is every column's current extremum; best values at acc, indices at acc2
    memory.copy(acc, at(x, base + relOf(p, k)), <usize>w << 2);
    for (let j = 0; j < w; j++) store<i32>(at(acc2, j), k);
    k++;
  } else if (kind == RED_KIND_MAX) {
    for (let j = 0; j < w; j++) store<f32>(at(acc, j), -Infinity);
  } else {
    memory.fill(acc, 0, <usize>w << 3);
    if (kind == RED_KIND_DOT) memory.fill(acc2, 0, <usize>w << 3);
  }
  for (; k < k1; k++) {
    const off = base + relOf(p, k);
    const rp = at(x, off);
    let j = 0;
    if (kind == RED_KIND_SUM) {
      for (; j + 4 <= w; j += 4) {
        const v = v128.load(at(rp, j));
        const a = acc + (<usize>j << 3);
        v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
        v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(hi2(v))), 16);
      }
      for (; j < w; j++) {
        const a = acc + (<usize>j << 3);
        store<f64>(a, load<f64>(a) + <f64>load<f32>(at(rp, j)));
      }
    } else if (kind == RED_KIND_SQDEV) {
      const mp = statIn + (<usize>o0 << 3);
      for (; j + 2 <= w; j += 2) {
        const a = acc + (<usize>j << 3);
        const d = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(at(rp, j))), v128.load(mp + (<usize>j << 3)));
        v128.store(a, f64x2.add(v128.load(a), f64x2.mul(d, d)));
      }
      for (; j < w; j++) {
        const a = acc + (<usize>j << 3);
        const d = <f64>load<f32>(at(rp, j)) - load<f64>(mp + (<usize>j << 3));
        store<f64>(a, load<f64>(a) + d * d);
      }
    } else if (kind == RED_KIND_SUMEXP) {
      const mp = at(statIn, o0);
      for (; j + 4 <= w; j += 4) {
        const e = exp4(f32x4.sub(v128.load(at(rp, j)), v128.load(at(mp, j))));
        const a = acc + (<usize>j << 3);
        v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(e)));
        v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(hi2(e))), 16);
      }
      for (; j < w; j++) {
        const a = acc + (<usize>j << 3);
        store<f64>(a, load<f64>(a) + <f64>exp1(load<f32>(at(rp, j)) - load<f32>(at(mp, j))));
      }
    } else if (kind == RED_KIND_MAX) {
      for (; j + 4 <= w; j += 4) v128.store(at(acc, j), f32x4.pmax(v128.load(at(acc, j)), v128.load(at(rp, j))));
      for (; j < w; j++) {
        const v = load<f32>(at(rp, j));
        if (v > load<f32>(at(acc, j))) store<f32>(at(acc, j), v);
      }
    } else if (kind == RED_KIND_DOT) {
      const qp = at(x2, off);
      for (; j + 2 <= w; j += 2) {
        const v = f64x2.promote_low_f32x4(v128.load64_zero(at(rp, j)));
        const u = f64x2.promote_low_f32x4(v128.load64_zero(at(qp, j)));
        const a = acc + (<usize>j << 3), b = acc2 + (<usize>j << 3);
        v128.store(a, f64x2.add(v128.load(a), f64x2.mul(v, u)));
        v128.store(b, f64x2.add(v128.load(b), v));
      }
      for (; j < w; j++) {
        const v = <f64>load<f32>(at(rp, j));
        const a = acc + (<usize>j << 3), b = acc2 + (<usize>j << 3);
        store<f64>(a, load<f64>(a) + v * <f64>load<f32>(at(qp, j)));
        store<f64>(b, load<f64>(b) + v);
      }
    } else {
      const kv = i32x4.splat(k);
      for (; j + 4 <= w; j += 4) {
        const v = v128.load(at(rp, j)), best = v128.load(at(acc, j));
        const m = v128.or(isMax ? f32x4.gt(v, best) : f32x4.lt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
        v128.store(at(acc, j), v128.bitselect(v, best, m));
        v128.store(at(acc2, j), v128.bitselect(kv, v128.load(at(acc2, j)), m));
      }
      for (; j < w; j++) {
        const v = load<f32>(at(rp, j));
        if (better(v, load<f32>(at(acc, j)), isMax)) {
          store<f32>(at(acc, j), v);
          store<i32>(at(acc2, j), k);
        }
      }
    }
  }
  const parts = arg(p, REDUCE_PARTS);
  const nout = arg(p, REDUCE_NOUT) * L;
  for (let j = 0; j < w; j++) {
    if (isArg || kind == RED_KIND_MAX) {
      gBest = load<f32>(at(acc, j));
      gIdx = load<i32>(at(acc2, j));
    } else {
      gAcc = load<f64>(acc + (<usize>j << 3));
      gAcc2 = kind == RED_KIND_DOT ? load<f64>(acc2 + (<usize>j << 3)) : 0;
    }
    if (parts == 1) finish(p, o0 + j, kind);
    else savePart(p, part, o0 + j, nout, kind);
  }
}

// The k range of part `part` of a group of G positions.
// @ts-ignore: decorator
@inline function partStart(part: i32, parts: i32, G: i32): i32 {
  return <i32>((<i64>part * <i64>G) / <i64>parts);
}

// args: the `reduce` block. INNER units: (chunk of PER outputs) × PARTS; OUTER units: (row, chunk
// of CB columns) × PARTS.
export function reduceUnit(p: usize, unit: i32, slot: i32): void {
  const kind = arg(p, REDUCE_KIND), parts = arg(p, REDUCE_PARTS), L = arg(p, REDUCE_L), nseg = arg(p, REDUCE_NSEG);
  const part = unit % parts, rest = unit / parts;
  if (arg(p, REDUCE_MODE) == 0) {
    const nout = arg(p, REDUCE_NOUT), per = arg(p, REDUCE_PER), G = nseg * L;
    const o0 = rest * per, o1 = o0 + per < nout ? o0 + per : nout;
    const k0 = partStart(part, parts, G), k1 = partStart(part + 1, parts, G);
    for (let o = o0; o < o1; o++) {
      start(kind);
      innerRange(p, o, k0, k1, kind);
      if (parts == 1) finish(p, o, kind);
      else savePart(p, part, o, nout, kind);
    }
  } else {
    const nch = arg(p, REDUCE_NCH), CB = arg(p, REDUCE_CB);
    const r = rest / nch, ch = rest - r * nch;
    const c0 = ch * CB, c1 = c0 + CB < L ? c0 + CB : L;
    outerRange(p, r, c0, c1, partStart(part, parts, nseg), partStart(part + 1, parts, nseg), kind, slot, part);
  }
}

// args: the `reduce` block; units of PER outputs: combines the PARTS partials of each output in order.
export function reduceFinishUnit(p: usize, unit: i32): void {
  const kind = arg(p, REDUCE_KIND), parts = arg(p, REDUCE_PARTS), per = arg(p, REDUCE_PER);
  const nout = arg(p, REDUCE_MODE) == 0 ? arg(p, REDUCE_NOUT) : arg(p, REDUCE_NOUT) * arg(p, REDUCE_L);
  const pp = ptr(p, REDUCE_PART);
  const isArg = kind == RED_KIND_ARGMAX || kind == RED_KIND_ARGMIN;
  const o0 = unit * per, o1 = o0 + per < nout ? o0 + per : nout;
  for (let o = o0; o < o1; o++) {
    start(kind);
    for (let q = 0; q < parts; q++) {
      const e = pp + ((<usize>q * <usize>nout + <usize>o) << 4);
      if (isArg) {
        const v = load<f32>(e), k = load<i32>(e, 4);
        if (k >= 0 && (gIdx < 0 || better(v, gBest, kind == RED_KIND_ARGMAX))) {
          gBest = v;
          gIdx = k;
        }
      } else if (kind == RED_KIND_MAX) {
        const v = load<f32>(e);
        if (v > gBest) gBest = v;
      } else {
        gAcc += load<f64>(e);
        gAcc2 += load<f64>(e, 8);
      }
    }
    finish(p, o, kind);
  }
}
