// Movement kernels for 4-byte elements (float32 and int32 alike):
//   gather: out[o] = x[OFF + Σ_d map_d[o_d]] over the host's coalesced output dimensions, or FILL
//     where an entry is negative (constant padding, the zeros of a slice's gradient). The rows
//     (every dimension but the last) are split into units of PER; the last dimension is a copy
//     (LAST 0: map[j] = map[0] + j), a constant stride (LAST 1: map[j] = map[0] + j·STRIDE) or a
//     table (LAST 2). LAST 3 is a transpose: the last two dimensions (sizes NA, NB) read
//     x[a + b·STRIDE], done in 4×4 register tiles; its "rows" are then the leading dimensions.
//   fold: y[o, i, q] = Σ_{j ∈ list(i)} x[o, j, q] over one dimension (the gradient of reflect /
//     replicate / circular padding, one padded dimension at a time); units of (o, chunk of i).
//   copySegs: a table of (src, dst, bytes) copies (cat, split, clone), units of PER entries.
import {
  GATHER_X, GATHER_Y, GATHER_OFF, GATHER_RANK, GATHER_SHAPE, GATHER_MAPS, GATHER_MOFF, GATHER_LAST, GATHER_STRIDE, GATHER_FILL, GATHER_ROWS,
  GATHER_PER,
  FOLD_X, FOLD_Y, FOLD_OUTER, FOLD_NIN, FOLD_NOUT, FOLD_INNER, FOLD_START, FOLD_LIST, FOLD_PER,
  COPY_SEGS_TABLE, COPY_SEGS_N, COPY_SEGS_PER,
} from './abi';

// @ts-ignore: decorator
@inline function arg(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function ptr(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

// The last dimension of one output row: n elements at y from x + base (base < 0: all FILL).
function lastRow(p: usize, x: usize, y: usize, base: i32, n: i32, last: i32, map: usize, fill: i32): void {
  if (base < 0) {
    const fv = i32x4.splat(fill);
    let j = 0;
    for (; j + 4 <= n; j += 4) v128.store(at(y, j), fv);
    for (; j < n; j++) store<i32>(at(y, j), fill);
    return;
  }
  if (last == 0) {
    memory.copy(y, at(x, base + load<i32>(map)), <usize>n << 2);
  } else if (last == 1) {
    const st = arg(p, GATHER_STRIDE);
    const src = at(x, base + load<i32>(map));
    const sb = <usize>st << 2;
    let j = 0;
    let s = src;
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

// y[a][b] = x[a + b·st] for a < na, b < nb (y rows of nb), in 4×4 tiles transposed in registers.
function transposePlane(x: usize, y: usize, na: i32, nb: i32, st: i32): void {
  const sb = <usize>st << 2, yb = <usize>nb << 2;
  let a = 0;
  for (; a + 4 <= na; a += 4) {
    let b = 0;
    for (; b + 4 <= nb; b += 4) {
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
    for (; b < nb; b++) {
      const s = at(x, a) + <usize>b * sb;
      const d = y + <usize>a * yb + (<usize>b << 2);
      store<i32>(d, load<i32>(s));
      store<i32>(d + yb, load<i32>(s, 4));
      store<i32>(d + 2 * yb, load<i32>(s, 8));
      store<i32>(d + 3 * yb, load<i32>(s, 12));
    }
  }
  for (; a < na; a++) {
    const d = y + <usize>a * yb;
    for (let b = 0; b < nb; b++) store<i32>(at(d, b), load<i32>(at(x, a) + <usize>b * sb));
  }
}

// args: the `gather` block; MAPS holds each of the RANK dimensions' maps, dimension d's from MOFF[d].
export function gatherUnit(p: usize, unit: i32): void {
  const x = ptr(p, GATHER_X), y = ptr(p, GATHER_Y), off = arg(p, GATHER_OFF), rank = arg(p, GATHER_RANK);
  const shape = ptr(p, GATHER_SHAPE), maps = ptr(p, GATHER_MAPS), last = arg(p, GATHER_LAST), fill = arg(p, GATHER_FILL);
  const rows = arg(p, GATHER_ROWS), per = arg(p, GATHER_PER);
  const moff = ptr(p, GATHER_MOFF);
  const lead = last == 3 ? rank - 2 : rank - 1;
  const r0 = unit * per, r1 = r0 + per < rows ? r0 + per : rows;
  let rowLen = 1;
  for (let d = lead; d < rank; d++) rowLen *= load<i32>(at(shape, d));
  const lastMap = at(maps, load<i32>(at(moff, rank - 1)));
  const n = load<i32>(at(shape, rank - 1));
  for (let r = r0; r < r1; r++) {
    // offset of row r: Σ over the leading dimensions of map_d[i_d] (negative: a fill row)
    let base = off, rem = r, bad = false;
    for (let d = lead - 1; d >= 0; d--) {
      const sz = load<i32>(at(shape, d));
      const q = rem / sz;
      const m = load<i32>(at(maps, load<i32>(at(moff, d)) + rem - q * sz));
      rem = q;
      if (m < 0) bad = true;
      base += m;
    }
    const yr = y + ((<usize>r * <usize>rowLen) << 2);
    if (last == 3) {
      // a plane of the last two (affine) dimensions starts at both maps' first entries
      const a0 = load<i32>(at(maps, load<i32>(at(moff, rank - 2))));
      transposePlane(at(x, base + a0 + load<i32>(lastMap)), yr, load<i32>(at(shape, rank - 2)), n, arg(p, GATHER_STRIDE));
    } else lastRow(p, x, yr, bad ? -1 : base, n, last, lastMap, fill);
  }
}

// args: the `fold` block (START: NIN + 1 offsets into LIST, the source indices j of each i)
export function foldUnit(p: usize, unit: i32): void {
  const x = ptr(p, FOLD_X), y = ptr(p, FOLD_Y), nin = arg(p, FOLD_NIN), nout = arg(p, FOLD_NOUT), inner = arg(p, FOLD_INNER);
  const start = ptr(p, FOLD_START), list = ptr(p, FOLD_LIST), per = arg(p, FOLD_PER);
  const chunks = (nin + per - 1) / per;
  const o = unit / chunks;
  const i0 = (unit - o * chunks) * per, i1 = i0 + per < nin ? i0 + per : nin;
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
