/**
 * Movement ops on the WebAssembly module (assembly/move.ts), for float32 and int32 alike (they
 * move 4-byte words): permute (batched transposes in 4×4 register tiles), flip, roll, slice and its
 * backward, pad in every mode and its backward, expand, cat, split and clone.
 *
 * Most are one `gather`: the output element at (o_0, ..., o_{r-1}) reads Σ_d map_d[o_d], with the
 * same per-dimension tables as the reference kernels (movement_engine.ts), here coalesced first
 * (size-1 dimensions dropped, neighbouring affine dimensions merged), so e.g. a slice or pad copies
 * whole rows. The gradient of a non-constant pad folds one padded dimension at a time (each output
 * element of a fold sums its own short list of sources, so no two units write one element).
 */
import type { CatInfo, CopyInfo, ExpandInfo, FlipInfo, PadInfo, PermuteInfo, RollInfo, SliceInfo, SplitInfo } from '../../plans.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { numel } from '../../shape.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { COPY_SEGS, FOLD, GATHER, gatherRowsScratch } from './abi.js';
import { Scratch } from './scratch.js';
import { heapI32 } from './heap.js';
import { MAX_ELEMS, perUnit, targetUnits } from './reduce_engine.js';
import { identityMap, stridesFor } from '../reference/movement_engine.js';
import { padMaps } from '../reference/movement_pad.js';

/** One output dimension: its size and either an affine map a0 + i·s or a table (with fills). */
interface Dim {
  readonly n: number;
  readonly a0: number;
  readonly s: number;
  readonly table: Int32Array | null;
}

/** map[i] = map[0] + i·s for every i, with no fill entry: s, else null. */
function affine(m: Int32Array): number | null {
  if (m[0]! < 0) return null;
  const s = m.length > 1 ? m[1]! - m[0]! : 0;
  for (let i = 1; i < m.length; i++) if (m[i]! < 0 || m[i] !== m[0]! + i * s) return null;
  return s;
}

const table = (d: Dim): Int32Array => d.table ?? Int32Array.from({ length: d.n }, (_, i) => d.a0 + i * d.s);

/**
 * Drops size-1 dimensions (their entry joins the offset) and merges neighbouring affine dimensions
 * (no table is built for them: a merged dimension can be the whole tensor, e.g. an expanded scalar).
 */
function coalesce(shape: readonly number[], maps: readonly Int32Array[]): { dims: Dim[]; off: number } | 'fill' {
  let off = 0;
  const dims: Dim[] = [];
  for (let d = 0; d < shape.length; d++) {
    const m = maps[d]!;
    if (shape[d] === 1) {
      if (m[0]! < 0) return 'fill';
      off += m[0]!;
      continue;
    }
    const s = affine(m);
    const cur: Dim = s === null ? { n: shape[d]!, a0: 0, s: 0, table: m } : { n: shape[d]!, a0: m[0]!, s, table: null };
    const prev = dims[dims.length - 1];
    // (i, j) → a + i·s_k + j·s_d with s_k = n_d·s_d: one dimension of size n_k·n_d
    if (prev && prev.table === null && cur.table === null && prev.s === cur.s * cur.n) {
      dims[dims.length - 1] = { n: prev.n * cur.n, a0: prev.a0 + cur.a0, s: cur.s, table: null };
      continue;
    }
    dims.push(cur);
  }
  if (dims.length === 0) dims.push({ n: 1, a0: 0, s: 0, table: null });
  return { dims, off };
}

/** A table that is fills, then an increasing run of consecutive offsets, then fills: [pre, mid]. */
function paddedRun(t: Int32Array): [number, number] | null {
  let pre = 0;
  while (pre < t.length && t[pre]! < 0) pre++;
  let mid = 0;
  while (pre + mid < t.length && t[pre + mid] === t[pre]! + mid) mid++;
  for (let j = pre + mid; j < t.length; j++) if (t[j]! >= 0) return null;
  return mid > 0 ? [pre, mid] : null;
}

/** Bits of `value` stored as an element of dtype (int32 truncates, as a typed array does). */
function fillBits(value: number, dtype: DType): number {
  return dtype === 'int32' ? Int32Array.of(value)[0]! : new Int32Array(Float32Array.of(value).buffer)[0]!;
}

/** y = gather of x by `maps` over `outShape` (fill: the bits stored where an entry is negative). */
function gather(op: string, y: Block, x: Block, outShape: readonly number[], maps: readonly Int32Array[], fill = 0): boolean | void {
  const total = numel(outShape);
  if (total === 0) return;
  const c = coalesce(outShape, maps);
  if (c === 'fill') {
    heapI32(y).fill(fill);
    return;
  }
  const { dims } = c;
  const rank = dims.length;
  const lastD = dims[rank - 1]!;
  const prevD = rank >= 2 ? dims[rank - 2]! : null;
  // the last dimension: LAST codes of assembly/move.ts lastRow, or 3, a transpose of the last two
  let last = 2;
  let [stride, a0, pre, mid] = [0, 0, 0, 0];
  if (lastD.table === null) {
    a0 = lastD.a0;
    if (lastD.s === 1) last = 0;
    else if (lastD.s === 0) last = 4;
    else if (prevD && prevD.table === null && prevD.s === 1 && prevD.n >= 4 && lastD.n >= 4) [last, stride, a0] = [3, lastD.s, prevD.a0 + lastD.a0];
    else [last, stride] = [1, lastD.s];
  } else {
    const run = paddedRun(lastD.table);
    if (run) [last, pre, mid, a0] = [5, run[0], run[1], lastD.table[run[0]]!];
  }
  const lead = last === 3 ? rank - 2 : rank - 1;
  const tables = dims.map((d, i) => (i < lead || (i === rank - 1 && last === 2) ? table(d) : Int32Array.of(0)));
  const mapLen = tables.reduce((p, m) => p + m.length, 0);
  const slots = slotCount(total);
  let rows = 1;
  for (let d = 0; d < lead; d++) rows *= dims[d]!.n;
  if (last === 3) {
    // transposes split each plane into chunks of a (MID) as well
    const want = Math.max(1, Math.ceil(targetUnits(slots) / rows));
    mid = Math.max(4, Math.ceil(prevD!.n / want / 4) * 4);
    rows *= Math.ceil(prevD!.n / mid);
  }
  const S = new Scratch();
  const pa = S.reserve(GATHER.SIZE);
  const sh = S.reserve(rank);
  const mo = S.reserve(rank);
  const mp = S.reserve(mapLen);
  const scr = S.reserve(slots * gatherRowsScratch({ RANK: rank }));
  if (!S.commit()) return false;
  try {
    S.i32(sh, rank).set(dims.map((d) => d.n));
    const mv = S.i32(mp, mapLen);
    const moff = S.i32(mo, rank);
    let at = 0;
    tables.forEach((m, d) => {
      moff[d] = at;
      mv.set(m, at);
      at += m.length;
    });
    const per = perUnit(rows, slots);
    const v = S.i32(pa, GATHER.SIZE);
    v[GATHER.X] = x.ptr;
    v[GATHER.Y] = y.ptr;
    v[GATHER.OFF] = c.off;
    v[GATHER.RANK] = rank;
    v[GATHER.SHAPE] = S.at(sh);
    v[GATHER.MAPS] = S.at(mp);
    v[GATHER.MOFF] = S.at(mo);
    v[GATHER.LAST] = last;
    v[GATHER.STRIDE] = stride;
    v[GATHER.FILL] = fill;
    v[GATHER.ROWS] = rows;
    v[GATHER.PER] = per;
    v[GATHER.A0] = a0;
    v[GATHER.PRE] = pre;
    v[GATHER.MID] = mid;
    v[GATHER.SCR] = S.at(scr);
    parallel(JOB.gather, S.at(pa), Math.ceil(rows / per), op, slots);
  } finally {
    S.release();
  }
}

/** Copies of (src, dst, bytes) triples, in units over the thread pool. */
function copySegs(op: string, segs: (b: (src: number, dst: number, bytes: number) => void) => void, count: number, bytes: number): boolean | void {
  if (count === 0) return;
  const S = new Scratch();
  const pa = S.reserve(COPY_SEGS.SIZE);
  const tb = S.reserve(3 * count);
  if (!S.commit()) return false;
  try {
    const t = S.i32(tb, 3 * count);
    let e = 0;
    segs((src, dst, n) => {
      t[3 * e] = src;
      t[3 * e + 1] = dst;
      t[3 * e + 2] = n;
      e++;
    });
    const slots = slotCount(bytes / 4);
    const per = perUnit(e, slots);
    const v = S.i32(pa, COPY_SEGS.SIZE);
    [v[COPY_SEGS.TABLE], v[COPY_SEGS.N], v[COPY_SEGS.PER]] = [S.at(tb), e, per];
    parallel(JOB.copySegs, S.at(pa), Math.ceil(e / per), op, slots);
  } finally {
    S.release();
  }
}

/** Pieces of at most this many bytes, so one large copy still spreads over the threads. */
const PIECE = 1 << 18;

function pieces(src: number, dst: number, bytes: number, emit: (s: number, d: number, n: number) => void): void {
  for (let o = 0; o < bytes; o += PIECE) emit(src + o, dst + o, Math.min(PIECE, bytes - o));
}

const pieceCount = (bytes: number): number => Math.ceil(bytes / PIECE);

const permute: DeviceKernel<PermuteInfo, Block> = (info, [y], [x]) => {
  const st = stridesFor(info.inShape);
  return gather('permute', y!, x!, info.outShape, info.perm.map((p, d) => identityMap(info.outShape[d]!, st[p]!)));
};

const flip: DeviceKernel<FlipInfo, Block> = (info, [y], [x]) => {
  const st = stridesFor(info.shape);
  return gather('flip', y!, x!, info.shape, info.shape.map((n, d) => (info.dims.includes(d) ? identityMap(n, st[d]!).reverse() : identityMap(n, st[d]!))));
};

const roll: DeviceKernel<RollInfo, Block> = (info, [y], [x]) => {
  const st = stridesFor(info.shape);
  const maps = info.shape.map((n, d) => Int32Array.from({ length: n }, (_, o) => ((o - info.shifts[d]! + n) % n) * st[d]!));
  return gather('roll', y!, x!, info.shape, maps);
};

const expand: DeviceKernel<ExpandInfo, Block> = (info, [y], [x]) => gather('expand', y!, x!, info.outShape, info.outShape.map((n, d) => identityMap(n, info.inStrides[d]!)));

const slice: DeviceKernel<SliceInfo, Block> = (info, [y], [x]) => {
  const st = stridesFor(info.inShape);
  const maps = info.outShape.map((n, d) =>
    d === info.dim ? Int32Array.from({ length: n }, (_, j) => (info.start + j * info.step) * st[d]!) : identityMap(n, st[d]!),
  );
  return gather('slice', y!, x!, info.outShape, maps);
};

// the input-shaped gradient reads g where the position was selected, else 0
const sliceBackward: DeviceKernel<SliceInfo, Block> = (info, [y], [g]) => {
  const st = stridesFor(info.outShape);
  const maps = info.inShape.map((n, d) => {
    if (d !== info.dim) return identityMap(n, st[d]!);
    return Int32Array.from({ length: n }, (_, i) => {
      const r = i - info.start;
      const j = r / info.step;
      return Number.isInteger(j) && j >= 0 && j < info.length ? j * st[d]! : -1;
    });
  });
  return gather('sliceBackward', y!, g!, info.inShape, maps, 0);
};

const pad: DeviceKernel<PadInfo, Block> = (info, [y], [x]) => gather('pad', y!, x!, info.outShape, padMaps(info), fillBits(info.value, y!.dtype));

const cat: DeviceKernel<CatInfo, Block> = (info, [y], ins) => {
  const bytes = 4 * numel(info.outShape);
  const count = info.outer * info.chunks.filter((c) => c > 0).length;
  return copySegs('cat', (emit) => {
    let off = y!.ptr;
    for (let k = 0; k < info.outer; k++) {
      ins.forEach((b, i) => {
        const c = 4 * info.chunks[i]!;
        if (c === 0) return;
        emit(b.ptr + k * c, off, c);
        off += c;
      });
    }
  }, count, bytes);
};

const split: DeviceKernel<SplitInfo, Block> = (info, outs, [x]) => {
  const count = info.outer * info.chunks.filter((c) => c > 0).length;
  return copySegs('split', (emit) => {
    let off = x!.ptr;
    for (let k = 0; k < info.outer; k++) {
      outs.forEach((b, i) => {
        const c = 4 * info.chunks[i]!;
        if (c === 0) return;
        emit(off, b.ptr + k * c, c);
        off += c;
      });
    }
  }, count, 4 * numel(info.inShape));
};

const clone: DeviceKernel<CopyInfo, Block> = (info, [y], [x]) => copySegs('clone', (emit) => pieces(x!.ptr, y!.ptr, 4 * info.n, emit), pieceCount(4 * info.n), 4 * info.n);

/**
 * The gradient of pad: constant mode reads g at the kept positions (0 where cropped); the other
 * modes fold g back one padded dimension at a time: input position i of dimension d sums the
 * output positions whose padded read landed on i (several near a reflected or replicated edge).
 */
const padBackward: DeviceKernel<PadInfo, Block> = (info, [y], [g]) => {
  const st = stridesFor(info.outShape);
  if (info.mode === 'constant') {
    const maps = info.inShape.map((n, d) =>
      Int32Array.from({ length: n }, (_, i) => {
        const o = i + info.before[d]!;
        return o >= 0 && o < info.outShape[d]! ? o * st[d]! : -1;
      }),
    );
    return gather('padBackward', y!, g!, info.inShape, maps, 0);
  }
  const total = numel(info.inShape);
  if (total === 0) return;
  const pm = padMaps(info);
  const ist = stridesFor(info.inShape);
  const dims = info.inShape.map((_, d) => d).filter((d) => info.before[d] !== 0 || info.after[d] !== 0);
  if (dims.length === 0) return clone({ outShapes: [info.inShape], outDtypes: ['float32'], n: total, inDtype: 'float32' }, [y!], [g!]);
  // the shape after each fold, and each fold's source lists (CSR: start offsets, then indices)
  const shapes: number[][] = [];
  const lists: Int32Array[] = [];
  let cur = [...info.outShape];
  for (const d of dims) {
    const nin = info.inShape[d]!;
    const src = pm[d]!;
    const count = new Int32Array(nin + 1);
    for (let o = 0; o < src.length; o++) if (src[o]! >= 0) count[src[o]! / ist[d]! + 1]!++;
    for (let i = 0; i < nin; i++) count[i + 1]! += count[i]!;
    const list = new Int32Array(nin + 1 + count[nin]!);
    list.set(count);
    const fillAt = count.slice();
    for (let o = 0; o < src.length; o++) if (src[o]! >= 0) list[nin + 1 + fillAt[src[o]! / ist[d]!]!++] = o;
    lists.push(list);
    cur = cur.map((n, e) => (e === d ? nin : n));
    shapes.push(cur);
  }
  const S = new Scratch();
  const pa = S.reserve(FOLD.SIZE);
  const lo = lists.map((l) => S.reserve(l.length));
  const tmp = shapes.slice(0, -1).map((s) => S.reserve(numel(s)));
  if (!S.commit()) return false;
  try {
    const slots = slotCount(numel(info.outShape));
    let from = g!.ptr;
    let shape = info.outShape;
    dims.forEach((d, k) => {
      const to = k === dims.length - 1 ? y!.ptr : S.at(tmp[k]!);
      const l = lists[k]!;
      S.i32(lo[k]!, l.length).set(l);
      const nin = info.inShape[d]!;
      const outer = numel(shape.slice(0, d));
      const per = perUnit(nin, slots, outer);
      const v = S.i32(pa, FOLD.SIZE);
      v[FOLD.X] = from;
      v[FOLD.Y] = to;
      v[FOLD.OUTER] = outer;
      v[FOLD.NIN] = nin;
      v[FOLD.NOUT] = shape[d]!;
      v[FOLD.INNER] = numel(shape.slice(d + 1));
      v[FOLD.START] = S.at(lo[k]!);
      v[FOLD.LIST] = S.at(lo[k]!) + 4 * (nin + 1);
      v[FOLD.PER] = per;
      if (outer * v[FOLD.INNER]! > 0) parallel(JOB.fold, S.at(pa), outer * Math.ceil(nin / per), 'padBackward', slots);
      from = to;
      shape = shapes[k]!;
    });
  } finally {
    S.release();
  }
};

/** 4-byte elements (float32, int32) the module can index. */
const words = (n: number, dtypes: readonly DType[]): boolean => dtypes.every((d) => d !== 'float64') && n < MAX_ELEMS;

type Entry<I> = KernelEntry<I, Block>;

export const wasmMovementKernels: {
  permute: Entry<PermuteInfo>;
  flip: Entry<FlipInfo>;
  roll: Entry<RollInfo>;
  expand: Entry<ExpandInfo>;
  slice: Entry<SliceInfo>;
  sliceBackward: Entry<SliceInfo>;
  pad: Entry<PadInfo>;
  padBackward: Entry<PadInfo>;
  cat: Entry<CatInfo>;
  split: Entry<SplitInfo>;
  clone: Entry<CopyInfo>;
} = {
  permute: { run: permute, supports: (i, d) => words(numel(i.outShape), d) },
  flip: { run: flip, supports: (i, d) => words(numel(i.shape), d) },
  roll: { run: roll, supports: (i, d) => words(numel(i.shape), d) },
  expand: { run: expand, supports: (i, d) => words(numel(i.outShape), d) },
  slice: { run: slice, supports: (i, d) => words(numel(i.inShape), d) },
  sliceBackward: { run: sliceBackward, supports: (i, d) => words(numel(i.inShape), d) },
  pad: { run: pad, supports: (i, d) => words(numel(i.outShape) + numel(i.inShape), d) },
  // the folds add float32
  padBackward: { run: padBackward, supports: (i, d) => d[0] === 'float32' && numel(i.outShape) + numel(i.inShape) < MAX_ELEMS },
  cat: { run: cat, supports: (i, d) => words(numel(i.outShape), d) },
  split: { run: split, supports: (i, d) => words(numel(i.inShape), d) },
  clone: { run: clone, supports: (i, d) => words(i.n, d) },
};
