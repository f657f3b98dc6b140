// softmax, logSoftmax, their backward ops, and the fused softmax cross-entropy (forward per
// position, and its gradient) over fibres of a tensor seen as [OUTER, LEN, INNER]:
//   INNER = 1: each fibre is LEN consecutive floats (a row), SIMD along it; units of PER rows;
//   INNER > 1: units of (outer index, chunk of CB columns), SIMD across the columns, with each
//     column's running max / sums in the thread's scratch (layout softmaxCols).
// As in the reference: the fibre max ignores NaN (a NaN then spreads through the sum of exps),
// an all -Infinity fibre shifts by 0 (so softmax gives NaN, as PyTorch does), sums are f64, exp
// is assembly/mathf4.ts's exp4 (≤ 1 ulp, test/wasm_math.test.ts). Cross-entropy skips terms whose target weight is 0.
import {
  SOFTMAX_X, SOFTMAX_X2, SOFTMAX_X3, SOFTMAX_Y, SOFTMAX_OUTER, SOFTMAX_LEN, SOFTMAX_INNER, SOFTMAX_MODE, SOFTMAX_PER, SOFTMAX_CB,
  SOFTMAX_SCR, softmaxCols_m, softmaxCols_s, softmaxCols_t, softmaxCols_end,
  SM_MODE_SOFTMAX, SM_MODE_LOG_SOFTMAX, SM_MODE_SOFTMAX_BWD, SM_MODE_LOG_SOFTMAX_BWD, SM_MODE_CE, SM_MODE_CE_BWD,
} from './abi';
import { arg, ptr, at, at8 } from './args';
import { runExp, runMax, runProd, runSum } from './reduce';
import { exp1, exp4 } from './mathf4';


// ---- rows (INNER = 1) ----------------------------------------------------------------------

// @ts-ignore: decorator
@inline function shiftOf(x: usize, n: i32): f32 {
  const m = runMax(x, n, -Infinity);
  return m == -Infinity ? 0 : m;
}

// y = exp(x - m); returns Σ y in f64.
function expStore(x: usize, y: usize, n: i32, m: f32): f64 {
  const mv = f32x4.splat(m);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const e = exp4(f32x4.sub(v128.load(at(x, i)), mv));
    v128.store(at(y, i), e);
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(e));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 0, 1)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) {
    const e = exp1(load<f32>(at(x, i)) - m);
    store<f32>(at(y, i), e);
    s += <f64>e;
  }
  return s;
}

function rowSoftmax(x: usize, y: usize, n: i32): void {
  const m = shiftOf(x, n);
  const c = <f32>(1.0 / expStore(x, y, n, m));
  const cv = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.mul(v128.load(at(y, i)), cv));
  for (; i < n; i++) store<f32>(at(y, i), load<f32>(at(y, i)) * c);
}

// y = (x - m) - log Σ exp(x - m)
function rowLogSoftmax(x: usize, y: usize, n: i32): void {
  const m = shiftOf(x, n);
  const ls = <f32>Math.log(runExp(x, n, m));
  const mv = f32x4.splat(m), lv = f32x4.splat(ls);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(y, i), f32x4.sub(f32x4.sub(v128.load(at(x, i)), mv), lv));
  for (; i < n; i++) store<f32>(at(y, i), (load<f32>(at(x, i)) - m) - ls);
}

// o = y·(g - Σ g·y)
function rowSoftmaxBwd(yp: usize, g: usize, o: usize, n: i32): void {
  const s = <f32>runProd(g, yp, n);
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(o, i), f32x4.mul(v128.load(at(yp, i)), f32x4.sub(v128.load(at(g, i)), sv)));
  for (; i < n; i++) store<f32>(at(o, i), load<f32>(at(yp, i)) * (load<f32>(at(g, i)) - s));
}

// o = g - exp(y)·Σ g
function rowLogSoftmaxBwd(yp: usize, g: usize, o: usize, n: i32): void {
  const s = <f32>runSum(g, n);
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(o, i), f32x4.sub(v128.load(at(g, i)), f32x4.mul(exp4(v128.load(at(yp, i))), sv)));
  for (; i < n; i++) store<f32>(at(o, i), load<f32>(at(g, i)) - exp1(load<f32>(at(yp, i))) * s);
}

// Σ_c q_c·(lse - x_c) over the terms with q_c ≠ 0, in f64.
function rowCe(x: usize, q: usize, n: i32): f64 {
  const m = shiftOf(x, n);
  const lse = <f64>m + Math.log(runExp(x, n, m));
  let l: f64 = 0;
  for (let i = 0; i < n; i++) {
    const qc = load<f32>(at(q, i));
    if (qc != 0) l += <f64>qc * (lse - <f64>load<f32>(at(x, i)));
  }
  return l;
}

// o = (softmax(x)·Σq - q)·g, and 0 where that factor is 0 (an ignored position, whatever g is).
function rowCeBwd(x: usize, q: usize, g: f32, o: usize, n: i32): void {
  const m = shiftOf(x, n);
  const A = <f32>runSum(q, n);
  const rs = <f32>(1.0 / runExp(x, n, m));
  const mv = f32x4.splat(m), av = f32x4.splat(A), rv = f32x4.splat(rs), gv = f32x4.splat(g), zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const pr = f32x4.mul(exp4(f32x4.sub(v128.load(at(x, i)), mv)), rv);
    const f = f32x4.sub(f32x4.mul(pr, av), v128.load(at(q, i)));
    v128.store(at(o, i), v128.bitselect(zero, f32x4.mul(f, gv), f32x4.eq(f, zero)));
  }
  for (; i < n; i++) {
    const f = exp1(load<f32>(at(x, i)) - m) * rs * A - load<f32>(at(q, i));
    store<f32>(at(o, i), f == 0 ? 0 : f * g);
  }
}

// ---- columns (INNER > 1) ------------------------------------------------------------------

// mp[j] = the max of column j over the LEN rows (NaN ignored; -Infinity becomes 0).
function colShift(x: usize, rs: usize, size: i32, w: i32, mp: usize): void {
  for (let j = 0; j < w; j++) store<f32>(at(mp, j), -Infinity);
  for (let k = 0; k < size; k++) {
    const row = x + <usize>k * rs;
    let j = 0;
    for (; j + 4 <= w; j += 4) v128.store(at(mp, j), f32x4.pmax(v128.load(at(mp, j)), v128.load(at(row, j))));
    for (; j < w; j++) {
      const v = load<f32>(at(row, j));
      if (v > load<f32>(at(mp, j))) store<f32>(at(mp, j), v);
    }
  }
  for (let j = 0; j < w; j++) if (load<f32>(at(mp, j)) == -Infinity) store<f32>(at(mp, j), 0);
}

// sp[j] = Σ_k exp(x[k][j] - mp[j]) (f64); the exps are stored in y's rows when y ≠ 0.
function colExpSum(x: usize, y: usize, rs: usize, size: i32, w: i32, mp: usize, sp: usize): void {
  memory.fill(sp, 0, <usize>w << 3);
  for (let k = 0; k < size; k++) {
    const row = x + <usize>k * rs, out = y + <usize>k * rs;
    let j = 0;
    for (; j + 4 <= w; j += 4) {
      const e = exp4(f32x4.sub(v128.load(at(row, j)), v128.load(at(mp, j))));
      if (y != 0) v128.store(at(out, j), e);
      const a = at8(sp, j);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(e)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 0, 1))), 16);
    }
    for (; j < w; j++) {
      const e = exp1(load<f32>(at(row, j)) - load<f32>(at(mp, j)));
      if (y != 0) store<f32>(at(out, j), e);
      store<f64>(at8(sp, j), load<f64>(at8(sp, j)) + <f64>e);
    }
  }
}

// sp[j] = Σ_k a[k][j]·b[k][j] (b = 0: Σ_k a[k][j]), in f64.
function colSum(a: usize, b: usize, rs: usize, size: i32, w: i32, sp: usize): void {
  memory.fill(sp, 0, <usize>w << 3);
  for (let k = 0; k < size; k++) {
    const ra = a + <usize>k * rs, rb = b + <usize>k * rs;
    for (let j = 0; j < w; j++) {
      const v = <f64>load<f32>(at(ra, j));
      store<f64>(at8(sp, j), load<f64>(at8(sp, j)) + (b != 0 ? v * <f64>load<f32>(at(rb, j)) : v));
    }
  }
}

function colUnit(p: usize, mode: i32, pi: i32, q0: i32, w: i32, slot: i32): void {
  const size = arg(p, SOFTMAX_LEN), inner = arg(p, SOFTMAX_INNER), CB = arg(p, SOFTMAX_CB);
  const rs = <usize>inner << 2;
  const off = <usize>pi * <usize>size * <usize>inner + <usize>q0;
  const x = ptr(p, SOFTMAX_X) + (off << 2), x2 = ptr(p, SOFTMAX_X2) + (off << 2), y = ptr(p, SOFTMAX_Y);
  const scr = ptr(p, SOFTMAX_SCR) + ((<usize>slot * <usize>softmaxCols_end(CB)) << 2);
  const mp = scr + (<usize>softmaxCols_m(CB) << 2), sp = scr + (<usize>softmaxCols_s(CB) << 2), tp = scr + (<usize>softmaxCols_t(CB) << 2);
  if (mode == SM_MODE_SOFTMAX || mode == SM_MODE_LOG_SOFTMAX) {
    const yo = y + (off << 2);
    colShift(x, rs, size, w, mp);
    colExpSum(x, mode == SM_MODE_SOFTMAX ? yo : 0, rs, size, w, mp, sp);
    for (let j = 0; j < w; j++) {
      const s = load<f64>(at8(sp, j));
      // softmax: the scale 1/s; logSoftmax: log s
      store<f32>(at(tp, j), <f32>(mode == SM_MODE_SOFTMAX ? 1.0 / s : Math.log(s)));
    }
    for (let k = 0; k < size; k++) {
      const xr = x + <usize>k * rs, yr = yo + <usize>k * rs;
      let j = 0;
      if (mode == SM_MODE_SOFTMAX) {
        for (; j + 4 <= w; j += 4) v128.store(at(yr, j), f32x4.mul(v128.load(at(yr, j)), v128.load(at(tp, j))));
        for (; j < w; j++) store<f32>(at(yr, j), load<f32>(at(yr, j)) * load<f32>(at(tp, j)));
      } else {
        for (; j + 4 <= w; j += 4) v128.store(at(yr, j), f32x4.sub(f32x4.sub(v128.load(at(xr, j)), v128.load(at(mp, j))), v128.load(at(tp, j))));
        for (; j < w; j++) store<f32>(at(yr, j), (load<f32>(at(xr, j)) - load<f32>(at(mp, j))) - load<f32>(at(tp, j)));
      }
    }
  } else if (mode == SM_MODE_SOFTMAX_BWD || mode == SM_MODE_LOG_SOFTMAX_BWD) {
    // x: the forward output y; x2: the gradient g
    const soft = mode == SM_MODE_SOFTMAX_BWD;
    colSum(x2, soft ? x : 0, rs, size, w, sp);
    for (let j = 0; j < w; j++) store<f32>(at(tp, j), <f32>load<f64>(at8(sp, j)));
    const yo = y + (off << 2);
    for (let k = 0; k < size; k++) {
      const yr = x + <usize>k * rs, gr = x2 + <usize>k * rs, orow = yo + <usize>k * rs;
      let j = 0;
      for (; j + 4 <= w; j += 4) {
        const yv = v128.load(at(yr, j)), gv = v128.load(at(gr, j)), sv = v128.load(at(tp, j));
        v128.store(at(orow, j), soft ? f32x4.mul(yv, f32x4.sub(gv, sv)) : f32x4.sub(gv, f32x4.mul(exp4(yv), sv)));
      }
      for (; j < w; j++) {
        const yv = load<f32>(at(yr, j)), gv = load<f32>(at(gr, j)), sv = load<f32>(at(tp, j));
        store<f32>(at(orow, j), soft ? yv * (gv - sv) : gv - exp1(yv) * sv);
      }
    }
  } else if (mode == SM_MODE_CE) {
    // x: logits, x2: target weights Q; y: per-position loss [OUTER, INNER]
    colShift(x, rs, size, w, mp);
    colExpSum(x, 0, rs, size, w, mp, sp);
    for (let j = 0; j < w; j++) store<f64>(at8(sp, j), <f64>load<f32>(at(mp, j)) + Math.log(load<f64>(at8(sp, j))));
    memory.fill(tp, 0, <usize>w << 3);
    for (let k = 0; k < size; k++) {
      const xr = x + <usize>k * rs, qr = x2 + <usize>k * rs;
      for (let j = 0; j < w; j++) {
        const qc = load<f32>(at(qr, j));
        if (qc != 0) store<f64>(at8(tp, j), load<f64>(at8(tp, j)) + <f64>qc * (load<f64>(at8(sp, j)) - <f64>load<f32>(at(xr, j))));
      }
    }
    const yo = y + ((<usize>pi * <usize>inner + <usize>q0) << 2);
    for (let j = 0; j < w; j++) store<f32>(at(yo, j), <f32>load<f64>(at8(tp, j)));
  } else {
    // CE_BWD: x logits, x2 Q, X3 the per-position gradient g [OUTER, INNER]
    const g = ptr(p, SOFTMAX_X3) + ((<usize>pi * <usize>inner + <usize>q0) << 2);
    colShift(x, rs, size, w, mp);
    colSum(x2, 0, rs, size, w, tp);
    colExpSum(x, 0, rs, size, w, mp, sp);
    // per column: 1/s at sp (as f32), Σq at tp (as f32), both in the first 4·CB bytes of their areas
    for (let j = 0; j < w; j++) {
      store<f32>(at(sp, j), <f32>(1.0 / load<f64>(at8(sp, j))));
      store<f32>(at(tp, j), <f32>load<f64>(at8(tp, j)));
    }
    const yo = y + (off << 2), zero = f32x4.splat(0);
    for (let k = 0; k < size; k++) {
      const xr = x + <usize>k * rs, qr = x2 + <usize>k * rs, orow = yo + <usize>k * rs;
      let j = 0;
      for (; j + 4 <= w; j += 4) {
        const pr = f32x4.mul(exp4(f32x4.sub(v128.load(at(xr, j)), v128.load(at(mp, j)))), v128.load(at(sp, j)));
        const f = f32x4.sub(f32x4.mul(pr, v128.load(at(tp, j))), v128.load(at(qr, j)));
        v128.store(at(orow, j), v128.bitselect(zero, f32x4.mul(f, v128.load(at(g, j))), f32x4.eq(f, zero)));
      }
      for (; j < w; j++) {
        const f = exp1(load<f32>(at(xr, j)) - load<f32>(at(mp, j))) * load<f32>(at(sp, j)) * load<f32>(at(tp, j)) - load<f32>(at(qr, j));
        store<f32>(at(orow, j), f == 0 ? 0 : f * load<f32>(at(g, j)));
      }
    }
  }
}

// args: the `softmax` block. INNER = 1: units of PER rows; else units (outer, column chunk).
export function softmaxUnit(p: usize, unit: i32, slot: i32): void {
  const mode = arg(p, SOFTMAX_MODE), outer = arg(p, SOFTMAX_OUTER), size = arg(p, SOFTMAX_LEN), inner = arg(p, SOFTMAX_INNER);
  if (inner > 1) {
    const CB = arg(p, SOFTMAX_CB), nch = (inner + CB - 1) / CB;
    const pi = unit / nch, q0 = (unit - pi * nch) * CB;
    colUnit(p, mode, pi, q0, inner - q0 < CB ? inner - q0 : CB, slot);
    return;
  }
  const per = arg(p, SOFTMAX_PER);
  const r0 = unit * per, r1 = r0 + per < outer ? r0 + per : outer;
  const x = ptr(p, SOFTMAX_X), x2 = ptr(p, SOFTMAX_X2), y = ptr(p, SOFTMAX_Y);
  for (let r = r0; r < r1; r++) {
    const off = (<usize>r * <usize>size) << 2;
    if (mode == SM_MODE_SOFTMAX) rowSoftmax(x + off, y + off, size);
    else if (mode == SM_MODE_LOG_SOFTMAX) rowLogSoftmax(x + off, y + off, size);
    else if (mode == SM_MODE_SOFTMAX_BWD) rowSoftmaxBwd(x + off, x2 + off, y + off, size);
    else if (mode == SM_MODE_LOG_SOFTMAX_BWD) rowLogSoftmaxBwd(x + off, x2 + off, y + off, size);
    else if (mode == SM_MODE_CE) store<f32>(at(y, r), <f32>rowCe(x + off, x2 + off, size));
    else rowCeBwd(x + off, x2 + off, load<f32>(at(ptr(p, SOFTMAX_X3), r)), y + off, size);
  }
}
