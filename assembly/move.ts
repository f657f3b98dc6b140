// Movement kernels for 4-byte elements (float32 and int32 alike):
//   gather: out[o] = x[OFF + Σ_d map_d[o_d]] over the host's coalesced output dimensions, or FILL
//     where an entry is negative (constant padding, the zeros of a slice's gradient). The rows
//     (every dimension but the last) are split into units of PER; the last dimension is a copy,
//     a constant stride, a splat, a padded copy or a table (see lastRow). LAST 3 is a transpose:
//     the last two dimensions read x[A0 + a + b·STRIDE], in 4×4 register tiles; its "rows" are
//     then (leading index, chunk of MID values of a).
//   fold: y[o, i, q] = Σ_{j ∈ list(i)} x[o, j, q] over one dimension (the gradient of reflect /
//     replicate / circular padding, one padded dimension at a time); units of (o, chunk of i).
//   copySegs: a table of (src, dst, bytes) copies (cat, split, clone), units of PER entries.
import {
  GATHER_X, GATHER_Y, GATHER_OFF, GATHER_RANK, GATHER_SHAPE, GATHER_MAPS, GATHER_MOFF, GATHER_LAST, GATHER_STRIDE, GATHER_FILL, GATHER_ROWS,
  GATHER_PER, GATHER_A0, GATHER_PRE, GATHER_MID, GATHER_SCR, gatherRows_idx, gatherRows_end,
  FOLD_X, FOLD_Y, FOLD_OUTER, FOLD_NIN, FOLD_NOUT, FOLD_INNER, FOLD_START, FOLD_LIST, FOLD_PER,
  COPY_SEGS_TABLE, COPY_SEGS_N, COPY_SEGS_PER,
} from './abi';
import { arg, ptr, at } from './args';


// The last dimension of one output row: n elements at y from x + base (bad: all FILL).
//   LAST 0 copy from A0; 1 stride STRIDE from A0; 2 the table at map; 4 splat of x[A0];
//   5 PRE fills, MID copied from A0, then fills (a constant pad's row).
function lastRow(p: usize, x: usize, y: usize, base: i32, bad: bool, n: i32, last: i32, map: usize, fill: i32): void {
  if (bad) {
    fillRun(y, n, fill);
    return;
  }
  const a0 = base + arg(p, GATHER_A0);
  if (last == 0) {
    copyRun(y, at(x, a0), n);
  } else if (last == 4) {
    fillRun(y, n, load<i32>(at(x, a0)));
  } else if (last == 5) {
    const pre = arg(p, GATHER_PRE), mid = arg(p, GATHER_MID);
    fillRun(y, pre, fill);
    copyRun(at(y, pre), at(x, a0), mid);
    fillRun(at(y, pre + mid), n - pre - mid, fill);
  } else if (last == 1) {
    const sb = <usize>arg(p, GATHER_STRIDE) << 2;
    let s = at(x, a0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let v = v128.load32_zero(s);
      v = v128.load32_lane(s + sb, v, 1);
      v = v128.load32_lane(s + 2 * sb, v, 2);
      v = v128.load32_lane(s + 3 * sb, v, 3);
      v128.store(at(y, j), v);
      s += 4 * sb;
    }
    for (; j < n; j++) {
      store<i32>(at(y, j), load<i32>(s));
      s += sb;
    }
  } else {
    for (let j = 0; j < n; j++) {
      const m = load<i32>(at(map, j));
      store<i32>(at(y, j), m < 0 ? fill : load<i32>(at(x, base + m)));
    }
  }
}

// n 4-byte elements from x to y: short rows in registers (a memory.copy call costs more than it
// moves below a few hundred bytes), long ones with memory.copy.
function copyRun(y: usize, x: usize, n: i32): void {
  if (n > 64) {
    memory.copy(y, x, <usize>n << 2);
    return;
  }
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(y, j), v128.load(at(x, j)));
  for (; j < n; j++) store<i32>(at(y, j), load<i32>(at(x, j)));
}

function fillRun(y: usize, n: i32, v: i32): void {
  const fv = i32x4.splat(v);
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(y, j), fv);
  for (; j < n; j++) store<i32>(at(y, j), v);
}

// y[a][b] = x[a + b·st] for a in [a0, a1), b < nb (y rows of nb): 4×4 tiles transposed in
// registers, b in blocks of 64 so that the input lines a block touches stay in L1 across a.
function transposePlane(x: usize, y: usize, a0: i32, a1: i32, nb: i32, st: i32): void {
  const sb = <usize>st << 2, yb = <usize>nb << 2;
  for (let b0 = 0; b0 < nb; b0 += 64) {
    const b1 = b0 + 64 < nb ? b0 + 64 : nb;
    let a = a0;
    for (; a + 4 <= a1; a += 4) {
      let b = b0;
      for (; b + 4 <= b1; b += 4) {
        const s = at(x, a) + <usize>b * sb;
        const r0 = v128.load(s), r1 = v128.load(s + sb), r2 = v128.load(s + 2 * sb), r3 = v128.load(s + 3 * sb);
        const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
        const d = y + <usize>a * yb + (<usize>b << 2);
        v128.store(d, v128.shuffle<i64>(t0, t1, 0, 2));
        v128.store(d + yb, v128.shuffle<i64>(t0, t1, 1, 3));
        v128.store(d + 2 * yb, v128.shuffle<i64>(t2, t3, 0, 2));
        v128.store(d + 3 * yb, v128.shuffle<i64>(t2, t3, 1, 3));
      }
      for (; b < b1; b++) {
        const s = at(x, a) + <usize>b * sb;
        const d = y + <usize>a * yb + (<usize>b << 2);
        store<i32>(d, load<i32>(s));
        store<i32>(d + yb, load<i32>(s, 4));
        store<i32>(d + 2 * yb, load<i32>(s, 8));
        store<i32>(d + 3 * yb, load<i32>(s, 12));
      }
    }
    for (; a < a1; a++) {
      const d = y + <usize>a * yb;
      for (let b = b0; b < b1; b++) store<i32>(at(d, b), load<i32>(at(x, a) + <usize>b * sb));
    }
  }
}

// A transpose unit: rows are (plane over the leading dimensions, chunk of ACH values of a).
function transposeRows(p: usize, x: usize, y: usize, r0: i32, r1: i32, lead: i32, rank: i32): void {
  const shape = ptr(p, GATHER_SHAPE), maps = ptr(p, GATHER_MAPS), moff = ptr(p, GATHER_MOFF);
  const na = load<i32>(at(shape, rank - 2)), nb = load<i32>(at(shape, rank - 1)), ach = arg(p, GATHER_MID);
  const nch = (na + ach - 1) / ach;
  for (let r = r0; r < r1; r++) {
    const pl = r / nch, c = r - pl * nch;
    let base = arg(p, GATHER_OFF) + arg(p, GATHER_A0), rem = pl;
    for (let d = lead - 1; d >= 0; d--) {
      const sz = load<i32>(at(shape, d));
      const q = rem / sz;
      base += load<i32>(at(maps, load<i32>(at(moff, d)) + rem - q * sz));
      rem = q;
    }
    const a0 = c * ach, a1 = a0 + ach < na ? a0 + ach : na;
    transposePlane(at(x, base), y + ((<usize>pl * <usize>na * <usize>nb) << 2), a0, a1, nb, arg(p, GATHER_STRIDE));
  }
}

// args: the `gather` block. Dimensions before LEAD index rows through their maps (MAPS, dimension
// d's from MOFF[d]); a unit walks its rows with a multi-index in its slot's scratch (gatherRows).
export function gatherUnit(p: usize, unit: i32, slot: i32): void {
  const x = ptr(p, GATHER_X), y = ptr(p, GATHER_Y), off = arg(p, GATHER_OFF), rank = arg(p, GATHER_RANK);
  const shape = ptr(p, GATHER_SHAPE), maps = ptr(p, GATHER_MAPS), moff = ptr(p, GATHER_MOFF), last = arg(p, GATHER_LAST), fill = arg(p, GATHER_FILL);
  const rows = arg(p, GATHER_ROWS), per = arg(p, GATHER_PER);
  const idx = ptr(p, GATHER_SCR) + ((<usize>slot * <usize>gatherRows_end(rank)) << 2) + (<usize>gatherRows_idx(rank) << 2);
  const lead = last == 3 ? rank - 2 : rank - 1;
  const r0 = unit * per, r1 = r0 + per < rows ? r0 + per : rows;
  if (last == 3) {
    transposeRows(p, x, y, r0, r1, lead, rank);
    return;
  }
  let rowLen = 1;
  for (let d = lead; d < rank; d++) rowLen *= load<i32>(at(shape, d));
  const lastMap = at(maps, load<i32>(at(moff, rank - 1)));
  const n = load<i32>(at(shape, rank - 1));
  let rem = r0;
  for (let d = lead - 1; d >= 0; d--) {
    const sz = load<i32>(at(shape, d));
    const q = rem / sz;
    store<i32>(at(idx, d), rem - q * sz);
    rem = q;
  }
  for (let r = r0; r < r1; r++) {
    // offset of row r: Σ over the leading dimensions of map_d[i_d] (a negative entry: a fill row)
    let base = off;
    let bad = false;
    for (let d = 0; d < lead; d++) {
      const m = load<i32>(at(maps, load<i32>(at(moff, d)) + load<i32>(at(idx, d))));
      if (m < 0) bad = true;
      base += m;
    }
    lastRow(p, x, y + ((<usize>r * <usize>rowLen) << 2), base, bad, n, last, lastMap, fill);
    for (let d = lead - 1; d >= 0; d--) {
      const i = load<i32>(at(idx, d)) + 1;
      if (i < load<i32>(at(shape, d))) {
        store<i32>(at(idx, d), i);
        break;
      }
      store<i32>(at(idx, d), 0);
    }
  }
}

// args: the `fold` block (START: NIN + 1 offsets into LIST, the source indices j of each i)
export function foldUnit(p: usize, unit: i32): void {
  const x = ptr(p, FOLD_X), y = ptr(p, FOLD_Y), nin = arg(p, FOLD_NIN), nout = arg(p, FOLD_NOUT), inner = arg(p, FOLD_INNER);
  const start = ptr(p, FOLD_START), list = ptr(p, FOLD_LIST), per = arg(p, FOLD_PER);
  const chunks = (nin + per - 1) / per;
  const o = unit / chunks;
  const i0 = (unit - o * chunks) * per, i1 = i0 + per < nin ? i0 + per : nin;
  if (inner == 1) {
    // a fold of the last dimension: one sum per element
    const xo = at(x, o * nout), yo = at(y, o * nin);
    for (let i = i0; i < i1; i++) {
      const s1 = load<i32>(at(start, i + 1));
      let v: f32 = 0;
      for (let s = load<i32>(at(start, i)); s < s1; s++) v += load<f32>(at(xo, load<i32>(at(list, s))));
      store<f32>(at(yo, i), v);
    }
    return;
  }
  for (let i = i0; i < i1; i++) {
    const yr = y + ((<usize>o * <usize>nin + <usize>i) * <usize>inner << 2);
    const s0 = load<i32>(at(start, i)), s1 = load<i32>(at(start, i + 1));
    if (s0 == s1) {
      memory.fill(yr, 0, <usize>inner << 2);
      continue;
    }
    memory.copy(yr, x + ((<usize>o * <usize>nout + <usize>load<i32>(at(list, s0))) * <usize>inner << 2), <usize>inner << 2);
    for (let s = s0 + 1; s < s1; s++) {
      const xr = x + ((<usize>o * <usize>nout + <usize>load<i32>(at(list, s))) * <usize>inner << 2);
      let q = 0;
      for (; q + 4 <= inner; q += 4) v128.store(at(yr, q), f32x4.add(v128.load(at(yr, q)), v128.load(at(xr, q))));
      for (; q < inner; q++) store<f32>(at(yr, q), load<f32>(at(yr, q)) + load<f32>(at(xr, q)));
    }
  }
}

// args: the `copySegs` block (TABLE: N triples of i32 source address, destination address, bytes)
export function copySegsUnit(p: usize, unit: i32): void {
  const t = ptr(p, COPY_SEGS_TABLE), n = arg(p, COPY_SEGS_N), per = arg(p, COPY_SEGS_PER);
  const e0 = unit * per, e1 = e0 + per < n ? e0 + per : n;
  for (let e = e0; e < e1; e++) {
    const q = t + <usize>e * 12;
    memory.copy(<usize>load<u32>(q, 4), <usize>load<u32>(q), <usize>load<u32>(q, 8));
  }
}
