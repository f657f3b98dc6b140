/**
 * Element-wise maps on the WebAssembly module (the `eltMap` job, assembly/eltwise.ts): one ELT_OP
 * over up to three operand blocks into a contiguous output block, in units of output elements over
 * the thread pool. Broadcast operands are walked with the strides of the output's coalesced shape
 * (dimensions of size 1 dropped, neighbours that every operand reads as one linear run merged, as
 * the reference kernels do); a map whose operands all have the output's layout is one flat run.
 * Results do not depend on the split into units (see assembly/eltwise.ts), so they are the same
 * for any thread count.
 */
import type { Shape } from '../../shape.js';
import { coalesce } from '../reference/elementwise_walk.js';
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB, runtime } from './runtime.js';
import { ELT_MAP } from './abi.js';
import { Scratch } from './scratch.js';

/** Dimensions the job walks after coalescing (the block's per-operand stride arrays). */
export const MAX_DIMS = ELT_MAP.S1 - ELT_MAP.S0;
/** Elements a map may have: byte offsets must fit the module's 32-bit addresses. */
export const MAX_ELEMENTS = 2 ** 29;
/** Elements per unit at most (units are also sized so every thread gets several). */
const UNIT = 1 << 16;

/**
 * The parameters an op reads (assembly/eltwise_ops.ts): d0/d1 as float64; p0/p1 as float32
 * (default: d0/d1 rounded); i0/i1 as int32 (bit patterns of float32 values for `fill`).
 */
export interface MapParams {
  d0?: number;
  d1?: number;
  p0?: number;
  p1?: number;
  i0?: number;
  i1?: number;
}

/** What a map costs per element relative to an add, for the serial/threaded decision. */
export type Cost = 1 | 2 | 4 | 8 | 16;

/** How the operands are walked: null for one flat run, else the coalesced shape and strides. */
export type Walk = { shape: number[]; strides: number[][] } | null;

/**
 * The walk of operands with `strides` (element strides over `outShape`, 0 = broadcast), or
 * undefined when it has more dimensions than the job walks (the reference kernel runs then).
 */
export function walkOf(outShape: Shape, strides: readonly (readonly number[])[]): Walk | undefined {
  const { shape, strides: s } = coalesce(outShape, strides);
  if (shape.length === 1 && s.every((st) => st[0] === 1)) return null;
  return shape.length <= MAX_DIMS ? { shape, strides: s } : undefined;
}

let lastInfo: object | null = null;
let lastWalk: Walk | undefined;

/** `walkOf`, computed once per plan (the dispatcher asks supports() and then runs the kernel). */
export function cachedWalk(info: object, outShape: Shape, strides: readonly (readonly number[])[]): Walk | undefined {
  if (info !== lastInfo) {
    lastWalk = walkOf(outShape, strides);
    lastInfo = info;
  }
  return lastWalk;
}

/** Views of the module's memory, made again when it grows. */
let views: { buf: ArrayBuffer | SharedArrayBuffer; i32: Int32Array; f32: Float32Array; f64: Float64Array } | null = null;

function memoryViews(): NonNullable<typeof views> {
  const buf = runtime().memory.buffer;
  if (views?.buf !== buf) views = { buf, i32: new Int32Array(buf), f32: new Float32Array(buf), f64: new Float64Array(buf) };
  return views;
}

/**
 * Runs `op` into `out` (n elements) over `ins` walked by `walk`. Returns false when scratch memory
 * could not be had (the dispatcher then runs the reference kernel).
 */
export function runMap(op: number, name: string, out: Block, ins: readonly Block[], n: number, walk: Walk, params: MapParams = {}, cost: Cost = 1): boolean | void {
  if (n === 0) return;
  const L = new Scratch();
  const pa = L.reserve(ELT_MAP.SIZE);
  if (!L.commit()) return false;
  try {
    const base = L.at(pa);
    const { i32, f32, f64 } = memoryViews();
    const b = base >> 2;
    // the F area (byte offset 0): d0, d1 (float64), p0 ×4, p1 ×4 (float32), i0 ×4, i1 ×4 (int32)
    const F = b + ELT_MAP.F;
    const { d0 = 0, d1 = 0 } = params;
    f64[F >> 1] = d0;
    f64[(F >> 1) + 1] = d1;
    f32.fill(params.p0 ?? d0, F + 4, F + 8);
    f32.fill(params.p1 ?? d1, F + 8, F + 12);
    i32.fill(params.i0 ?? 0, F + 12, F + 16);
    i32.fill(params.i1 ?? 0, F + 16, F + 20);
    i32[b + ELT_MAP.OP] = op;
    i32[b + ELT_MAP.N] = n;
    i32[b + ELT_MAP.Y] = out.ptr;
    for (let k = 0; k < 3; k++) i32[b + ELT_MAP.X + k] = ins[k]?.ptr ?? 0;
    i32[b + ELT_MAP.NDIM] = walk ? walk.shape.length : 0;
    if (walk) {
      const nd = walk.shape.length;
      for (let i = 0; i < nd; i++) i32[b + ELT_MAP.SHAPE + i] = walk.shape[i]!;
      const at = [ELT_MAP.S0, ELT_MAP.S1, ELT_MAP.S2];
      for (let k = 0; k < walk.strides.length; k++) for (let i = 0; i < nd; i++) i32[b + at[k]! + i] = walk.strides[k]![i]!;
    }
    const slots = slotCount(n * cost * 8);
    // one unit when serial; else units of at most UNIT elements, at least 4 per thread, whole cache lines
    const per = slots === 1 ? n : Math.max(16, Math.ceil(Math.min(UNIT, Math.ceil(n / (4 * slots))) / 16) * 16);
    i32[b + ELT_MAP.PER] = per;
    parallel(JOB.eltMap, base, Math.ceil(n / per), name, slots);
  } finally {
    L.release();
  }
}

/** A flat map over blocks that all have the output's layout. */
export function runFlat(op: number, name: string, out: Block, ins: readonly Block[], params: MapParams = {}, cost: Cost = 1): boolean | void {
  return runMap(op, name, out, ins, out.n, null, params, cost);
}

/** Whether `n` elements and these dtypes (each one of `allowed`) fit the module's kernels. */
export function fits(n: number, dtypes: readonly string[], allowed: readonly string[]): boolean {
  return n < MAX_ELEMENTS && dtypes.every((d) => allowed.includes(d));
}
