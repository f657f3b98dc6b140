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
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { numel } from '../../shape.js';
import type { ExpandInfo } from '../../ops/movement.js';
import type { CopyInfo, FlipInfo, PermuteInfo, RollInfo } from '../../ops/movement_layout.js';
import type { CatInfo, SliceInfo, SplitInfo } from '../../ops/movement_join.js';
import type { PadInfo } from '../../ops/movement_pad.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { COPY_SEGS, FOLD, GATHER } from './abi.js';
import { Scratch } from './scratch.js';
import { heapI32 } from './heap.js';
import { MAX_ELEMS } from './reduce_engine.js';
import { identityMap, stridesFor } from '../reference/movement_engine.js';
import { padMaps } from '../reference/movement_pad.js';

interface Coalesced {
  readonly shape: number[];
  readonly maps: Int32Array[];
  readonly off: number;
}

/** map[i] = map[0] + i·s for every i (no fill entries): s, else null. */
function affine(m: Int32Array): number | null {
  if (m[0]! < 0) return null;
  const s = m.length > 1 ? m[1]! - m[0]! : 0;
  for (let i = 1; i < m.length; i++) if (m[i]! < 0 || m[i] !== m[0]! + i * s) return null;
  return s;
}

/** Drops size-1 dimensions (their entry joins the offset) and merges neighbouring affine dimensions. */
function coalesce(shape: readonly number[], maps: readonly Int32Array[]): Coalesced | 'fill' {
  let off = 0;
  const s: number[] = [];
  const m: Int32Array[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) {
      if (maps[d]![0]! < 0) return 'fill';
      off += maps[d]![0]!;
      continue;
    }
    const k = s.length - 1;
    const inner = affine(maps[d]!);
    const outer = k >= 0 ? affine(m[k]!) : null;
    if (inner !== null && outer !== null && outer === inner * shape[d]!) {
      // (i, j) → i·outer + j·inner = (i·n + j)·inner: one dimension of size n_k·n_d
      const n = s[k]! * shape[d]!;
      const base = m[k]![0]! + maps[d]![0]!;
      m[k] = Int32Array.from({ length: n }, (_, i) => base + i * inner);
      s[k] = n;
      continue;
    }
    s.push(shape[d]!);
    m.push(maps[d]!);
  }
  if (s.length === 0) return { shape: [1], maps: [Int32Array.of(0)], off };
  return { shape: s, maps: m, off };
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
  const rank = c.shape.length;
  const mapLen = c.maps.reduce((p, m) => p + m.length, 0);
  const S = new Scratch();
  const pa = S.reserve(GATHER.SIZE);
  const sh = S.reserve(rank);
  const mo = S.reserve(rank);
  const mp = S.reserve(mapLen);
  if (!S.commit()) return false;
  try {
    // the last dimension: a copy, a constant stride, a table, or (with a stride-1 dimension
    // before it) a transpose of the last two
    let last = 2;
    let stride = 0;
    const sl = affine(c.maps[rank - 1]!);
    const s2 = rank >= 2 ? affine(c.maps[rank - 2]!) : null;
    if (sl === 1) last = 0;
    else if (sl !== null && s2 === 1 && c.shape[rank - 2]! >= 4 && c.shape[rank - 1]! >= 4) [last, stride] = [3, sl];
    else if (sl !== null) [last, stride] = [1, sl];
    const lead = last === 3 ? rank - 2 : rank - 1;
    let rows = 1;
    for (let d = 0; d < lead; d++) rows *= c.shape[d]!;
    S.i32(sh, rank).set(c.shape);
    const mv = S.i32(mp, mapLen);
    const moff = S.i32(mo, rank);
    let at = 0;
    c.maps.forEach((m, d) => {
      moff[d] = at;
      mv.set(m, at);
      at += m.length;
    });
    const slots = slotCount(total);
    const per = Math.max(1, Math.ceil(rows / (slots > 1 ? 8 * slots : 1)));
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
    const per = Math.max(1, Math.ceil(e / (slots > 1 ? 8 * slots : 1)));
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
      const per = Math.max(1, Math.ceil(nin / Math.ceil((slots > 1 ? 8 * slots : 1) / Math.max(1, outer))));
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
