/**
 * The conv ops on the WebAssembly SIMD module (assembly/conv.ts), split into units over the
 * thread pool:
 *   conv            units = (image, group, block of output positions); im2col into packed
 *                   panels, then the 4×8 register-blocked GEMM against the packed weights
 *   convTranspose   (the input gradient) units = (image, group, block of input channels):
 *                   col = W_gᵀ·g by GEMM, then col2im into the block's channels
 *   convWeightGrad  g is packed per (image, group) first; units = (group, block of 32 rows of W_g),
 *                   each summing its rows' products over the batch in image order
 * Stride-1 1-d/2-d convolutions skip im2col (assembly/conv.ts "without im2col"): the forward packs
 * GEMM panels straight from a padded slab of the input, the input gradient is that same forward
 * conv of g with the flipped, transposed kernel, and the weight gradient packs the slab's rows as
 * A; depthwise convs have their own kernels. Every unit writes its own part of the output, so the
 * result is the same for any thread count. `launch` lays out and runs every call.
 * float32 only; other dtypes run the reference kernels. Products accumulate in float32 (the
 * reference, in float64).
 */
import type { ConvPlan } from '../../plans.js';
import type { DType } from '../../dtype.js';
import type { DeviceKernel, KernelEntry } from '../../backend.js';
import { withGeometry } from '../../ops/conv_ops.js';
import type { Block } from './heap.js';
import { heap } from './heap.js';
import { parallel, slotCount } from './pool.js';
import { JOB } from './runtime.js';
import { CONV, convDirectScratch, convForwardScratch, convInputScratch, convWeightDirectScratch, convWeightScratch, dwWeightScratch } from './abi.js';
import { Scratch } from './scratch.js';
import { winograd, winogradApplies } from './winograd.js';
import type { WasmExports } from './runtime.js';

/** Entries of the i32 parameter block (P_* in assembly/conv.ts). */
const NPARAMS = CONV.SIZE;
const P = CONV;

const up4 = (n: number): number => (n + 3) & ~3;
const up8 = (n: number): number => (n + 7) & ~7;

/** The geometry entries of the parameter block (sizes padded to 3 spatial dimensions). */
function geometry(p: ConvPlan): number[] {
  return [p.N, p.Cin, p.Cout, p.groups, ...p.L, ...p.K, ...p.O, ...p.stride, ...p.dilation, ...p.padBefore];
}

/** Multiply-adds of the conv (the same for its two gradients). */
function macs(p: ConvPlan): number {
  return p.N * p.Cout * p.P * p.R;
}

/** Every size the module indexes with i32 arithmetic must fit (else the reference runs). */
function fitsI32(...n: number[]): boolean {
  return n.every((v) => Number.isSafeInteger(v) && v >= 0 && v < 2 ** 31);
}

/** float32 tensors whose sizes the module's i32 arithmetic can index; anything else runs the reference kernel. */
function supports(p: ConvPlan, dtypes: readonly DType[]): boolean {
  return dtypes.every((d) => d === 'float32') && fitsI32(p.N * p.Cin * p.Lsz, p.N * p.Cout * p.P, p.Cout * p.R);
}

/** Units wanted per thread, so uneven units still balance. */
const UNITS_PER_THREAD = 4;

type Slot = (typeof P)['X' | 'W' | 'B' | 'Y' | 'APACK' | 'GPACK' | 'CHUNK' | 'NCHUNK' | 'FLAGS' | 'QROWS'];

/** One call of the module: what goes where in the parameter block and the arena. */
interface Launch {
  /** Input blocks, each at the pointer in its slot (undefined: pointer 0, e.g. no bias). */
  inputs: [Slot, Block | undefined][];
  /** The output block. */
  output: [Slot, Block];
  /** Work regions (packed operands) and their sizes in floats. */
  regions?: [Slot, number][];
  /** Scratch floats per thread slot. */
  scratch: number;
  slots: number;
  /** Other parameter entries (CHUNK, NCHUNK, FLAGS, QROWS). */
  fields?: [Slot, number][];
  /** Units of the largest job (must fit the module's i32 indexing). */
  units: number;
  /**
   * The packed weights (APACK), cached with the weight block until it is written (`kind` names the
   * packing and everything its layout depends on); `pack` fills them from the parameter block.
   */
  apack?: { src: Block; kind: string; floats: number; pack(m: WasmExports, pp: number): void };
  /** Runs the packing and the jobs; `pp` is the parameter block. */
  run(w: WasmExports, pp: number): void;
}

/**
 * Lays out a call's scratch (parameter block, regions, per-thread scratch), points the parameter
 * block at the input and output blocks, and runs it. False when the sizes do not fit wasm32 or the
 * scratch cannot be had: the dispatcher then runs the reference kernel.
 */
function launch(p: ConvPlan, c: Launch): boolean {
  const regions = c.regions ?? [];
  if (!fitsI32(...regions.map(([, n]) => n), c.apack?.floats ?? 0, c.scratch * c.slots, c.units)) return false;
  const S = new Scratch();
  const pp = S.reserve(NPARAMS);
  const nt = 2 * (p.K[1]! + p.K[2]!);
  const taps = S.reserve(nt);
  const rel = new Map<Slot, number>();
  for (const [slot, n] of regions) rel.set(slot, S.reserve(n));
  const scr = S.reserve(c.scratch * c.slots);
  if (!S.commit()) return false;
  try {
    const prm = S.i32(pp, NPARAMS);
    prm.fill(0);
    prm.set(geometry(p));
    for (const [slot, b] of c.inputs) prm[slot] = b ? b.ptr : 0;
    prm[c.output[0]] = c.output[1].ptr;
    for (const [slot, off] of rel) prm[slot] = S.at(off);
    prm[P.SCR] = S.at(scr);
    prm[P.SCRSTRIDE] = c.scratch * 4;
    // the plan's tap ranges of the h and w axes, which the depthwise kernels read
    S.i32(taps, nt).set([...p.taps.lo[1]!, ...p.taps.hi[1]!, ...p.taps.lo[2]!, ...p.taps.hi[2]!]);
    prm[P.TAPS] = S.at(taps);
    for (const [slot, v] of c.fields ?? []) prm[slot] = v;
    const a = c.apack;
    if (a) {
      // the cache may grow memory, which detaches views of an unshared memory: fresh views after it
      const packed = heap.derived(a.src, a.kind, a.floats, (dst) => {
        S.i32(pp, NPARAMS)[P.APACK] = dst.ptr;
        a.pack(S.w, S.at(pp));
      });
      if (!packed) return false;
      S.i32(pp, NPARAMS)[P.APACK] = packed.ptr;
    }
    c.run(S.w, S.at(pp));
  } finally {
    S.release();
  }
  return true;
}

const conv: DeviceKernel<ConvPlan, Block> = (p, outs, ins) => {
  const [x, w, b] = ins as [Block, Block, Block | undefined];
  const out = outs[0]!;
  if (out.n === 0) return;
  const slots = slotCount(macs(p));
  if (winogradApplies(p)) return winograd(p, x, w, b, out, slots, false);
  if (p.direct) return directForward(p, x, w, b, out, slots, 'conv', false);
  // positions per unit: the unit's packed im2col (R × chunk floats) stays near 128 KiB
  let chunk = Math.max(8, Math.floor(32768 / Math.max(p.R, 1)) & ~7);
  const ng = p.N * p.groups;
  const perImage = Math.ceil((UNITS_PER_THREAD * slots) / ng);
  if (perImage > 1) chunk = Math.min(chunk, Math.max(8, up8(Math.ceil(p.P / perImage))));
  chunk = Math.min(chunk, up8(p.P));
  const nchunk = Math.ceil(p.P / chunk);
  return launch(p, {
    inputs: [[P.X, x], [P.W, w], [P.B, b]],
    output: [P.Y, out],
    apack: { src: w, kind: `fwd ${p.groups} ${p.cog} ${p.R}`, floats: p.groups * up4(p.cog) * p.R, pack: (m, pp) => m.convPackForward(pp) },
    scratch: convForwardScratch({ R: p.R, cog: p.cog, npad: chunk }),
    slots,
    fields: [[P.CHUNK, chunk], [P.NCHUNK, nchunk]],
    units: ng * nchunk,
    run(_m, pp) {
      parallel(JOB.convForward, pp, ng * nchunk, 'conv', slots);
    },
  });
};

/**
 * The stride-1 forward conv without im2col. With `flipped`, `p` describes the equivalent forward
 * conv of an input gradient and w is the original kernel (packed flipped and transposed).
 */
function directForward(p: ConvPlan, x: Block, w: Block, b: Block | undefined, out: Block, slots: number, op: string, flipped: boolean): boolean {
  if (p.cig === 1 && p.cog === 1) return depthwise(p, x, w, b, out, slots, op, flipped ? 1 : 0);
  const OH = p.O[1]!;
  const WV = p.O[2]! + (p.K[2]! - 1) * p.dilation[2]!;
  const ng = p.N * p.groups;
  // output rows per unit: about 128 virtual positions, fewer when that leaves threads idle
  let rows = Math.max(1, Math.min(OH, Math.floor(128 / WV)));
  const perImage = Math.ceil((UNITS_PER_THREAD * slots) / ng);
  if (perImage > 1) rows = Math.max(1, Math.min(rows, Math.ceil(OH / perImage)));
  const nchunk = Math.ceil(OH / rows);
  return launch(p, {
    inputs: [[P.X, x], [P.W, w], [P.B, b]],
    output: [P.Y, out],
    apack: {
      src: w,
      kind: `${flipped ? 'flipped' : 'fwd'} ${p.groups} ${p.cog} ${p.R}`,
      floats: p.groups * up4(p.cog) * p.R,
      pack: (m, pp) => (flipped ? m.convPackFlipped(pp) : m.convPackForward(pp)),
    },
    scratch: convDirectScratch({ ch: p.cig, SH: rows + (p.K[1]! - 1) * p.dilation[1]!, WV, KW: p.K[2]!, dw: p.dilation[2]!, R: p.R, cog: p.cog, vpad: up8(rows * WV) }),
    slots,
    fields: [[P.CHUNK, rows], [P.NCHUNK, nchunk]],
    units: ng * nchunk,
    run(_m, pp) {
      parallel(JOB.convDirect, pp, ng * nchunk, op, slots);
    },
  });
}

/**
 * Depthwise stride-1 conv (one input and one output channel per group; assembly/conv.ts
 * dwDirectUnit): units = blocks of (image, channel) planes. flags bit 0: read the kernel flipped.
 */
function depthwise(p: ConvPlan, x: Block, w: Block, b: Block | undefined, out: Block, slots: number, op: string, flags: number): boolean {
  const planes = p.N * p.groups;
  // (image, channel) planes per unit: a few units per thread, not one per plane
  const per = Math.ceil(planes / Math.min(planes, UNITS_PER_THREAD * slots));
  const units = Math.ceil(planes / per);
  return launch(p, {
    inputs: [[P.X, x], [P.W, w], [P.B, b]],
    output: [P.Y, out],
    scratch: 0,
    slots,
    fields: [[P.FLAGS, flags], [P.CHUNK, per]],
    units,
    run: (_m, pp) => parallel(JOB.dwDirect, pp, units, op, slots),
  });
}

/** x = convTranspose(g, w) + b: the input gradient of conv, and the transposed convolution. */
const convTranspose: DeviceKernel<ConvPlan, Block> = (p, outs, ins) => {
  const [g, w, b] = ins as [Block, Block, Block | undefined];
  const out = outs[0]!;
  if (out.n === 0) return;
  const slots = slotCount(macs(p));
  if (p.direct) {
    // the input gradient of a stride-1 conv is a stride-1 conv of g padded by d·(k-1) - pad
    const pad = p.padBefore.map((v, i) => p.dilation[i]! * (p.K[i]! - 1) - v);
    if (pad.every((v) => v >= 0)) {
      const eq = withGeometry({ ...p, Cin: p.Cout, Cout: p.Cin, L: p.O, O: p.L, padBefore: pad });
      if (winogradApplies(eq)) return winograd(eq, g, w, b, out, slots, true);
      return directForward(eq, g, w, b, out, slots, 'convTranspose', true);
    }
  }
  const ng = p.N * p.groups;
  // input channels per unit: all of the group's, unless that leaves threads idle
  const split = Math.min(p.cig, Math.ceil((UNITS_PER_THREAD * slots) / ng));
  const chunk = Math.ceil(p.cig / split);
  const nchunk = Math.ceil(p.cig / chunk);
  // output rows per col2im block: about 512 positions
  const OW = p.O[2]!;
  const qrows = Math.max(1, Math.floor(512 / OW));
  const bmax = up8(qrows * OW);
  return launch(p, {
    inputs: [[P.X, g], [P.W, w], [P.B, b]],
    output: [P.Y, out],
    apack: { src: w, kind: `input ${p.groups} ${chunk} ${nchunk} ${p.KK} ${p.cog}`, floats: p.groups * nchunk * up4(chunk * p.KK) * p.cog, pack: (m, pp) => m.convPackInput(pp) },
    scratch: convInputScratch({ cog: p.cog, mpad: up4(chunk * p.KK), bmax }),
    slots,
    fields: [[P.CHUNK, chunk], [P.NCHUNK, nchunk], [P.QROWS, qrows]],
    units: ng * nchunk,
    run(_m, pp) {
      parallel(JOB.convInput, pp, ng * nchunk, 'convTranspose', slots);
    },
  });
};

/** Rows of W_g per weight-gradient unit (a multiple of 8: whole B panels); each unit streams the packed g of every image once, so fewer, wider units read it fewer times. */
const WG_ROWS = 32;

/** dw = convWeightGrad(x, g): the weight gradient of conv, summed over the batch. */
const convWeightGrad: DeviceKernel<ConvPlan, Block> = (p, outs, ins) => {
  const [x, g] = ins as [Block, Block];
  const out = outs[0]!;
  if (out.n === 0) return;
  const slots = slotCount(macs(p));
  return p.direct ? directWeightGrad(p, x, g, out, slots) : im2colWeightGrad(p, x, g, out, slots);
};

/** The weight gradient through im2col (assembly/conv.ts convWeightUnit); dw lives in the W slot. */
function im2colWeightGrad(p: ConvPlan, x: Block, g: Block, out: Block, slots: number): boolean {
  const chunk = WG_ROWS;
  const nchunk = Math.ceil(p.R / chunk);
  return launch(p, {
    inputs: [[P.X, x], [P.Y, g]],
    output: [P.W, out],
    regions: [[P.GPACK, p.N * p.groups * up4(p.cog) * p.P]],
    scratch: convWeightScratch({ P: p.P, npad: chunk, cog: p.cog }),
    slots,
    fields: [[P.CHUNK, chunk], [P.NCHUNK, nchunk]],
    units: Math.max(p.N, nchunk) * p.groups,
    run(_m, pp) {
      parallel(JOB.convPackGrad, pp, p.N * p.groups, 'convWeightGrad', slots);
      parallel(JOB.convWeight, pp, p.groups * nchunk, 'convWeightGrad', slots);
    },
  });
}

/** The stride-1 weight gradient without im2col (assembly/conv.ts convWeightDirectUnit). */
function directWeightGrad(p: ConvPlan, x: Block, g: Block, out: Block, slots: number): boolean {
  if (p.cig === 1 && p.cog === 1) return depthwiseWeightGrad(p, x, g, out, slots);
  const OH = p.O[1]!;
  const V = OH * (p.O[2]! + (p.K[2]! - 1) * p.dilation[2]!);
  // rows of W_g per unit (a multiple of 4): enough units for every thread
  const blocks = Math.min(Math.ceil(p.R / 4), Math.max(1, Math.ceil((UNITS_PER_THREAD * slots) / p.groups)));
  const chunk = up4(Math.ceil(p.R / blocks));
  const nchunk = Math.ceil(p.R / chunk);
  const chMax = Math.min(p.cig, Math.ceil(chunk / p.KK) + 1);
  return launch(p, {
    inputs: [[P.X, x], [P.Y, g]],
    output: [P.W, out],
    regions: [[P.GPACK, p.N * p.groups * up8(p.cog) * V]],
    scratch: convWeightDirectScratch({ ch: chMax, SH: OH + (p.K[1]! - 1) * p.dilation[1]!, WV: p.O[2]! + (p.K[2]! - 1) * p.dilation[2]!, KW: p.K[2]!, dw: p.dilation[2]!, nr: chunk, cog: p.cog, V }),
    slots,
    fields: [[P.CHUNK, chunk], [P.NCHUNK, nchunk]],
    units: Math.max(p.N, nchunk) * p.groups,
    run(_m, pp) {
      parallel(JOB.convPackGradDirect, pp, p.N * p.groups, 'convWeightGrad', slots);
      parallel(JOB.convWeightDirect, pp, p.groups * nchunk, 'convWeightGrad', slots);
    },
  });
}

/** The depthwise stride-1 weight gradient: one unit per channel (assembly/conv.ts dwWeightUnit). */
function depthwiseWeightGrad(p: ConvPlan, x: Block, g: Block, out: Block, slots: number): boolean {
  return launch(p, {
    inputs: [[P.X, x], [P.Y, g]],
    output: [P.W, out],
    scratch: dwWeightScratch({ KK: p.KK }),
    slots,
    units: p.groups,
    run: (_m, pp) => parallel(JOB.dwWeight, pp, p.groups, 'convWeightGrad', slots),
  });
}

const entry = (run: DeviceKernel<ConvPlan, Block>): KernelEntry<ConvPlan, Block> => ({ run, supports });

export const wasmConvKernels = { conv: entry(conv), convTranspose: entry(convTranspose), convWeightGrad: entry(convWeightGrad) };
