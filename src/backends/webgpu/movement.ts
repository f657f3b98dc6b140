/**
 * Movement ops on WebGPU with the reference's copy engine (reference/movement_engine.ts): an op
 * whose output element (o_0, ..., o_{r-1}) reads source offset Σ_d map_d[o_d] (a negative entry:
 * the fill value) is one gather program; the per-dimension tables are built on the host exactly as
 * the reference builds them and uploaded (they are as long as the output's dimensions, not its
 * elements). Expand, permute, flip, roll, slice and its backward, and pad are of this form.
 *
 * The pad gradient sums every padded position into its source. As a gather without float
 * atomics: per dimension, the positions o with map_d[o] = i·stride_d are listed for each source
 * index i (CSR on the host), and a thread per source element adds g over the product of its
 * dimensions' lists, in output order as the reference does.
 *
 * cat and split copy each input's contiguous chunks; clone is a buffer copy; `to` converts
 * float32 ↔ int32 (float → int truncates toward zero and wraps modulo 2^32 like JavaScript's
 * ToInt32, NaN and ±Infinity giving 0).
 */
import type { CatInfo, CopyInfo, ExpandInfo, FlipInfo, PadInfo, PermuteInfo, RollInfo, SliceInfo, SplitInfo } from '../../plans.js';
import type { DType } from '../../dtype.js';
import { expandOp } from '../../ops/movement.js';
import { cloneOp, flipOp, permuteOp, rollOp, toOp } from '../../ops/movement_layout.js';
import { catOp, sliceBackwardOp, sliceOp, splitOp } from '../../ops/movement_join.js';
import { padBackwardOp, padOp } from '../../ops/movement_pad.js';
import { identityMap, stridesFor } from '../reference/movement_engine.js';
import { padMaps } from '../reference/movement_pad.js';
import { sliceMaps } from '../reference/movement_join.js';
import { gpu } from './device.js';
import type { GpuBuf } from './runtime.js';
import type { GpuEntry, GpuKernel } from './kernel.js';
import { entry, groupsFor } from './kernel.js';
import { elemOf, runMap } from './map.js';
import type { Elem, Program, Scalar } from './program.js';
import { cachedProgram, program } from './program.js';
import { WGSL_MATH } from './wgsl_math.js';

const onGpu = (_i: unknown, dtypes: readonly DType[]): boolean => dtypes.every((d) => d !== 'float64');
const cache = new Map<string, Program>();

function cached(key: string, make: () => Program): Program {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
  }
  return p;
}

function concatMaps(maps: readonly Int32Array[]): { data: Int32Array; offs: number[] } {
  const offs: number[] = [];
  let n = 0;
  for (const m of maps) {
    offs.push(n);
    n += m.length;
  }
  const data = new Int32Array(Math.max(n, 1));
  maps.forEach((m, d) => data.set(m, offs[d]!));
  return { data, offs };
}

function gatherProgram(rank: number, t: Elem): Program {
  return cached(`gather ${rank} ${t}`, () => {
    const params: (readonly [string, Scalar])[] = [['n', 'u32'], ['fill', t]];
    for (let d = 0; d < rank; d++) params.push([`s${d}`, 'u32'], [`m${d}`, 'u32']);
    const walk: string[] = [];
    for (let d = rank - 1; d >= 0; d--) {
      walk.push(`  { let e = maps[P.m${d} + rem % P.s${d}]; rem = rem / P.s${d}; if (e < 0i) { out[i] = P.fill; return; } src = src + u32(e); }`);
    }
    return program({
      name: 'gather',
      buffers: [{ name: 'out', type: t, write: true }, { name: 'x', type: t }, { name: 'maps', type: 'i32' }],
      params,
      workgroupSize: [256],
      body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
  var rem = i;
  var src = 0u;
${walk.join('\n')}
  out[i] = x[src];`,
    });
  });
}

/** out[o] = x[Σ_d maps[d][o_d]] (fill where an entry is negative) over outShape. */
export function runGather(outShape: readonly number[], maps: readonly Int32Array[], x: GpuBuf, out: GpuBuf, fill = 0): void {
  const n = outShape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const rt = gpu();
  const { data, offs } = concatMaps(maps);
  const tb = rt.upload(data);
  const values = [n, fill, ...outShape.flatMap((s, d) => [s, offs[d]!])];
  rt.dispatch(gatherProgram(outShape.length, elemOf(out.dtype)), [out.buffer, x.buffer, tb.buffer], values, groupsFor(n));
  rt.free(tb);
}

/**
 * CSR lists of the map's preimages per source index i (source size n, stride st): positions o
 * with map[o] = i·st, ascending. Returns [start (n + 1 entries), positions].
 */
function preimages(map: Int32Array, n: number, st: number): [Int32Array, Int32Array] {
  const count = new Int32Array(n + 1);
  for (const e of map) if (e >= 0) count[e / st + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const pos = new Int32Array(Math.max(count[n]!, 1));
  const fillAt = count.slice(0, n);
  for (let o = 0; o < map.length; o++) {
    const e = map[o]!;
    if (e >= 0) pos[fillAt[e / st]!++] = o;
  }
  return [count, pos];
}

function scatterSumProgram(rank: number): Program {
  return cached(`scatterSum ${rank}`, () => {
    const params: (readonly [string, Scalar])[] = [['n', 'u32']];
    for (let d = 0; d < rank; d++) params.push([`n${d}`, 'u32'], [`gs${d}`, 'u32'], [`st${d}`, 'u32'], [`ps${d}`, 'u32']);
    // the source index per dimension, then nested loops over each dimension's preimage list
    const lines = ['  var rem = i;'];
    for (let d = rank - 1; d >= 0; d--) lines.push(`  let i${d} = rem % P.n${d}; rem = rem / P.n${d};`);
    let loop = '      acc = acc + g[off' + (rank - 1) + '];';
    for (let d = rank - 1; d >= 0; d--) {
      const prev = d === 0 ? '0u' : `off${d - 1}`;
      loop = `  for (var k${d} = u32(t[P.st${d} + i${d}]); k${d} < u32(t[P.st${d} + i${d} + 1u]); k${d} = k${d} + 1u) {
    let off${d} = ${prev} + u32(t[P.ps${d} + k${d}]) * P.gs${d};
${loop}
  }`;
    }
    return program({
      name: 'padBackward',
      buffers: [{ name: 'out', type: 'f32', write: true }, { name: 'g', type: 'f32' }, { name: 't', type: 'i32' }],
      params,
      workgroupSize: [256],
      body: `
  let i = wg * 256u + li;
  if (i >= P.n) { return; }
${lines.join('\n')}
  var acc = 0.0;
${loop}
  out[i] = acc;`,
    });
  });
}

const padBackward: GpuKernel<PadInfo> = {
  supports: (_i, dtypes) => dtypes[0] === 'float32',
  run: (info, [out], [g]) => {
    const n = info.inShape.reduce((p, d) => p * d, 1);
    if (n === 0) return;
    const r = info.inShape.length;
    const st = stridesFor(info.inShape);
    const gst = stridesFor(info.outShape);
    const lists = padMaps(info).map((m, d) => preimages(m, info.inShape[d]!, st[d]!));
    const { data, offs } = concatMaps(lists.flat());
    const rt = gpu();
    const tb = rt.upload(data);
    const values = [n, ...info.inShape.flatMap((s, d) => [s, gst[d]!, offs[2 * d]!, offs[2 * d + 1]!])];
    rt.dispatch(scatterSumProgram(r), [out!.buffer, g!.buffer, tb.buffer], values, groupsFor(n));
    rt.free(tb);
  },
};

/** The slice's adjoint as a gather from g: selected positions read their g element, the rest 0. */
function sliceBackwardMaps(info: SliceInfo): Int32Array[] {
  const gst = stridesFor(info.outShape);
  return info.inShape.map((n, d) => {
    if (d !== info.dim) return identityMap(n, gst[d]!);
    const m = new Int32Array(n).fill(-1);
    for (let j = 0; j < info.length; j++) m[info.start + j * info.step] = j * gst[d]!;
    return m;
  });
}

const regionProgram = (t: Elem, toOut: boolean): Program =>
  cached(`region ${t} ${toOut}`, () =>
    program({
      name: toOut ? 'cat' : 'split',
      buffers: [{ name: 'dst', type: t, write: true }, { name: 'src', type: t }],
      params: [['n', 'u32'], ['chunk', 'u32'], ['total', 'u32'], ['off', 'u32']],
      workgroupSize: [256],
      // element e of the part is chunk row k = e / chunk, column e % chunk of the whole's row k at off
      body: `
  let e = wg * 256u + li;
  if (e >= P.n) { return; }
  let w = (e / P.chunk) * P.total + P.off + e % P.chunk;
  ${toOut ? 'dst[w] = src[e];' : 'dst[e] = src[w];'}`,
    }),
  );

function regions(info: { outer: number; chunks: readonly number[] }, parts: readonly GpuBuf[], whole: GpuBuf, toOut: boolean): void {
  const total = info.chunks.reduce((p, c) => p + c, 0);
  let off = 0;
  info.chunks.forEach((c, i) => {
    const n = c * info.outer;
    if (n > 0) {
      const [dst, src] = toOut ? [whole, parts[i]!] : [parts[i]!, whole];
      gpu().dispatch(regionProgram(elemOf(whole.dtype), toOut), [dst.buffer, src.buffer], [n, c, total, off], groupsFor(n));
    }
    off += c;
  });
}

const gathering = <I>(maps: (info: I) => { shape: readonly number[]; maps: Int32Array[]; fill?: number }): GpuKernel<I> => ({
  supports: onGpu,
  run: (info, [out], [x]) => {
    const m = maps(info);
    runGather(m.shape, m.maps, x!, out!, m.fill ?? 0);
  },
});

export const webgpuMovementKernels: GpuEntry[] = [
  entry(expandOp, gathering((i: ExpandInfo) => ({ shape: i.outShape, maps: i.outShape.map((n, d) => identityMap(n, i.inStrides[d]!)) }))),
  entry(
    permuteOp,
    gathering((i: PermuteInfo) => {
      const st = stridesFor(i.inShape);
      return { shape: i.outShape, maps: i.perm.map((p, d) => identityMap(i.outShape[d]!, st[p]!)) };
    }),
  ),
  entry(
    flipOp,
    gathering((i: FlipInfo) => {
      const st = stridesFor(i.shape);
      return { shape: i.shape, maps: i.shape.map((n, d) => (i.dims.includes(d) ? identityMap(n, st[d]!).reverse() : identityMap(n, st[d]!))) };
    }),
  ),
  entry(
    rollOp,
    gathering((i: RollInfo) => {
      const st = stridesFor(i.shape);
      return { shape: i.shape, maps: i.shape.map((n, d) => Int32Array.from({ length: n }, (_, o) => ((o - i.shifts[d]! + n) % n) * st[d]!)) };
    }),
  ),
  entry(sliceOp, gathering((i: SliceInfo) => ({ shape: i.outShape, maps: sliceMaps(i) }))),
  entry(sliceBackwardOp, gathering((i: SliceInfo) => ({ shape: i.inShape, maps: sliceBackwardMaps(i) }))),
  entry(padOp, gathering((i: PadInfo) => ({ shape: i.outShape, maps: padMaps(i), fill: i.value }))),
  entry(padBackwardOp, padBackward),
  entry(catOp, { supports: onGpu, run: (info: CatInfo, [out], ins) => regions(info, ins, out!, true) }),
  entry(splitOp, { supports: onGpu, run: (info: SplitInfo, outs, [x]) => regions(info, outs, x!, false) }),
  entry(cloneOp, { supports: onGpu, run: (info: CopyInfo, [out], [x]) => gpu().copy(x!.buffer, out!.buffer, info.n * 4) }),
  entry(toOp, {
    supports: (info: CopyInfo, dtypes) => onGpu(info, dtypes) && info.outDtypes[0] !== 'float64',
    run: (info: CopyInfo, [out], [x]) => {
      const from = elemOf(info.inDtype);
      const to = elemOf(info.outDtypes[0]!);
      if (from === to) {
        gpu().copy(x!.buffer, out!.buffer, info.n * 4);
        return;
      }
      const expr = to === 'f32' ? 'f32(a)' : 'toInt32_(a)';
      runMap({ name: 'to', ins: [from], out: to, expr, helpers: TO_INT32 }, [info.n], null, out!, [x!]);
    },
  }),
];

/** JavaScript's ToInt32 of a float32: truncate, wrap modulo 2^32; NaN and ±Infinity give 0. */
export const TO_INT32 = `${WGSL_MATH}
fn toInt32_(v: f32) -> i32 {
  if (isnan_(v) || isinf_(v)) { return 0i; }
  let t = trunc(v);
  if (abs(t) < 2147483648.0) { return i32(t); }
  // |t| >= 2^31 is a multiple of 256, so t mod 2^32 is exact in float32
  let m = t - floor(t / 4294967296.0) * 4294967296.0;
  return bitcast<i32>(u32(m));
}`;
