/**
 * The host side of assembly/reduce.ts: how a reduction over any dimensions is laid out, and one
 * call's passes over the thread pool.
 *
 * Layout: size-1 dimensions are dropped and neighbouring dimensions of the same kind (kept or
 * reduced) merged, e.g. [N, C, H, W] over [0, 2, 3] becomes [N | C | H·W] (reduced, kept, reduced).
 * If the last run is reduced (INNER), each output's group is segments of L consecutive elements;
 * if it is kept (OUTER), L consecutive outputs are reduced together, SIMD across them. The offsets of
 * outputs and of group segments are i·stride when one run of their kind precedes the last run, and
 * otherwise tables from the reference's reducePlan over the merged shape without its last run.
 *
 * Parts: a group is split into PARTS ranges only when there are few outputs and the tensor is
 * large (a full reduction, a bias gradient of a wide layer); the count depends on the shape alone,
 * never on the thread count, so results are bit-identical for any number of threads.
 */
import type { Block } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { REDUCE, reduceColsScratch } from './abi.js';
import { Scratch } from './scratch.js';
import { reducePlan } from '../reference/reduce_plan.js';

export interface RedLayout {
  /** 0: INNER (last run reduced), 1: OUTER (last run kept). */
  readonly mode: 0 | 1;
  readonly L: number;
  /** INNER: segments per group; OUTER: rows per group. */
  readonly nseg: number;
  /** INNER: outputs; OUTER: rows of L outputs. */
  readonly nout: number;
  /** Offsets of outputs (rows) and of group segments (rows): tables, or null for i·stride. */
  readonly base: Int32Array | null;
  readonly bstride: number;
  readonly rel: Int32Array | null;
  readonly rstride: number;
  /** Elements per group and outputs in all. */
  readonly G: number;
  readonly outputs: number;
  readonly parts: number;
}

/** Sizes the module indexes with i32 arithmetic (elements < 2^29, so byte offsets fit in 31 bits). */
export const MAX_ELEMS = 2 ** 29;

/** Units to aim for on `slots` threads: a few per thread, so uneven units still balance (1: serial). */
export function targetUnits(slots: number): number {
  return slots > 1 ? 8 * slots : 1;
}

/** Items per unit when `n` items are split into about `targetUnits(slots)` units (of `outer` each). */
export function perUnit(n: number, slots: number, outer = 1): number {
  return Math.max(1, Math.ceil(n / Math.ceil(targetUnits(slots) / Math.max(1, outer))));
}

function partsFor(outputs: number, G: number, numel: number): number {
  if (outputs >= 64 || numel < 2 ** 18) return 1;
  return Math.max(1, Math.min(64, Math.ceil(64 / outputs), Math.floor(G / 4096)));
}

/** The layout of reducing `shape` over `dims` (sorted); null when the input or a group is empty. */
export function reduceLayout(shape: readonly number[], dims: readonly number[]): RedLayout | null {
  const sizes: number[] = [];
  const red: boolean[] = [];
  let numel = 1;
  shape.forEach((n, d) => {
    numel *= n;
    if (n === 1) return;
    const r = dims.includes(d);
    if (red.length > 0 && red[red.length - 1] === r) sizes[sizes.length - 1]! *= n;
    else {
      sizes.push(n);
      red.push(r);
    }
  });
  if (numel === 0) return null;
  const last = sizes.length - 1;
  // nothing reduced: one kept run (or a 0-d/all-ones tensor), each output its own group of one
  if (last < 0 || !red.includes(true)) {
    return { mode: 1, L: numel, nseg: 1, nout: 1, base: null, bstride: 0, rel: null, rstride: 0, G: 1, outputs: numel, parts: 1 };
  }
  const L = sizes[last]!;
  const head = sizes.slice(0, last);
  const kept: number[] = [];
  const headRed: number[] = [];
  head.forEach((_, i) => (red[i] ? headRed : kept).push(i));
  // element strides of the runs before the last
  const stride = head.map((_, i) => L * head.slice(i + 1).reduce((p, n) => p * n, 1));
  const nout = kept.reduce((p, i) => p * head[i]!, 1);
  const nseg = headRed.reduce((p, i) => p * head[i]!, 1);
  // one run (or none) of a kind: its offsets are i·stride; more: tables (the reference's plan)
  let base: Int32Array | null = null;
  let rel: Int32Array | null = null;
  if (kept.length > 1 || headRed.length > 1) {
    const plan = reducePlan(head, headRed);
    if (kept.length > 1) base = plan.base.map((v) => v * L);
    if (headRed.length > 1) rel = plan.rel.map((v) => v * L);
  }
  const bstride = kept.length === 1 ? stride[kept[0]!]! : 0;
  const rstride = headRed.length === 1 ? stride[headRed[0]!]! : 0;
  const inner = red[last]!;
  const G = inner ? nseg * L : nseg;
  const outputs = inner ? nout : nout * L;
  return { mode: inner ? 0 : 1, L, nseg, nout, base, bstride, rel, rstride, G, outputs, parts: partsFor(outputs, G, numel) };
}

export interface RedPass {
  kind: number;
  fin: number;
  /** Byte addresses (0: none). */
  y?: number;
  y2?: number;
  idx?: number;
  statIn?: number;
  statOut?: number;
  div?: number;
}

/**
 * One reduction call: its scratch (parameter block, tables, partials, column accumulators and
 * `statBytes` of statistics kept between passes) and its passes. `begin` returns false when the
 * heap cannot provide the scratch (the kernel then declines and the reference runs).
 */
export class Reduction {
  private readonly S = new Scratch();
  private readonly pa: number;
  private readonly baseOff: number;
  private readonly relOff: number;
  private readonly partOff: number;
  private readonly scrOff: number;
  private readonly statOff: number;
  private readonly slots: number;
  private readonly cb: number;
  private readonly nch: number;
  private readonly per: number;

  constructor(
    readonly lay: RedLayout,
    private readonly op: string,
    statBytes = 0,
  ) {
    const S = this.S;
    this.slots = slotCount(lay.G * lay.outputs);
    const target = targetUnits(this.slots);
    const P = lay.parts;
    if (lay.mode === 1) {
      const want = Math.max(1, Math.ceil(target / (lay.nout * P)));
      this.cb = lay.L < 4 ? lay.L : Math.min(1024, Math.max(4, Math.ceil(lay.L / want / 4) * 4));
      this.nch = Math.ceil(lay.L / this.cb);
      this.per = Math.max(1, Math.ceil(lay.outputs / target));
    } else {
      this.cb = 0;
      this.nch = 0;
      this.per = Math.max(1, Math.ceil(lay.outputs / Math.ceil(target / P)));
    }
    this.pa = S.reserve(REDUCE.SIZE);
    this.baseOff = S.reserve(lay.base?.length ?? 0);
    this.relOff = S.reserve(lay.rel?.length ?? 0);
    this.partOff = S.reserve(P > 1 ? P * lay.outputs * 4 : 0);
    this.scrOff = S.reserve(lay.mode === 1 ? this.slots * reduceColsScratch({ CB: this.cb }) : 0);
    this.statOff = S.reserve(statBytes / 4);
  }

  begin(): boolean {
    if (!this.S.commit()) return false;
    const { base, rel } = this.lay;
    if (base) this.S.i32(this.baseOff, base.length).set(base);
    if (rel) this.S.i32(this.relOff, rel.length).set(rel);
    return true;
  }

  /** Address of byte `off` of the statistics area. */
  stat(off = 0): number {
    return this.S.at(this.statOff) + off;
  }

  /** Runs one pass over input x (and x2 for DOT). */
  run(x: Block, pass: RedPass, x2: Block | null = null): void {
    const l = this.lay;
    const v = this.S.i32(this.pa, REDUCE.SIZE);
    v.fill(0);
    v[REDUCE.X] = x.ptr;
    v[REDUCE.X2] = x2 ? x2.ptr : 0;
    v[REDUCE.Y] = pass.y ?? 0;
    v[REDUCE.Y2] = pass.y2 ?? 0;
    v[REDUCE.IDX] = pass.idx ?? 0;
    v[REDUCE.MODE] = l.mode;
    v[REDUCE.KIND] = pass.kind;
    v[REDUCE.FIN] = pass.fin;
    v[REDUCE.L] = l.L;
    v[REDUCE.NSEG] = l.nseg;
    v[REDUCE.NOUT] = l.nout;
    v[REDUCE.BASE] = l.base ? this.S.at(this.baseOff) : 0;
    v[REDUCE.REL] = l.rel ? this.S.at(this.relOff) : 0;
    v[REDUCE.BSTRIDE] = l.bstride;
    v[REDUCE.RSTRIDE] = l.rstride;
    v[REDUCE.PARTS] = l.parts;
    v[REDUCE.PER] = this.per;
    v[REDUCE.CB] = this.cb;
    v[REDUCE.NCH] = this.nch;
    v[REDUCE.STATIN] = pass.statIn ?? 0;
    v[REDUCE.STATOUT] = pass.statOut ?? 0;
    v[REDUCE.PART] = this.S.at(this.partOff);
    v[REDUCE.DIV] = pass.div ?? 1;
    v[REDUCE.SCR] = this.S.at(this.scrOff);
    const units = l.mode === 0 ? Math.ceil(l.nout / this.per) * l.parts : l.nout * this.nch * l.parts;
    parallel(JOB.reduce, this.S.at(this.pa), units, this.op, this.slots);
    if (l.parts > 1) {
      v[REDUCE.PER] = Math.max(1, Math.ceil(l.outputs / 64));
      parallel(JOB.reduceFinish, this.S.at(this.pa), Math.ceil(l.outputs / v[REDUCE.PER]!), this.op, this.slots);
      v[REDUCE.PER] = this.per;
    }
  }

  end(): void {
    this.S.release();
  }
}
